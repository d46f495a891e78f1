#define _GNU_SOURCE
#include "CSupervisorShims.h"
#include "spawn_session.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

// Why: posix_spawn's child gets a copy of the caller's descriptor table and
// then closes every descriptor it does not keep, one by one. A daemon with 200
// bots holds 450 to 900 descriptors (their sockets and pidfds); each spawn
// (two per launch: the relay and the bot) spent 0.2 ms copying and closing
// them, a sixth of the CPU of a launch wave.
//
// How: the child shares the caller's table (CLONE_FILES) and at once takes a
// private one holding only the descriptors below a few low ones reserved when
// the program loaded (close_range with CLOSE_RANGE_UNSHARE copies nothing
// above its first argument). The caller puts what the child needs on those
// reserved descriptors first, under a lock, and puts the placeholder back
// after. CLONE_VFORK: the caller waits until the child has exec'd or failed,
// so the child may run on a static stack and report its errno in memory.

#define LEAN_SLOT_COUNT CSUP_SPAWN_TARGETS

static struct {
    pthread_mutex_t lock;
    // A memfd of our own, anywhere in the table: the placeholder the slots
    // show between spawns, and whose inode tells them from a descriptor that
    // some other code closed and the kernel gave to something else.
    int anchor;
    struct stat anchor_stat;
    // Low descriptors, reserved at load time, on the anchor between spawns.
    int slots[LEAN_SLOT_COUNT];
    int ready;
} lean = {PTHREAD_MUTEX_INITIALIZER, -1, {0}, {-1, -1, -1, -1}, 0};

// The child's stack: used by one child at a time (under the lock), and only
// until its exec replaces its memory.
static char lean_stack[64 * 1024] __attribute__((aligned(64)));

// Reserves the slots while the table is nearly empty (before main), but not in
// the relay, which runs from a constructor too and needs none.
__attribute__((constructor)) static void csup_lean_reserve(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc >= 1 && argv != NULL && argv[0] != NULL && strcmp(argv[0], CSUP_RELAY_NAME) == 0) return;
    int anchor = (int)syscall(SYS_memfd_create, "urban-robot-spawn-slot", MFD_CLOEXEC);
    if (anchor < 0) return;
    if (fstat(anchor, &lean.anchor_stat) != 0) {
        close(anchor);
        return;
    }
    for (int index = 0; index < LEAN_SLOT_COUNT; index++) {
        lean.slots[index] = fcntl(anchor, F_DUPFD_CLOEXEC, 0);
        if (lean.slots[index] < 0) {
            for (int made = 0; made < index; made++) close(lean.slots[made]);
            close(anchor);
            return;
        }
    }
    lean.anchor = anchor;
    lean.ready = 1;
}

// Whether `fd` is still one of ours (the anchor's file).
static int lean_is_anchor(int fd) {
    struct stat status;
    return fstat(fd, &status) == 0 && status.st_dev == lean.anchor_stat.st_dev &&
           status.st_ino == lean.anchor_stat.st_ino;
}

struct lean_job {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int targets;   // how many of 0, 1, ... the child gets
    int nulls[LEAN_SLOT_COUNT];  // target t opens /dev/null
    int first_free;  // the lowest descriptor above every slot
    int error;     // the child's errno, 0 when it exec'd
};

// The child: only system calls from here to exec (it shares the caller's memory).
static int lean_child(void *argument) {
    struct lean_job *job = argument;
    int error = 0;
    // A private table with only the descriptors below the first free one: the
    // standard ones, the slots and the anchor.
    // A kernel without it (before 5.9): ENOSYS, and the caller goes back to posix_spawn.
    if (syscall(SYS_close_range, (unsigned int)job->first_free, ~0U, CLOSE_RANGE_UNSHARE) != 0) error = ENOSYS;
    if (error == 0) csup_default_signals();
    if (error == 0) csup_restore_child_limits();
    if (error == 0 && setsid() < 0) error = errno;
    if (error == 0 && chdir(job->cwd) != 0) error = errno;
    // The slots are copied above every target first, so that no dup2 below
    // overwrites a slot still to be read.
    int moved[LEAN_SLOT_COUNT];
    int above = job->first_free + LEAN_SLOT_COUNT;
    for (int target = 0; error == 0 && target < job->targets; target++) {
        int source = job->nulls[target] ? open("/dev/null", target == 0 ? O_RDONLY : O_WRONLY) : lean.slots[target];
        moved[target] = source < 0 ? -1 : fcntl(source, F_DUPFD, above);
        if (moved[target] < 0) error = errno;
        if (job->nulls[target] && source >= 0) close(source);
    }
    for (int target = 0; error == 0 && target < job->targets; target++) {
        if (dup2(moved[target], target) < 0) error = errno;
    }
    if (error == 0) syscall(SYS_close_range, (unsigned int)job->targets, ~0U, 0);
    sigset_t no_signals;
    sigemptyset(&no_signals);
    if (error == 0) sigprocmask(SIG_SETMASK, &no_signals, NULL);
    if (error == 0) {
        execve(job->path, job->argv, job->envp);
        error = errno;
    }
    job->error = error != 0 ? error : ECHILD;
    _exit(127);
}

int csup_lean_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                    const int sources[CSUP_SPAWN_TARGETS], pid_t *pid_out) {
    struct lean_job job = {path, argv, envp, cwd, 0, {0}, 0, 0};
    while (job.targets < CSUP_SPAWN_TARGETS && sources[job.targets] != CSUP_SPAWN_END) {
        job.nulls[job.targets] = sources[job.targets] == CSUP_SPAWN_NULL;
        job.targets++;
    }
    pthread_mutex_lock(&lean.lock);
    if (!lean.ready) {
        pthread_mutex_unlock(&lean.lock);
        return ENOSYS;
    }
    int highest = lean.anchor;
    for (int index = 0; index < LEAN_SLOT_COUNT; index++) {
        if (!lean_is_anchor(lean.slots[index])) {
            // Some other code closed a slot and the number went elsewhere: never again.
            lean.ready = 0;
            pthread_mutex_unlock(&lean.lock);
            return ENOSYS;
        }
        if (lean.slots[index] > highest) highest = lean.slots[index];
    }
    job.first_free = highest + 1;
    int rc = 0;
    for (int target = 0; rc == 0 && target < job.targets; target++) {
        if (!job.nulls[target] && dup3(sources[target], lean.slots[target], O_CLOEXEC) < 0) rc = errno;
    }
    pid_t pid = -1;
    if (rc == 0) {
        sigset_t all_signals, previous;
        sigfillset(&all_signals);
        // No handler of ours may run in the child, which shares our memory.
        pthread_sigmask(SIG_SETMASK, &all_signals, &previous);
        pid = clone(lean_child, lean_stack + sizeof(lean_stack), CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &job);
        if (pid < 0) rc = errno;
        pthread_sigmask(SIG_SETMASK, &previous, NULL);
    }
    for (int target = 0; target < job.targets; target++) {
        if (!job.nulls[target]) dup3(lean.anchor, lean.slots[target], O_CLOEXEC);
    }
    if (rc == 0 && job.error == ENOSYS) lean.ready = 0;
    pthread_mutex_unlock(&lean.lock);
    if (rc != 0) return rc;
    if (job.error != 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return job.error;
    }
    *pid_out = pid;
    return 0;
}
