# tiersim -- see README.md.  `make` builds ./tiersim, `make run` sets up and
# runs the Qingdao scenario, `make test` sets up and runs every test (then
# again under AddressSanitizer and UndefinedBehaviorSanitizer).

CC ?= gcc
WARN = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wundef
CFLAGS ?= -O2 -g
CPPFLAGS = -Iinclude -MMD -MP -D_XOPEN_SOURCE=700
OMP = -fopenmp
LDLIBS = -lgsl -lgslcblas -linih -lcsv -lm
TEST_LDLIBS = -lcunit $(LDLIBS)
BUILD ?= build
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRCS := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_OBJS := $(LIB_SRCS:sim/%.c=$(BUILD)/sim/%.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
BENCH_SRCS := $(wildcard bench/*.c)

ALL_CFLAGS = $(WARN) $(CFLAGS) $(OMP) $(EXTRA_CFLAGS)

.PHONY: all deps run test test-suites check strict bench clean
# Keep object files between the steps of `make test`.
.SECONDARY:
MAKEFLAGS += --no-print-directory

all: tiersim

tiersim: $(BUILD)/tiersim
	@if [ "$(BUILD)" = build ]; then cp $(BUILD)/tiersim tiersim; fi

$(BUILD)/tiersim: $(BUILD)/sim/main.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libsim.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/sim/%.o: sim/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(BUILD)/tests/testutil.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(TEST_LDLIBS)

deps:
	@sh scripts/deps.sh

run: deps
	$(MAKE) tiersim
	./tiersim run scenarios/qingdao.ini --history data/qingdao-history.csv

# The module suites, then the command-level tests (commands, charts), in one
# build directory.
test-suites: $(TEST_BINS) $(BUILD)/tiersim
	@fail=0; for t in $(TEST_BINS); do \
	    echo "== $$t"; $$t || fail=1; \
	done; \
	echo "== tests/commands.sh ($(BUILD)/tiersim)"; \
	sh tests/commands.sh $(BUILD)/tiersim || fail=1; \
	echo "== tests/plots.sh ($(BUILD)/tiersim)"; \
	sh tests/plots.sh $(BUILD)/tiersim || fail=1; \
	exit $$fail

test: deps
	$(MAKE) strict
	$(MAKE) test-suites
	$(MAKE) BUILD=build/san CFLAGS="$(SANFLAGS)" OMP=-fopenmp test-suites

strict:
	$(MAKE) EXTRA_CFLAGS=-Werror tiersim

bench: deps
	$(MAKE) tiersim $(BUILD)/bench_engine
	sh bench/run.sh $(BUILD)

$(BUILD)/bench_engine: $(BUILD)/bench/bench_engine.o $(BUILD)/libsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

clean:
	rm -rf build tiersim

-include $(LIB_OBJS:.o=.d) $(BUILD)/sim/main.d $(TEST_BINS:=.d) $(BUILD)/tests/testutil.d
