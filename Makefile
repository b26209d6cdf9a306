# ailib - make demo | make test | make single | make lib | make install | make bench
CC      ?= cc
CFLAGS  ?= -O2 -g
# The tests build with -Werror; what users build (tools, examples, libraries) does not, so a
# new compiler's new warning cannot stop `make demo` (tools/matrix.sh still holds those
# sources to -Werror).
WARN    := -Wall -Wextra -Wpedantic -Werror
UWARN   := -Wall -Wextra
LIBS    := -lcurl -lm -lpthread
B       := build
PREFIX  ?= /usr/local
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR  ?= $(PREFIX)/lib
VERSION := $(shell sed -n 's/^\#define AILIB_VERSION_STRING "\(.*\)"/\1/p' ailib.h)
TEST_SRC := $(sort $(wildcard tests/test_*.c))
HDRS    := ailib.h ailib_providers.h
TEST_ALL := tests/impl.c tests/runner.c tests/replay.c tests/mockctl.c tests/fake_tp.c tools/ailib_batch.c $(TEST_SRC)
TEST_HDR := tests/test.h tests/replay.h tests/mockctl.h tests/fake_tp.h tools/ailib_batch.h
# The feature macros the test builds turn on, all of them (the compile matrix builds every
# combination and runs the suite with them all off)
FEATURES ?= -DAILIB_ENABLE_ROUTING=1 -DAILIB_ENABLE_COST=1 -DAILIB_ENABLE_INTERCEPTORS=1 -DAILIB_ENABLE_REDIS=1

.PHONY: all test unit matrix asan valgrind tsan mock-smoke cli bench demo clean deps tools examples

# make: what a user builds (the tools, the libraries, the single header); the tests build
# with make test.
all: tools lib single

# deps: everything `make test` needs (installed through apt when missing);
# the demo checks for a C compiler and libcurl's headers only.
deps:
	@sh tools/deps.sh test

$(B):
	@mkdir -p $(B)

tools: $(B)/ailib-mock $(B)/ailib

$(B)/ailib-mock: tools/ailib-mock.c | $(B)
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $(UWARN) tools/ailib-mock.c -o $@ -lpthread

# The command is built with every feature on: route/<group> models (routing), --usage and
# batch totals (cost), --record/--replay (interceptors).
CLI_SRC := tools/ailib.c tools/ailib_batch.c
$(B)/ailib: $(CLI_SRC) tools/ailib_batch.h $(HDRS) | $(B)
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $(UWARN) $(FEATURES) -I. $(CLI_SRC) -o $@ $(LIBS)

# Every TEST(name) in tests/test_*.c becomes a line X(name) of the registry.
$(B)/test_registry.h: $(TEST_SRC) | $(B)
	@grep -ho '^TEST([A-Za-z0-9_]*)' $(TEST_SRC) | sed 's/^TEST(\(.*\))/X(\1)/' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(B)/tests: $(TEST_ALL) $(TEST_HDR) $(HDRS) $(B)/test_registry.h
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(WARN) $(FEATURES) -I$(B) -I. $(TEST_ALL) -o $@ $(LIBS)

$(B)/tests-asan: $(TEST_ALL) $(TEST_HDR) $(HDRS) $(B)/test_registry.h
	clang -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer $(WARN) $(FEATURES) -I$(B) -I. $(TEST_ALL) -o $@ $(LIBS)

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

# One metrics object and one ledger shared by clients on four threads.
$(B)/tsan-shared: tests/tsan_shared.c tests/mockctl.c tests/mockctl.h $(HDRS) | $(B)
	clang -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=thread $(WARN) $(FEATURES) -I. tests/tsan_shared.c tests/mockctl.c -o $@ $(LIBS)

# The store's tests (a client's poll and the Redis store's I/O thread share its connection),
# with their own registry so the build stays small.
$(B)/tsan-redis: tests/test_redis.c tests/impl.c tests/runner.c tests/mockctl.c tests/mockctl.h tests/test.h $(HDRS) | $(B)
	@mkdir -p $(B)/sub-tsan
	@grep -ho '^TEST([A-Za-z0-9_]*)' tests/test_redis.c | sed 's/^TEST(\(.*\))/X(\1)/' > $(B)/sub-tsan/test_registry.h
	clang -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=thread $(WARN) $(FEATURES) -I$(B)/sub-tsan -I. tests/impl.c tests/runner.c \
	  tests/mockctl.c tests/test_redis.c -o $@ $(LIBS)

tsan: $(B)/tsan-threads $(B)/tsan-shared $(B)/tsan-redis $(B)/ailib-mock
	@echo "== one client per thread on 4 threads under ThreadSanitizer"
	@./$(B)/tsan-threads
	@./$(B)/tsan-shared
	@echo "== the store's tests (Redis) under ThreadSanitizer"
	@./$(B)/tsan-redis > $(B)/tsan-redis.out 2>&1 || { cat $(B)/tsan-redis.out; exit 1; }
	@tail -1 $(B)/tsan-redis.out

cli: $(B)/ailib $(B)/ailib-mock
	@echo "== the ailib command: models PROVIDER against ailib-mock"
	@sh tests/cli_models.sh $(B)/ailib $(B)/ailib-mock
	@echo "== the ailib command: prompts, log, attachments, tools, embed, check, config, a tty (tmux)"
	@sh tests/cli_prompt.sh $(B)/ailib $(B)/ailib-mock
	@echo "== the ailib command: batch, --usage, route groups, --record/--replay"
	@sh tests/cli_features.sh $(B)/ailib $(B)/ailib-mock

mock-smoke: $(B)/ailib-mock
	@sh tests/mock_smoke.sh $(B)/ailib-mock

# The programs of examples/ (one idea each), run offline against ailib-mock and compiled as C++11.
EX_BINS := $(patsubst examples/%.c,$(B)/ex_%,$(wildcard examples/*.c))

$(B)/ex_%: examples/%.c $(HDRS) | $(B)
	$(CC) -std=c99 $(CFLAGS) $(UWARN) -I. $< -o $@ -lcurl -lm

# A tiny OTLP/HTTP collector: examples/metrics.c exports to it offline.
$(B)/otlp-recv: tools/otlp-recv.c | $(B)
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $(WARN) tools/otlp-recv.c -o $@

examples: $(EX_BINS) $(B)/ailib-mock $(B)/otlp-recv
	@echo "== examples/ against ailib-mock"
	@sh tools/examples.sh

# The compile matrix, the README's programs and commands, the build integrations (CMake,
# pkg-config, make install, the libraries, make single), CHANGELOG.md against the version,
# and the demo offline.
matrix:
	@sh tools/matrix.sh
	@sh tools/readme_check.sh
	@sh tools/consumers.sh
	@AILIB_DEMO_OFFLINE=1 $(MAKE) --no-print-directory demo >$(B)/demo.out 2>&1 || { cat $(B)/demo.out; exit 1; }
	@grep -q '"text"' $(B)/demo.out && echo "== make demo (offline, against ailib-mock): ok"
	@sh tests/demo_check.sh

# The last line printed is the plain run's own "N passed, N failed" summary.
# The two longest stages, the compile matrix (compilers) and the suite under valgrind (one
# process), run side by side once what both use is built; the timing-sensitive stages (the
# command's shell tests, ASan, TSan, the examples, the plain suite) run alone after them.
test: deps
	@$(MAKE) --no-print-directory $(B)/tests $(B)/ailib-mock $(B)/ailib $(B)/locale/de_DE.UTF-8
	@$(MAKE) --no-print-directory -j2 --output-sync=target matrix valgrind
	@$(MAKE) --no-print-directory mock-smoke cli asan tsan examples
	@$(MAKE) --no-print-directory unit

demo:
	@CC="$(CC)" sh tools/deps.sh demo
	@$(MAKE) --no-print-directory tools
	@sh tools/demo.sh

bench: deps
	@sh tools/bench/run.sh

# --- for users: one file, the libraries, installation -----------------------------------------
.PHONY: single lib install uninstall dist

# build/single/ailib.h: ailib.h with ailib_providers.h inlined, for those who copy one file.
single: $(B)/single/ailib.h
$(B)/single/ailib.h: $(HDRS) tools/amalgamate.sh
	@mkdir -p $(B)/single
	sh tools/amalgamate.sh ailib.h > $@.tmp && mv $@.tmp $@

# libailib.a and libailib.so (ELF platforms; on macOS and Windows, CMake builds them): the
# implementation compiled once, position-independent, for both. Before 1.0 a minor release
# may change the ABI, so the soname carries major.minor.
SOVER   := $(shell echo $(VERSION) | cut -d. -f1-2)
lib: $(B)/lib/libailib.a $(B)/lib/libailib.so
$(B)/lib/ailib.o: cmake/ailib_impl.c $(HDRS)
	@mkdir -p $(B)/lib
	$(CC) -std=c99 $(CFLAGS) $(UWARN) -fPIC -I. -c cmake/ailib_impl.c -o $@
$(B)/lib/libailib.a: $(B)/lib/ailib.o
	rm -f $@ && ar rcs $@ $(B)/lib/ailib.o
$(B)/lib/libailib.so: $(B)/lib/ailib.o
	$(CC) -shared -Wl,-soname,libailib.so.$(SOVER) $(B)/lib/ailib.o -o $(B)/lib/libailib.so.$(VERSION) -lcurl -lm
	ln -sf libailib.so.$(VERSION) $(B)/lib/libailib.so.$(SOVER)
	ln -sf libailib.so.$(SOVER) $@

# make install [PREFIX=/usr/local] [DESTDIR=/staging]: the headers, the libraries, ailib.pc
# (the header) and ailib-lib.pc (the library) for pkg-config, ailibConfig.cmake for CMake.
install: lib
	@sh tools/install.sh "$(DESTDIR)" "$(PREFIX)" "$(INCLUDEDIR)" "$(LIBDIR)" "$(VERSION)" "$(B)"

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/ailib.h $(DESTDIR)$(INCLUDEDIR)/ailib_providers.h
	rm -f $(DESTDIR)$(LIBDIR)/libailib.a $(DESTDIR)$(LIBDIR)/libailib.so $(DESTDIR)$(LIBDIR)/libailib.so.$(SOVER) \
	  $(DESTDIR)$(LIBDIR)/libailib.so.$(VERSION)
	rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/ailib.pc $(DESTDIR)$(LIBDIR)/pkgconfig/ailib-lib.pc
	rm -rf $(DESTDIR)$(LIBDIR)/cmake/ailib

# build/ailib-VERSION.tar.gz: the release tarball, the repository's tracked files as they are.
dist:
	@mkdir -p $(B)
	git ls-files | sort -u | tar -czf $(B)/ailib-$(VERSION).tar.gz --transform 's,^,ailib-$(VERSION)/,' -T -
	@echo "$(B)/ailib-$(VERSION).tar.gz"

clean:
	rm -rf $(B)

# make soak (not part of make test): 1,000,000 unary and 100,000 streamed calls with 64 in flight,
# then 25,000 calls on each fault of the fault matrix, against ailib-mock; RSS printed at start,
# middle and end, failing on growth over 1 MiB after warm-up. SOAK_SCALE=0.01 for a short run.
.PHONY: soak
$(B)/soak: tools/soak.c tests/mockctl.c tests/mockctl.h $(HDRS) | $(B)
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $(WARN) -I. tools/soak.c tests/mockctl.c -o $@ $(LIBS)

soak: $(B)/soak $(B)/ailib-mock
	@./$(B)/soak
# --- make fuzz: libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each; not part of make test -----
FUZZ_TARGETS := json sse ndjson stream response error schema think engine
FUZZ_SECONDS ?= 60
FZ := $(B)/fuzz
FUZZ_CFLAGS := -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -g -fno-omit-frame-pointer \
  -fsanitize=address,undefined -fno-sanitize-recover=all $(WARN) $(FEATURES) -I.

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
	$(CC) -std=c99 -D_POSIX_C_SOURCE=200809L -O1 $(WARN) tests/fuzz/seeds.c -o $@ $(LIBS)

.PHONY: fuzz
fuzz: $(addprefix $(FZ)/fuzz-,$(FUZZ_TARGETS)) $(FZ)/seeds
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FZ) $(FUZZ_TARGETS)

# tests/test_fuzz_regress.c replays tests/fuzz/regress/ through the checks it includes
$(B)/tests $(B)/tests-asan: tests/fuzz/checks.c tests/fuzz/checks.h
