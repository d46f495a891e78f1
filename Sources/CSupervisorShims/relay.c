#define _GNU_SOURCE
#include "CSupervisorShims.h"
#include "spawn_session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// The redacting log relay: the small urban-robot-log-relay program runs
// csup_relay_main; a copy of a program that links this library, started as
// "urban-robot-log-relay", runs it from this constructor, before any Swift code,
// and never returns to main.
//
// Its descriptors: 0 is the pipe the bot writes to, 1 the log file (O_APPEND),
// 3 the secrets, each ended by a NUL byte, then EOF.

#define RELAY_MAX_SECRETS 16
#define RELAY_SECRETS_CAPACITY 8192
#define RELAY_BUFFER_CAPACITY 65536
static const char relay_replacement[] = "<redacted>";

static void relay_write(const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t written = write(1, bytes, count);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return;  // a full disk drops output; the bot is never blocked
        bytes += written;
        count -= (size_t)written;
    }
}

// Whether `bytes[0..count)` is a prefix of one of the secrets.
static int relay_is_prefix(const char *bytes, size_t count, char *const secrets[], const size_t lengths[], size_t number) {
    for (size_t index = 0; index < number; index++) {
        if (count < lengths[index] && memcmp(bytes, secrets[index], count) == 0) return 1;
    }
    return 0;
}

// Writes `buffer[0..*size)` with every whole secret replaced, and keeps back
// (moved to the front) the shortest end that may still become a secret; at
// EOF (`final`) nothing is kept back.
static void relay_flush(char *buffer, size_t *size, char *const secrets[], const size_t lengths[],
                        size_t number, size_t longest, const unsigned char first_bytes[256], int final) {
    size_t have = *size, start = 0, index = 0;
    while (index < have) {
        // Most bytes start no secret: skip them without comparing.
        if (!first_bytes[(unsigned char)buffer[index]]) {
            index++;
            continue;
        }
        size_t matched = 0;
        for (size_t secret = 0; secret < number && matched == 0; secret++) {
            if (index + lengths[secret] <= have && memcmp(buffer + index, secrets[secret], lengths[secret]) == 0) {
                matched = lengths[secret];
            }
        }
        if (matched > 0) {
            relay_write(buffer + start, index - start);
            relay_write(relay_replacement, sizeof(relay_replacement) - 1);
            index += matched;
            start = index;
            continue;
        }
        if (!final && have - index < longest && relay_is_prefix(buffer + index, have - index, secrets, lengths, number)) break;
        index++;
    }
    relay_write(buffer + start, index - start);
    memmove(buffer, buffer + index, have - index);
    *size = have - index;
}

void csup_relay_main(void) {
    static char secrets_text[RELAY_SECRETS_CAPACITY];
    static char buffer[RELAY_BUFFER_CAPACITY];
    size_t secrets_size = 0;
    while (secrets_size < sizeof(secrets_text)) {
        ssize_t count = read(3, secrets_text + secrets_size, sizeof(secrets_text) - secrets_size);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        secrets_size += (size_t)count;
    }
    close(3);
    char *secrets[RELAY_MAX_SECRETS];
    size_t lengths[RELAY_MAX_SECRETS];
    size_t number = 0, longest = 0, from = 0;
    for (size_t index = 0; index < secrets_size && number < RELAY_MAX_SECRETS; index++) {
        if (secrets_text[index] != '\0') continue;
        if (index > from) {
            secrets[number] = secrets_text + from;
            lengths[number] = index - from;
            if (lengths[number] > longest) longest = lengths[number];
            number++;
        }
        from = index + 1;
    }
    static unsigned char first_bytes[256];
    for (size_t index = 0; index < number; index++) first_bytes[(unsigned char)secrets[index][0]] = 1;
    // Leave the spawner at once: the grandchild is re-parented (never a zombie of the daemon).
    pid_t pid = fork();
    if (pid != 0) _exit(pid < 0 ? 127 : 0);
    prctl(PR_SET_NAME, "ur-log-relay");
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    size_t size = 0;
    while (1) {
        ssize_t count = read(0, buffer + size, sizeof(buffer) - size);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        size += (size_t)count;
        relay_flush(buffer, &size, secrets, lengths, number, longest, first_bytes, 0);
    }
    relay_flush(buffer, &size, secrets, lengths, number, longest, first_bytes, 1);
    _exit(0);
}

__attribute__((constructor)) static void csup_relay_entry(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc >= 1 && argv[0] != NULL && strcmp(argv[0], CSUP_RELAY_NAME) == 0) csup_relay_main();
}

static int csup_write_secrets(int fd, const char *const secrets[], size_t count) {
    for (size_t index = 0; index < count; index++) {
        const char *bytes = secrets[index];
        size_t left = strlen(bytes) + 1;
        while (left > 0) {
            ssize_t written = write(fd, bytes, left);
            if (written < 0 && errno == EINTR) continue;
            if (written <= 0) return errno != 0 ? errno : EIO;
            bytes += written;
            left -= (size_t)written;
        }
    }
    return 0;
}

int csup_start_relay(int log_fd, const char *relay_path, const char *const secrets[], size_t count,
                     int *write_fd_out) {
    if (count > RELAY_MAX_SECRETS) return E2BIG;
    size_t total = 0;
    for (size_t index = 0; index < count; index++) total += strlen(secrets[index]) + 1;
    if (total > RELAY_SECRETS_CAPACITY || total > 65536) return E2BIG;
    int data[2], keys[2];
    if (pipe2(data, O_CLOEXEC) != 0) return errno;
    if (pipe2(keys, O_CLOEXEC) != 0) {
        int error = errno;
        close(data[0]);
        close(data[1]);
        return error;
    }
    // Fits the pipe's buffer: written before the relay runs, read by it at start.
    int rc = csup_write_secrets(keys[1], secrets, count);
    close(keys[1]);

    pid_t pid = 0;
    char *const argv[] = {(char *)CSUP_RELAY_NAME, NULL};
    char *const envp[] = {NULL};
    const int sources[CSUP_SPAWN_TARGETS] = {data[0], log_fd, CSUP_SPAWN_NULL, keys[0]};
    if (rc == 0) rc = csup_spawn_targets(relay_path, argv, envp, "/", sources, &pid);
    close(keys[0]);
    close(data[0]);
    if (rc == 0) {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) rc = ECHILD;
    }
    if (rc != 0) {
        close(data[1]);
        return rc;
    }
    *write_fd_out = data[1];
    return 0;
}
