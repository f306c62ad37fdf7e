# tests/: unit tests (cmocka), fuzz targets (libFuzzer) and the check/bench
# drivers.  Every tests/unit/test-*.c becomes one cmocka executable linked
# against all libraries; every tests/fuzz/fuzz-*.c one libFuzzer target.

UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_TESTS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(DEP_LIBS) $(CMOCKA_LIBS) -lpthread

$(OBJ)/tests/unit/%.o: NF_CFLAGS += $(CMOCKA_CFLAGS)

# Fuzz targets are built by clang with libFuzzer plus ASan and UBSan, from
# the library sources directly (their own objects, not libnicflow.a).
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -I. -Iinclude -I$(BUILD) \
               -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SAN := address,undefined
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_TARGETS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJS += $(LIB_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)

$(BUILD)/fuzz-obj/%.o: %.c | $(BUILD)/config.h
	@mkdir -p $(@D)
	$(call say,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) $(DEP_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/%: $(BUILD)/fuzz-obj/tests/fuzz/%.o $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $^ $(DEP_LIBS) -lpthread

fuzz: $(FUZZ_TARGETS)

# make check: every tier, one summary.  The driver installs the test-only
# packages first (scripts/install-deps.sh --test).
check: all
	@scripts/install-deps.sh --test
	@$(MAKE) --no-print-directory fuzz
	@tests/check.sh

lint:
	@tests/lint.sh

# Defined before the rule: a rule's prerequisites are expanded when read.
BENCH_PROGRAMS := $(BUILD)/bench/ovsdb-bench $(BUILD)/bench/classifier-bench \
                  $(BUILD)/bench/ofctl-bench $(BUILD)/bench/udp-flood \
                  $(BUILD)/bench/tc-stamp
bench: all $(BENCH_PROGRAMS)
	@tests/bench/run.sh

demo: all
	@scripts/demo.sh

format:
	@git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^build/' \
	  | while read -r f; do [ -f "$$f" ] && clang-format -i "$$f"; done; true
.PHONY: format

# make bench: the OVSDB load generator (tests/bench/ovsdb-bench.c), driven
# by tests/bench/ovsdb.sh against nicflow-dbd and ovsdb-server alike.

$(BUILD)/bench/ovsdb-bench: $(OBJ)/tests/bench/ovsdb-bench.o $(LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(DEP_LIBS) -lpthread

# The traffic generator of tests/bench/nicflowd.sh: libc only.
$(BUILD)/bench/udp-flood: $(OBJ)/tests/bench/udp-flood.o
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# The offload benchmark's filter stamper (tests/vm/bench-offload.sh):
# libmnl only, which the guest has for nicflowd.
$(BUILD)/bench/tc-stamp: $(OBJ)/tests/bench/tc-stamp.o
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lmnl
