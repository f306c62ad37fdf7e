# softpath/: the software datapath, libsoftpath.a (for now: the megaflow
# classifier and the exact-match cache).  Every softpath/*.c is part of it
# except the programs named below, which get their own executables.
SOFTPATH_PROGRAM_SRCS := $(wildcard softpath/*-main.c softpath/nicflow-*.c)
SOFTPATH_SRCS := $(filter-out $(SOFTPATH_PROGRAM_SRCS),$(wildcard softpath/*.c))
# The afxdp port type needs libxdp and libbpf (mk/config.mk: HAVE_AFXDP).
ifneq ($(HAVE_AFXDP),yes)
SOFTPATH_SRCS := $(filter-out softpath/netdev-afxdp.c,$(SOFTPATH_SRCS))
endif
LIBSOFTPATH := $(BUILD)/lib/libsoftpath.a

$(LIBSOFTPATH): $(SOFTPATH_SRCS:%.c=$(OBJ)/%.o)

# LIBS is in link order, dependents first: libsoftpath.a uses libnicflow.a.
LIBS := $(LIBSOFTPATH) $(LIBS)

# Fuzz targets link the sources they test directly (see tests/build.mk).
FUZZ_LIB_OBJS += $(SOFTPATH_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)

# The classifier microbenchmark (tests/bench/classifier-bench.c).  Not yet
# part of BENCH_PROGRAMS or tests/bench/run.sh: build it with
# "make build/bench/classifier-bench".
CLASSIFIER_BENCH := $(BUILD)/bench/classifier-bench
$(CLASSIFIER_BENCH): $(OBJ)/tests/bench/classifier-bench.o $(LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(DEP_LIBS) -lpthread

# The port layer's system-test driver (tests/system/netdev-driver.c, used by
# tests/system/t-softpath-netdev.sh): "make build/tests/netdev-driver".
NETDEV_DRIVER := $(BUILD)/tests/netdev-driver
$(NETDEV_DRIVER): $(OBJ)/tests/system/netdev-driver.o $(LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(DEP_LIBS) -lpthread

# nicflow-dpctl: ovs-dpctl's commands, sent to nicflowd (softpath/dpctl.c).
PROGRAMS += $(BIN)/nicflow-dpctl
$(BIN)/nicflow-dpctl: $(OBJ)/softpath/nicflow-dpctl.o $(LIBSOFTPATH) \
                      $(LIBNICFLOW)

# The VM lab's driver of the kernel datapath type (tests/vm/dpif-netlink-
# driver.c, shipped into the guest by tests/vm/t-dpif-netlink.sh): "make
# build/tests/dpif-netlink-driver".
DPIF_NETLINK_DRIVER := $(BUILD)/tests/dpif-netlink-driver
$(DPIF_NETLINK_DRIVER): $(OBJ)/tests/vm/dpif-netlink-driver.o $(LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(DEP_LIBS) -lpthread
