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
  # AILIB_ENABLE_COST on: the implementation and the declarations in C99 and C++11, used from a
  # second translation unit; off: not one cost symbol in the object file
  $cc -std=c99 $W -DAILIB_ENABLE_COST=1 -I. -c $B/impl.c -o $B/impl-$cc-c99-cost.o
  $cxx -std=c++11 $W -DAILIB_ENABLE_COST=1 -I. -c $B/impl.cpp -o $B/impl-$cc-cxx11-cost.o
  $cc -std=c99 $W -DAILIB_ENABLE_COST=1 -I. -c tests/matrix_cost.c -o $B/cost-$cc.o
  $cxx -std=c++11 $W -DAILIB_ENABLE_COST=1 -I. -x c++ -c tests/matrix_cost.c -o $B/cost-$cc-cxx.o
  $cc $B/cost-$cc.o $B/impl-$cc-c99-cost.o -o $B/cost-$cc -lcurl -lm
  ./$B/cost-$cc
  $cxx $B/cost-$cc-cxx.o $B/impl-$cc-cxx11-cost.o -o $B/cost-$cc-cxx -lcurl -lm
  ./$B/cost-$cc-cxx
  $cc -std=c99 $W -I. -c tests/matrix_cost.c -o $B/nocost-$cc.o        # metrics are core: no macro needed
  $cc $B/nocost-$cc.o $B/impl-$cc-c99.o -o $B/nocost-$cc -lcurl -lm
  ./$B/nocost-$cc
  nm $B/impl-$cc-c99-cost.o | grep -q ' T ailib_response_cost$'
  if nm $B/impl-$cc-c99.o $B/impl-$cc-cxx11.o | grep -Ei 'ailib_+(cost|price|ledger|budget|estimate|count_tokens|bslot|key_hash|usd|est_)'; then
    echo "matrix: cost symbols in an object built with AILIB_ENABLE_COST=0" >&2; exit 1
  fi
done
# the test binary, AILIB_ENABLE_COST off: every test file still compiles and links (cost tests skip)
grep -ho '^TEST([A-Za-z0-9_]*)' tests/test_*.c | sed 's/^TEST(\(.*\))/X(\1)/' > $B/test_registry.h
gcc -std=c99 -D_POSIX_C_SOURCE=200809L -O0 $W -I$B -I. -DAILIB_ENABLE_COST=0 tests/impl.c tests/runner.c tests/replay.c tests/mockctl.c \
  tests/test_*.c -o $B/tests-nocost -lcurl -lm -lpthread
./$B/tests-nocost cost_budget_refuses metrics_prometheus >/dev/null
echo "== compile matrix: gcc, clang x C99, C++11 x -Wall -Wextra -Wpedantic -Werror -Wshadow; AILIB_STATIC; AILIB_NO_CURL (no -lcurl); two-file builds; AILIB_ENABLE_COST on (C99, C++11) and off (no cost symbol, test binary builds): ok"
