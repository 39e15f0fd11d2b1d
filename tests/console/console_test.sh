#!/usr/bin/env bash
# The interactive console, driven as a person would: ipcsh runs in a tmux
# pane, keys are sent, the screen is read. Ctrl+C must bring a busy Lua loop
# (also one inside pcall or a coroutine) and a blocked write back to the prompt, and
# `handles --process` on a live child must leave the shell running.
# usage: console_test.sh WINE_RUN IPCSH.EXE
set -u
wine_run=$(readlink -f "$1")
exe=$(readlink -f "$2")
command -v tmux >/dev/null || { echo "console test: tmux is missing (tools/setup.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
session=ipcsh-console-$$
socket=ipcsh-console-$$
passed=0 failed=0
tm() { tmux -L "$socket" "$@"; }

screen() { tm capture-pane -p -t "$session" -S -200 | sed '/^$/d'; }
# wait_for REGEX SECONDS: until the screen matches
wait_for() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    screen | grep -qE "$1" && return 0
    sleep 0.2
  done
  return 1
}
check() {  # check NAME REGEX SECONDS
  if wait_for "$2" "$3"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n  expected on screen (regex): %s\n  screen:\n%s\n' "$1" "$2" "$(screen | tail -15 | sed 's/^/    /')"
  fi
}
type_line() { tm send-keys -t "$session" -l "$1"; tm send-keys -t "$session" Enter; }

history_file=$(mktemp)
trap 'tm kill-server 2>/dev/null; rm -f "$history_file"' EXIT
# IPCSH_HISTORY: this test's own history, not the user's
# A fresh session for COMMAND; the one before is ended only after it
# exists (ending the server's last session makes tmux exit, and a session
# asked for while it exits fails with "server exited unexpectedly").
sessions=0
new_session() {
  local previous=$session
  sessions=$((sessions + 1))
  session=ipcsh-console-$$-$sessions
  tm new-session -d -s "$session" -x 80 -y 40 "$1"
  tm kill-session -t "=$previous" 2>/dev/null || true  # (=: that name exactly, not a prefix)
}
start_shell() {
  new_session "IPCSH_HISTORY='$history_file' '$wine_run' '$exe'; echo SHELL-EXITED \$?; sleep 600"
}
start_shell
check "prompt" '^ipcsh>' 30

type_line 'lua while true do end'
sleep 1.5
tm send-keys -t "$session" C-c
check "Ctrl+C ends a busy Lua loop" 'while true do end
interrupted' 10

type_line 'lua while true do pcall(function() for i = 1, 1e9 do end end) end'
sleep 1.5
tm send-keys -t "$session" C-c
check "Ctrl+C ends a loop that wraps its body in pcall" 'end\) end
interrupted' 10

# a pcall that catches the interrupt and is the whole chunk: still interrupted
type_line 'lua pcall(function() while true do end end)'
sleep 1.5
tm send-keys -t "$session" C-c
check "Ctrl+C ends a chunk that is one pcall" 'pcall\(function\(\) while true do end end\)$' 10
check "and says interrupted, not pcall's values" '^interrupted$' 10
if screen | grep -qE '^no[[:space:]]+interrupted'; then failed=$((failed + 1)); echo "FAIL pcall's values were printed"; else passed=$((passed + 1)); fi

type_line 'lua local co = coroutine.wrap(function() while true do end end); co()'
sleep 1.5
tm send-keys -t "$session" C-c
check "Ctrl+C ends a busy loop inside a coroutine (wrap)" 'co\(\)
interrupted' 10

type_line 'lua print(coroutine.resume(coroutine.create(function() while true do end end))); print("went on")'
sleep 1.5
tm send-keys -t "$session" C-c
check "Ctrl+C ends a coroutine (resume) and the code after it" 'print\("went on"\)
interrupted' 10

type_line 'lua local g = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 7) end end); print(g() + g() + g())'
check "coroutines still yield" '^42$' 10

type_line 'lua r, w = ipc.pipe(); ipc.write(w, string.rep("x", 200000))'
sleep 1.5
tm send-keys -t "$session" C-c
check "Ctrl+C ends a blocked write" 'string.rep\("x", 200000\)\)
interrupted' 10
type_line 'lua print(select(2, pcall(ipc.write, w, string.rep("y", 200000), {timeout = 200})))'
# (print's text goes out as it is: the console wraps it at its width, here
# inside "200", so the check is of its two ends)
check "a write times out" 'WriteFile: WAIT_TIMEOUT \(258\): The wait operation timed out\. \(not done within' 10
check "a write times out, and is cancelled" 'ms; cancelled\)$' 10

# a wait on pipe ends (an overlapped zero-byte read and a helper thread's):
# Ctrl+C cancels and reaps both reads, and what comes next is read whole
type_line "ws = create-pipe console-wait-$$ --mode message; wc = open-pipe console-wait-$$; wr = pipe; connect \$ws"
type_line 'wait $ws $wr.read'
sleep 1.5
tm send-keys -t "$session" C-c
check "Ctrl+C ends a wait on pipe ends" 'wait \$ws \$wr.read
interrupted' 10
type_line 'send $wc "after the wait"; write $wr.write anonymous; recv $ws --timeout 1000; read $wr.read --timeout 1000'
check "the named pipe reads as before after it" '^"after the wait" \(14 bytes\)$' 10
check "the anonymous pipe reads as before after it" '^"anonymous" \(9 bytes\)$' 10

type_line 'k = spawn --ipcsh "sleep 30000"'
check "child spawned" '^k = process 0x' 10
tm send-keys -t "$session" C-c
sleep 1
type_line 'exit-code $k'
check "Ctrl+C at the shell leaves a child's sleep running" '^still active \(259\)$' 10
type_line 'handles --process $k'
check "handles of a live child" '^\([0-9]+ rows?; [0-9]+ of the runtime' 15
type_line 'echo still-here'
check "the shell goes on" '^still-here$' 10
# the line editor: Ctrl+C discards a half-typed line, Tab completes a
# command, a flag, a choice and a $variable of the right kind
tm send-keys -t "$session" -l 'echo partial'
sleep 0.3
tm send-keys -t "$session" C-c
check "Ctrl+C shows ^C" 'echo partial\^C' 10
type_line 'echo still-alive'
check "Ctrl+C discarded the line" '^still-alive$' 10
type_line 'ev = create-event'
type_line "sl = create-mailslot console-$$"
tm send-keys -t "$session" -l 'create-pi'
tm send-keys -t "$session" Tab
tm send-keys -t "$session" -l "console-pipe-$$ --ac"
tm send-keys -t "$session" Tab
tm send-keys -t "$session" -l 'in'
tm send-keys -t "$session" Tab
tm send-keys -t "$session" Enter
check "Tab: command, flag, choice" 'create-pipe console-pipe-[0-9]+ --access in$' 10
check "the completed line ran" 'pipe 0x[0-9a-f]+ .*console-pipe-[0-9]+ server' 10
tm send-keys -t "$session" -l 'set-event $'
tm send-keys -t "$session" Tab
tm send-keys -t "$session" Enter
check "Tab: a variable of the kind that fits" 'set-event \$ev$' 10
check "and it ran" '^set event 0x' 10

# 80 columns: a 60,000-byte message and the handle table fit
type_line "w = open-mailslot console-$$"
type_line 'lua ipc.vars.w:send(string.rep("x", 60000))'
type_line 'r = recv $sl'
check "a long value is cut, with how to see all" '^r = "x+…" \(60000 bytes; `show \$_` prints all of it\)$' 10
type_line 'handles --all'
check "the handle table fits 80 columns, names cut at the front" '^0x[0-9a-f]+ +Key +[a-z]* +…\\' 10
check "the handle table's header is one line" '^value +type +kind +name +inherit +access +usage +object +var$' 5

# history is kept: after a restart, Up brings the last line back
tm send-keys -t "$session" C-d
check "Ctrl+D leaves" 'SHELL-EXITED 0' 10
start_shell
check "prompt again" '^ipcsh>' 30
tm send-keys -t "$session" Up
tm send-keys -t "$session" Up
tm send-keys -t "$session" Enter
check "history across sessions" '^ipcsh> r = recv \$sl' 10

# A child's line arrives labelled, above the prompt and the line being
# typed, which are drawn again below it; Ctrl+C at the parent interrupts
# the parent's sleep, not the child's.
type_line 'kid = spawn --ipcsh "sleep 1500; echo child-says-hi; sleep 3000; echo child-slept-on"'
tm send-keys -t "$session" -l 'echo half-typed'
check "a child's line is labelled" '^\[kid [0-9]+\] child-says-hi$' 10
check "the prompt and the typed line are drawn again below it" 'child-says-hi
ipcsh> echo half-typed$' 5
tm send-keys -t "$session" C-u
type_line 'sleep 4000'
sleep 0.5
tm send-keys -t "$session" C-c
check "Ctrl+C interrupts the parent's command" 'sleep 4000
interrupted' 5
check "and the child's sleep goes on" '^\[kid [0-9]+\] child-slept-on$' 10

# graph on a console draws the user's processes, not Wine's conhost.exe
type_line 'graph'
check "graph on a console" '^  shell [0-9]+  \(this shell; ' 10
if screen | grep -q 'conhost'; then failed=$((failed + 1)); echo "FAIL graph drew conhost.exe"; else passed=$((passed + 1)); fi

# 80 columns with three agents: handles --compare, graph, help, a wrapped
# trace line, an 80-column error and a Ctrl+R on a match longer than the
# line - no C++ message, no broken token, no fragment left on screen.
type_line 'k1 = spawn --agent'
type_line 'k2 = spawn --agent'
type_line 'k3 = spawn --agent'
check "three agents" '^k3 = process 0x' 30
type_line "fs = create-mailslot console-fit-$$-alpha"
type_line 'handles --compare $k1,$k2,$k3'
check "handles --compare with three agents" '^\([0-9]+ rows?; Y/N: the inherit flag' 20
type_line 'graph'
check "graph with three agents" '└─ k3 [0-9]+  \(agent' 20
type_line 'help'
check "help keeps (4 commands) whole" '(^ +| by name )\(4 commands\)$' 10
type_line 'trace on'
type_line "c2 = create-mailslot console-fit-$$-trace --max-size 424"
check "a wrapped trace line breaks between arguments" '^  MAILSLOT_WAIT_FOREVER, inherit=no\) = 0x[0-9a-f]+$' 10
type_line 'trace off'
if screen | grep -qE '_M_|basic_string|internal error'; then
  failed=$((failed + 1)); echo "FAIL a C++ runtime message on screen"; screen | grep -E '_M_|basic_string|internal error'
else passed=$((passed + 1)); fi
type_line 'on 0x12345 echo'
check "an 80-column error, then at once the prompt" '^on: P: 0x12345 is not an agent \(start one with spawn --agent, or connect-agent\)
ipcsh>' 10
type_line 'echo aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg long-match-end'
tm send-keys -t "$session" C-r
tm send-keys -t "$session" -l 'long-match'
check "Ctrl+R finds the long line" 'i-search\)`long-match' 5
tm send-keys -t "$session" C-g
sleep 0.5
type_line 'echo after-search'
check "Ctrl+G leaves no fragment of the search" '^ipcsh> echo after-search
after-search$' 10
tm send-keys -t "$session" C-r
tm send-keys -t "$session" -l 'long-match'
sleep 0.5
tm send-keys -t "$session" Enter
check "an accepted search runs" '^  long-match-end$' 10
type_line 'echo after-accept'
check "an accepted search leaves no fragment" '^ipcsh> echo after-accept
after-accept$' 10
if screen | grep -q 'i-search'; then failed=$((failed + 1)); echo "FAIL the search prompt is left on screen"; else passed=$((passed + 1)); fi

# A line longer than the console wraps cleanly: no row of it drawn twice
tm send-keys -t "$session" -l 'echo aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh wrapped-end'
check "a wrapped line is drawn once" 'ffffffffff gg
gggggggg hhhhhhhhhh wrapped-end$' 5
tm send-keys -t "$session" Enter
check "and runs whole" '^aaaaaaaaaa bbbbbbbbbb .* hhhhhhhhhh wrapped-end$|wrapped-end$' 5

# An error line in colour is as wide as its text (Wine's console counted
# the bytes of VT colour sequences as columns: it wrapped 5 columns early)
type_line 'on 0x1234 echo'
check "a 79-column error line fits 80 columns" '^on: P: 0x1234 is not an agent \(start one with spawn --agent, or connect-agent\)$' 10

type_line 'exit 3'
check "exit CODE" 'SHELL-EXITED 3' 10

# Through ./ipcsh, as the README starts it: Ctrl+\ and Ctrl+Z are keys (on
# a terminal they were SIGQUIT, which left the shell half dead, and
# SIGTSTP); Ctrl+Z on an empty line leaves.
launcher=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/ipcsh
new_session "IPCSH_HISTORY='$history_file' '$launcher'; echo SHELL-EXITED \$?; sleep 600"
check "prompt through ./ipcsh" '^ipcsh>' 60
tm send-keys -t "$session" -l 'echo after'
tm send-keys -t "$session" -H 1c
tm send-keys -t "$session" -l '_quit'
tm send-keys -t "$session" Enter
check "Ctrl+\\ is a key: the shell goes on" '^after_quit$' 10
tm send-keys -t "$session" -H 1a
check "Ctrl+Z on an empty line leaves" 'SHELL-EXITED 0' 10

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
