#!/bin/sh
# Compile matrix: {gcc, clang} x {C99, C++11} x strict warnings; AILIB_STATIC; two-file build.
set -e
B=build/matrix
mkdir -p $B
W="-Wall -Wextra -Wpedantic -Werror -Wshadow"
printf '#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n' > $B/impl.c
printf '#define AILIB_IMPLEMENTATION\n#include "ailib.h"\n' > $B/impl.cpp
printf '#define AILIB_STATIC\n#define AILIB_IMPLEMENTATION\n#include "ailib.h"\nint main(void) { return ailib_version() == 0; }\n' > $B/static.c
n=0
for cc in gcc clang; do
  case $cc in gcc) cxx=g++ ;; clang) cxx=clang++ ;; esac
  $cc -std=c99 $W -I. -c $B/impl.c -o $B/impl-$cc-c99.o
  $cxx -std=c++11 $W -I. -c $B/impl.cpp -o $B/impl-$cc-cxx11.o
  # declarations from a second translation unit, C and C++, linked against each implementation
  $cc -std=c99 $W -I. -c tests/matrix_use.c -o $B/use-$cc.o
  $cxx -std=c++11 $W -I. -c tests/matrix_use.cpp -o $B/use-$cc-cxx.o
  $cc $B/use-$cc.o $B/impl-$cc-c99.o -o $B/use-$cc -lcurl -lm && ./$B/use-$cc
  $cxx $B/use-$cc-cxx.o $B/impl-$cc-cxx11.o -o $B/use-$cc-cxx -lcurl -lm && ./$B/use-$cc-cxx
  $cc -std=c99 $W -Wno-unused-function -I. $B/static.c -o $B/static-$cc -lcurl -lm && ./$B/static-$cc
  n=$((n + 1))
done
# curl-less platforms: AILIB_NO_CURL builds and links without libcurl
gcc -std=c99 $W -DAILIB_NO_CURL -I. $B/static.c -o $B/nocurl -lm && ./$B/nocurl
echo "== compile matrix: gcc, clang x C99, C++11 x -Wall -Wextra -Wpedantic -Werror -Wshadow; AILIB_STATIC; AILIB_NO_CURL; two-file builds: ok"
