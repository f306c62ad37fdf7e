# offload/: the offload manager and the simulated ("dummy") provider,
# liboffload.a.  It uses libsoftpath.a (odp key decoding) and libnicflow.a.
OFFLOAD_SRCS := $(wildcard offload/*.c)
LIBOFFLOAD := $(BUILD)/lib/liboffload.a

$(LIBOFFLOAD): $(OFFLOAD_SRCS:%.c=$(OBJ)/%.o)

# LIBS is in link order, dependents first.
LIBS := $(LIBOFFLOAD) $(LIBS)

FUZZ_LIB_OBJS += $(OFFLOAD_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)

# The offload unit tests (tests/unit/test-offload-*.c) link only what the
# manager uses, so that they build while other libraries are in flux (the
# generic unit-test rule in tests/build.mk links every library).
OFFLOAD_TEST_LIBS := $(LIBOFFLOAD) $(LIBSOFTPATH) $(LIBNICFLOW)
OFFLOAD_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,\
                   $(wildcard tests/unit/test-offload-*.c))
$(OFFLOAD_TESTS): $(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(OFFLOAD_TEST_LIBS)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OFFLOAD_TEST_LIBS) $(DEP_LIBS) \
	    $(CMOCKA_LIBS) -lpthread

# Where offload_profile_default_dir() looks for hw-profiles/*.json unless
# NICFLOW_PROFILE_DIR says otherwise: the source tree's own directory, so
# that a build runs with the profiles it was built with.
NICFLOW_PROFILE_DIR_DEF := -DNICFLOW_PROFILE_DIR='"$(CURDIR)/hw-profiles"'
$(OBJ)/offload/profile.o: NF_CFLAGS += $(NICFLOW_PROFILE_DIR_DEF)
$(BUILD)/fuzz-obj/offload/profile.o: FUZZ_CFLAGS += $(NICFLOW_PROFILE_DIR_DEF)

# tests/unit/test-offload-hal.c loads the sample HAL plugin
# (examples/build.mk) and two broken plugins built from
# tests/unit/hal-bad-plugin.c: one of ABI version 3, one without the entry
# symbol.  Their absolute paths reach the test as -D definitions.
HAL_TEST_SOS := $(BUILD)/lib/nicflow-hal-sample.so \
                $(BUILD)/lib/hal-bad-abi.so $(BUILD)/lib/hal-no-entry.so
$(BUILD)/lib/hal-bad-abi.so: HAL_BAD_DEF := -DHAL_BAD_ABI_VERSION=3
$(BUILD)/lib/hal-no-entry.so: HAL_BAD_DEF := -DHAL_BAD_NO_ENTRY
$(BUILD)/lib/hal-bad-abi.so $(BUILD)/lib/hal-no-entry.so: \
        tests/unit/hal-bad-plugin.c $(BUILD)/flags.stamp
	@mkdir -p $(@D)
	$(call say,SO,$@)
	$(Q)$(CC) $(CFLAGS) $(NF_CFLAGS) $(HAL_BAD_DEF) -fPIC -shared $(LDFLAGS) \
	    -o $@ $<
$(OBJ)/tests/unit/test-offload-hal.o: NF_CFLAGS += \
    -DHAL_SAMPLE_SO='"$(abspath $(BUILD)/lib/nicflow-hal-sample.so)"' \
    -DHAL_BAD_ABI_SO='"$(abspath $(BUILD)/lib/hal-bad-abi.so)"' \
    -DHAL_NO_ENTRY_SO='"$(abspath $(BUILD)/lib/hal-no-entry.so)"'
$(BUILD)/tests/test-offload-hal: $(HAL_TEST_SOS)
