# nicflow top-level Makefile (GNU make, non-recursive).
#
# Each folder contributes a fragment, build.mk, that appends to the
# variables below; this file holds the rules.  Everything is built into
# $(BUILD) (default build/), executables into $(BUILD)/bin.
#
#   make                 build everything
#   make check           run every test tier (see tests/README.md)
#   make demo            the main job (see README.md)
#   make bench           benchmarks side by side with Open vSwitch 3.1
#   make lint            clang-format check + cppcheck
#   make fuzz            build the libFuzzer targets
#   make SANITIZE=address,undefined   build with sanitizers
#   make clean

BUILD ?= build
BIN := $(BUILD)/bin
OBJ := $(BUILD)/obj

CC ?= gcc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
            -Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith \
            -Wformat=2 -Wno-format-nonliteral
NF_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -MMD -MP \
             -I. -Iinclude -I$(BUILD)
ifneq ($(SANITIZE),)
NF_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Short build lines unless V=1.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
# Objects are never intermediate files to be deleted after linking.
.SECONDARY:

# Dependency detection (pkg-config); may run scripts/install-deps.sh.
include mk/config.mk

# Filled in by the fragments.
PROGRAMS :=          # executables, as $(BIN)/name
LIBS :=              # static archives, in link order (dependents first)
UNIT_TESTS :=        # cmocka test executables
FUZZ_TARGETS :=      # libFuzzer executables
FUZZ_LIB_OBJS :=     # library objects built for the fuzz targets
CLEAN_EXTRA :=

include lib/build.mk
-include ovsdb/build.mk
-include softpath/build.mk
-include ofctl/build.mk
-include offload/build.mk
-include examples/build.mk
-include offload/hal-sim/build.mk
-include tc-flower/build.mk
-include rteflow/build.mk
include vswitchd/build.mk
include vswitchd/lib.mk
include tests/build.mk

all: $(PROGRAMS) $(UNIT_TESTS)

# Objects are rebuilt when the compile flags change, not only the sources.
FLAGS_STAMP := $(BUILD)/flags.stamp
FLAGS_NOW := $(CC) $(CFLAGS) $(NF_CFLAGS) $(DEP_CFLAGS) $(LDFLAGS)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@

$(OBJ)/%.o: %.c $(FLAGS_STAMP) | $(BUILD)/config.h
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(NF_CFLAGS) $(DEP_CFLAGS) -c $< -o $@

$(BUILD)/lib/%.a:
	@mkdir -p $(@D)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(BIN)/%:
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(DEP_LIBS) -lpthread

FORCE:
.PHONY: all clean check demo bench lint fuzz config FORCE

clean:
	rm -rf $(BUILD) $(CLEAN_EXTRA)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
