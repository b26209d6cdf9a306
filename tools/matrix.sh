#!/bin/sh
# Compile matrix: {gcc, clang} x {C99, C++11} x strict warnings; AILIB_STATIC; AILIB_NO_CURL;
# the declarations used from a second translation unit in C and C++. Every step is its own
# command so that set -e stops at the first failure.
set -e
B=build/matrix
mkdir -p $B
W="-Wall -Wextra -Wpedantic -Werror -Wshadow"
printf '#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n' > $B/impl.c
printf '#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n' > $B/impl.cpp
# AILIB_STATIC: every function static, so a user of only some of them gets no unused warnings
# from the rest unless asked; the check is that it compiles, links and runs
printf '#define AILIB_STATIC\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\nint main(void) { return ailib_version() == 0; }\n' > $B/static.c
printf '#define AILIB_NO_CURL\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\nint main(void) { return ailib_transport_curl() != NULL; }\n' > $B/nocurl.c
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
  $cc -std=c99 $W -Wno-unused-function -I. $B/static.c -o $B/static-$cc -lcurl -lm
  ./$B/static-$cc
  $cc -std=c99 $W -I. $B/nocurl.c -o $B/nocurl-$cc -lm      # no -lcurl: links without it
  ./$B/nocurl-$cc
done
# AILIB_ENABLE_ROUTING=1: the header and the implementation, both compilers, both languages;
# off (above), the object has no routing symbol at all
for cc in gcc clang; do
  case $cc in gcc) cxx=g++ ;; clang) cxx=clang++ ;; esac
  $cc -std=c99 $W -DAILIB_ENABLE_ROUTING=1 -I. -c $B/impl.c -o $B/impl-$cc-c99-route.o
  $cxx -std=c++11 $W -DAILIB_ENABLE_ROUTING=1 -I. -c $B/impl.cpp -o $B/impl-$cc-cxx11-route.o
  $cc -std=c99 $W -DAILIB_ENABLE_ROUTING=1 -I. -c tests/matrix_use.c -o $B/use-$cc-route.o
  $cc $B/use-$cc-route.o $B/impl-$cc-c99-route.o -o $B/use-$cc-route -lcurl -lm
  ./$B/use-$cc-route
  for o in $B/impl-$cc-c99.o $B/impl-$cc-cxx11.o; do
    if nm $o | grep -i 'rout'; then echo "$o: routing symbols in a build without AILIB_ENABLE_ROUTING"; exit 1; fi
  done
  nm $B/impl-$cc-c99-route.o | grep -q ailib_router_create
done
# The test suite with the routing macro off, in C99, all of it (make unit runs it with the
# macro on); and in C++11 with it on and off, the tests of routing, the gate and batch (their
# own registry, so the build stays small).
make -s build/test_registry.h build/ailib-mock
S="tests/impl.c tests/runner.c tests/replay.c tests/mockctl.c tests/fake_tp.c tools/ailib_batch.c"
gcc -std=c99 -D_POSIX_C_SOURCE=200809L -O0 $W -DAILIB_ENABLE_ROUTING=0 -Ibuild -I. $S tests/test_*.c -o $B/suite-c99-noroute -lcurl -lm -lpthread
./$B/suite-c99-noroute > $B/suite.out 2>&1 || { cat $B/suite.out; exit 1; }
tail -1 $B/suite.out
mkdir -p $B/sub
F="tests/test_route.c tests/test_gate.c tests/test_batchfile.c"
grep -ho '^TEST([A-Za-z0-9_]*)' $F | sed 's/^TEST(\(.*\))/X(\1)/' > $B/sub/test_registry.h
for m in 0 1; do
  g++ -x c++ -std=c++11 -D_POSIX_C_SOURCE=200809L -O0 $W -DAILIB_ENABLE_ROUTING=$m -I$B/sub -I. $S $F -o $B/suite-cxx11-route$m \
    -lcurl -lm -lpthread
  ./$B/suite-cxx11-route$m > $B/suite.out 2>&1 || { cat $B/suite.out; exit 1; }
  tail -1 $B/suite.out
done
echo "== compile matrix: gcc, clang x C99, C++11 x -Wall -Wextra -Wpedantic -Werror -Wshadow; AILIB_STATIC; AILIB_NO_CURL (no -lcurl); two-file builds; AILIB_ENABLE_ROUTING 0/1 (no routing symbol when 0), the suite with it off (C99) and on/off (C++11): ok"
