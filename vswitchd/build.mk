# vswitchd/: nicflowd, the switch daemon.
PROGRAMS += $(BIN)/nicflowd
$(BIN)/nicflowd: $(OBJ)/vswitchd/nicflowd.o $(LIBNICFLOW)
