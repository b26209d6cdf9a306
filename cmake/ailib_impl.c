/* The one translation unit of the libailib library builds (CMake's ailib_static and
   ailib_shared, the Makefile's `make lib`): the implementation, compiled once. A program
   linked with the library includes ailib.h without AILIB_IMPLEMENTATION. */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
