# tiersim -- see README.md.  `make` builds ./tiersim, `make run` sets up and
# runs the Qingdao scenario, `make test` sets up and runs every test (then
# again under AddressSanitizer and UndefinedBehaviorSanitizer).

CC ?= gcc
WARN = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wundef
CFLAGS ?= -O2 -g
CPPFLAGS = -Iinclude -MMD -MP -D_XOPEN_SOURCE=700
OMP = -fopenmp
# -lz: zlib, which libxlsxwriter links already, for reading results.xlsx back (zipread.c).
LDLIBS = -lgsl -lgslcblas -linih -lcsv -lxlsxwriter -lz -lm
# Open MPI (DESIGN.md, "Across machines"): built in when its compiler wrapper
# is installed (libopenmpi-dev); `make MPI=no` builds without it.  Without
# mpirun the program never initialises it (par.c).
MPI ?= $(shell mpicc --showme:compile >/dev/null 2>&1 && echo yes)
ifeq ($(MPI),yes)
CPPFLAGS += -DTIERSIM_MPI $(shell mpicc --showme:compile)
LDLIBS += $(shell mpicc --showme:link)
endif
TEST_LDLIBS = -lcunit $(LDLIBS)
BUILD ?= build
# float-cast-overflow is not part of gcc's "undefined" (it is of clang's): asked for by name.
SANFLAGS = -O1 -g -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined,float-cast-overflow

LIB_SRCS := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_OBJS := $(LIB_SRCS:sim/%.c=$(BUILD)/sim/%.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
BENCH_SRCS := $(wildcard bench/*.c)

ALL_CFLAGS = $(WARN) $(CFLAGS) $(OMP) $(EXTRA_CFLAGS)

# Every object depends on $(BUILD)/flags, which changes only when the command
# that compiles it does: a change of CFLAGS, of the warning set or of
# EXTRA_CFLAGS (make strict's -Werror) rebuilds, where timestamps alone would
# keep the objects built the old way.  (Git's GIT-CFLAGS does the same.)
FLAGS_FILE = $(BUILD)/flags
FLAGS_TEXT = $(CC) $(CPPFLAGS) $(ALL_CFLAGS)


.PHONY: test-mpi
.PHONY: all deps run test test-suites check strict bench crosscheck clean fuzz fuzz-build valgrind \
        install uninstall FORCE
# Keep object files between the steps of `make test`.
.SECONDARY:
MAKEFLAGS += --no-print-directory

all: tiersim $(BUILD)/tiersim.1

tiersim: $(BUILD)/tiersim
	@if [ "$(BUILD)" = build ]; then cp $(BUILD)/tiersim tiersim; fi

# The manual page: printed by the program from the option tables its parser
# reads, so it cannot drift from what the commands take.
$(BUILD)/tiersim.1: $(BUILD)/tiersim
	$(BUILD)/tiersim help --man >$@.tmp && mv $@.tmp $@

# make install [PREFIX=/usr/local] [DESTDIR=]: the program, its man page, the
# gnuplot scripts where the installed program looks for them
# (PREFIX/share/tiersim/plots, "../share/tiersim/plots" beside the executable)
# and the Qingdao scenario, which needs no other file to run, with the table
# of the sources its comments cite.
PREFIX ?= /usr/local
SHARE = $(DESTDIR)$(PREFIX)/share/tiersim
install: $(BUILD)/tiersim $(BUILD)/tiersim.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(SHARE)/plots \
	    $(SHARE)/scenarios $(SHARE)/data
	install -m 755 $(BUILD)/tiersim $(DESTDIR)$(PREFIX)/bin/tiersim
	install -m 644 $(BUILD)/tiersim.1 $(DESTDIR)$(PREFIX)/share/man/man1/tiersim.1
	install -m 644 plots/*.gp $(SHARE)/plots
	install -m 644 scenarios/qingdao.ini $(SHARE)/scenarios
	install -m 644 data/qingdao-2022.csv $(SHARE)/data

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tiersim $(DESTDIR)$(PREFIX)/share/man/man1/tiersim.1
	rm -rf $(SHARE)

# The lanes' set-up takes square roots of whole vectors: without errno to
# set (sqrt of a negative never happens there, and the result is IEEE's
# either way) the compiler vectorises them.  Nothing in rng_lanes.c reads
# errno.
$(BUILD)/sim/rng_lanes.o: ALL_CFLAGS += -fno-math-errno

$(BUILD)/tiersim: $(BUILD)/sim/main.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libsim.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FLAGS_FILE): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(FLAGS_TEXT)' | cmp -s - $@ || printf '%s\n' '$(FLAGS_TEXT)' >$@

$(BUILD)/sim/%.o: sim/%.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests -Ifuzz $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(BUILD)/tests/testutil.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(TEST_LDLIBS)

# tests/test_fuzz replays tests/fuzz-regressions/ through the fuzz harnesses'
# bodies (fuzz/targets.c), built with the ordinary compiler.
$(BUILD)/tests/test_fuzz: $(BUILD)/tests/test_fuzz.o $(BUILD)/fuzz/targets.o $(BUILD)/tests/testutil.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(TEST_LDLIBS)

# tests/xlsxcat: a workbook's members for tests/commands.sh (unzip is not on a
# fresh machine), through the library's zip reader.
$(BUILD)/tests/xlsxcat: $(BUILD)/tests/xlsxcat.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz/%.o: fuzz/%.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ifuzz $(ALL_CFLAGS) -c -o $@ $<

deps:
	@sh scripts/deps.sh

run: deps
	$(MAKE) tiersim
	./tiersim run scenarios/qingdao.ini

# The module suites, then the command-level tests (commands, charts, errors,
# robustness, languages), in one build directory.
test-suites: $(TEST_BINS) $(BUILD)/tiersim $(BUILD)/tests/xlsxcat
	@fail=0; for t in $(TEST_BINS); do \
	    echo "== $$t"; $$t || fail=1; \
	done; \
	echo "== tests/commands.sh ($(BUILD)/tiersim)"; \
	sh tests/commands.sh $(BUILD)/tiersim || fail=1; \
	echo "== tests/plots.sh ($(BUILD)/tiersim)"; \
	sh tests/plots.sh $(BUILD)/tiersim || fail=1; \
	echo "== tests/errors.sh ($(BUILD)/tiersim)"; \
	sh tests/errors.sh $(BUILD)/tiersim || fail=1; \
	echo "== tests/robust.sh ($(BUILD)/tiersim)"; \
	sh tests/robust.sh $(BUILD)/tiersim || fail=1; \
	echo "== tests/help.sh ($(BUILD)/tiersim)"; \
	sh tests/help.sh $(BUILD)/tiersim || fail=1; \
	echo "== tests/lang.sh ($(BUILD)/tiersim)"; \
	sh tests/lang.sh $(BUILD)/tiersim || fail=1; \
	exit $$fail

test: deps
	$(MAKE) strict
	$(MAKE) test-suites
	$(MAKE) test-mpi
	$(MAKE) BUILD=build/san CFLAGS="$(SANFLAGS)" OMP=-fopenmp test-suites

# Every simulating command under mpirun -np 2 and -np 3 against one process
# (tests/mpi.sh; skipped, saying so, without Open MPI).
test-mpi: $(BUILD)/tiersim
	@echo "== tests/mpi.sh ($(BUILD)/tiersim)"
	@sh tests/mpi.sh $(BUILD)/tiersim
	@if command -v valgrind >/dev/null 2>&1; then $(MAKE) valgrind; \
	else echo "== valgrind not installed: memcheck skipped"; fi

# valgrind memcheck of `tiersim run` on a tiny scenario and of `tiersim fit`:
# any error, or a definite or indirect leak, fails.  (OpenMP's runtime keeps
# "still reachable" blocks: not an error.)
VALGRIND = valgrind -q --error-exitcode=1 --leak-check=full \
           --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
valgrind: $(BUILD)/tiersim
	@rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	@echo "== valgrind: tiersim run tests/data/tiny.ini -n 200 -j 1 --no-plots -q"
	$(VALGRIND) $(BUILD)/tiersim run tests/data/tiny.ini -n 200 -j 1 --no-plots -q \
	    -o $(BUILD)/valgrind/run >/dev/null
	@echo "== valgrind: tiersim fit tests/data/tinyfit.ini tests/data/tinyfit.csv"
	$(VALGRIND) $(BUILD)/tiersim fit tests/data/tinyfit.ini tests/data/tinyfit.csv \
	    -o $(BUILD)/valgrind/fit >/dev/null
	@rm -rf $(BUILD)/valgrind
	@echo "== valgrind: no errors, no leaks"

# libFuzzer harnesses (clang): the scenario parser, the value parser, the
# history reader, the input decoder and the observed reader (with the
# scoring behind it), each for FUZZ_SECONDS.  The corpora grow in
# build/fuzz/corpus/ (seeded from the scenarios, test fixtures and
# tests/fuzz-regressions/); a crash is saved as build/fuzz/crash/HARNESS-*
# and fails the target: keep it under tests/fuzz-regressions/HARNESS/.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_BUILD = build/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link -Wno-unknown-pragmas
FUZZ_HARNESSES = scenario dist history decode observed

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OMP= MPI=no CFLAGS="$(FUZZ_CFLAGS)" \
	    $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/fuzz_%)

$(BUILD)/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/targets.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz: fuzz-build
	@sh fuzz/seeds.sh $(FUZZ_BUILD)/seeds
	@mkdir -p $(FUZZ_BUILD)/crash
	@for h in $(FUZZ_HARNESSES); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$h tests/fuzz-regressions/$$h; \
	    echo "== fuzz_$$h for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_BUILD)/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
	        -dict=fuzz/$$h.dict -artifact_prefix=$(FUZZ_BUILD)/crash/$$h- \
	        $(FUZZ_BUILD)/corpus/$$h $(FUZZ_BUILD)/seeds/$$h tests/fuzz-regressions/$$h \
	        2>$(FUZZ_BUILD)/$$h.log || { tail -40 $(FUZZ_BUILD)/$$h.log; exit 1; }; \
	    grep -E '^(stat::number_of_executed_units|Done )' $(FUZZ_BUILD)/$$h.log; \
	done

# What CI runs: everything -- the library, the program, every test suite,
# the fuzz harnesses (their bodies, and the entry points as objects: linking
# those needs clang's libFuzzer) and the benchmark -- compiled with -Werror,
# in a build directory of its own, so that objects built without -Werror can
# never stand in for it.  Objects already there were built with -Werror, so
# a second run rebuilds only what changed.
STRICT_BUILD = build/strict
strict:
	$(MAKE) BUILD=$(STRICT_BUILD) EXTRA_CFLAGS=-Werror $(STRICT_BUILD)/tiersim \
	    $(TEST_SRCS:tests/%.c=$(STRICT_BUILD)/tests/%) $(STRICT_BUILD)/tests/xlsxcat $(STRICT_BUILD)/bench_engine $(STRICT_BUILD)/bench_lanes \
	    $(FUZZ_HARNESSES:%=$(STRICT_BUILD)/fuzz/fuzz_%.o)

bench: deps
	@sh scripts/deps.sh bench || echo "bench: python3-numpy is not installed: the numpy section is skipped"
	$(MAKE) tiersim $(BUILD)/bench_engine $(BUILD)/bench_lanes
	sh bench/run.sh $(BUILD)

# tiersim against bench/numpy_model.py, an independent numpy implementation
# of DESIGN.md's model, on the test and shipped scenarios (bench/crosscheck.sh;
# CROSSCHECK_REPS, CROSSCHECK_Z, CROSSCHECK_SEED).  Needs python3-numpy,
# which nothing else but make bench uses.
crosscheck: deps
	@sh scripts/deps.sh bench
	$(MAKE) tiersim
	sh bench/crosscheck.sh $(BUILD)

$(BUILD)/bench_engine: $(BUILD)/bench/bench_engine.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench_lanes: $(BUILD)/bench/bench_lanes.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%.o: bench/%.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

clean:
	rm -rf build tiersim

-include $(LIB_OBJS:.o=.d) $(BUILD)/sim/main.d $(TEST_BINS:=.d) $(BUILD)/tests/testutil.d $(BUILD)/tests/xlsxcat.d \
    $(wildcard $(BUILD)/fuzz/*.d) $(wildcard $(BUILD)/bench/*.d)
