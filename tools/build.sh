#!/usr/bin/env bash
# Makes sure build/ipcsh.exe is built and current: installs what is missing
# (tools/setup.sh), configures the `wine` preset once, builds. Quiet when
# nothing changed; shows the build log when the build fails.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash tools/setup.sh
if [ ! -f build/CMakeCache.txt ]; then
  echo "build: configuring (cmake --preset wine)"
  cmake --preset wine >/dev/null
fi
log=$(mktemp)
if ! cmake --build build >"$log" 2>&1; then
  cat "$log"
  rm -f "$log"
  exit 1
fi
grep -q "no work to do" "$log" || echo "build: rebuilt ipcsh.exe"
rm -f "$log"
