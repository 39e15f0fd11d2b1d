#!/usr/bin/env bash
# The recording round trip, as a property over a corpus of typed sessions
# (tests/record/*.txt, tests/export/*.txt): each session is fed to ipcsh on
# stdin under `record S.lua --assert` and `record --c S.c` (with `trace on`);
#  - S.lua, run in a fresh ipcsh, must load and pass (every assertion);
#  - S.c must build with MinGW-w64 and, run under the same Wine, make the
#    same calls with the same outcomes as the trace shows (API, result,
#    error code, bytes), apart from calls S.c itself declares not exported
#    (each such call also a #pragma message at build time).
# Then the recording's own rules: a recording started from a script records
# what runs after it; record --c with --assert is refused.
# {tag} in a session becomes a unique name part; {w} the value $w gets.
# usage: roundtrip_test.sh WINE_RUN IPCSH.EXE [SESSION...]
set -u
wine_run=$(readlink -f "$1")
exe=$(readlink -f "$2")
shift 2
here=$(cd "$(dirname "$0")" && pwd)
export WINEPREFIX=${WINEPREFIX:-$(dirname "$exe")/wineprefix}
ipcsh() { "$wine_run" "$exe" "$@"; }
work=$(mktemp -d); [ -z "${KEEP:-}" ] || echo "work: $work"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
sessions=("$@")
[ ${#sessions[@]} -gt 0 ] || sessions=("$here"/*.txt "$here"/../export/*.txt)
for i in "${!sessions[@]}"; do sessions[$i]=$(readlink -f "${sessions[$i]}"); done
cd "$work"
passed=0 failed=0
tag=rt-$$

fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; [ -z "${2:-}" ] || sed 's/^/    /' "$2" | head -30; }
check() {  # check NAME ACTUAL EXPECTED-REGEX
  if [[ "$2" =~ $3 ]]; then passed=$((passed + 1))
  else failed=$((failed + 1)); printf 'FAIL %s\n  expected (regex): %s\n  got: %s\n' "$1" "$3" "$2"; fi
}

# Trace lines and the C program's lines, both as: API = RESULT [error N] [(N bytes)]
normalize_trace() {
  # (ipcsh's own calls - a child's channel - are shown, never exported)
  grep -avF "(ipcsh's own)" |
  sed -nE 's/^([A-Za-z]+)\(.*\) = ([A-Za-z0-9_+]+)( ERROR_[A-Z_0-9]+ \(([0-9]+)\)| WAIT_TIMEOUT \(258\))?(.*)$/\1 = \2 error:\4 \5/p' |
    sed -E 's/ = 0x[0-9a-f]+ / = handle /; s/ error: / /; s/ error:([0-9]+)/ error \1/' |
    sed -E 's/ \(([0-9]+) bytes(,[^)]*)?\).*$/ (\1 bytes)/; t; s/ \(.*$//' | sed -E 's/  +/ /g; s/ +$//'
}
normalize_c() { tr -d '\r' | grep -E '^[A-Za-z]+ = ' | sed -E 's/ +$//'; }
# a pid differs from process to process
same_pids() { sed -E 's/^GetProcessId = [0-9]+$/GetProcessId = (a pid)/'; }

for file in "${sessions[@]}"; do
  s=$(basename "$file" .txt)
  [ -e "$s.lua" ] && s=$s-2
  text=$(grep -v '^#' "$file" | sed "s/{tag}/$tag-$s/g")
  if grep -q '{w}' <<<"$text"; then  # the value $w has in a session that starts the same way
    probe=$(printf 'record probe.lua --assert\nrecord --c probe.c\n%s\necho $w.value\n' "$(sed '/{w}/,$d' <<<"$text")" |
      ipcsh 2>/dev/null | tail -n 1 | tr -d '\r')
    text=$(sed "s/{w}/$(printf '0x%x' "$probe")/g" <<<"$text")
  fi
  printf 'trace on\nrecord %s.lua --assert\nrecord --c %s.c\n%s\nrecord off\n' "$s" "$s" "$text" | timeout -k 5 60 "$wine_run" "$exe" >"$s.trace" 2>&1
  check "$s: the session ran to its end" "$(tail -n 1 "$s.trace")" "^recorded to $s.lua and $s.c"
  # the Lua recording loads and passes in a fresh process
  if timeout -k 5 60 "$wine_run" "$exe" "$s.lua" >"$s.replay" 2>&1; then passed=$((passed + 1))
  else fail "$s: the recorded $s.lua does not replay" "$s.replay"; cat -n "$s.lua" | sed 's/^/    /' | head -80; fi
  # the C recording builds, and makes the same calls
  if ! x86_64-w64-mingw32-gcc -Wall -o "$s.exe" "$s.c" 2>"$s.build" || grep -q 'warning:' "$s.build"; then
    fail "$s: the exported C does not build cleanly" "$s.build"
    continue
  fi
  if grep -aq 'NOT EXPORTED COMMAND' "$s.c"; then
    # a command C cannot express at all (an agent's): later outcomes differ,
    # so the program is only built, and must have said so at build time
    check "$s: a command left out is named when building" "$(cat "$s.build")" "#pragma message: ipcsh record --c: \`"
    echo "done  $s: $(grep -c . "$s.lua") Lua lines; C built only (it leaves out a whole command)"
    continue
  fi
  timeout -k 5 30 "$wine_run" "./$s.exe" >"$s.out" 2>&1
  left_out=$(grep -aoE '(NOT EXPORTED: |/\* )[A-Za-z0-9]+\([^*]*(\) = |: not exported)' "$s.c" |
    sed -E 's/^(NOT EXPORTED: |\/\* )//; s/\(.*//' | sort -u | paste -sd'|')
  # (spawn() in the C makes the attribute list itself, without a line for it)
  normalize_trace <"$s.trace" | grep -vE '^(InitializeProcThreadAttributeList|UpdateProcThreadAttribute) = ' | { if [ -n "$left_out" ]; then grep -vE "^($left_out) = "; else cat; fi; } | same_pids >"$s.expected"
  normalize_c <"$s.out" | same_pids >"$s.got"
  if diff -u "$s.expected" "$s.got" >"$s.diff"; then passed=$((passed + 1))
  else fail "$s: the C program did not make the session's calls" "$s.diff"; fi
  # every call left out is said so when building
  for api in ${left_out//|/ }; do
    if grep -aq "NOT EXPORTED: $api(" "$s.c" && ! grep -q "#pragma message: ipcsh record --c: $api is not exported" "$s.build"; then
      fail "$s: $api left out without a message at build time"
    fi
  done
  echo "done  $s: $(grep -c . "$s.lua") Lua lines, $(wc -l <"$s.got") C calls (left out: ${left_out:-none})"
done

# A recording started from a script (ipc.run) records the shell lines run
# after it, at its own level; a direct ipc.* call is named in a comment.
cat >from_script.lua <<LUA
ipc.run("record inner.lua --assert")
ipc.run("e = create-event $tag-script --manual")
ipc.run("set-event \$e")
local direct <close> = ipc.create_event()
ipc.run("wait \$e --timeout 0")
ipc.run("record off")
LUA
ipcsh from_script.lua >script.out 2>&1
check "record from a script: runs" "$?:$(cat script.out)" '^0:'
check "record from a script: records what runs after it" "$(cat inner.lua)" \
  $'\nlocal e = ipc.create_event\\("'"$tag"$'-script", \\{manual = true\\}\\)\nassert\\(e.kind == "event" and e.inherit == false, tostring\\(e\\)\\)\nipc.set_event\\(e\\)\n.*-- not recorded: ipc.create_event was called from Lua.*\n_ = ipc.wait\\(e, \\{timeout = 0\\}\\)\nassert\\(_ == "signaled"'
ipcsh inner.lua >inner.out 2>&1
check "record from a script: the recording replays" "$?:$(cat inner.out)" '^0:$'

# A line of several commands whose second fails before running: the
# recording's expect_error replays only that command, not the ones before it
printf 'record several.lua\nfirst = create-event; bogus-cmd --x; third = create-event\nrecord off\n' | ipcsh >/dev/null 2>&1
check "record a failed command of a line: only its own text" "$(cat several.lua)" \
  $'\nlocal first = ipc.create_event\\(\\)\nexpect_error\\("unknown command \'bogus-cmd\'", ipc.run, "bogus-cmd --x"\\)$'

# record --c with --assert: refused, one clear line, nothing written
ipcsh -c "record --c both.c --assert" >both.out 2>both.err
check "record --c --assert refused" "$?:$(cat both.err)" \
  '^1:record: --assert: only with FILE.lua \(the C of --c prints each result instead\)$'
check "record --c --assert writes nothing" "$(ls both.c 2>&1)" 'No such file'
ipcsh -c "record off --assert" >/dev/null 2>off.err
check "record off --assert refused" "$?:$(cat off.err)" '^1:record: off: no --assert or --c with off'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
