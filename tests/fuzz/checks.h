/* checks.h - the properties the fuzz targets check, as plain functions.

   Each fz_check_<target>() takes one input, runs it through ailib and returns NULL when every
   property holds, else a short text naming the property that failed. The same functions are
   compiled into the libFuzzer binaries (tests/fuzz/fuzz_main.c, which abort()s on a failed
   property) and into the test runner (tests/test_fuzz_regress.c, which replays every input
   kept under tests/fuzz/regress/<target>/). A crash, a leak or undefined behaviour is found by
   the sanitizers of the build that runs them. Input layouts are described in checks.c. */
#ifndef AILIB_FUZZ_CHECKS_H
#define AILIB_FUZZ_CHECKS_H
#include <stddef.h>
#include <stdint.h>

typedef const char *(*fz_check_fn)(const uint8_t *data, size_t size);

const char *fz_check_json(const uint8_t *data, size_t size);
const char *fz_check_sse(const uint8_t *data, size_t size);
const char *fz_check_ndjson(const uint8_t *data, size_t size);
const char *fz_check_stream(const uint8_t *data, size_t size);
const char *fz_check_response(const uint8_t *data, size_t size);
const char *fz_check_error(const uint8_t *data, size_t size);
const char *fz_check_schema(const uint8_t *data, size_t size);
const char *fz_check_think(const uint8_t *data, size_t size);
const char *fz_check_engine(const uint8_t *data, size_t size);

typedef struct fz_target { const char *name; fz_check_fn fn; } fz_target;
/* Every target, ending with { NULL, NULL }. */
extern const fz_target fz_targets[];

/* Shortest round-trip length among printf's %.1g .. %.17g forms of v (C locale), the
   reference ailib_json_write_double is held to; 0 for non-finite v. */
size_t fz_ref_double_len(double v);

#endif
