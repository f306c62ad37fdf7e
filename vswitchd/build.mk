# vswitchd/: nicflowd, the switch daemon (every vswitchd/*.c).
PROGRAMS += $(BIN)/nicflowd
$(BIN)/nicflowd: $(patsubst %.c,$(OBJ)/%.o,$(wildcard vswitchd/*.c)) \
                 $(LIBOVSDB) $(LIBTCF) $(LIBRTF) $(LIBOFFLOAD) $(LIBSOFTPATH) \
                 $(LIBOFCTL) \
                 $(LIBNICFLOW)
# DPDK ports (softpath/netdev-dpdk.c, registered by bridge.c) and the
# rte_flow provider (rteflow/, registered by nicflowd.c).
ifeq ($(HAVE_DPDK),yes)
$(BIN)/nicflowd: DEP_LIBS += $(DPDK_LIBS)
endif

# The OpenFlow switch core (ofproto*.c, connmgr*.c) is also archived on its
# own, so that its unit test and the system test's switch
# (tests/system/ofproto-server.c) link it without the rest of the daemon.
OFPROTO_SRCS := $(wildcard vswitchd/ofproto*.c vswitchd/connmgr*.c)
LIBOFPROTO := $(BUILD)/lib/libofproto.a
$(LIBOFPROTO): $(OFPROTO_SRCS:%.c=$(OBJ)/%.o)
OFPROTO_LIBS := $(LIBOFPROTO) $(LIBOFCTL) $(LIBNICFLOW)

# tests/unit/test-vswitchd-ofproto.c links only what it needs (the generic
# unit-test rule in tests/build.mk links every library).
$(BUILD)/tests/test-vswitchd-ofproto: \
        $(OBJ)/tests/unit/test-vswitchd-ofproto.o $(OFPROTO_LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OFPROTO_LIBS) $(DEP_LIBS) \
	    $(CMOCKA_LIBS) -lpthread

# The switch that tests/system/t-ofproto.sh drives with the real ovs-ofctl:
# "make build/tests/ofproto-server".
OFPROTO_SERVER := $(BUILD)/tests/ofproto-server
$(OFPROTO_SERVER): $(OBJ)/tests/system/ofproto-server.o $(OFPROTO_LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OFPROTO_LIBS) $(DEP_LIBS) \
	    -lpthread
