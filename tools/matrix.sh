#!/bin/sh
# Compile matrix: {gcc, clang} x {C99, C++11} x strict warnings; AILIB_STATIC (no unused-function
# warnings without -Wno-unused-function); AILIB_NO_CURL; the declarations used from a second
# translation unit in C and C++; the monotonic clock in strict ISO builds; the sources users
# build without -Werror (tools, examples), held to -Werror here; the Windows code paths with
# MinGW-w64 when it is installed. Every step is its own command so that set -e stops at the
# first failure.
set -e
B=build/matrix
mkdir -p $B
W="-Wall -Wextra -Wpedantic -Werror -Wshadow"
printf '#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n' > $B/impl.c
printf '#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n' > $B/impl.cpp
# AILIB_STATIC: every function static; a program that uses one of them gets no warning for the rest
printf '#define AILIB_STATIC\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\nint main(void) { return ailib_version() == 0; }\n' > $B/static.c
printf '#define AILIB_NO_CURL\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\nint main(void) { return ailib_transport_curl() != NULL; }\n' > $B/nocurl.c
# The clock (a private function, reachable from the same file with AILIB_STATIC): monotonic
# time counts from boot, far below the wall clock's milliseconds since 1970. Built -std=c99,
# which hides clock_gettime, with ailib.h first (ailib.h asks for POSIX itself) and after a
# system header (ailib.h declares clock_gettime itself).
clock_main='int main(void) {\n    int64_t a = ailib__now_ms(), b = ailib__now_ms(), wall = (int64_t)time(NULL) * 1000;\n    return !(a > 0 && b >= a && a < wall / 2);\n}\n'
printf "#define AILIB_STATIC\n#define AILIB_IMPLEMENTATION\n#include \"ailib.h\"\n#include <time.h>\n$clock_main" > $B/clock_first.c
printf "#include <stdio.h>\n#include <time.h>\n#define AILIB_STATIC\n#define AILIB_IMPLEMENTATION\n#include \"ailib.h\"\n#if defined(__linux__) && !defined(AILIB__LINUX_CLOCK_DECLARED)\n#error the declared clock_gettime was expected here\n#endif\n$clock_main" > $B/clock_after.c
for cc in gcc clang; do
  case $cc in gcc) cxx=g++ ;; clang) cxx=clang++ ;; esac
  $cc -std=c99 $W -I. -c $B/impl.c -o $B/impl-$cc-c99.o
  $cxx -std=c++11 $W -I. -c $B/impl.cpp -o $B/impl-$cc-cxx11.o
  $cc -std=c99 $W -I. -c tests/matrix_use.c -o $B/use-$cc.o
  $cxx -std=c++11 $W -I. -c tests/matrix_use.cpp -o $B/use-$cc-cxx.o
  $cc $B/use-$cc.o $B/impl-$cc-c99.o -o $B/use-$cc -lcurl -lm
  ./$B/use-$cc
  $cxx $B/use-$cc-cxx.o $B/impl-$cc-cxx11.o -o $B/use-$cc-cxx -lcurl -lm
  ./$B/use-$cc-cxx
  $cc -std=c99 $W -I. $B/static.c -o $B/static-$cc -lcurl -lm
  ./$B/static-$cc
  $cxx -x c++ -std=c++11 $W -I. -c $B/static.c -o $B/static-$cc-cxx.o   # g++ reports unused functions only when it compiles
  $cc -std=c99 $W -I. $B/nocurl.c -o $B/nocurl-$cc -lm      # no -lcurl: links without it
  ./$B/nocurl-$cc
  for f in clock_first clock_after; do
    $cc -std=c99 $W -I. $B/$f.c -o $B/$f-$cc -lcurl -lm
    ./$B/$f-$cc
    if nm -u $B/$f-$cc | grep -q 'gettimeofday\|clock_gettime' && ! nm -u $B/$f-$cc | grep -q clock_gettime; then
      echo "matrix: $f-$cc reads the wall clock"; exit 1
    fi
  done
done
# What users build without -Werror (make tools, make examples) is held to it here.
# The command: as make builds it (every feature on), and with the features off (what it says then).
gcc -std=c99 -D_POSIX_C_SOURCE=200809L $W -I. -DAILIB_ENABLE_ROUTING=1 -DAILIB_ENABLE_COST=1 -DAILIB_ENABLE_INTERCEPTORS=1 \
  -fsyntax-only tools/ailib.c
gcc -std=c99 -D_POSIX_C_SOURCE=200809L $W -I. -fsyntax-only tools/ailib.c
gcc -std=c99 -D_POSIX_C_SOURCE=200809L $W -fsyntax-only tools/ailib-mock.c
for f in examples/*.c; do gcc -std=c99 $W -I. -fsyntax-only "$f"; done
win="; Windows code paths: not checked (no x86_64-w64-mingw32-gcc)"
if command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
  # No libcurl for Windows here: the header, the clock and everything but the transport.
  printf '#include <windows.h>\n#define AILIB_NO_CURL\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\nint main(void) { return ailib_version() == 0; }\n' > $B/win_before.c
  printf '#define AILIB_NO_CURL\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n#include <windows.h>\nint main(void) { return ailib_version() == 0; }\n' > $B/win_after.c
  x86_64-w64-mingw32-gcc -std=c99 $W -I. $B/win_before.c -o $B/win_before.exe
  x86_64-w64-mingw32-gcc -std=c99 $W -I. $B/win_after.c -o $B/win_after.exe
  win="; Windows (MinGW-w64, AILIB_NO_CURL, compiled and linked, not run)"
fi
# --- the feature macros -----------------------------------------------------------------------
# Every combination of AILIB_ENABLE_ROUTING, _COST and _INTERCEPTORS: the implementation as C99
# (gcc, clang) and C++11 (g++), warning-free; the public declarations used from a second
# translation unit (the core's, and each enabled feature's own) linked and run in C and C++;
# with a feature off, not one of its symbols in the object file.
route_syms='rout'
cost_syms='ailib_+(cost|price|ledger|budget|estimate|count_tokens|bslot|key_hash|usd|est_)'
icpt_syms='intercept|cassette|ailib_cache|ailib__cache|icpt|ailib__tap|ailib__log_|logger'
redis_syms='redis|ailib__rds|ailib__resp_'
combos=0
for r in 0 1; do for k in 0 1; do for i in 0 1; do
  D="-DAILIB_ENABLE_ROUTING=$r -DAILIB_ENABLE_COST=$k -DAILIB_ENABLE_INTERCEPTORS=$i"
  o=$B/combo-$r$k$i
  gcc -std=c99 $W $D -I. -c $B/impl.c -o $o-gcc.o
  clang -std=c99 $W $D -I. -c $B/impl.c -o $o-clang.o
  g++ -std=c++11 $W $D -I. -c $B/impl.cpp -o $o-cxx.o
  uses="tests/matrix_use.c"
  [ $k = 1 ] && uses="$uses tests/matrix_cost.c"
  [ $i = 1 ] && uses="$uses tests/matrix_intercept.c"
  for u in $uses; do
    n=$(basename $u .c)
    gcc -std=c99 $W $D -I. -c $u -o $o-$n.o
    gcc $o-$n.o $o-gcc.o -o $o-$n -lcurl -lm
    ./$o-$n
    g++ -x c++ -std=c++11 $W $D -I. -c $u -o $o-$n-cxx.o
    g++ $o-$n-cxx.o $o-cxx.o -o $o-$n-cxx -lcurl -lm
    ./$o-$n-cxx
  done
  [ $r = 1 ] && nm $o-gcc.o | grep -q ' T ailib_router_create$'
  [ $k = 1 ] && nm $o-gcc.o | grep -q ' T ailib_response_cost$'
  [ $i = 1 ] && nm $o-gcc.o | grep -q ' T ailib_client_add_cassette$'
  for obj in $o-gcc.o $o-clang.o $o-cxx.o; do
    if [ $r = 0 ] && nm $obj | grep -i "$route_syms"; then echo "matrix: routing symbols in $obj ($D)"; exit 1; fi
    if [ $k = 0 ] && nm $obj | grep -Ei "$cost_syms"; then echo "matrix: cost symbols in $obj ($D)"; exit 1; fi
    if [ $i = 0 ] && nm $obj | grep -iE "$icpt_syms"; then echo "matrix: interceptor symbols in $obj ($D)"; exit 1; fi
    if nm $obj | grep -iE "$redis_syms"; then echo "matrix: Redis store symbols in $obj ($D, AILIB_ENABLE_REDIS off)"; exit 1; fi
  done
  combos=$((combos + 1))
done; done; done
# AILIB_ENABLE_REDIS on: with every other feature off and with all on (its sections alone and
# next to the others), C99 (gcc, clang) and C++11, the store used from a second unit.
for rest in "" "-DAILIB_ENABLE_ROUTING=1 -DAILIB_ENABLE_COST=1 -DAILIB_ENABLE_INTERCEPTORS=1"; do
  D="-DAILIB_ENABLE_REDIS=1 $rest"
  if [ -n "$rest" ]; then o=$B/combo-redis-all; else o=$B/combo-redis; fi
  gcc -std=c99 $W $D -I. -c $B/impl.c -o $o-gcc.o
  clang -std=c99 $W $D -I. -c $B/impl.c -o $o-clang.o
  g++ -std=c++11 $W $D -I. -c $B/impl.cpp -o $o-cxx.o
  nm $o-gcc.o | grep -q ' T ailib_store_redis_create$'
  gcc -std=c99 $W $D -I. -c tests/matrix_use.c -o $o-use.o
  gcc $o-use.o $o-gcc.o -o $o-use -lcurl -lm -lpthread
  ./$o-use
  combos=$((combos + 1))
done
# The whole test suite with every feature off, in C99 (make unit runs it with all on), and the
# tests of routing, the gate and batch in C++11 with routing on and off (their own registry, so
# the build stays small).
make -s build/test_registry.h build/ailib-mock
S="tests/impl.c tests/runner.c tests/replay.c tests/mockctl.c tests/fake_tp.c tools/ailib_batch.c"
gcc -std=c99 -D_POSIX_C_SOURCE=200809L -O0 $W -Ibuild -I. $S tests/test_*.c -o $B/suite-c99-off -lcurl -lm -lpthread
./$B/suite-c99-off > $B/suite.out 2>&1 || { cat $B/suite.out; exit 1; }
echo "   the suite with every feature off: $(tail -1 $B/suite.out)"
mkdir -p $B/sub
F="tests/test_route.c tests/test_gate.c tests/test_batchfile.c"
grep -ho '^TEST([A-Za-z0-9_]*)' $F | sed 's/^TEST(\(.*\))/X(\1)/' > $B/sub/test_registry.h
for m in 0 1; do
  g++ -x c++ -std=c++11 -D_POSIX_C_SOURCE=200809L -O0 $W -DAILIB_ENABLE_ROUTING=$m -I$B/sub -I. $S $F -o $B/suite-cxx11-route$m \
    -lcurl -lm -lpthread
  ./$B/suite-cxx11-route$m > $B/suite.out 2>&1 || { cat $B/suite.out; exit 1; }
  echo "   routing, gate and batch tests in C++11, routing $m: $(tail -1 $B/suite.out)"
done
echo "== compile matrix: gcc, clang x C99, C++11 x -Wall -Wextra -Wpedantic -Werror -Wshadow; AILIB_STATIC; AILIB_NO_CURL (no -lcurl); two-file builds; monotonic clock under -std=c99; tools and examples at -Werror$win; the $combos combinations of the feature macros (no symbol of a feature that is off); the suite with every feature off: ok"
