# lib/: the core library, libnicflow.a.  Every lib/*.c is part of it except
# the programs named below, which get their own executables.
LIB_PROGRAM_SRCS := lib/nicflow-appctl.c
LIB_SRCS := $(filter-out $(LIB_PROGRAM_SRCS),$(wildcard lib/*.c))
LIBNICFLOW := $(BUILD)/lib/libnicflow.a

$(LIBNICFLOW): $(LIB_SRCS:%.c=$(OBJ)/%.o)
LIBS += $(LIBNICFLOW)

PROGRAMS += $(BIN)/nicflow-appctl
$(BIN)/nicflow-appctl: $(OBJ)/lib/nicflow-appctl.o $(LIBNICFLOW)
