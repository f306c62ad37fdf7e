# rteflow/: the DPDK rte_flow provider, librteflow.a, built only when
# pkg-config finds libdpdk (mk/config.mk: HAVE_DPDK; "make HAVE_DPDK=no"
# builds without it even where it is installed).  It uses liboffload.a (the
# provider interface), libsoftpath.a (odp.h: tnl_push checks) and
# libnicflow.a.
#
# DPDK's headers are seen by rteflow/ and its unit tests only: they come
# in through DPDK_CFLAGS, pkg-config's flags with every -I turned into
# -isystem so that warnings in DPDK's inline functions (it builds with
# fewer warnings than we do) never stop our -Werror build.  DPDK_LIBS is
# added to the link of what uses librteflow.a, not to every program.
ifeq ($(HAVE_DPDK),yes)
RTF_SRCS := $(wildcard rteflow/*.c)
LIBRTF := $(BUILD)/lib/librteflow.a
DPDK_CFLAGS := $(patsubst -I%,-isystem %,\
                 $(shell pkg-config --cflags libdpdk 2>/dev/null))
DPDK_LIBS := $(shell pkg-config --libs libdpdk 2>/dev/null)

$(LIBRTF): $(RTF_SRCS:%.c=$(OBJ)/%.o)
$(RTF_SRCS:%.c=$(OBJ)/%.o): NF_CFLAGS += $(DPDK_CFLAGS)

# LIBS is in link order, dependents first.
LIBS := $(LIBRTF) $(LIBS)

# The unit tests of the provider (tests/unit/test-rtf-*.c) see DPDK's
# headers and link its libraries; the others link librteflow.a only if
# they use it (they do not).
RTF_UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test-rtf-*.c))
$(RTF_UNIT_TESTS:%=$(OBJ)/tests/unit/%.o): NF_CFLAGS += $(DPDK_CFLAGS)
$(RTF_UNIT_TESTS:%=$(BUILD)/tests/%): DEP_LIBS += $(DPDK_LIBS)
endif

# The tap PMD's counter reader has no DPDK in it: its reply parser is
# fuzzed (tests/fuzz/fuzz-rtf-tapstats.c) whether or not DPDK is found.
FUZZ_LIB_OBJS += $(BUILD)/fuzz-obj/rteflow/rtf-tapstats.o
