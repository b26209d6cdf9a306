#!/bin/sh
# Keeps README.md true:
# - every ```c block compiles with strict warnings as C99; blocks with a main() are run, the
#   ones that talk to a provider against the bundled ailib-mock (OPENAI_BASE_URL points there);
# - the provider table equals what tools/provider_table.c prints from the catalog.
set -e
B=build/readme
rm -rf $B && mkdir -p $B
awk -v dir="$B" '
  /^```c[[:space:]]*$/ { n++; f = sprintf("%s/block%02d.c", dir, n); inside = 1; next }
  /^```/ && inside { inside = 0; close(f); next }
  inside { print > f }
' README.md

[ -x build/ailib-mock ] || make -s build/ailib-mock
./build/ailib-mock --port 0 --quiet --port-file $B/port &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true' EXIT
i=0
while [ ! -s $B/port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(cat $B/port)

count=0
for f in $B/block*.c; do
  [ -f "$f" ] || continue
  count=$((count + 1))
  if grep -q 'int main' "$f"; then
    cc -std=c99 -Wall -Wextra -Wpedantic -Werror -Wno-unused-function -I. "$f" -o "${f%.c}" -lcurl -lm
    if ! env -u AILIB_MODEL OPENAI_API_KEY=test OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1" \
         timeout 20 "./${f%.c}" > "${f%.c}.out" 2>&1; then
      echo "README block $f failed when run:"; cat "${f%.c}.out"; exit 1
    fi
  else
    cc -std=c99 -Wall -Wextra -Wpedantic -Werror -Wno-unused-function -I. -c "$f" -o "${f%.c}.o"
  fi
done
[ "$count" -gt 0 ] || { echo "no C blocks found in README.md"; exit 1; }

cc -std=c99 -Wall -Wno-unused-function -I. tools/provider_table.c -o $B/provider_table -lcurl -lm
./$B/provider_table > $B/table.expected
awk '/<!-- providers:begin -->/{f=1; next} /<!-- providers:end -->/{f=0} f' README.md > $B/table.actual
if ! cmp -s $B/table.expected $B/table.actual; then
  echo "README.md's provider table differs from the catalog: run sh tools/readme_check.sh --fix"
  [ "${1:-}" = "--fix" ] || exit 1
fi
if [ "${1:-}" = "--fix" ]; then
  awk -v tf=$B/table.expected '
    /<!-- providers:begin -->/ { print; while ((getline l < tf) > 0) print l; skip = 1; next }
    /<!-- providers:end -->/ { skip = 0 }
    !skip { print }' README.md > $B/README.new && mv $B/README.new README.md
  echo "README.md provider table regenerated"
fi
echo "== README.md: $count C code blocks compiled, programs run against ailib-mock; provider table matches the catalog"
