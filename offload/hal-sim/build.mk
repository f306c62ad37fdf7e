# offload/hal-sim/: the simulated eswitch, a HAL plugin shipped with
# nicflow (offload/hal-sim/README.md).  It is built with the tree's flags
# (so that a sanitizer build's tests load a sanitized plugin) into
# $(BUILD)/lib/nicflow-hal-sim.so from all of its sources; it links
# jansson and libpthread and nothing of nicflow.
HAL_SIM_SO := $(BUILD)/lib/nicflow-hal-sim.so
# The pure model (sim-pipeline.h): no sockets, no threads; unit-tested and
# fuzzed on its own.
HAL_SIM_MODEL_SRCS := offload/hal-sim/sim-pipeline.c \
                      offload/hal-sim/sim-tables.c offload/hal-sim/sim-tunnel.c \
                      offload/hal-sim/sim-profile.c offload/hal-sim/sim-packet.c
HAL_SIM_SRCS := offload/hal-sim/sim.c $(HAL_SIM_MODEL_SRCS)
HAL_SIM_LIBS := $(shell pkg-config --libs jansson 2>/dev/null) -lpthread
# Where a profile NAME is looked for unless $NICFLOW_PROFILE_DIR is set:
# the source tree's own directory, as for offload/profile.c.
HAL_SIM_PROFILE_DEF := -DNICFLOW_PROFILE_DIR='"$(CURDIR)/hw-profiles"'

# Only nicflow_hal_entry() is exported (sim.c marks it), so that the
# plugin's halsim_* symbols never bind to a copy in the program that
# loads it (tests/unit/test-hal-sim links the model's objects too).
$(HAL_SIM_SO): $(HAL_SIM_SRCS) offload/hal-sim/sim-pipeline.h \
        offload/hal-sim/sim-model.h \
        include/nicflow/hal.h $(BUILD)/flags.stamp | $(BUILD)/config.h
	@mkdir -p $(@D)
	$(call say,SO,$@)
	$(Q)$(CC) $(CFLAGS) $(filter-out -MMD -MP,$(NF_CFLAGS)) $(DEP_CFLAGS) \
	    $(HAL_SIM_PROFILE_DEF) -fPIC -shared -fvisibility=hidden \
	    $(LDFLAGS) -o $@ $(HAL_SIM_SRCS) $(HAL_SIM_LIBS)

all: $(HAL_SIM_SO)

# The unit tests (test-hal-sim: profile, ACL, plugin; test-hal-sim-tables:
# port/VLAN, FDB, L3, tunnels) link the pure model (not the plugin); the
# first also loads the plugin by its absolute path; both read hw-profiles/
# of the source tree.
HAL_SIM_TESTS := $(BUILD)/tests/test-hal-sim $(BUILD)/tests/test-hal-sim-tables
$(OBJ)/tests/unit/test-hal-sim.o $(OBJ)/tests/unit/test-hal-sim-tables.o: \
    NF_CFLAGS += -DHAL_SIM_SO='"$(abspath $(HAL_SIM_SO))"' \
                 -DHAL_SIM_PROFILE_DIR='"$(CURDIR)/hw-profiles"'
$(HAL_SIM_TESTS): $(BUILD)/tests/%: $(OBJ)/tests/unit/%.o \
        $(HAL_SIM_MODEL_SRCS:%.c=$(OBJ)/%.o) $(HAL_SIM_SO)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(DEP_LIBS) \
	    $(CMOCKA_LIBS) -ldl -lpthread

# The fuzz target feeds frames and profile texts to the pure model only.
$(BUILD)/fuzz/fuzz-hal-sim-frame: \
    $(HAL_SIM_MODEL_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)
