#!/usr/bin/env bash
# What the rows generate stays what the rows say: docs/commands.md matches
# `ipcsh --commands-md` (tools/commands-md.sh --check, a diff when not), and
# `ipcsh --lua-defs` is a LuaLS definition file that loads as Lua, defines a
# function for every ipc.commands() row and the library's own, and carries
# the annotations expected for a few commands (check_lua_defs.lua).
# usage: docs_test.sh WINE_RUN IPCSH_EXE
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
wine_run=$(readlink -f "$1")
exe=$(readlink -f "$2")
bash "$here/../../tools/commands-md.sh" --check "$wine_run" "$exe"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$wine_run" "$exe" --lua-defs | tr -d '\r' >ipc.d.lua
head -1 ipc.d.lua | grep -qx -- '---@meta ipc' || { echo "docs: --lua-defs does not start with ---@meta ipc" >&2; exit 1; }
cp "$here/check_lua_defs.lua" .
"$wine_run" "$exe" check_lua_defs.lua ipc.d.lua
