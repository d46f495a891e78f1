// The few Linux calls the Supervisor needs that Swift cannot make directly:
// posix_spawn with GNU file actions (chdir, closefrom) and a new session,
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
/// other inherited descriptor. Returns 0 and stores the pid, or an errno.
int csup_spawn(const char *path, char *const argv[], char *const envp[],
               const char *cwd, int output_fd, pid_t *pid_out);

/// Like csup_spawn, but with fork and exec, and the child gets SIGTERM when
/// the *thread* that calls this ends (PR_SET_PDEATHSIG): call it only from a
/// thread that lives as long as the process. A child whose parent died
/// before the signal was armed exits 127 before exec. Returns 0 and stores
/// the pid, or an errno (of fork, or of the child's setup or exec).
int csup_spawn_dying_with_parent(const char *path, char *const argv[], char *const envp[],
                                 const char *cwd, int output_fd, pid_t *pid_out);

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
