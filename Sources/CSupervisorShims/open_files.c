#define _GNU_SOURCE
#include "CSupervisorShims.h"
#include "spawn_session.h"

#include <errno.h>
#include <sys/resource.h>

// Why: a daemon with 200 bots holds two descriptors per bot (its channel
// socket and its pidfd) for the actives, the candidates and the standbys at
// once, over 1,200 in a rollout, and the soft limit most systems start a
// program with is 1,024 (systemd's default for services, most login shells),
// with a hard limit hundreds of times higher that any process may raise its
// own soft limit to. The daemon takes the hard limit; its bots get back the
// soft limit the daemon found, as they would have had without it (a program
// that uses select() breaks on descriptors past 1,024).

static struct {
    struct rlimit found;
    int raised;
} open_files = {{0, 0}, 0};

int csup_raise_open_files_limit(unsigned long long *soft_found, unsigned long long *hard_found) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return errno;
    *soft_found = limit.rlim_cur;
    *hard_found = limit.rlim_max;
    if (limit.rlim_cur >= limit.rlim_max) return 0;
    struct rlimit raised = {limit.rlim_max, limit.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) return errno;
    open_files.found = limit;
    open_files.raised = 1;
    return 0;
}

void csup_restore_child_limits(void) {
    // Lowering a soft limit cannot fail; nothing to report.
    if (open_files.raised) setrlimit(RLIMIT_NOFILE, &open_files.found);
}
