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
# AILIB_ENABLE_INTERCEPTORS=1: the implementation, and its declarations used from C and C++
printf '#define AILIB_ENABLE_INTERCEPTORS 1\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n' > $B/impl-icpt.c
printf '#define AILIB_ENABLE_INTERCEPTORS 1\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n' > $B/impl-icpt.cpp
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
  $cc -std=c99 $W -I. -c $B/impl-icpt.c -o $B/impl-icpt-$cc-c99.o
  $cxx -std=c++11 $W -I. -c $B/impl-icpt.cpp -o $B/impl-icpt-$cc-cxx11.o
  $cc -std=c99 $W -I. -c tests/matrix_intercept.c -o $B/use-icpt-$cc.o
  $cxx -std=c++11 $W -I. -x c++ -c tests/matrix_intercept.c -o $B/use-icpt-$cc-cxx.o
  $cc $B/use-icpt-$cc.o $B/impl-icpt-$cc-c99.o -o $B/use-icpt-$cc -lcurl -lm
  ./$B/use-icpt-$cc
  $cxx $B/use-icpt-$cc-cxx.o $B/impl-icpt-$cc-cxx11.o -o $B/use-icpt-$cc-cxx -lcurl -lm
  ./$B/use-icpt-$cc-cxx
  # off means gone: no symbol of the chain, the log, the cache or the cassettes
  if nm $B/impl-$cc-c99.o $B/impl-$cc-cxx11.o | grep -iE 'intercept|cassette|ailib_cache|ailib__cache|icpt|ailib__tap|ailib__log_|logger'; then
    echo "AILIB_ENABLE_INTERCEPTORS=0 left the symbols above in the object ($cc)"; exit 1
  fi
  nm $B/impl-icpt-$cc-c99.o | grep -q ailib_client_add_cassette
done
echo "== compile matrix: gcc, clang x C99, C++11 x -Wall -Wextra -Wpedantic -Werror -Wshadow; AILIB_STATIC; AILIB_NO_CURL (no -lcurl); two-file builds; AILIB_ENABLE_INTERCEPTORS on (a replay through a chain, C and C++) and off (no symbol left): ok"
