#!/usr/bin/env bash
# Bad input for every command of the command table, in shell mode and in Lua.
# badinput.lua generates the inputs from ipc.commands(); this drives one
# ipcsh process per command and mode, reads each input's output between its
# markers ("@@ K" on stdout and stderr after every input), and counts: a clear
# error (exactly one error line), accepted (a result, no error), or a failure:
# crashed, hung, unclear (several error lines, an empty one, one over 1000
# bytes, one with raw control bytes, or one that leaks C++/Lua internals),
# bogus (Lua: a handle given back that `info` finds is no handle), or a
# process that did not reach its final command. After a process ends early,
# the run goes on in a new process from the next input, so one crash does
# not hide the rest; an input that crashed or hung is tried once more first,
# to say whether it does it again (a failure either way). Processes that end
# together with exit 0 and nothing said lost their wineserver: the report
# groups them, since any of the inputs then in flight may have crashed it.
# usage: badinput.sh WINE_RUN IPCSH.EXE
# Environment: BADINPUT_JOBS (parallel processes, default 1: under more churn Wine 8's wineserver now and then dies during `handles`; Wine processes
# wait on wineserver much of the time),
# BADINPUT_LIMIT (seconds per process, default 30), BADINPUT_ONLY (a regex
# of command names to run, for debugging), BADINPUT_KEEP=1 (keep the work
# directory and print its path).
set -u
wine_run=$(readlink -f "$1")
exe=$(readlink -f "$2")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jobs_max=${BADINPUT_JOBS:-1}
limit=${BADINPUT_LIMIT:-30}
only=${BADINPUT_ONLY:-}
work=$(mktemp -d)
# Processes left behind: children whose shell lost its wineserver (and so
# its kill-on-close job) keep running. Ours have their working directory in
# $work; they are ended by id.
leftovers() {
  local p pids=""
  for p in /proc/[0-9]*; do
    case $(readlink "$p/cwd" 2>/dev/null) in "$work"/*) pids+=" ${p#/proc/}" ;; esac
  done
  echo $pids
}
cleanup() {
  local pids
  # the runs still going (when stopped early), then what they left
  pids=$(jobs -p)
  # shellcheck disable=SC2086
  [ -n "$pids" ] && kill $pids 2>/dev/null
  pids=$(leftovers)
  # shellcheck disable=SC2086
  [ -n "$pids" ] && kill $pids 2>/dev/null
  [ "${BADINPUT_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
[ "${BADINPUT_KEEP:-0}" = 1 ] && echo "badinput: work directory $work"
cd "$work" || exit 2
export LC_ALL=C
runtag=bi$$
started=$SECONDS
started_at=$(date +%s.%N)

# Run a copy of the program: a rebuild during the run must not swap it
# underneath (spawn finds "ipcsh.exe" beside it). The Wine prefix stays the
# one wine-run would pick for the original: the nearest directory above it
# holding CMakeCache.txt, /wineprefix.
if [ -z "${WINEPREFIX:-}" ]; then
  top=$(dirname "$exe")
  while [ "$top" != / ] && [ ! -f "$top/CMakeCache.txt" ]; do top=$(dirname "$top"); done
  [ -f "$top/CMakeCache.txt" ] || top=$(dirname "$exe")
  export WINEPREFIX=$top/wineprefix
fi
mkdir bin && cp "$exe" bin/ipcsh.exe || exit 2
exe=$work/bin/ipcsh.exe

# Wine's own messages stay off but one: a client that finds its wineserver
# crashed may say "wineserver crashed, ..." (channel err:server); it exits 0
# either way.
export WINEDEBUG=-all,err+server

ipcsh() { "$wine_run" "$exe" "$@"; }

# Generate the inputs from the command table.
cp "$here/badinput.lua" .
if ! ipcsh badinput.lua gen "$runtag" >gen.out 2>&1; then
  echo "badinput: generating the inputs failed:"
  cat gen.out
  echo "0 passed, 1 failed"
  exit 1
fi

# Lines longer than 1000 bytes are cut and marked; NUL bytes become '?'; the
# C library's stderr (Lua's io.stderr) ends lines with CR LF.
clean() {
  tr '\000' '?' <"$1" | awk '{ sub(/\r$/, ""); if (length($0) > 1000) $0 = substr($0, 1, 200) "... [LONG " length($0) " bytes]"; print }'
}

# classify DESC OUT ERR RC START RETRY WHERE: appends one line per input tried to
# the results (STATUS <tab> K <tab> detail; for input RETRY, tried again
# after it crashed or hung, "retry <tab> K <tab> STATUS: detail") and prints
# "NEXT CRASHED": the input to go on from (0 when the run is complete) and
# 1 when the process crashed or hung there. A wineserver crash is also noted
# in ../server-crashes as "TIME WHERE #K".
classify() {
  local desc=$1 out=$2 err=$3 rc=$4 start=$5 retry=$6 where=$7
  clean "$out" >"$out.c"
  clean "$err" >"$err.c"
  awk -F'\t' -v descf="$desc" -v outf="$out.c" -v errf="$err.c" -v rc="$rc" -v start="$start" -v limit="$limit" \
      -v retry="$retry" -v where="$where" -v now="$(date +%s.%N)" '
    function marker(line) { return line ~ /^@@ ([0-9]+|end)$/ ? substr(line, 4) : "" }
    function unclear(line) {
      if (line ~ /^[ \t]*$/) return "an empty error line"
      if (line ~ /std::|bad_alloc|basic_string|terminate|exception|what\(\)|stack overflow|NON-STRING ERROR|\(null\)|table: 0x|userdata: 0x|function: 0x/)
        return "leaks internals"
      # a Lua runtime error is clear when it is the Lua code given that
      # failed (CHUNK:LINE: ...), not the binding
      if (line ~ /attempt to / && line !~ /^[^ ]+:[0-9]+: /) return "leaks internals"
      if (line ~ /^(error|exit|interrupted|nil|false|true)$/) return "says nothing"
      if (line ~ /\[LONG [0-9]+ bytes\]$/) return "an error line over 1000 bytes"
      # the input echoed raw: ESC sequences and CR garble the terminal
      if (line ~ /[\001-\010\013-\037\177]/) return "raw control bytes in the error line"
      return ""
    }
    function result(status, k, detail) {
      if (k == retry) printf "retry\t%s\t%s: %s\n", k, status, detail >> "results"
      else printf "%s\t%s\t%s\n", status, k, detail >> "results"
    }
    FILENAME == descf { n = $1; ends[$1] = $2; d = $0; sub(/^[^\t]*\t[^\t]*\t/, "", d); what[$1] = d; next }
    FILENAME == outf {
      olines++
      if (olines == 1) oline1 = $0
      m = marker($0)
      if (m != "") { oseen[m] = 1; ofirst[m] = opend; opend = ""; next }
      if (opend == "") opend = $0
      next
    }
    FILENAME == errf {
      elines++
      m = marker($0)
      if (m != "") { eseen[m] = 1; ecount[m] = ecur; etext[m] = epend; ecur = 0; epend = ""; next }
      ecur++
      if (ecur <= 3) epend = epend (ecur > 1 ? " | " : "") $0
      next
    }
    END {
      if (!("0" in oseen) || !("0" in eseen) || ecount["0"] > 0) {
        t = ("0" in eseen) ? etext["0"] : epend
        # what there was to see, for a failure that does not come again
        seen = sprintf("; stdout %d line(s)%s, stderr %d line(s)", olines, olines ? " from \"" substr(oline1, 1, 80) "\"" : "", elines)
        result("setup", 0, "fixtures: " (t == "" ? "no marker after the fixtures" : t) " (exit " rc seen ")")
        if (t == "" && rc == 0) printf "%s\t%s\t0 (fixtures)\n", now, where >> "../server-crashes"
        print "setup 1"
        exit
      }
      if (retry == 0) result("made", 0, "the fixtures this time")
      for (k = start; k <= n; k++) {
        if ((k in oseen) && (k in eseen)) {
          c = ecount[k]
          if (etext[k] ~ /^BOGUS RESULT: /) result("bogus", k, substr(etext[k], 15))
          else if (c == 0) result("accepted", k, ofirst[k])
          else if (c > 1) result("unclear", k, c " error lines: " etext[k])
          else if ((why = unclear(etext[k])) != "") result("unclear", k, why ": " etext[k])
          else result("clear", k, etext[k])
          continue
        }
        # the process ended (or was stopped) during input k
        if (epend ~ /wineserver crashed/) {
          # every Wine process of the prefix dies with it, whichever input
          # crashed it: see the report
          result("crashed", k, "the wineserver crashed under it (exit " rc "): " epend)
          printf "%s\t%s\t%s\n", now, where, k >> "../server-crashes"
        } else if (rc == 124 || rc == 137) {
          result("hung", k, "no marker within " limit " s; stderr: " epend)
        } else if (ends[k] != "-" && ecur == 0 && (ends[k] == "any" || ends[k] == rc)) {
          result("ended", k, "ended the process by design (exit " rc ")")
          print k + 1, 0
          exit
        } else if (ends[k] != "-" && ecur == 0) {
          result("crashed", k, "ended the process with exit " rc ", expected " ends[k])
        } else if (ecur == 0 && rc == 0) {
          # how a Wine process ends when its wineserver dies under it
          result("crashed", k, "the process ended (exit 0) saying nothing, as Wine processes do when their wineserver dies")
          printf "%s\t%s\t%s\n", now, where, k >> "../server-crashes"
        } else {
          result("crashed", k, "the process ended (exit " rc ") " (ecur == 0 ? "saying nothing" : "with " ecur " line(s) on stderr: " epend))
        }
        print k + 1, 1
        exit
      }
      if (!("end" in oseen) || !("end" in eseen))
        result("crashed", "end", "no final command after the last input (exit " rc "): " epend)
      else if (ecount["end"] > 0)
        result("crashed", "end", "the final command failed: " etext["end"])
      else if (rc != 0 && rc != 1)
        result("crashed", "end", "exit " rc " after the final command")
      print "0 0"
    }' "$desc" "$out.c" "$err.c"
}

# run_command MODE IDX NAME: every input of one command in one mode, in as
# few processes as it takes; results in MODE-IDX/results.
run_command() {
  local mode=$1 idx=$2 name=$3 dir="$work/$1-$2" start=1 attempt=0 retry=none retries=0 rc next crashed
  mkdir -p "$dir"
  cd "$dir" || return
  cp ../badinput.lua .
  local tag=$runtag-$idx${mode:0:1}
  : >"$tag"  # the valid FILE for `run`: an empty Lua file
  local desc=../$mode-$idx.desc
  local most=$(($(wc -l <"$desc") + 10))
  while [ "$attempt" -lt "$most" ]; do
    attempt=$((attempt + 1))
    # when each process ran (BADINPUT_KEEP=1: what ran alongside a crash)
    echo "start $attempt $(date +%s.%N)" >>times.log
    if [ "$mode" = sh ]; then
      if [ "$start" = 1 ]; then
        cp "../sh-$idx.in" in
      else
        local first at
        first=$(awk -F'\t' '$1 == 1 { print $2 }' "../sh-$idx.off")
        at=$(awk -F'\t' -v s="$start" '$1 == s { print $2 }' "../sh-$idx.off")
        { head -c "$first" "../sh-$idx.in"; tail -c +"$((at + 1))" "../sh-$idx.in"; } >in
      fi
      timeout -k 5 "$limit" "$wine_run" "$exe" <in >"out.$attempt" 2>"err.$attempt"
      rc=$?
    else
      timeout -k 5 "$limit" "$wine_run" "$exe" badinput.lua lua "$runtag" "$idx" "$start" </dev/null \
        >"out.$attempt" 2>"err.$attempt"
      rc=$?
    fi
    echo "end $attempt $(date +%s.%N) rc=$rc" >>times.log
    read -r next crashed < <(classify "$desc" "out.$attempt" "err.$attempt" "$rc" "$start" "$retry" "$mode-$idx")
    [ "$next" = 0 ] && break
    if ! [[ "$next" =~ ^([0-9]+|setup)$ ]]; then
      printf 'crashed\tend\tthe driver could not read this run (exit %s)\n' "$rc" >>results
      break
    fi
    if [ "$next" = setup ]; then
      [ "$retry" = 0 ] && break
      retry=0  # the fixtures failed: once more, to say whether they do again
      continue
    fi
    # an input that crashed or hung is tried once more in a new process, to
    # say whether it does it again (it stays a failure either way)
    if [ "$crashed" = 1 ] && [ "$retry" != $((next - 1)) ] && [ "$retries" -lt 3 ]; then
      retry=$((next - 1)) retries=$((retries + 1)) start=$((next - 1))
    else
      start=$next
    fi
  done
  echo "$attempt" >processes
}

# One process per command and mode, a few at a time: every shell-mode run,
# then every Lua run, so the two runs of one command do not overlap (bad
# names such as "bogus" are global kernel names).
running=0
for mode in sh lua; do
  while IFS=$'\t' read -r idx name lua lua_only; do
    if [ -n "$only" ] && ! [[ "$name" =~ $only ]]; then continue; fi
    [ "$mode" = sh ] && [ "$lua_only" = true ] && continue
    if [ "$running" -ge "$jobs_max" ]; then
      wait -n
      running=$((running - 1))
    fi
    run_command "$mode" "$idx" "$name" &
    running=$((running + 1))
  done <commands.txt
done
wait

# Report: one line per command and mode, every failure with its input.
tried=0 clear=0 accepted=0 ended=0 crashed=0 hung=0 unclear=0 bogus=0 setup=0 flaked=0 processes=0
failures=""
while IFS=$'\t' read -r idx name lua lua_only; do
  if [ -n "$only" ] && ! [[ "$name" =~ $only ]]; then continue; fi
  for mode in sh lua; do
    dir=$work/$mode-$idx
    [ -d "$dir" ] || continue
    label="shell $name"
    [ "$mode" = lua ] && label="lua   ipc.$lua"
    res=$dir/results
    [ -f "$res" ] || : >"$res"
    # a fixtures process that failed and then, tried again in a new
    # process, made them: a flake of its start, reported but not counted
    counts=$(awk -F'\t' '$2 != "end" && $1 != "setup" && $1 != "retry" { n++ } { c[$1]++ }
      $1 == "retry" && $2 == 0 && $3 ~ /^made:/ { made++ }
      END { printf "%d %d %d %d %d %d %d %d %d %d", n, c["clear"], c["accepted"], c["ended"], c["crashed"], c["hung"], c["unclear"], c["bogus"], c["setup"] - made, made }' "$res")
    read -r t e a en cr h u b s fl <<<"$counts"
    flaked=$((flaked + fl))
    p=$(cat "$dir/processes" 2>/dev/null || echo 0)
    tried=$((tried + t)) clear=$((clear + e)) accepted=$((accepted + a)) ended=$((ended + en))
    crashed=$((crashed + cr)) hung=$((hung + h)) unclear=$((unclear + u)) bogus=$((bogus + b)) setup=$((setup + s))
    processes=$((processes + p))
    status=ok
    [ $((cr + h + u + b + s)) -gt 0 ] && status=FAIL
    printf '%-4s %-28s %3d inputs: %3d clear error, %3d accepted%s (%d process%s)\n' "$status" "$label" "$t" "$e" "$a" \
      "$([ "$en" -gt 0 ] && echo ", $en ended the process by design")" "$p" "$([ "$p" = 1 ] || echo es)"
    while IFS=$'\t' read -r st k detail; do
      case $st in
        retry)
          failures+="$(printf '    tried again in a new process: %s' "$detail")"$'\n'
          ;;
        crashed | hung | unclear | bogus | setup)
          if [ "$k" = end ] || [ "$st" = setup ]; then input="(after the inputs)"; [ "$st" = setup ] && input="(fixtures)"
          else input=$(awk -F'\t' -v k="$k" '$1 == k { sub(/^[^\t]*\t[^\t]*\t/, ""); print; exit }' "$work/$mode-$idx.desc")
          fi
          [ "$st" = setup ] && [ "$fl" -gt 0 ] && st="setup (once; made when tried again, not counted as failed)"
          failures+="$(printf '%s [%s] %s #%s %s\n    %s' "$st" "${mode/sh/shell}" "$name" "$k" "$input" "$detail")"$'\n'
          ;;
      esac
    done <"$res"
  done
done <commands.txt

if [ -s notes.txt ]; then
  echo
  echo "not covered, or bounded, and why:"
  sed 's/^/  /' notes.txt
fi
if [ -s server-crashes ]; then
  # Processes that lost their wineserver within a second of each other lost
  # the same one; the input that crashed it is one of those in flight.
  echo
  echo "the wineserver died under these processes, at the same moment for each group (one of the inputs in flight crashed it):"
  sort -n server-crashes | awk -F'\t' -v t0="$started_at" '
    function name(w,  m, i) { m = w; sub(/-.*/, "", m); i = w; sub(/^[a-z]+-/, "", i); return (m == "sh" ? "shell " : "lua ") cmd[i] }
    FILENAME == "commands.txt" { cmd[$1] = $2; next }
    { if (last == "" || $1 - last > 1) { if (line != "") print line; line = sprintf("  at +%.0f s: ", $1 - t0) } else line = line ", "
      line = line name($2) " #" $3; last = $1 }
    END { if (line != "") print line }' commands.txt -
fi
if [ -n "$failures" ]; then
  echo
  echo "failures (and flakes):"
  printf '%s' "$failures" | sed -E 's/^/  /; s/(A{10})A{20,}/\1.../g' | cat -v
fi
left=$(leftovers)
if [ -n "$left" ]; then
  echo
  echo "processes left running by the inputs (ended now): $(echo $left | wc -w)"
fi
failed=$((crashed + hung + unclear + bogus + setup))
passed=$((clear + accepted + ended))
echo
echo "badinput: tried $tried, clear error $clear, accepted $accepted, ended by design $ended, crashed $crashed, hung $hung, unclear $unclear, bogus result $bogus$([ "$setup" -gt 0 ] && echo ", setup failed $setup")$([ "$flaked" -gt 0 ] && echo ", fixtures failed once and then were made $flaked") ($processes processes, $((SECONDS - started)) s)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
