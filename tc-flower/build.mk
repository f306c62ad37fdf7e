# tc-flower/: the TC flower provider, libtcflower.a.  It uses liboffload.a
# (the provider interface) and libnicflow.a (logging, coverage, hash maps);
# the netlink it speaks is its own, over libmnl.
TCF_SRCS := $(wildcard tc-flower/*.c)
LIBTCF := $(BUILD)/lib/libtcflower.a

$(LIBTCF): $(TCF_SRCS:%.c=$(OBJ)/%.o)

# LIBS is in link order, dependents first.
LIBS := $(LIBTCF) $(LIBS)

FUZZ_LIB_OBJS += $(TCF_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)

# The VM lab's driver of the provider (tests/vm/tcf-driver.c, shipped into
# the guest by tests/vm/t-tcf-provider.sh, t-tcf-tunnel.sh and
# t-tcf-geneve-opts.sh):
# "make build/tests/tcf-driver".
# It plays the offload manager's part and so defines offload_port_lookup()
# itself; nothing it uses pulls the manager's own definition from
# liboffload.a.
TCF_DRIVER := $(BUILD)/tests/tcf-driver
$(TCF_DRIVER): $(OBJ)/tests/vm/tcf-driver.o $(LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(DEP_LIBS) -lpthread
