#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS]: builds the fuzz target natively with clang and
# libFuzzer (address and undefined-behaviour sanitizers on), replays every
# regression input, then fuzzes for SECONDS (default 30) from the seed
# corpus of real command lines. New inputs go to a temporary folder; a
# crash is saved as tests/fuzz/regressions/crash-* to be kept.
# A long run: tests/fuzz/run.sh 3600
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-30}
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (tools/setup.sh installs clang)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  "$here/fuzz_line.cpp" "$root/shell/syntax.cpp" "$root/shell/line_editor.cpp" "$root/shell/completion.cpp" \
  -o "$work/fuzz_line"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# every input that ever crashed stays fixed (the folder exists once one has)
mkdir -p "$here/regressions"
regressions=("$here"/regressions/*)
if [ -e "${regressions[0]}" ]; then
  "$work/fuzz_line" "${regressions[@]}" >"$work/replay.log" 2>&1 || { cat "$work/replay.log"; echo "fuzz: a regression input fails again"; exit 1; }
  echo "fuzz: ${#regressions[@]} regression inputs pass"
fi
mkdir "$work/new"
if "$work/fuzz_line" -print_final_stats=1 -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
     -artifact_prefix="$here/regressions/" "$work/new" "$here/corpus" >"$work/fuzz.log" 2>&1; then
  echo "fuzz: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/fuzz.log" | awk '{print $2}') inputs in ${seconds} s, no crash"
else
  tail -40 "$work/fuzz.log"
  echo "fuzz: a crash; the input is in tests/fuzz/regressions/ (keep it there as a regression test)"
  exit 1
fi
