#!/usr/bin/env bash
# The layers the build is made of (src/<layer>/, one CMake library each),
# lowest first. A file may include headers of its own layer and the layers
# below it, never above: this reads every #include "layer/file" under src/
# and fails on one that goes up, unless tests/layers/allowed.txt lists it
# (each with why; an entry no longer needed fails too, so the list only
# shrinks). It also fails on a command row written positionally, and on
# display text tested to decide behaviour (a handle's role, a shown name).
# usage: check_layers.sh [SRC_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${1:-$here/../../src}
layers=(core win32 session console lua agents record commands app)
rank() { local i; for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
allowed=$(grep -v '^#' "$here/allowed.txt" | sed 's/ *#.*//' | sed '/^$/d' || true)
status=0 used=""
for dir in "$src"/*/; do
  layer=$(basename "$dir")
  own=$(rank "$layer")
  [ "$own" -ge 0 ] || { echo "layers: src/$layer is no layer (known: ${layers[*]})"; status=1; continue; }
  for f in "$dir"*; do
    while IFS= read -r inc; do
      target=${inc%%/*}
      [ "$target" != "$inc" ] || continue  # a file of its own folder
      theirs=$(rank "$target")
      [ "$theirs" -ge 0 ] || continue      # not ours (a library's header)
      if [ "$theirs" -gt "$own" ]; then
        edge="$layer/$(basename "$f") -> $inc"
        if grep -qxF "$edge" <<<"$allowed"; then
          used+="$edge"$'\n'
        else
          echo "layers: $edge goes up ($layer is below $target)"
          status=1
        fi
      fi
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
  done
done
while IFS= read -r edge; do
  [ -z "$edge" ] || grep -qxF "$edge" <<<"$used" || { echo "layers: allowed.txt lists '$edge', which no file does now: take it out"; status=1; }
done <<<"$allowed"
# Rows are written with designated initializers: no `{"name", ...` row,
# parameter or flag in a command table.
for f in "$src"/*/*.cpp; do
  awk -v f="$f" '/CommandRegistration registration\{/ { on = 1 } on && /\{"[^"]*", *ArgType::/ { print "layers: " f ":" NR ": a row written positionally: " $0; bad = 1 } on && /^};/ { on = 0 } END { exit bad }' "$f" || status=1
done
# Every fact about a command is in its family's file: each family a row
# names has its line for `help` registered there too (FamilyRegistration).
for family in $(grep -ohE '\.family = "[^"]+"' "$src"/commands/*.cpp | sed -E 's/.*"(.*)"/\1/' | sort -u); do
  grep -qE "FamilyRegistration family\{\"$family\"" "$src"/commands/*.cpp ||
    { echo "layers: the family '$family' has rows but no FamilyRegistration (its line for help)"; status=1; }
done
# Names of commands are not tested in the layers above the rows (what a
# command does differently is a field of its row).
if grep -rnE '(command|c|call\.command)(->|\.)name *[!=]= *"' "$src"/record "$src"/app "$src"/console "$src"/lua --include=*.cpp; then
  echo "layers: a command's name decides behaviour above (give its row a field instead)"
  status=1
fi
# A handle's role and a name like "(anonymous)" are words to show; what a
# handle is lives in typed fields (HandleObject::end, adopted, suspended...).
if grep -rnE 'role *[!=]= *"|role\.r?find\(|role\.(starts|ends)_with|name *[!=]= *"\(' "$src" --include=*.cpp --include=*.hpp; then
  echo "layers: display text decides behaviour above (test a typed field instead)"
  status=1
fi
[ $status = 0 ] && echo "layers: ${#layers[@]} layers (${layers[*]}), every include goes down or sideways$( [ -n "$allowed" ] && echo " but $(wc -l <<<"$allowed") listed in allowed.txt")"
exit $status
