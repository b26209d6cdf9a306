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
echo "== compile matrix: gcc, clang x C99, C++11 x -Wall -Wextra -Wpedantic -Werror -Wshadow; AILIB_STATIC; AILIB_NO_CURL (no -lcurl); two-file builds: ok"
