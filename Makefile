# ailib - make test | make demo | make bench
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Werror
LIBS    := -lcurl -lm -lpthread
B       := build
TEST_SRC := $(sort $(wildcard tests/test_*.c))
HDRS    := ailib.h ailib_providers.h
TEST_ALL := tests/impl.c tests/runner.c tests/replay.c tests/mockctl.c $(TEST_SRC)
TEST_HDR := tests/test.h tests/replay.h tests/mockctl.h

.PHONY: all test unit matrix asan valgrind tsan mock-smoke cli bench demo clean deps tools examples

all: $(B)/tests tools

deps:
	@sh tools/deps.sh

$(B):
	@mkdir -p $(B)

tools: $(B)/ailib-mock $(B)/ailib

$(B)/ailib-mock: tools/ailib-mock.c | $(B)
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $(WARN) tools/ailib-mock.c -o $@ -lpthread

$(B)/ailib: tools/ailib.c $(HDRS) | $(B)
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $(WARN) -I. tools/ailib.c -o $@ $(LIBS)

# Every TEST(name) in tests/test_*.c becomes a line X(name) of the registry.
$(B)/test_registry.h: $(TEST_SRC) | $(B)
	@grep -ho '^TEST([A-Za-z0-9_]*)' $(TEST_SRC) | sed 's/^TEST(\(.*\))/X(\1)/' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(B)/tests: $(TEST_ALL) $(TEST_HDR) $(HDRS) $(B)/test_registry.h
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(WARN) -I$(B) -I. $(TEST_ALL) -o $@ $(LIBS)

$(B)/tests-asan: $(TEST_ALL) $(TEST_HDR) $(HDRS) $(B)/test_registry.h
	clang -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer $(WARN) -I$(B) -I. $(TEST_ALL) -o $@ $(LIBS)

$(B)/tsan-threads: tests/tsan_threads.c tests/mockctl.c tests/mockctl.h $(HDRS) | $(B)
	clang -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=thread $(WARN) -I. tests/tsan_threads.c tests/mockctl.c -o $@ $(LIBS)

# A decimal-comma locale, generated into the build tree, lets the locale-independence test run.
$(B)/locale/de_DE.UTF-8:
	@mkdir -p $(B)/locale
	@localedef -i de_DE -f UTF-8 $@ >/dev/null 2>&1 || true

unit: $(B)/tests $(B)/ailib-mock $(B)/locale/de_DE.UTF-8
	@echo "== unit, replay and loopback integration tests"
	@LOCPATH=$(CURDIR)/$(B)/locale ./$(B)/tests

asan: $(B)/tests-asan $(B)/ailib-mock $(B)/locale/de_DE.UTF-8
	@echo "== all tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	@LOCPATH=$(CURDIR)/$(B)/locale LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./$(B)/tests-asan --quick

valgrind: $(B)/tests $(B)/ailib-mock $(B)/locale/de_DE.UTF-8
	@echo "== all tests under valgrind"
	@LOCPATH=$(CURDIR)/$(B)/locale AILIB_TEST_QUICK=1 valgrind -q --suppressions=$(CURDIR)/tests/valgrind.supp --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
	  --errors-for-leak-kinds=all ./$(B)/tests

tsan: $(B)/tsan-threads $(B)/ailib-mock
	@echo "== one client per thread on 4 threads under ThreadSanitizer"
	@./$(B)/tsan-threads

cli: $(B)/ailib $(B)/ailib-mock
	@echo "== the ailib command: models PROVIDER against ailib-mock"
	@sh tests/cli_models.sh $(B)/ailib $(B)/ailib-mock

mock-smoke: $(B)/ailib-mock
	@sh tests/mock_smoke.sh $(B)/ailib-mock

# The programs of examples/ (one idea each), run offline against ailib-mock and compiled as C++11.
EX_BINS := $(patsubst examples/%.c,$(B)/ex_%,$(wildcard examples/*.c))

$(B)/ex_%: examples/%.c $(HDRS) | $(B)
	$(CC) -std=c99 $(CFLAGS) $(WARN) -I. $< -o $@ -lcurl -lm

examples: $(EX_BINS) $(B)/ailib-mock
	@echo "== examples/ against ailib-mock"
	@sh tools/examples.sh

matrix:
	@sh tools/matrix.sh
	@sh tools/readme_check.sh

# The last line printed is the plain run's own "N passed, N failed" summary.
test: deps
	@$(MAKE) --no-print-directory matrix mock-smoke cli asan valgrind tsan examples
	@$(MAKE) --no-print-directory unit

demo: deps
	@$(MAKE) --no-print-directory tools
	@sh tools/demo.sh

bench: deps
	@sh tools/bench/run.sh

clean:
	rm -rf $(B)

# --- make fuzz: libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each; not part of make test -----
FUZZ_TARGETS := json sse ndjson stream response error schema think engine
FUZZ_SECONDS ?= 60
FZ := $(B)/fuzz
FUZZ_CFLAGS := -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -g -fno-omit-frame-pointer \
  -fsanitize=address,undefined -fno-sanitize-recover=all $(WARN) -I.

$(FZ)/ailib.o: tests/impl.c $(HDRS)
	@mkdir -p $(FZ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c tests/impl.c -o $@

$(FZ)/checks.o: tests/fuzz/checks.c tests/fuzz/checks.h $(HDRS)
	@mkdir -p $(FZ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c tests/fuzz/checks.c -o $@

$(FZ)/fuzz-%: tests/fuzz/fuzz_main.c $(FZ)/ailib.o $(FZ)/checks.o
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFZ_TARGET=$* tests/fuzz/fuzz_main.c $(FZ)/ailib.o $(FZ)/checks.o -o $@ $(LIBS)

$(FZ)/seeds: tests/fuzz/seeds.c
	@mkdir -p $(FZ)
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L -O1 $(WARN) tests/fuzz/seeds.c -o $@

.PHONY: fuzz
fuzz: $(addprefix $(FZ)/fuzz-,$(FUZZ_TARGETS)) $(FZ)/seeds
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FZ) $(FUZZ_TARGETS)

# tests/test_fuzz_regress.c replays tests/fuzz/regress/ through the checks it includes
$(B)/tests $(B)/tests-asan: tests/fuzz/checks.c tests/fuzz/checks.h
