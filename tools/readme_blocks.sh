#!/bin/sh
# Writes README.md's fenced blocks into DIR as block<NN>.<lang>, and the name of the marker
# that precedes a block (<!-- check: NAME -->, on the line just before its fence) into
# block<NN>.<lang>.mark. tools/readme_check.sh and tools/consumers.sh run them from there.
# Usage: sh tools/readme_blocks.sh DIR   (from the repository's root)
set -e
dir=$1
[ -n "$dir" ] || { echo "usage: sh tools/readme_blocks.sh DIR" >&2; exit 2; }
mkdir -p "$dir"
awk -v dir="$dir" '
  /^<!-- check: [a-z-]+ -->$/ { mark = $3; next }
  /^```[a-z]+[[:space:]]*$/ && !inside { n++; lang = substr($0, 4); sub(/[[:space:]]+$/, "", lang)
      f = sprintf("%s/block%02d.%s", dir, n, lang); inside = 1
      if (mark != "") { print mark > (f ".mark"); close(f ".mark") }
      mark = ""; printf "" > f; next }
  /^```/ && inside { inside = 0; close(f); next }
  inside { print > f; next }
  { if ($0 != "") mark = "" }
' README.md
