#!/usr/bin/env bash
# Installs what building and running ipcsh needs on Debian 12, idempotently:
# the MinGW-w64 cross compiler, Wine, CMake/Ninja, and the Lua 5.4 and fmt
# sources from Debian's source packages (unpacked under deps/, never committed).
# Prints one line per thing it had to do; prints nothing when all is in place.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps="$root/deps"
packages=(g++-mingw-w64-x86-64-posix wine wine64 cmake ninja-build dpkg-dev tmux graphviz clang libclang-rt-14-dev)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done

has_deb_src() {
  grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

need_sources=0
[ -f "$deps/lua/src/lua.h" ] && [ -f "$deps/fmt/include/fmt/format.h" ] || need_sources=1

if [ ${#missing[@]} -gt 0 ] || { [ $need_sources = 1 ] && ! has_deb_src; }; then
  if ! has_deb_src; then
    echo "setup: adding a deb-src entry (/etc/apt/sources.list.d/ipcsh-deb-src.sources) for apt-get source"
    as_root tee /etc/apt/sources.list.d/ipcsh-deb-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  echo "setup: apt-get update"
  as_root apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

fetch_source() {  # fetch_source PACKAGE DIR: unpack Debian's source of PACKAGE as deps/DIR
  local pkg=$1 dir=$2 tmp
  echo "setup: apt-get source $pkg -> deps/$dir"
  tmp=$(mktemp -d "$deps/.fetch.XXXXXX")
  (cd "$tmp" && apt-get source -qq "$pkg" >/dev/null 2>&1) || { rm -rf "$tmp"; echo "setup: apt-get source $pkg failed" >&2; exit 1; }
  rm -rf "${deps:?}/$dir"
  mv "$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)" "$deps/$dir"
  rm -rf "$tmp"
}

mkdir -p "$deps"
[ -f "$deps/lua/src/lua.h" ] || fetch_source lua5.4 lua
[ -f "$deps/fmt/include/fmt/format.h" ] || fetch_source fmtlib fmt
