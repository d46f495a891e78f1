// Shared by the spawns of shims.c, relay.c and lean_spawn.c; not part of the module's interface.
#ifndef CSUPERVISORSHIMS_SPAWN_SESSION_H
#define CSUPERVISORSHIMS_SPAWN_SESSION_H

#include "CSupervisorShims.h"

/// csup_lean_spawn, or csup_posix_spawn_targets where it cannot run (ENOSYS).
int csup_spawn_targets(const char *path, char *const argv[], char *const envp[], const char *cwd,
                       const int sources[CSUP_SPAWN_TARGETS], pid_t *pid_out);

/// In a child between its clone and its exec: every signal but SIGKILL and
/// SIGSTOP back to its default disposition (only sigaction, async-signal-safe).
void csup_default_signals(void);

/// In a child between its clone and its exec: the soft open-descriptor limit
/// the daemon found at its start, when csup_raise_open_files_limit raised it.
void csup_restore_child_limits(void);

#endif
