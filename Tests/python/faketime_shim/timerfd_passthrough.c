/*
 * Preloaded before libfaketime in the clock-step tests: hands timerfd_settime straight to the kernel.
 *
 * libfaketime 0.9.10 (Debian 12) shifts every absolute timerfd deadline by its wall-clock offset, whatever the
 * timer's clock ("only CLOCK_REALTIME is handled", its source says), so a -1 h step delays a CLOCK_MONOTONIC timer
 * by an hour: libdispatch's timers, hence every Swift Task.sleep, would stall. A real step of the system clock
 * never moves a monotonic timer; with this shim the faked process sees the same, while Date() still steps.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value) {
    return (int)syscall(SYS_timerfd_settime, fd, flags, new_value, old_value);
}
