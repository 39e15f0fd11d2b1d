#!/usr/bin/env bash
# record --c: each scenario here is run as a shell session with `record --c`
# and `trace on`; the exported C program is built with MinGW-w64, run under
# the same Wine, and must make the same calls with the same outcomes: API,
# result (a handle, TRUE/FALSE, a wait result), error code and bytes moved.
# {tag} in a scenario becomes a unique name part; {w} the value the handle
# $w gets (read from a first run, handle values being the same run to run).
# usage: export_c_test.sh WINE_RUN IPCSH.EXE
set -u
wine_run=$(readlink -f "$1")
exe=$(readlink -f "$2")
here=$(cd "$(dirname "$0")" && pwd)
export WINEPREFIX=${WINEPREFIX:-$(dirname "$exe")/wineprefix}
ipcsh() { "$wine_run" "$exe" "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failed=0
tag=export-$$

# Trace lines and the C program's lines, both as: API = RESULT [error N] [(N bytes)]
normalize_trace() {
  # (ipcsh's own calls - a child's channel - are shown, never exported)
  grep -avF "(ipcsh's own)" |
  sed -nE 's/^([A-Za-z]+)\(.*\) = ([A-Za-z0-9_+]+)( ERROR_[A-Z_0-9]+ \(([0-9]+)\)| WAIT_TIMEOUT \(258\))?(.*)$/\1 = \2 error:\4 \5/p' |
    sed -E 's/ = 0x[0-9a-f]+ / = handle /; s/ error: / /; s/ error:([0-9]+)/ error \1/' |
    sed -E 's/ \(([0-9]+) bytes(,[^)]*)?\).*$/ (\1 bytes)/; t; s/ \(.*$//' | sed -E 's/  +/ /g; s/ +$//'
}
normalize_c() {
  tr -d '\r' | grep -E '^[A-Za-z]+ = ' | sed -E 's/ +$//'
}

for scenario in mailslot inheritance dup named_pipe security; do
  text=$(sed "s/{tag}/$tag-$scenario/g" "$here/$scenario.txt")
  if grep -q '{w}' <<<"$text"; then
    # the value $w has in a session that starts the same way
    probe=$(printf 'record --c probe.c\n%s\necho $w.value\n' "$(sed '/{w}/,$d' <<<"$text")" | ipcsh 2>/dev/null | tail -n 1)
    text=$(sed "s/{w}/$(printf '0x%x' "$probe")/g" <<<"$text")
  fi
  printf 'record --c %s.c\ntrace on\n%s\n' "$scenario" "$text" | ipcsh >"$scenario.trace" 2>&1
  if ! x86_64-w64-mingw32-gcc -Wall -o "$scenario.exe" "$scenario.c" 2>"$scenario.build"; then
    failed=$((failed + 1)); printf 'FAIL %s: the exported C does not compile\n' "$scenario"; sed 's/^/    /' "$scenario.build" | head -20
    continue
  fi
  "$wine_run" "./$scenario.exe" >"$scenario.out" 2>&1
  normalize_trace <"$scenario.trace" >"$scenario.expected"
  normalize_c <"$scenario.out" >"$scenario.got"
  if [ -s "$scenario.expected" ] && diff -u "$scenario.expected" "$scenario.got" >"$scenario.diff"; then
    passed=$((passed + 1))
    echo "ok    $scenario: $(wc -l <"$scenario.got") calls, the same in C"
  else
    failed=$((failed + 1))
    printf 'FAIL %s: the C program did not do what the session did\n' "$scenario"
    sed 's/^/    /' "$scenario.diff" | head -40
  fi
  # the C says where each block came from
  if ! grep -q "^  /\* .*$(head -n 1 <<<"$text" | cut -c1-20)" "$scenario.c"; then
    failed=$((failed + 1)); echo "FAIL $scenario: no comment naming the shell command"
  fi
done

# Lua code is not pretended into C
printf 'record --c lua.c\nlua local e = ipc.create_event()\n' | ipcsh >/dev/null 2>&1
if grep -q 'Lua code has no C equivalent here' lua.c && grep -q 'CreateEventW' lua.c && ! grep -q '= show_handle("CreateEventW"' lua.c; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL lua: Lua code should be a comment in the C"
fi

# A flag that makes a command an agent's (spawn --agent) counts only when on:
# --agent=no is a plain spawn, exported; --agent is said to be left out
printf 'record --c agent.c\np = spawn --agent=no -- cmd /c exit 0\nk = spawn --agent\n' | ipcsh >/dev/null 2>&1
if [ "$(grep -c 'NOT EXPORTED COMMAND' agent.c)" = 1 ] && grep -q 'NOT EXPORTED COMMAND: k = spawn --agent ' agent.c; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL agent: only spawn --agent (not --agent=no) is left out"; grep -n 'NOT EXPORTED' agent.c | head -5
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
