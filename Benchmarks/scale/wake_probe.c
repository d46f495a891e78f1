/*
 * The scale benchmark's wake-up probe (run.py --wake-probe): what the box does to
 * any sleeping process while a rollout runs. It sleeps 1 ms at a time on
 * CLOCK_MONOTONIC until SIGTERM, then writes one line per wake-up to the file
 * named by its argument: "<woke> <late>", the instant it ran again (CLOCK_MONOTONIC,
 * Python's time.monotonic(), in seconds) and how much later than asked (seconds).
 *
 * A bot waiting for `process_commands` is such a process: when the probe wakes late,
 * both cores were taken, and a handover in that moment waits for a core as well.
 *
 *     cc -O2 -o wake-probe wake_probe.c
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile sig_atomic_t stopping = 0;

static void on_term(int signal_number) {
    (void)signal_number;
    stopping = 1;
}

static double seconds(const struct timespec *time) {
    return (double)time->tv_sec + (double)time->tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: wake-probe OUTPUT\n");
        return 2;
    }
    struct sigaction action = {0};
    action.sa_handler = on_term;
    sigaction(SIGTERM, &action, NULL);
    size_t capacity = 1 << 16, count = 0;
    double *woke = malloc(capacity * sizeof *woke), *late = malloc(capacity * sizeof *late);
    if (!woke || !late) return 3;
    const struct timespec period = {0, 1000000};
    while (!stopping) {
        struct timespec before, after;
        clock_gettime(CLOCK_MONOTONIC, &before);
        if (clock_nanosleep(CLOCK_MONOTONIC, 0, &period, NULL) != 0) continue; /* SIGTERM */
        clock_gettime(CLOCK_MONOTONIC, &after);
        if (count == capacity) {
            capacity *= 2;
            woke = realloc(woke, capacity * sizeof *woke);
            late = realloc(late, capacity * sizeof *late);
            if (!woke || !late) return 3;
        }
        woke[count] = seconds(&after);
        late[count] = seconds(&after) - seconds(&before) - 0.001;
        count++;
    }
    FILE *output = fopen(argv[1], "w");
    if (!output) return 4;
    for (size_t index = 0; index < count; index++) fprintf(output, "%.9f %.9f\n", woke[index], late[index]);
    return fclose(output) == 0 ? 0 : 5;
}
