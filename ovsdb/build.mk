# ovsdb/: the OVSDB library, libovsdb.a (schema, data, in-memory database,
# transactions).  Every ovsdb/*.c is part of it except the programs named
# below, which get their own executables.
OVSDB_PROGRAM_SRCS := ovsdb/dbd.c $(wildcard ovsdb/dbtool*.c) \
                      $(wildcard ovsdb/dbclient*.c) $(wildcard ovsdb/vsctl*.c)
OVSDB_SRCS := $(filter-out $(OVSDB_PROGRAM_SRCS),$(wildcard ovsdb/*.c))
LIBOVSDB := $(BUILD)/lib/libovsdb.a

$(LIBOVSDB): $(OVSDB_SRCS:%.c=$(OBJ)/%.o)

# LIBS is in link order, dependents first: libovsdb.a uses libnicflow.a.
LIBS := $(LIBOVSDB) $(LIBS)

# Fuzz targets link the sources they test directly (see tests/build.mk).
FUZZ_LIB_OBJS += $(OVSDB_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)

PROGRAMS += $(BIN)/nicflow-dbd
$(BIN)/nicflow-dbd: $(OBJ)/ovsdb/dbd.o $(LIBOVSDB) $(LIBNICFLOW)

PROGRAMS += $(BIN)/nicflow-dbtool
$(BIN)/nicflow-dbtool: $(patsubst %.c,$(OBJ)/%.o,$(wildcard ovsdb/dbtool*.c)) \
                      $(LIBOVSDB) $(LIBNICFLOW)

PROGRAMS += $(BIN)/nicflow-dbclient
$(BIN)/nicflow-dbclient: $(patsubst %.c,$(OBJ)/%.o,$(wildcard ovsdb/dbclient*.c)) \
                        $(LIBOVSDB) $(LIBNICFLOW)

PROGRAMS += $(BIN)/nicflow-vsctl
$(BIN)/nicflow-vsctl: $(patsubst %.c,$(OBJ)/%.o,$(wildcard ovsdb/vsctl*.c)) \
                     $(LIBOVSDB) $(LIBNICFLOW)
