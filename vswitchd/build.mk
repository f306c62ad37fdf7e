# vswitchd/: nicflowd, the switch daemon (every vswitchd/*.c).
PROGRAMS += $(BIN)/nicflowd
$(BIN)/nicflowd: $(patsubst %.c,$(OBJ)/%.o,$(wildcard vswitchd/*.c)) \
                 $(LIBSOFTPATH) $(LIBNICFLOW)
