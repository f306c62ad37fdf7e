# examples/: the sample HAL plugin (examples/hal-sample/sample-hal.c), a
# shared object built with the tree's flags (so that a sanitizer build's
# tests load a sanitized plugin) into $(BUILD)/lib/nicflow-hal-sample.so.
HAL_SAMPLE_SO := $(BUILD)/lib/nicflow-hal-sample.so

$(HAL_SAMPLE_SO): examples/hal-sample/sample-hal.c $(BUILD)/flags.stamp
	@mkdir -p $(@D)
	$(call say,SO,$@)
	$(Q)$(CC) $(CFLAGS) $(NF_CFLAGS) -fPIC -shared $(LDFLAGS) -o $@ $<

all: $(HAL_SAMPLE_SO)
