#!/usr/bin/env bash
# The release zip (cmake --build build --target package) stands alone:
# unzipped into an empty folder outside the build tree, its ipcsh.exe runs
# shipped scripts from there, and the README, LICENSE and the licences of
# Lua and fmt are in it.
# usage: package_test.sh BUILD_DIR WINE_RUN
set -euo pipefail
build=$(readlink -f "$1")
wine_run=$(readlink -f "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >/dev/null
zip=$(ls "$work"/out/ipcsh-*-win64.zip)
mkdir "$work/unzipped"
(cd "$work/unzipped" && cmake -E tar xf "$zip")
top=$(ls -d "$work"/unzipped/ipcsh-*-win64)
fail() { echo "package: $*" >&2; exit 1; }
for f in ipcsh.exe README.md docs/wine.md docs/commands.md docs/guide.md LICENSE licenses/lua-LICENSE.txt licenses/fmt-LICENSE.rst scripts/signaled_states.lua; do
  [ -s "$top/$f" ] || fail "$f is missing from $(basename "$zip")"
done
grep -q "Lua.org, PUC-Rio" "$top/licenses/lua-LICENSE.txt" || fail "Lua's licence is not Lua's"
grep -q "Permission is hereby granted" "$top/LICENSE" || fail "LICENSE is not the MIT licence"
[ -z "$(ls "$top" | grep -v -x -e ipcsh.exe -e README.md -e docs -e LICENSE -e licenses -e scripts)" ] ||
  fail "unexpected files: $(ls "$top")"
# from the unzipped folder, with the build's prefix but nothing of the build tree
cd "$top"
export WINEPREFIX=$build/wineprefix
out=$("$wine_run" ./ipcsh.exe --version 2>&1) || fail "--version: $out"
grep -q "^ipcsh " <<<"$out" || fail "--version said: $out"
for script in signaled_states mailslot_receiver_sender; do
  out=$("$wine_run" ./ipcsh.exe "scripts/$script.lua" 2>&1) || fail "scripts/$script.lua failed: $out"
done
echo "package: $(basename "$zip") ($(stat -c %s "$zip") bytes) unzipped and ran from $top"
