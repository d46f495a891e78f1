// Shared by the spawns of shims.c and relay.c; not part of the module's interface.
#ifndef CSUPERVISORSHIMS_SPAWN_SESSION_H
#define CSUPERVISORSHIMS_SPAWN_SESSION_H

#include <spawn.h>

/// Sets `attributes` for a child in a new session, every signal at its default
/// disposition and an empty signal mask. Returns 0 or an errno.
int csup_set_new_session(posix_spawnattr_t *attributes);

#endif
