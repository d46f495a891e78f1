// Shared by the spawns of shims.c and lean_spawn.c; not part of the module's interface.
#ifndef CSUPERVISORSHIMS_SPAWN_SESSION_H
#define CSUPERVISORSHIMS_SPAWN_SESSION_H

/// In a child between its clone and its exec: every signal but SIGKILL and
/// SIGSTOP back to its default disposition (only sigaction, async-signal-safe).
void csup_default_signals(void);

#endif
