# ailib - make test | make demo | make bench | make single
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Werror
B       := build
TEST_SRC := $(sort $(wildcard tests/test_*.c))
HDRS    := ailib.h ailib_providers.h $(wildcard wip/*.inc)

.PHONY: all test unit matrix asan valgrind bench demo single clean deps

all: $(B)/tests

deps:
	@sh tools/deps.sh

$(B):
	@mkdir -p $(B)

# Every TEST(name) in tests/test_*.c becomes a line X(name) of the registry.
$(B)/test_registry.h: $(TEST_SRC) | $(B)
	@grep -ho '^TEST([A-Za-z0-9_]*)' $(TEST_SRC) | sed 's/^TEST(\(.*\))/X(\1)/' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

TEST_ALL := tests/impl.c tests/runner.c tests/replay.c $(TEST_SRC)

$(B)/tests: $(TEST_ALL) tests/test.h tests/replay.h $(HDRS) $(B)/test_registry.h
	$(CC) -std=c99 $(CFLAGS) $(WARN) -I$(B) -I. $(TEST_ALL) -o $@ -lm

$(B)/tests-asan: $(TEST_ALL) tests/test.h $(HDRS) $(B)/test_registry.h
	clang -std=c99 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	  $(WARN) -I$(B) -I. $(TEST_ALL) -o $@ -lm

unit: $(B)/tests
	@echo "== unit tests"
	@./$(B)/tests

asan: $(B)/tests-asan
	@echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./$(B)/tests-asan

valgrind: $(B)/tests
	@echo "== unit tests under valgrind"
	@AILIB_TEST_QUICK=1 valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
	  --errors-for-leak-kinds=all ./$(B)/tests

matrix:
	@sh tools/matrix.sh

# The last line printed is the unit run's own "N passed, N failed" summary.
test: deps
	@$(MAKE) --no-print-directory matrix asan valgrind
	@$(MAKE) --no-print-directory unit

bench:
	@sh tools/bench/run.sh

clean:
	rm -rf $(B)
