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
# usage: badinput.sh WINE_RUN IPCSH.EXE [SHARD/SHARDS]
# SHARD/SHARDS (default 1/1, every command): this run takes the commands of
# shard SHARD of SHARDS, split by badinput.lua gen so the shards have about
# the same work; the suite runs them as separate ctest tests (badinput-N),
# side by side under ctest -j. Shards may meet each other's objects of the
# same bad name ("bogus", "0", Hangul): that can only turn an accepted
# input into a clear error or the other way round, both passes; a
# command's two runs (shell and Lua) are in one shard, one after the other.
# Environment: BADINPUT_JOBS (parallel processes, default 1: under more churn Wine 8's wineserver now and then dies during `handles`; Wine processes
# wait on wineserver much of the time),
# BADINPUT_LIMIT (seconds per process, default 30), BADINPUT_DEADLINE
# (seconds for the whole run, default none: no process starts after it, and
# what was not run is reported as unfinished, a failure - so a run under a
# test runner's time limit still says what it found), BADINPUT_ONLY (a regex
# of command names to run, for debugging), BADINPUT_KEEP=1 (keep the work
# directory and print its path).
set -u
wine_run=$(readlink -f "$1")
exe=$(readlink -f "$2")
shard=${3:-1/1}
[[ "$shard" =~ ^([0-9]+)/([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 1 ] && [ "${BASH_REMATCH[1]}" -le "${BASH_REMATCH[2]}" ] ||
  { echo "badinput: SHARD/SHARDS expected (1/4), got '$shard'"; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jobs_max=${BADINPUT_JOBS:-1}
limit=${BADINPUT_LIMIT:-30}
deadline=${BADINPUT_DEADLINE:-0}
only=${BADINPUT_ONLY:-}
work=$(mktemp -d)
# Processes left behind: children whose shell lost its wineserver (and so
# its kill-on-close job) keep running. Ours have their working directory in
# $work; they are ended by id.
leftovers() {
  # (one find: a readlink per process took seconds on a busy machine)
  find /proc/[0-9]*/cwd -maxdepth 0 -lname "$work/*" 2>/dev/null | sed 's|^/proc/||; s|/cwd$||' | tr '\n' ' '
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
started_at=$EPOCHREALTIME

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
if ! ipcsh badinput.lua gen "$runtag" "${shard%/*}" "${shard#*/}" >gen.out 2>&1; then
  echo "badinput: generating the inputs failed:"
  cat gen.out
  echo "0 passed, 1 failed"
  exit 1
fi
generated=$SECONDS

# classify DESC OUT ERR RC START RETRY WHERE: appends one line per input tried to
# the results (STATUS <tab> K <tab> detail; for input RETRY, tried again
# after it crashed or hung, "retry <tab> K <tab> STATUS: detail") and prints
# "NEXT CRASHED": the input to go on from (0 when the run is complete) and
# 1 when the process crashed or hung there. A wineserver crash is also noted
# in ../server-crashes as "TIME WHERE #K".
classify() {
  local desc=$1 out=$2 err=$3 rc=$4 start=$5 retry=$6 where=$7
  # Output lines longer than 1000 bytes are cut and marked; NUL bytes become
  # '?'; the C library's stderr (Lua's io.stderr) ends lines with CR LF.
  # The files: the descriptions, stdout, stderr (ARGV: either may be empty).
  awk -F'\t' -v rc="$rc" -v start="$start" -v limit="$limit" \
      -v retry="$retry" -v where="$where" -v now="$EPOCHREALTIME" '
    { file = FILENAME == ARGV[1] ? 1 : FILENAME == ARGV[2] ? 2 : 3 }
    file > 1 { sub(/\r$/, ""); if (length($0) > 1000) $0 = substr($0, 1, 200) "... [LONG " length($0) " bytes]" }
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
    file == 1 { n = $1; ends[$1] = $2; d = $0; sub(/^[^\t]*\t[^\t]*\t/, "", d); what[$1] = d; next }
    file == 2 {
      olines++
      if (olines == 1) oline1 = $0
      m = marker($0)
      if (m != "") { oseen[m] = 1; ofirst[m] = opend; opend = ""; next }
      if (opend == "") opend = $0
      next
    }
    file == 3 {
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
    }' "$desc" <(tr '\000' '?' <"$out") <(tr '\000' '?' <"$err")
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
    if [ "$deadline" -gt 0 ] && [ $((SECONDS - started)) -ge "$deadline" ]; then
      printf 'unfinished\t%s\tnot run: the run'"'"'s deadline (BADINPUT_DEADLINE=%s s) passed first\n' "$start" "$deadline" >>results
      break
    fi
    attempt=$((attempt + 1))
    # when each process ran (BADINPUT_KEEP=1: what ran alongside a crash)
    echo "start $attempt $EPOCHREALTIME" >>times.log
    if [ "$mode" = sh ]; then
      if [ "$start" = 1 ]; then
        ln -sf "../sh-$idx.in" in
      else
        rm -f in
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
    echo "end $attempt $EPOCHREALTIME rc=$rc" >>times.log
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

ran=$SECONDS

# Report: one line per command and mode, every failure with its input (one
# awk for all of them: a few processes per command took 20 s under load).
while IFS=$'\t' read -r idx name lua lua_only; do
  if [ -n "$only" ] && ! [[ "$name" =~ $only ]]; then continue; fi
  for mode in sh lua; do
    [ -d "$work/$mode-$idx" ] && printf '%s\t%s\t%s\t%s\n' "$mode" "$idx" "$name" "$lua"
  done
done <commands.txt >runs.txt
awk -F'\t' -v work="$work" '
  # the description of input K of a run (MODE-IDX.desc: K <tab> ENDS <tab> text)
  function input(descf, k,   line, f, d) {
    d = ""
    while ((getline line < descf) > 0) {
      split(line, f, "\t")
      if (f[1] == k) { d = line; sub(/^[^\t]*\t[^\t]*\t/, "", d); break }
    }
    close(descf)
    return d
  }
  {
    mode = $1; idx = $2; name = $3; dir = work "/" mode "-" idx
    label = mode == "lua" ? "lua   ipc." $4 : "shell " name
    p = 0
    if ((getline line < (dir "/processes")) > 0) p = line + 0
    close(dir "/processes")
    delete c; n = 0; made = 0; nres = 0
    res = dir "/results"
    while ((getline line < res) > 0) {
      split(line, f, "\t")
      nres++; st[nres] = f[1]; kk[nres] = f[2]; d = line; sub(/^[^\t]*\t[^\t]*\t/, "", d); det[nres] = d
      if (f[2] != "end" && f[1] != "setup" && f[1] != "retry" && f[1] != "unfinished") n++
      c[f[1]]++
      # a fixtures process that failed and then, tried again in a new
      # process, made them: a flake of its start, reported but not counted
      if (f[1] == "retry" && f[2] == 0 && d ~ /^made:/) made++
    }
    close(res)
    s = c["setup"] - made
    T["tried"] += n; T["clear"] += c["clear"]; T["accepted"] += c["accepted"]; T["ended"] += c["ended"]
    T["crashed"] += c["crashed"]; T["hung"] += c["hung"]; T["unclear"] += c["unclear"]; T["bogus"] += c["bogus"]
    T["setup"] += s; T["flaked"] += made; T["processes"] += p; T["unfinished"] += c["unfinished"]
    status = c["crashed"] + c["hung"] + c["unclear"] + c["bogus"] + s + c["unfinished"] > 0 ? "FAIL" : "ok"
    printf "%-4s %-28s %3d inputs: %3d clear error, %3d accepted%s (%d process%s)\n", status, label, n, c["clear"], c["accepted"],
      (c["ended"] > 0 ? ", " c["ended"] " ended the process by design" : ""), p, (p == 1 ? "" : "es")
    for (i = 1; i <= nres; i++) {
      if (st[i] == "retry") {
        printf "    tried again in a new process: %s\n", det[i] > "failures.txt"
      } else if (st[i] ~ /^(crashed|hung|unclear|bogus|setup|unfinished)$/) {
        if (st[i] == "setup") what = "(fixtures)"
        else if (st[i] == "unfinished") what = "(this input and those after it)"
        else if (kk[i] == "end") what = "(after the inputs)"
        else what = input(work "/" mode "-" idx ".desc", kk[i])
        shown = st[i]
        if (st[i] == "setup" && made > 0) shown = "setup (once; made when tried again, not counted as failed)"
        printf "%s [%s] %s #%s %s\n    %s\n", shown, mode == "sh" ? "shell" : "lua", name, kk[i], what, det[i] > "failures.txt"
      }
    }
  }
  END {
    printf "%d %d %d %d %d %d %d %d %d %d %d %d\n", T["tried"], T["clear"], T["accepted"], T["ended"], T["crashed"], T["hung"],
      T["unclear"], T["bogus"], T["setup"], T["flaked"], T["processes"], T["unfinished"] > "totals.txt"
  }' runs.txt
read -r tried clear accepted ended crashed hung unclear bogus setup flaked processes unfinished <totals.txt

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
if [ -s failures.txt ]; then
  echo
  echo "failures (and flakes):"
  sed -E 's/^/  /; s/(A{10})A{20,}/\1.../g' failures.txt | cat -v
fi
left=$(leftovers)
if [ -n "$left" ]; then
  echo
  echo "processes left running by the inputs (ended now): $(echo $left | wc -w)"
fi
failed=$((crashed + hung + unclear + bogus + setup + unfinished))
passed=$((clear + accepted + ended))
echo
echo "badinput$([ "$shard" = 1/1 ] || echo " shard $shard"): $(cut -f2 runs.txt | sort -u | wc -l) commands, tried $tried, clear error $clear, accepted $accepted, ended by design $ended, crashed $crashed, hung $hung, unclear $unclear, bogus result $bogus$([ "$setup" -gt 0 ] && echo ", setup failed $setup")$([ "$flaked" -gt 0 ] && echo ", fixtures failed once and then were made $flaked")$([ "$unfinished" -gt 0 ] && echo ", runs left unfinished at the deadline $unfinished") ($processes processes, $((SECONDS - started)) s: inputs made in $((generated - started)) s, run in $((ran - generated)) s, report $((SECONDS - ran)) s)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
