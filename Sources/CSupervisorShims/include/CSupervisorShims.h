// The few Linux calls the Supervisor needs that Swift cannot make directly:
// a spawn that never copies the caller's descriptor table (posix_spawn with GNU
// file actions and a new session where it cannot run),
// a fork-and-exec twin that arms the parent-death signal,
// and the pidfd system calls, which glibc 2.36 does not wrap. It also
// exports <sys/epoll.h>, which the Glibc module leaves out.
#ifndef CSUPERVISORSHIMS_H
#define CSUPERVISORSHIMS_H

#include <stddef.h>
#include <sys/epoll.h>
#include <sys/types.h>

/// argv[0] of the redacting log relay (see csup_start_relay).
#define CSUP_RELAY_NAME "urban-robot-log-relay"

/// Starts the redacting log relay: the program `relay_path` started as
/// CSUP_RELAY_NAME (the small `urban-robot-log-relay` program, or a copy of a
/// program linking this library, /proc/self/exe, whose constructor catches that
/// name before main) that copies what is written to the returned pipe into
/// `log_fd`, with every
/// occurrence of each of the `count` NUL-terminated `secrets` replaced by
/// "<redacted>" (a secret split across writes included: an end that may still
/// become a secret is held back until the next bytes or EOF). The secrets reach
/// it over a pipe, never its argv or environment. It runs in its own session,
/// re-parented (never a zombie of ours), ignores SIGTERM, SIGINT, SIGHUP, SIGQUIT
/// and SIGPIPE, and exits when every writer has closed the pipe: it outlives the
/// daemon and the stop of the bot's process group, and writes the bot's last words.
/// Returns 0 and stores the pipe's write end (close-on-exec), or an errno.
int csup_start_relay(int log_fd, const char *relay_path, const char *const secrets[], size_t count,
                     int *write_fd_out);

/// The relay itself, on descriptors 0 (the bot's pipe), 1 (the log) and 3 (the
/// secrets): the `main` of the `urban-robot-log-relay` program. Never returns.
__attribute__((noreturn)) void csup_relay_main(void);

/// Spawns `path` with `argv` and `envp` in a new session (pid = pgid = sid),
/// in `cwd`, with stdin from /dev/null, stdout and stderr on `output_fd`,
/// every signal at its default disposition, an empty signal mask, and no
/// other inherited descriptor (csup_lean_spawn, or posix_spawn where it cannot
/// run). Returns 0 and stores the pid, or an errno.
int csup_spawn(const char *path, char *const argv[], char *const envp[],
               const char *cwd, int output_fd, pid_t *pid_out);

/// What a lean spawn's child gets on descriptors 0 to CSUP_SPAWN_TARGETS - 1.
#define CSUP_SPAWN_TARGETS 4
/// A target opened on /dev/null (read-only for 0, write-only otherwise).
#define CSUP_SPAWN_NULL (-1)
/// A target left closed (and every one after it).
#define CSUP_SPAWN_END (-2)

/// Spawns `path` with `argv` and `envp` in a new session (pid = pgid = sid), in
/// `cwd`, with descriptor t on `sources[t]` (a descriptor of the caller,
/// CSUP_SPAWN_NULL or CSUP_SPAWN_END), every signal at its default disposition,
/// an empty signal mask and no other descriptor, like posix_spawn with those
/// attributes; but the child never holds a copy of the caller's descriptor
/// table, so a spawn costs the same with 10 descriptors open or 1,000.
/// Returns 0 and stores the pid; an errno of the setup or the exec; or ENOSYS
/// when the reserved descriptors it needs are missing (the caller then uses
/// posix_spawn).
int csup_lean_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                    const int sources[CSUP_SPAWN_TARGETS], pid_t *pid_out);

/// csup_lean_spawn with posix_spawn (file actions and attributes), whose child
/// copies the caller's descriptor table and closes it: where the lean spawn
/// cannot run (ENOSYS); the baseline of the Supervisor benchmark.
int csup_posix_spawn_targets(const char *path, char *const argv[], char *const envp[], const char *cwd,
                             const int sources[CSUP_SPAWN_TARGETS], pid_t *pid_out);

/// Like csup_spawn, but with fork and exec, and the child gets SIGTERM when
/// the *thread* that calls this ends (PR_SET_PDEATHSIG): call it only from a
/// thread that lives as long as the process. A child whose parent died
/// before the signal was armed exits 127 before exec. Returns 0 and stores
/// the pid, or an errno (of fork, or of the child's setup or exec).
int csup_spawn_dying_with_parent(const char *path, char *const argv[], char *const envp[],
                                 const char *cwd, int output_fd, pid_t *pid_out);

/// Raises this process's soft limit on open descriptors (RLIMIT_NOFILE) to
/// its hard limit, and stores the limits found (soft, hard). Every child a
/// spawn of this library starts afterwards gets the soft limit found back
/// before its exec (but the posix_spawn fallback's, which has no such step).
/// Call it before the first spawn. Returns 0, or an errno of get/setrlimit.
int csup_raise_open_files_limit(unsigned long long *soft_found, unsigned long long *hard_found);

/// pidfd_open(2) with PIDFD flags 0; the descriptor is close-on-exec.
/// Returns the descriptor, or -1 with errno set.
int csup_pidfd_open(pid_t pid);

/// pidfd_send_signal(2). Returns 0, or -1 with errno set.
int csup_pidfd_send_signal(int pidfd, int signal_number);

/// waitid(P_PIDFD, pidfd, WEXITED | WNOHANG). Returns 1 and stores si_code
/// (CLD_EXITED, CLD_KILLED, CLD_DUMPED) and si_status when the process has
/// exited (and reaps it), 0 when it has not, -1 with errno set on failure
/// (ECHILD: it is not our child).
int csup_pidfd_reap(int pidfd, int *code_out, int *status_out);

#endif
