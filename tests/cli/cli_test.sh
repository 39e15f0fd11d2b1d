#!/usr/bin/env bash
# The command-line modes, driven from outside: exit codes, stdout/stderr
# lines, stdin mode, script errors, --test output.
# usage: cli_test.sh WINE_RUN IPCSH.EXE
set -u
wine_run=$(readlink -f "$1")
exe=$(readlink -f "$2")
here=$(cd "$(dirname "$0")" && pwd)
ipcsh() { "$wine_run" "$exe" "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failed=0
tag=cli-$$

check() {  # check NAME ACTUAL EXPECTED-REGEX
  if [[ "$2" =~ $3 ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n  expected (regex): %s\n  got: %s\n' "$1" "$3" "$2"
  fi
}

out=$(ipcsh --version); check "--version" "$out" '^ipcsh [0-9]+\.[0-9]+\.[0-9]+$'
out=$(ipcsh --help); check "--help" "$out" 'ipcsh -c "CMD; CMD"'
ipcsh --bogus >/dev/null 2>&1; check "unknown option exit" "$?" '^2$'

# -c: one line per result, exact shapes
out=$(ipcsh -c "slot = create-mailslot $tag; w = open-mailslot $tag; send \$w 'hi there'; recv \$slot; mailslot-info \$slot" 2>&1)
check "-c exit" "$?" '^0$'
check "create-mailslot line" "$out" "slot = mailslot 0x[0-9a-f]+ \\\\\\\\\\.\\\\mailslot\\\\$tag \\(inherit: no\\)"
check "open-mailslot line" "$out" "w = mailslot 0x[0-9a-f]+ \\\\\\\\\\.\\\\mailslot\\\\$tag writer \\(inherit: no\\)"
check "send line" "$out" $'\nsent 8 bytes\n'
check "recv line" "$out" $'\n"hi there" \\(8 bytes\\)\n'
check "mailslot-info line" "$out" 'max_size: 0 \(any size\)  next_size: none  count: 0  timeout: forever$'

# -c stops at the first failure, exit 1, the error line on stderr
ipcsh -c "echo one; open-mailslot $tag-missing; echo three" >"$work/out" 2>"$work/err"
check "-c failure exit" "$?" '^1$'
check "-c ran the first" "$(cat "$work/out")" '^one$'
check "-c error line" "$(cat "$work/err")" '^CreateFileW: ERROR_FILE_NOT_FOUND \(2\): .+$'

# stdin that is not a console: commands, no prompt, keeps going, exit 1 if any failed
printf 'e = create-event --manual\ncreat-event\nset-event $e\nwait $e --timeout 0\nsend $e x\n"unterminated\necho done\n' |
  ipcsh >"$work/out" 2>"$work/err"
check "stdin exit" "$?" '^1$'
check "stdin no prompt" "$(cat "$work/out")" '^e = event 0x[0-9a-f]+ manual-reset \(inherit: no\)'
check "stdin went on" "$(cat "$work/out")" $'signaled: \\[1\\] \\$e event 0x[0-9a-f]+ manual-reset \\(inherit: no\\) \\(WAIT_OBJECT_0\\)\ndone$'
check "suggestion" "$(cat "$work/err")" "unknown command 'creat-event'; did you mean create-event[ ?]"
check "wrong kind" "$(cat "$work/err")" 'send: bad argument|send: H: mailslot, file, pipe or socket handle expected, got event 0x'
check "unterminated" "$(cat "$work/err")" 'syntax error: unterminated " quote'
check "one line per error" "$(wc -l <"$work/err")" '^ *3$'
printf 'exit 4\necho never\n' | ipcsh >"$work/out"
check "exit CODE" "$?" '^4$'
check "exit stops" "$(cat "$work/out")" '^$'

# stdin shared with a child: the shell takes its line and nothing past it,
# so a child that reads the same stdin gets the next line ("exit 7" ends a
# child ipcsh with 7), and a 1 MB line is read whole, a block at a time -
# from a file, a Unix pipe and a Windows pipe (PeekNamedPipe)
exe_win="Z:${exe//\//\\}"
printf 'lua local k = ipc.spawn{cmd = [[%s]]}; print("child", k:wait(20000), k:exit_code())\nexit 7\necho after\nno-such-command %s\necho "%s"\n' \
  "$exe_win" "$(head -c 1048576 /dev/zero | tr '\0' A)" "$(head -c 100 /dev/zero | tr '\0' B)" >shared.txt
lines=$'child\tsignaled\t7\nafter\nB{100}'
out=$(ipcsh <shared.txt 2>"$work/err"); check "stdin file shared with a child" "$?:$out" "^1:$lines\$"
check "stdin file: the 1 MB line is one line" "$(cat "$work/err")" "^unknown command 'no-such-command'; try \`help\`$"
out=$(cat shared.txt | ipcsh 2>"$work/err"); check "stdin Unix pipe shared with a child" "$?:$out" "^1:$lines\$"
check "stdin Unix pipe: the 1 MB line is one line" "$(cat "$work/err")" "^unknown command 'no-such-command'; try \`help\`$"
cat >piped.lua <<LUA
local r, w = ipc.pipe{inherit = "read"}
local f = assert(io.open("shared.txt", "rb"))
local kid = ipc.spawn{cmd = [[$exe_win]], stdin = r}
w:write(f:read("a")); w:close(); f:close()
assert(kid:wait(60000) == "signaled")
print("exit", kid:exit_code())
LUA
out=$(ipcsh piped.lua 2>"$work/err")
check "stdin Windows pipe shared with a child" "$?:$out" "^0:$lines"$'\nexit\t1$'
check "stdin Windows pipe: the 1 MB line is one line" "$(cat "$work/err")" "^unknown command 'no-such-command'; try \`help\`$"

# scripts: arg, exit 0; errors as SCRIPT.lua:LINE: message, exit 1
printf 'assert(arg[1] == "x" and arg[2] == "y z")\nprint("args ok")\n' >ok.lua
out=$(ipcsh ok.lua x "y z"); check "script args" "$?:$out" '^0:args ok$'
printf 'local a = 1\n\nassert(a == 2, "a is " .. a)\n' >bad.lua
ipcsh bad.lua 2>"$work/err"; check "script assert exit" "$?" '^1$'
check "script assert line" "$(cat "$work/err")" '^bad\.lua:3: a is 1$'
printf 'local function inner(x)\n  assert(x > 1, "x is " .. x)\nend\nlocal function outer() inner(1) end\nouter()\n' >deep.lua
ipcsh deep.lua 2>"$work/err"
check "script traceback" "$?:$(cat "$work/err")" $'^1:deep\\.lua:2: x is 1\n  at deep\\.lua:2 \\(in upvalue inner\\)\n  at deep\\.lua:4 \\(in local outer\\)\n  at deep\\.lua:5 \\(main chunk\\)$'
printf '\nipc.open_mailslot("%s-none")\n' "$tag" >win32.lua
ipcsh win32.lua 2>"$work/err"; check "script win32 exit" "$?" '^1$'
check "script win32 line" "$(cat "$work/err")" '^win32\.lua:2: CreateFileW: ERROR_FILE_NOT_FOUND \(2\): '
ipcsh missing.lua 2>"$work/err"; check "missing script" "$?:$(cat "$work/err")" '^1:cannot open missing\.lua'

# --test: a line per test with its time, the closing count, exit 1 on failure,
# time limit, skip, leaks (--strict), crashes by name, JUnit, -j, --filter
mkdir -p suite/sub
echo 'assert(1 + 1 == 2)' >suite/a_pass.lua
echo 'assert(false, "deliberate")' >suite/sub/b_fail.lua
echo 'ipc.sleep(60000)' >suite/c_slow.lua
echo 'not lua' >suite/readme.txt
printf 'pcall(skip, "not here")\nerror("not reached")\n' >suite/d_skip.lua
printf 'local e = ipc.create_event()\nlocal kept = ipc.create_mutex()\ne:close()\n' >suite/e_leak.lua
echo 'os.exit(0xC0000005)  -- what a crashed process exits with' >suite/f_crash.lua
printf 'expect_error("ERROR_FILE_NOT_FOUND", ipc.open_event, "%s-none")\nlocal n = 0\nassert(eventually(function() n = n + 1; return n == 3 end, 1000))\n' "$tag" >suite/g_helpers.lua
ipcsh --test --limit 3 --junit junit.xml suite >"$work/out"
check "--test exit" "$?" '^1$'
check "--test pass line" "$(cat "$work/out")" 'ok    suite/a_pass\.lua \([0-9.]+ s\)'
check "--test fail line" "$(cat "$work/out")" $'FAIL  suite/sub/b_fail\\.lua \\(exit 1, [0-9.]+ s\\)\n    suite/sub/b_fail\\.lua:1: deliberate'
check "--test time limit" "$(cat "$work/out")" 'FAIL  suite/c_slow\.lua \(timed out after 3 s'
check "--test skip" "$(cat "$work/out")" 'skip  suite/d_skip\.lua \([0-9.]+ s\): not here'
check "--test leak" "$(cat "$work/out")" $'ok    suite/e_leak\\.lua \\([0-9.]+ s\\)\n      leaked: mutex 0x[0-9a-f]+ \\(created at suite/e_leak\\.lua:2\\)\n'
check "--test crash" "$(cat "$work/out")" 'FAIL  suite/f_crash\.lua \(crashed: EXCEPTION_ACCESS_VIOLATION \(0xC0000005\), '
check "--test helpers" "$(cat "$work/out")" 'ok    suite/g_helpers\.lua'
check "--test last line" "$(tail -n 1 "$work/out")" '^3 passed, 3 failed, 1 skipped$'
check "junit counts" "$(cat junit.xml)" '<testsuite name="ipcsh" tests="7" failures="3" errors="0" skipped="1" time="[0-9.]+">'
check "junit failure" "$(cat junit.xml)" '<testcase classname="suite.sub" name="suite/sub/b_fail.lua" time="[0-9.]+">
    <failure message="suite/sub/b_fail.lua:1: deliberate" type="exit 1">'
check "junit skipped" "$(cat junit.xml)" '<skipped message="not here"/>'
check "junit leak" "$(cat junit.xml)" 'leaked: mutex 0x'
ipcsh --test --limit 3 -j 2 suite >"$work/out2"
verdicts() { grep -E '^(ok|FAIL|skip) ' "$1" | sed -E 's/ \(.*//' | sort; }
check "-j 2 same verdicts" "$(diff <(verdicts "$work/out") <(verdicts "$work/out2") && echo same)" '^same$'
ipcsh --test --strict --filter e_leak suite >"$work/out"
check "--strict --filter" "$?:$(cat "$work/out")" $'^1:FAIL  suite/e_leak\\.lua \\(leaked 1 handle, [0-9.]+ s\\)\n      leaked: mutex .*\n0 passed, 1 failed, 0 skipped$'
ipcsh --test suite/a_pass.lua >"$work/out"; check "--test one file" "$?:$(tail -n 1 "$work/out")" '^0:1 passed, 0 failed, 0 skipped$'
ipcsh --test -j 0 suite >/dev/null 2>"$work/err"; check "--test -j 0" "$?:$(cat "$work/err")" '^1:ipcsh: --test: -j: 1\.\.63 expected, got .0.$'

# --trace: each Win32 call on its own line, flags by name, before the result line
out=$(ipcsh --trace -c "s = create-mailslot $tag-tr; w = open-mailslot $tag-tr; send \$w hi; dup \$w --close-source" 2>&1)
check "--trace exit" "$?" '^0$'
check "--trace mailslot" "$out" "^CreateMailslotW\\(\"....mailslot.$tag-tr\", 0, MAILSLOT_WAIT_FOREVER, inherit=no\\) = 0x[0-9a-f]+
s = mailslot"
check "--trace open" "$out" 'CreateFileW\(".+", GENERIC_WRITE, FILE_SHARE_READ\|FILE_SHARE_WRITE, inherit=no, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL\) = 0x'
check "--trace write" "$out" $'WriteFile\\(0x[0-9a-f]+, "hi", 2\\) = TRUE \\(2 bytes\\)\nsent 2 bytes'
check "--trace dup" "$out" 'DuplicateHandle\(-1, 0x[0-9a-f]+, -1, &copy, 0, FALSE, DUPLICATE_CLOSE_SOURCE\|DUPLICATE_SAME_ACCESS\) = TRUE \(copy 0x'
out=$(ipcsh -c "trace on; trace off; create-event" 2>&1)
check "trace off" "$out" $'^trace on\ntrace off\nevent 0x[0-9a-f]+ auto-reset \\(inherit: no\\)$'

# exit: never wraps, leaves through the normal path, also from inside Lua
ipcsh -c "exit 4294967296" 2>"$work/err"; check "exit out of range" "$?:$(cat "$work/err")" '^1:exit: CODE: 4294967296 is out of range 0\.\.4294967295$'
ipcsh -c "lua pcall(ipc.exit, 7); print('not reached')" >"$work/out"; check "exit in Lua pcall" "$?:$(cat "$work/out")" '^7:$'
printf 'pcall(ipc.exit, 9)\nprint("not reached")\n' >exit.lua
ipcsh exit.lua >"$work/out"; check "exit in script" "$?:$(cat "$work/out")" '^9:$'

# the rest of a lua line is verbatim; a switch takes a word after =
out=$(ipcsh -c 'lua print("a  b", #"xyz")'); check "lua verbatim" "$out" $'^a  b\t3$'
out=$(ipcsh -c 'create-event --inherit=no; create-event --inherit=on'); check "--switch=" "$out" $'inherit: no\)\n.*inherit: yes\)$'

# data, not text: hexdump draws the bytes a view holds
out=$(ipcsh -c "m = create-mapping $tag-hex --size 4096; v = map \$m; write-mem \$v 16 'written by the child'; hexdump \$v 16 21")
check "hexdump" "$out" '00000010  77 72 69 74 74 65 6e 20  62 79 20 74 68 65 20 63  \|written by the c\|
00000020  68 69 6c 64 00 +\|hild\.\|$'

# kill of a process that has exited says so
out=$(ipcsh -c 'k = spawn --ipcsh "exit 5"; wait $k --timeout 10000; kill $k 9; exit-code $k')
check "kill exited" "$out" $'pid [0-9]+ had already exited with code 5: nothing to terminate\n5$'

# record: a session fed on stdin (with errors in it) becomes a Lua scenario
# that a fresh process replays with the same results and passing assertions
printf 'slot = create-mailslot %s-rec\nw = open-mailslot %s-rec --inherit\nsend $w "hello there"\nrecv $slot\nopen-mailslot %s-missing\ncreat-event\nsend $slot x\np = pipe --inherit=write\nwrite $p.write abc\nread $p.read\ne = create-event --manual --set\nwait $e --timeout 0\nmailslot-info $slot\nlua x = 41 + 1\n' "$tag" "$tag" "$tag" |
  ipcsh --record rec.lua --assert >"$work/out" 2>"$work/err"
check "record session exit" "$?" '^1$'
check "record header" "$(head -n 1 rec.lua)" '^-- Recorded by ipcsh [0-9.]+ on [0-9-]+ [0-9:]+ \(record rec\.lua --assert\)\.$'
check "record locals" "$(cat rec.lua)" "local slot = ipc.create_mailslot\(\"$tag-rec\"\)
assert\(slot.kind == \"mailslot\" and slot.inherit == false, tostring\(slot\)\)
local w = ipc.open_mailslot\(\"$tag-rec\", \{inherit = true\}\)"
check "record data" "$(cat rec.lua)" $'_ = ipc.recv\\(slot\\)\nassert\\(_ == "hello there", tostring\\(_\\)\\)'
check "record errors" "$(cat rec.lua)" "expect_error\\(\"ERROR_FILE_NOT_FOUND\", ipc.open_mailslot, \"$tag-missing\"\\)"
check "record unknown command" "$(cat rec.lua)" "expect_error\\(\"unknown command 'creat-event'\", ipc.run, \"creat-event\"\\)"
check "record results by name" "$(cat rec.lua)" $'local p = \\{\\}\np.read, p.write = ipc.pipe\\(\\{inherit = "write"\\}\\)\n_ = ipc.write\\(p.write, "abc"\\)'
check "record lua" "$(tail -n 1 rec.lua)" '^x = 41 \+ 1$'
ipcsh rec.lua >"$work/out" 2>"$work/err"
check "replay passes" "$?:$(cat "$work/err")" '^0:'
sed -i 's/"hello there", tostring/"something else", tostring/' rec.lua
ipcsh rec.lua >/dev/null 2>"$work/err"
check "replay assertion can fail" "$?:$(cat "$work/err")" '^1:rec\.lua:[0-9]+: hello there$'

# help answers: families, one family, a search, a suggestion; the syntax
# line lists the same escapes as README's "Shell syntax"
out=$(ipcsh -c help); check "help families" "$out" $'  mailslot   one-way message slots: a reader creates, writers open by name \\(4 commands\\)'
out=$(ipcsh -c "help pipe"); check "help family" "$out" $'^pipe: .*\n  connect +wait for a client'
out=$(ipcsh -c "help /DuplicateHandle"); check "help search" "$out" $'^1 command about \'DuplicateHandle\':\n  dup  duplicate a handle'
ipcsh -c "help mailslt" 2>"$work/err"; check "help suggests" "$(cat "$work/err")" "^help: no command or family 'mailslt'; did you mean mailslot or mailslots\\?$"
escapes=$(grep -o '`"double"` quotes take `[^`]*`' "$here/../../README.md" | sed -E 's/.*take `(.*)`/\1/')
check "README and help agree on escapes" "$(ipcsh -c help)" "takes $(sed 's/[\\$]/\\&/g' <<<"$escapes");"

# --test on a folder without tests says so
mkdir -p empty
ipcsh --test empty >"$work/out"; check "--test no tests" "$?:$(cat "$work/out")" $'^1:no tests: no \\*\\.lua file under empty\n0 passed, 0 failed, 0 skipped$'

# Children's output arrives labelled; a waited-for child's last line comes
# before what follows the wait
out=$(printf 'kid = spawn --ipcsh "echo from-the-child"\nwait $kid --timeout 20000\necho after\nplain = spawn -- cmd /c echo plain-child\nwait $plain --timeout 20000\n' | ipcsh 2>&1)
check "labelled child line" "$out" $'\n\\[kid [0-9]+\\] from-the-child\nsignaled: .*\nafter\n'
check "a plain program's line too" "$out" $'\n\\[plain [0-9]+\\] plain-child\n'
plain_pid=$(sed -nE 's/^plain = process 0x[0-9a-f]+ pid ([0-9]+) .*/\1/p' <<<"$out")
check "a plain program's line has its pid" "$out" $'\n\\[plain '"$plain_pid"$'\\] plain-child\n'
check "(its pid is no 0)" "$plain_pid" '^[1-9][0-9]*$'
# on P: the results come back as data and are laid out here, labelled; $^x is ours
out=$(printf 'a = spawn --agent
n = lua return 42
on $a p = pipe
on $a lua return $^n, 2
on $a w1 = create-event --set; w2 = create-event; wait $w2 $w1
' | ipcsh 2>&1)
check "on: two-line result, each line labelled" "$out" $'\\[a [0-9]+\\] p = read: pipe 0x[0-9a-f]+ \\(anonymous\\) read end \\(inherit: no\\)\n\\[a [0-9]+\\] write: pipe 0x'
check "on: \\$^n is the parent's" "$out" $'\\[a [0-9]+\\] 42\t2\n'
check "on: several commands, each result" "$out" $'\\[a [0-9]+\\] w2 = event 0x[0-9a-f]+ auto-reset \\(inherit: no\\)\n\\[a [0-9]+\\] signaled: \\[2\\] \\$w1 event'
# ...at this shell's width: at 60 columns every line of an agent's record is labelled and fits
out=$(printf 'a = spawn --agent\non $a e = create-event --manual\non $a info $e\n' | IPCSH_COLUMNS=60 ipcsh 2>&1)
check "on at 60 columns: every line labelled" "$(grep -vE '^(a = |\[a [0-9]+\] )' <<<"$out")" '^$'
check "on at 60 columns: every line fits" "$(awk 'length($0) > 60' <<<"$out")" '^$'
check "on at 60 columns: the record wrapped between pairs" "$out" $'\n\\[a [0-9]+\\]   [a-z_]+: '
# --pass: the child has the variable, at the same value
out=$(ipcsh -c "slot = create-mailslot $tag-pass; w = open-mailslot $tag-pass; kid = spawn --pass w --ipcsh 'send \$w via-pass'; wait \$kid --timeout 20000; recv \$slot" 2>&1)
check "spawn --pass --ipcsh" "$out" $'\\[kid [0-9]+\\] sent 8 bytes\n.*"via-pass" \\(8 bytes\\)'
# an agent's results and errors, labelled; on P exit N
out=$(printf 'a = spawn --agent\non $a e = create-event\non $a open-event no-such-%s\non $a exit 5\nexit-code $a\n' "$tag" | ipcsh 2>&1)
check "on: results labelled" "$out" $'\\[a [0-9]+\\] e = event 0x[0-9a-f]+ auto-reset \\(inherit: no\\)'
check "on: the child's error" "$out" $'\\[a [0-9]+\\] OpenEventW: ERROR_FILE_NOT_FOUND \\(2\\)'
check "on P exit N" "$out" $'\\[a [0-9]+\\] exited with code 5\n5'

# arguments reach a script as typed (ipcsh splits its command line the way
# CommandLineToArgvW does, without linking shell32)
printf 'for i, a in ipairs(arg) do io.write("[", a, "]") end print()\n' >args.lua
out=$(ipcsh args.lua 'a b' 'c"d' 'e\' 'f\"g' '' 'h\\i' 2>&1)
check "script arguments as typed" "$out" '^\[a b\]\[c"d\]\[e\\\]\[f\\"g\]\[\]\[h\\\\i\]$'

# --agent-listen: over TCP, only with the token it printed
ipcsh --agent-listen 0 >"$work/agent.out" 2>"$work/agent.err" &
agent_pid=$!
for _ in $(seq 50); do grep -q token "$work/agent.out" 2>/dev/null && break; sleep 0.2; done
check "--agent-listen prints where and a token" "$(cat "$work/agent.out")" '^ipcsh agent pid [0-9]+ listening on 127\.0\.0\.1:[0-9]+ token [0-9a-f]{32}$'
port=$(sed -nE 's/.*:([0-9]+) token.*/\1/p' "$work/agent.out"); token=$(sed -nE 's/.*token ([0-9a-f]+)$/\1/p' "$work/agent.out")
out=$(printf 'bad = connect-agent 127.0.0.1 %s --token 0000\nr = connect-agent 127.0.0.1 %s --token %s\non $r echo over-tcp\nlua print(ipc.vars.r:run("echo as-value"))\non $r exit 0\n' "$port" "$port" "$token" | ipcsh 2>&1)
check "a wrong token is refused" "$out" 'connect-agent: ERROR_ACCESS_DENIED \(5\).*wrong token'
check "connect-agent runs commands there" "$out" $'\\[r [0-9]+\\] over-tcp\n(\\[r [0-9]+\\] )?as-value\n'
wait $agent_pid; check "the agent exits with its parent's exit" "$?" '^0$'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
