#!/usr/bin/env bash
# The interactive console, driven as a person would: ipcsh runs in a tmux
# pane, keys are sent, the screen is read. Ctrl+C must bring a busy Lua loop
# (also one inside pcall) and a blocked write back to the prompt, and
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
trap 'tm kill-server 2>/dev/null' EXIT

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

tm new-session -d -s "$session" -x 100 -y 40 "'$wine_run' '$exe'; echo SHELL-EXITED \$?; sleep 600"
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

type_line 'lua r, w = ipc.pipe(); ipc.write(w, string.rep("x", 200000))'
sleep 1.5
tm send-keys -t "$session" C-c
check "Ctrl+C ends a blocked write" 'string.rep\("x", 200000\)\)
interrupted' 10
type_line 'lua print(select(2, pcall(ipc.write, w, string.rep("y", 200000), {timeout = 200})))'
check "a write times out" 'WriteFile: WAIT_TIMEOUT \(258\).*not done within 200 ms; cancelled' 10

type_line 'k = spawn --ipcsh "sleep 30000"'
check "child spawned" '^k = process 0x' 10
type_line 'handles --process $k'
check "handles of a live child" '^\([0-9]+ rows\)' 15
type_line 'echo still-here'
check "the shell goes on" '^still-here$' 10
type_line 'exit 3'
check "exit CODE" 'SHELL-EXITED 3' 10

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
