#!/bin/sh
# make bench: builds and runs the micro benchmarks. cJSON (Debian's libcjson-dev) is the
# same-run reference when it can be installed; without it the benchmarks still run.
set -e
mkdir -p build
REF=""
if [ ! -f /usr/include/cjson/cJSON.h ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  ($SUDO apt-get install -y -qq libcjson-dev >/dev/null 2>&1 || \
   ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq libcjson-dev >/dev/null 2>&1)) || true
fi
[ -f /usr/include/cjson/cJSON.h ] && REF="-DBENCH_CJSON -lcjson"
cc -std=c99 -O2 -Wall -Wno-unused-function -I. tools/bench/bench_wire.c -o build/bench_wire -lcurl -lm $REF
./build/bench_wire
# bench_http: the engine against a responder thread of its own and, as a cross-check, ailib-mock
# (skipped with a note when the mock cannot be built)
${MAKE:-make} -s build/ailib-mock || true
cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wno-unused-function -I. tools/bench/bench_http.c -o build/bench_http -lcurl -lm -lpthread
./build/bench_http ./build/ailib-mock
# bench_linear: streamed tool-call assembly and <think> extraction from 64 KiB to 4 MiB, with a
# naive consumer (re-copying / re-scanning the accumulated prefix per delta) as the same-run reference
cc -std=c99 -O2 -Wall -Wno-unused-function -I. tools/bench/bench_linear.c -o build/bench_linear -lcurl -lm
./build/bench_linear
# bench_route: CPU per call of a router and of a gated client next to a plain client, same run,
# over an in-process transport (budget: a routed call costs <= 1 us more than a direct one)
cc -std=c99 -O2 -Wall -Wno-unused-function -I. tools/bench/bench_route.c -o build/bench_route -lcurl -lm
./build/bench_route
# bench_intercept: what AILIB_ENABLE_INTERCEPTORS costs a call and a stream event, the macro off
# and on linked into one program (two static copies of ailib), with an empty chain and with one
# interceptor
BI="-std=c99 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wno-unused-function -Wno-maybe-uninitialized -I."
cc $BI -DSIDE=off -DAILIB_ENABLE_INTERCEPTORS=0 -c tools/bench/bench_intercept_side.c -o build/bench_intercept_off.o
cc $BI -DSIDE=on -DAILIB_ENABLE_INTERCEPTORS=1 -c tools/bench/bench_intercept_side.c -o build/bench_intercept_on.o
cc $BI tools/bench/bench_intercept.c build/bench_intercept_off.o build/bench_intercept_on.o -o build/bench_intercept -lcurl -lm
./build/bench_intercept
# bench_cost: the CPU a call pays for the cost feature and a metrics object, against a plain build
# in the same process (the library compiled twice, static, into two objects)
BC="cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wno-unused-function -Wno-maybe-uninitialized -I."
$BC -DBENCH_SIDE=0 -c tools/bench/bench_cost_side.c -o build/bench_cost_plain.o
$BC -DBENCH_SIDE=1 -DAILIB_ENABLE_COST=1 -c tools/bench/bench_cost_side.c -o build/bench_cost_featured.o
$BC tools/bench/bench_cost.c build/bench_cost_plain.o build/bench_cost_featured.o -o build/bench_cost -lcurl -lm -lpthread
./build/bench_cost
# bench_estimate: the token estimate against the providers' counts, when a sample is given
# (AILIB_ESTIMATE_SAMPLE=path/to/sample.jsonl, made by tools/bench/estimate_sample.py)
if [ -n "$AILIB_ESTIMATE_SAMPLE" ] && [ -f "$AILIB_ESTIMATE_SAMPLE" ]; then
  cc -std=c99 -O2 -Wall -Wno-unused-function -I. tools/bench/bench_estimate.c -o build/bench_estimate -lcurl -lm
  ./build/bench_estimate "$AILIB_ESTIMATE_SAMPLE"
fi
# bench_store: the Redis store (AILIB_ENABLE_REDIS) against a redis-server of its own: store
# operations and CPU per call, and calls/s of 8 processes with and without it (skipped with a
# note when redis-server is not installed)
cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wno-unused-function -DAILIB_ENABLE_COST=1 -DAILIB_ENABLE_REDIS=1 -I. \
  tools/bench/bench_store.c -o build/bench_store -lcurl -lm -lpthread
./build/bench_store ./build/ailib-mock
