# softpath/: the software datapath, libsoftpath.a (for now: the megaflow
# classifier and the exact-match cache).  Every softpath/*.c is part of it
# except the programs named below, which get their own executables.
SOFTPATH_PROGRAM_SRCS := $(wildcard softpath/*-main.c softpath/nicflow-*.c)
SOFTPATH_SRCS := $(filter-out $(SOFTPATH_PROGRAM_SRCS),$(wildcard softpath/*.c))
# The afxdp port type needs libxdp and libbpf (mk/config.mk: HAVE_AFXDP).
ifneq ($(HAVE_AFXDP),yes)
SOFTPATH_SRCS := $(filter-out softpath/netdev-afxdp.c,$(SOFTPATH_SRCS))
endif
# The dpdk port type (netdev-dpdk.c) needs DPDK (mk/config.mk: HAVE_DPDK).
# Its object alone sees DPDK's headers (every -I as -isystem, as in
# rteflow/build.mk); nothing in libsoftpath.a refers to it, so only the
# programs that call netdev_dpdk_register() (nicflowd) pull it in and link
# DPDK_LIBS (vswitchd/build.mk).  Fuzz targets never include it.
NETDEV_DPDK_SRCS := softpath/netdev-dpdk.c
ifeq ($(HAVE_DPDK),yes)
NETDEV_DPDK_CFLAGS := $(patsubst -I%,-isystem %,\
                        $(shell pkg-config --cflags libdpdk 2>/dev/null))
$(OBJ)/softpath/netdev-dpdk.o: NF_CFLAGS += $(NETDEV_DPDK_CFLAGS)
# Its unit test (null PMD) links DPDK too; without DPDK it reports a skip.
NETDEV_DPDK_LIBS := $(shell pkg-config --libs libdpdk 2>/dev/null)
$(BUILD)/tests/test-softpath-netdev-dpdk: DEP_LIBS += $(NETDEV_DPDK_LIBS)
else
SOFTPATH_SRCS := $(filter-out $(NETDEV_DPDK_SRCS),$(SOFTPATH_SRCS))
endif
LIBSOFTPATH := $(BUILD)/lib/libsoftpath.a

$(LIBSOFTPATH): $(SOFTPATH_SRCS:%.c=$(OBJ)/%.o)

# LIBS is in link order, dependents first: libsoftpath.a uses libnicflow.a.
LIBS := $(LIBSOFTPATH) $(LIBS)

# Fuzz targets link the sources they test directly (see tests/build.mk).
FUZZ_LIB_OBJS += $(patsubst %.c,$(BUILD)/fuzz-obj/%.o,\
                   $(filter-out $(NETDEV_DPDK_SRCS),$(SOFTPATH_SRCS)))

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
