# ofctl/: the OpenFlow library, libofctl.a (match fields, actions, the
# ovs-ofctl flow syntax).  Every ofctl/*.c is part of it except the
# programs named below, which get their own executables.
OFCTL_PROGRAM_SRCS := $(wildcard ofctl/ofctl-*.c)
OFCTL_SRCS := $(filter-out $(OFCTL_PROGRAM_SRCS),$(wildcard ofctl/*.c))
LIBOFCTL := $(BUILD)/lib/libofctl.a

$(LIBOFCTL): $(OFCTL_SRCS:%.c=$(OBJ)/%.o)

# LIBS is in link order, dependents first: libofctl.a uses libnicflow.a.
LIBS := $(LIBOFCTL) $(LIBS)

# Fuzz targets link the sources they test directly (see tests/build.mk).
FUZZ_LIB_OBJS += $(OFCTL_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)

PROGRAMS += $(BIN)/nicflow-ofctl
$(BIN)/nicflow-ofctl: $(patsubst %.c,$(OBJ)/%.o,$(OFCTL_PROGRAM_SRCS)) \
                      $(LIBOFCTL) $(LIBNICFLOW)

# The OpenFlow codec microbenchmark (tests/bench/ofctl-bench.c), run by
# tests/bench/ofctl.sh from "make bench".
$(BUILD)/bench/ofctl-bench: $(OBJ)/tests/bench/ofctl-bench.o $(LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(DEP_LIBS)
