#!/usr/bin/env bash
# Output that fits: at widths 40, 60, 80 and 120 (IPCSH_COLUMNS, the width
# a console would have) and with 1 to 5 processes (the shell and up to four
# agents), `handles`, `handles --compare`, `graph`, `help` and a traced
# command print no line wider than the width, no C++ runtime message, and
# break lines only between words: the words are those of the same output
# unfitted. Names are cut at the front, keeping what tells them apart.
# usage: fit_test.sh WINE_RUN IPCSH.EXE
set -u
export LC_ALL=C.UTF-8  # ${#line} counts characters, not bytes
wine_run=$(readlink -f "$1")
exe=$(readlink -f "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
ipcsh() { timeout 120 "$wine_run" "$exe" "$@"; }  # a hang fails the check, not the suite
work=$(mktemp -d)
trap '[ -n "${FIT_KEEP:-}" ] || rm -rf "$work"' EXIT
[ -n "${FIT_KEEP:-}" ] && echo "output in $work"
passed=0 failed=0
tag=fit-$$

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /' | head -30; }

# No line wider than WIDTH.
check_width() {  # NAME WIDTH FILE
  local over
  over=$(while IFS= read -r line; do [ ${#line} -gt "$2" ] && printf '%s (%d)\n' "$line" ${#line}; done <"$3")
  if [ -z "$over" ]; then pass; else fail "$1: lines wider than $2" "$over"; fi
}
check_no_cxx() {  # NAME FILE
  if grep -qE '_M_|basic_string|std::|vector::|stoi|internal error|what\(\)' "$2"; then
    fail "$1: a C++ runtime message" "$(grep -E '_M_|basic_string|std::|vector::|stoi|internal error' "$2")"
  else pass; fi
}

# Deterministic text (help, usage, a traced failing call, errors): fitted,
# its words are exactly the unfitted words, so nothing was broken inside a
# word, a number or a flag.
words=$work/words.txt
cat >"$words" <<CMDS
help
help open-pipe
help spawn
help handles
trace on
p = open-pipe $tag-nobody --wait 0
c = create-mailslot $tag-trace --max-size 424 --timeout 250
trace off
CMDS
IPCSH_COLUMNS=1000 ipcsh <"$words" >"$work/wide.out" 2>&1
tr -s ' \n' '\n\n' <"$work/wide.out" | sed 's/0x[0-9a-f]*/0xH/g' >"$work/wide.words"
for width in 40 60 80 120; do
  IPCSH_COLUMNS=$width ipcsh <"$words" >"$work/words-$width.out" 2>&1
  check_width "help and trace at $width" "$width" "$work/words-$width.out"
  check_no_cxx "help and trace at $width" "$work/words-$width.out"
  # numbers, flags and handle values: the same tokens, none cut in two
  grep -oE '(^|[ (])(0x[0-9a-f]+|--[a-z-]+|[0-9]+)([ ,)]|$)' "$work/wide.out" | sed 's/^[ (]//; s/[ ,)]$//' >"$work/wide.tokens"
  grep -oE '(^|[ (])(0x[0-9a-f]+|--[a-z-]+|[0-9]+)([ ,)]|$)' "$work/words-$width.out" | sed 's/^[ (]//; s/[ ,)]$//' >"$work/fit.tokens"
  if diff -q "$work/wide.tokens" "$work/fit.tokens" >/dev/null; then pass
  else fail "help and trace at $width: a number or flag broken across lines" "$(diff "$work/wide.tokens" "$work/fit.tokens" | head -10)"; fi
  # from 60 columns on every word is shorter than a line: the words are the same
  [ "$width" = 40 ] && continue
  tr -s ' \n' '\n\n' <"$work/words-$width.out" | sed 's/0x[0-9a-f]*/0xH/g' >"$work/fit.words"
  if diff -q "$work/wide.words" "$work/fit.words" >/dev/null; then pass
  else fail "help and trace at $width: a word broken across lines" "$(diff "$work/wide.words" "$work/fit.words" | head -10)"; fi
done
# the lines of the bug report, whole
grep -q '(4 commands)' "$work/words-80.out" && pass || fail "help at 80 shows (4 commands) whole" "$(head -12 "$work/words-80.out")"
grep -qE '^ +.*= (INVALID_HANDLE_VALUE|0x[0-9a-f]+)' "$work/words-80.out" || grep -qE '\) = (INVALID_HANDLE_VALUE|0x[0-9a-f]+)' "$work/words-80.out" \
  && pass || fail "a wrapped trace line keeps its result" "$(grep -A2 CreateMailslotW "$work/words-80.out")"
grep -qE '(^| )-$' "$work/words-80.out" && fail "a flag split at its dash" "$(grep -nE '(^| )-$' "$work/words-80.out")" || pass

# Tables and the graph with 1 to 5 processes.
for width in 40 60 80 120; do
  script=$work/tables-$width.txt
  {
    echo "a = create-mailslot $tag-alpha-$width"
    echo "b = create-mailslot $tag-bravo-$width"
    echo "w = open-mailslot $tag-alpha-$width --inherit"
    echo "e = create-event --inherit"
    echo "handles"
    echo "graph"
    list=
    for n in 1 2 3 4; do
      echo "k$n = spawn --agent --inherit"
      list=${list:+$list,}\$k$n
      echo "handles"
      echo "handles --compare $list"
      echo "graph"
    done
    echo "echo done-$width"
  } >"$script"
  IPCSH_COLUMNS=$width ipcsh <"$script" >"$work/tables-$width.out" 2>&1
  check_width "tables at $width" "$width" "$work/tables-$width.out"
  check_no_cxx "tables at $width" "$work/tables-$width.out"
  grep -q "^done-$width$" "$work/tables-$width.out" && pass || fail "tables at $width: the shell went on" "$(tail -5 "$work/tables-$width.out")"
  # four agents: every table and graph drew the fourth
  grep -q 'k4' "$work/tables-$width.out" && pass || fail "tables at $width: the fourth agent is shown" "$(tail -20 "$work/tables-$width.out")"
done
# At 80 columns the two mailslots are told apart: names cut at the front.
if grep -qE "…[^ ]*alpha-80" "$work/tables-80.out" || grep -qE "\\\\$tag-alpha-80" "$work/tables-80.out"; then pass
else fail "handles at 80: the mailslot's name keeps its end" "$(grep -iE 'mailslot' "$work/tables-80.out" | head -5)"; fi
grep -qE '\\Dev…|…emo' "$work/tables-80.out" && fail "a name cut in the middle" "$(grep -E '\\Dev…' "$work/tables-80.out" | head -3)" || pass

# A shipped script prints no raw bytes (print(ipc.hexdump(...)) printed
# the bytes hexdump also returned).
(cd "$root" && ipcsh scripts/shared_memory_writer_reader.lua) >"$work/script.out" 2>&1
if [ "$(tr -cd '\000' <"$work/script.out" | wc -c)" = 0 ] && grep -q '|Hello from the w|' "$work/script.out"; then pass
else fail "shared_memory_writer_reader.lua prints the dump and no NUL bytes" "$(cat -v "$work/script.out" | head)"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
