#define _GNU_SOURCE
#include "CSupervisorShims.h"
#include "spawn_session.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

// Sets `attributes` for a child in a new session, every signal at its default
// disposition and an empty signal mask. Returns 0 or an errno.
static int csup_set_new_session(posix_spawnattr_t *attributes) {
    sigset_t all_signals, no_signals;
    sigfillset(&all_signals);
    sigdelset(&all_signals, SIGKILL);
    sigdelset(&all_signals, SIGSTOP);
    sigemptyset(&no_signals);
    int rc = posix_spawnattr_setsigdefault(attributes, &all_signals);
    if (rc == 0) rc = posix_spawnattr_setsigmask(attributes, &no_signals);
    if (rc == 0) rc = posix_spawnattr_setflags(attributes,
        POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    return rc;
}

int csup_spawn(const char *path, char *const argv[], char *const envp[],
               const char *cwd, int output_fd, pid_t *pid_out) {
    const int sources[CSUP_SPAWN_TARGETS] = {CSUP_SPAWN_NULL, output_fd, output_fd, CSUP_SPAWN_END};
    return csup_spawn_targets(path, argv, envp, cwd, sources, pid_out);
}

int csup_spawn_targets(const char *path, char *const argv[], char *const envp[], const char *cwd,
                       const int sources[CSUP_SPAWN_TARGETS], pid_t *pid_out) {
    int rc = csup_lean_spawn(path, argv, envp, cwd, sources, pid_out);
    return rc == ENOSYS ? csup_posix_spawn_targets(path, argv, envp, cwd, sources, pid_out) : rc;
}

int csup_posix_spawn_targets(const char *path, char *const argv[], char *const envp[], const char *cwd,
                             const int sources[CSUP_SPAWN_TARGETS], pid_t *pid_out) {
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_t actions;
    int rc = posix_spawnattr_init(&attributes);
    if (rc != 0) return rc;
    rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) {
        posix_spawnattr_destroy(&attributes);
        return rc;
    }
    int targets = 0, above = 0;
    while (targets < CSUP_SPAWN_TARGETS && sources[targets] != CSUP_SPAWN_END) {
        if (sources[targets] >= above) above = sources[targets] + 1;
        targets++;
    }
    if (above < targets) above = targets;
    rc = csup_set_new_session(&attributes);
    if (rc == 0) rc = posix_spawn_file_actions_addchdir_np(&actions, cwd);
    // Each source is copied above every source first, so that no dup2 below overwrites one still to be read.
    for (int target = 0; rc == 0 && target < targets; target++) {
        if (sources[target] >= 0) rc = posix_spawn_file_actions_adddup2(&actions, sources[target], above + target);
    }
    for (int target = 0; rc == 0 && target < targets; target++) {
        rc = sources[target] >= 0
            ? posix_spawn_file_actions_adddup2(&actions, above + target, target)
            : posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
    }
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, targets);
    if (rc == 0) rc = posix_spawn(pid_out, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return rc;
}

void csup_default_signals(void) {
    struct sigaction default_action;
    memset(&default_action, 0, sizeof(default_action));
    default_action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
        sigaction(signal_number, &default_action, NULL);
    }
}

// Runs in the forked child: only async-signal-safe calls, then exec.
// Reports a failure's errno on `report_fd` and exits 127.
static void csup_exec_dying_child(const char *path, char *const argv[], char *const envp[],
                                  const char *cwd, int output_fd, pid_t parent, int report_fd) {
    int error = 0;
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) error = errno;
    // The parent may have died before the prctl: then we were re-parented
    // and no signal will come; go at once.
    if (error == 0 && getppid() != parent) _exit(127);
    if (error == 0 && setsid() < 0) error = errno;
    if (error == 0) csup_default_signals();
    if (error == 0) csup_restore_child_limits();
    if (error == 0 && chdir(cwd) != 0) error = errno;
    int null_fd = error == 0 ? open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
    if (error == 0 && null_fd < 0) error = errno;
    if (error == 0 && dup2(null_fd, 0) < 0) error = errno;
    if (error == 0 && dup2(output_fd, 1) < 0) error = errno;
    if (error == 0 && dup2(output_fd, 2) < 0) error = errno;
    // Everything from 3 up is closed except the close-on-exec report pipe.
    if (error == 0 && report_fd > 3) syscall(SYS_close_range, 3, report_fd - 1, 0);
    if (error == 0) syscall(SYS_close_range, report_fd + 1, ~0U, 0);
    sigset_t no_signals;
    sigemptyset(&no_signals);
    if (error == 0) sigprocmask(SIG_SETMASK, &no_signals, NULL);
    if (error == 0) {
        execve(path, argv, envp);
        error = errno;
    }
    ssize_t written;
    do {
        written = write(report_fd, &error, sizeof(error));
    } while (written < 0 && errno == EINTR);
    _exit(127);
}

int csup_spawn_dying_with_parent(const char *path, char *const argv[], char *const envp[],
                                 const char *cwd, int output_fd, pid_t *pid_out) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    pid_t parent = getpid();
    sigset_t all_signals, previous;
    sigfillset(&all_signals);
    // No handler of ours may run in the child between fork and exec.
    pthread_sigmask(SIG_SETMASK, &all_signals, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        csup_exec_dying_child(path, argv, envp, cwd, output_fd, parent, report[1]);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        return fork_error;
    }
    int child_error = 0;
    ssize_t count;
    do {
        count = read(report[0], &child_error, sizeof(child_error));
    } while (count < 0 && errno == EINTR);
    close(report[0]);
    if (count > 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return child_error != 0 ? child_error : ECHILD;
    }
    *pid_out = pid;
    return 0;
}

int csup_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int csup_pidfd_send_signal(int pidfd, int signal_number) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal_number, NULL, 0);
}

int csup_pidfd_reap(int pidfd, int *code_out, int *status_out) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    int rc;
    do {
        rc = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG);
    } while (rc == -1 && errno == EINTR);
    if (rc == -1) return -1;
    if (info.si_pid == 0) return 0;
    *code_out = info.si_code;
    *status_out = info.si_status;
    return 1;
}
