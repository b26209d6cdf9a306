#!/bin/sh
# Keeps README.md and CHANGELOG.md true:
# - every ```c block (its first line names the file: /* hello.c */) is built with the exact
#   commands of the block marked <!-- check: build --> (hello replaced by the block's name),
#   in a folder that holds only the two headers, and with strict warnings as C99; each program
#   is run, the ones that talk to a provider against ailib-mock (OPENAI_BASE_URL points there);
# - every ```sh block marked <!-- check: run --> is run as written, in that folder, with
#   build/ reachable as ./build;
# - the providers table equals what tools/provider_table.c prints from the catalog;
# - every environment variable the library reads is in the "Environment variables" section;
# - CHANGELOG.md's latest entry is the version of ailib.h.
# tools/consumers.sh runs the blocks marked cmake-* and pkg-config.
set -e
cd "$(dirname "$0")/.."
ROOT=$(pwd)
B=build/readme
rm -rf $B && mkdir -p $B/work

# --- the providers table ------------------------------------------------------------------------
cc -std=c99 -Wall -Wextra -Werror -I. tools/provider_table.c -o $B/provider_table -lcurl -lm
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

# --- the environment variables ------------------------------------------------------------------
# Names the library reads itself (getenv and its ailib__env* helpers), and the {NAME} placeholders of the catalog's base URLs (the
# key and base URL variables of each provider are in the table).
awk '/^## Environment variables/{f=1; next} /^## /{f=0} f' README.md > $B/env.section
vars=$( (grep -o '\(getenv\|ailib__env[a-z_]*\)("[A-Z_][A-Z0-9_]*"' ailib.h | sed 's/.*("\(.*\)"/\1/'
         grep -o '"http[^"]*{[A-Z_][A-Z0-9_]*}' ailib_providers.h | sed 's/.*{\([A-Z0-9_]*\)}.*/\1/') | sort -u)
missing=
for v in $vars; do grep -q "\`$v\`" $B/env.section || missing="$missing $v"; done
[ -z "$missing" ] || { echo "README.md's Environment variables section does not list:$missing"; exit 1; }

# --- CHANGELOG.md ----------------------------------------------------------------------------------
version=$(sed -n 's/^#define AILIB_VERSION_STRING "\(.*\)"/\1/p' ailib.h)
for part in MAJOR MINOR PATCH; do
  eval "v_$part=\$(sed -n 's/^#define AILIB_VERSION_$part \([0-9]*\)$/\1/p' ailib.h)"
done
[ "$v_MAJOR.$v_MINOR.$v_PATCH" = "$version" ] || { echo "ailib.h: AILIB_VERSION_STRING $version is not $v_MAJOR.$v_MINOR.$v_PATCH"; exit 1; }
latest=$(sed -n 's/^## \[\{0,1\}\([0-9][0-9.]*\)\]\{0,1\}.*/\1/p' CHANGELOG.md | head -1)
[ "$latest" = "$version" ] || { echo "CHANGELOG.md's latest entry is '$latest', ailib.h says $version: add a '## [$version] - DATE' entry"; exit 1; }

# --- the programs and the shell blocks ------------------------------------------------------------
make -s tools >/dev/null
sh tools/readme_blocks.sh $B
marked() { grep -lx "$1" $B/*.mark 2>/dev/null | sed 's/\.mark$//'; }

cp ailib.h ailib_providers.h $B/work/
ln -s "$ROOT/build" $B/work/build
build_cmds=$(marked build)
[ -n "$build_cmds" ] || { echo "README.md: no block marked <!-- check: build -->"; exit 1; }

./build/ailib-mock --port 0 --quiet --port-file $B/port >/dev/null &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true' EXIT
i=0
while [ ! -s $B/port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(cat $B/port)
# The environment of a newcomer: no model choice, no proxy in the way of loopback.
run_env="env -u AILIB_MODEL -u OPENAI_API_KEY -u OPENAI_BASE_URL -u AI_PROXY_URL no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost"

count=0
for f in $B/block*.c; do
  [ -f "$f" ] || continue
  name=$(sed -n '1s|^/\* \([a-z_][a-z0-9_]*\)\.c \*/$|\1|p' "$f")
  [ -n "$name" ] || { echo "README C block $f does not start with /* NAME.c */"; exit 1; }
  count=$((count + 1))
  cp "$f" "$B/work/$name.c"
  (cd $B/work && cc -std=c99 -Wall -Wextra -Wpedantic -Werror -Wshadow -c "$name.c" -o "$name.strict.o")
  # Each command line of the build block, as printed, with this block's name.
  sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d' "$build_cmds" | while IFS= read -r cmd; do
    cmd=$(printf '%s\n' "$cmd" | sed "s/\\bhello\\b/$name/g")
    (cd $B/work && sh -ec "$cmd") || { echo "README: '$cmd' failed"; exit 1; }
    if ! (cd $B/work && $run_env OPENAI_API_KEY=test OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1" \
          timeout 20 "./$name" > "$name.out" 2>&1); then
      echo "README program $name.c, built with '$cmd', failed when run:"; cat "$B/work/$name.out"; exit 1
    fi
  done
done
[ "$count" -gt 0 ] || { echo "no C blocks found in README.md"; exit 1; }
# The build lines overwrote ./hello with the C++ build; the run blocks below use it.

runs=0
for f in $(marked run); do
  runs=$((runs + 1))
  rm -f $B/work/mock.port
  # Its own process group, so that a mock it started in the background dies with it.
  (cd $B/work && $run_env setsid sh -e "$ROOT/$f" > "$ROOT/$f.out" 2>&1) &
  pid=$!
  rc=0
  wait $pid || rc=$?
  kill -- -$pid 2>/dev/null || true
  if [ $rc -ne 0 ]; then echo "README shell block $f failed (exit $rc):"; cat "$f"; echo "--- output:"; cat "$f.out"; exit 1; fi
done

echo "== README.md: $count C programs built with its commands (C and C++) and run, $runs shell blocks run as written, provider table and environment variables match the code; CHANGELOG.md is at $version"
