#!/usr/bin/env bash
# tests/fuzz/run.sh [--bin DIR] [SECONDS] [TARGET...]: the fuzz targets, built
# natively with clang and libFuzzer (address and undefined-behaviour
# sanitizers on), replay every regression input, then fuzz for SECONDS each
# (default 30) from the seed corpus of real command lines:
#   line - the line syntax and the line editor with completion (fuzz_line.cpp);
#   bind - words to raw arguments and the argument binder (fuzz_bind.cpp).
# --bin DIR: the targets as the CMake build made them (DIR/line, DIR/bind;
# the suite passes build/fuzz); without it, or when they are missing, they
# are built here into a temporary folder. TARGET...: line, bind (default both).
# New inputs go to a temporary folder; a crash is saved as
# tests/fuzz/regressions/TARGET/crash-* to be kept.
# A long run: tests/fuzz/run.sh 3600
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=""
if [ "${1:-}" = --bin ]; then bin=$2; shift 2; fi
seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(line bind)
for target in "${targets[@]}"; do
  case $target in line|bind) ;; *) echo "fuzz: unknown target '$target' (line, bind)"; exit 2 ;; esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
built=1
for target in "${targets[@]}"; do [ -n "$bin" ] && [ -x "$bin/$target" ] || built=0; done
if [ $built = 1 ]; then
  for target in "${targets[@]}"; do ln -s "$(readlink -f "$bin/$target")" "$work/$target"; done
else
  command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (tools/setup.sh installs clang)"; exit 1; }
  [ -d "$root/deps/fmt/include" ] || { echo "fuzz: deps/fmt is missing (tools/setup.sh fetches it)"; exit 1; }
  flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
         -DFMT_HEADER_ONLY -I"$root/deps/fmt/include" -I"$root/src")
  s=$root/src
  for target in "${targets[@]}"; do
    case $target in
      line) clang++ "${flags[@]}" "$here/fuzz_line.cpp" "$s/core/syntax.cpp" "$s/core/escape.cpp" "$s/console/line_editor.cpp" "$s/console/completion.cpp" \
              -o "$work/line" & ;;
      bind) clang++ "${flags[@]}" "$here/fuzz_bind.cpp" "$s/core/command.cpp" "$s/core/binder.cpp" "$s/core/syntax.cpp" "$s/core/escape.cpp" \
              "$s/core/messages.cpp" "$s/core/kinds.cpp" \
              -o "$work/bind" & ;;
    esac
  done
  for job in $(jobs -p); do wait "$job" || { echo "fuzz: the targets did not build"; exit 1; }; done
fi
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for target in "${targets[@]}"; do
  # every input that ever crashed stays fixed
  mkdir -p "$here/regressions/$target"
  regressions=("$here/regressions/$target"/*)
  if [ -e "${regressions[0]}" ]; then
    if ! "$work/$target" "${regressions[@]}" >"$work/replay.log" 2>&1; then
      cat "$work/replay.log"; echo "fuzz $target: a regression input fails again"; exit 1
    fi
    echo "fuzz $target: ${#regressions[@]} regression inputs pass"
  fi
  mkdir "$work/new-$target"
  if "$work/$target" -print_final_stats=1 -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
       -artifact_prefix="$here/regressions/$target/" "$work/new-$target" "$here/corpus" >"$work/fuzz.log" 2>&1; then
    echo "fuzz $target: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/fuzz.log" | awk '{print $2}') inputs in ${seconds} s, no crash"
  else
    tail -40 "$work/fuzz.log"
    echo "fuzz $target: a crash; the input is in tests/fuzz/regressions/$target/ (keep it there as a regression test)"
    status=1
  fi
done
exit $status
