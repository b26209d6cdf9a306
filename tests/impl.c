/* The implementation lives in exactly one translation unit; the tests use the declarations. */
#define AILIB_IMPLEMENTATION
#include "../ailib.h"
