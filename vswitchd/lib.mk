# vswitchd/lib.mk: libvswitchd.a, every vswitchd/*.c but the program's own
# file, so that unit tests and test programs can link the bridge, ofproto,
# xlate and upcall modules.  (nicflowd itself links the objects directly:
# see build.mk.)
VSWITCHD_PROGRAM_SRCS := vswitchd/nicflowd.c
VSWITCHD_SRCS := $(filter-out $(VSWITCHD_PROGRAM_SRCS),$(wildcard vswitchd/*.c))
LIBVSWITCHD := $(BUILD)/lib/libvswitchd.a

$(LIBVSWITCHD): $(VSWITCHD_SRCS:%.c=$(OBJ)/%.o)

# LIBS is in link order, dependents first: libvswitchd.a uses every other
# library.
LIBS := $(LIBVSWITCHD) $(LIBS)
