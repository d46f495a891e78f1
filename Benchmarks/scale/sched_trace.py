"""run.py --sched-trace: the kernel's scheduler events (`perf sched record`) through each unprobed rollout, and
from them who waited for a CPU after a wake-up, how long, and who ran meanwhile.

A handover is a chain of wake-ups (the loop that reads the old bot's confirmation, the driver, the loop that
writes `process_commands`, the new bot), and its tail is the time those threads wait for a CPU once woken. The
wake-up probe (--wake-probe) shows that the box was busy while the slow handovers ran; this shows whose wait it
was and what held the CPU: the daemon's own threads, the bots, the log relays, the launches between their fork
and their exec, or nothing at all (the other CPU idle while the woken thread waited on a busy one: the
kernel's choice of CPU, not a lack of one). perf's own work perturbs the run: the figures of a traced run are
not comparable with an untraced one's (round 27 read a lower handover p99 with the trace than without).
Needs `perf` (Debian: linux-perf) and the privilege to trace the whole box.
"""
import bisect
import re
import signal
import subprocess
import time

# A `perf sched timehist` line of a task's run: when it left the CPU, the CPU, the task, and its wait before it
# ran, its delay from the wake-up to running, and its run time (ms).
RUN_LINE = re.compile(r"\s*([\d.]+)\s+\[(\d+)\]\s+(.*?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
TASK = re.compile(r"^(.*)\[(\d+)(?:/(\d+))?\]$")
# The waits the report looks behind: long enough to be a handover's problem, many enough to count.
LONG_WAIT_S = 0.0008
WAITERS = ("driver", "event loops", "bots")


class SchedTrace:
    """`perf sched record` of the whole box, from construction to `stop`, which returns the runs it saw."""

    def __init__(self, fleet):
        self.data = fleet.root / f"sched-{time.monotonic_ns()}.data"
        self.process = subprocess.Popen(
            ["perf", "sched", "record", "-a", "-k", "CLOCK_MONOTONIC", "-q", "-o", str(self.data)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)  # its buffers are mapped before the rollout starts

    def stop(self, daemon_pid):
        """Every run of a task on a CPU: (start, end, cpu, class, delay from its wake-up to this run), seconds on the
        monotonic clock, sorted by start."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        listing = subprocess.run(["perf", "sched", "timehist", "-i", str(self.data)], capture_output=True, text=True)
        self.data.unlink(missing_ok=True)
        runs = []
        for text in listing.stdout.splitlines():
            found = RUN_LINE.match(text)
            if not found:
                continue
            end, cpu, task, _, delay, length = found.groups()
            end, length = float(end), float(length) / 1000
            runs.append((end - length, end, int(cpu), task_class(task.strip(), daemon_pid), float(delay) / 1000))
        return sorted(runs)


def task_class(task, daemon_pid):
    """What a timehist task is to the benchmark: one of the daemon's threads by role, a bot, a log relay, a launch
    between its fork and its exec, the idle task, or other."""
    if task == "<idle>":
        return "idle"
    found = TASK.match(task)
    name, pid = (found.group(1), int(found.group(3) or found.group(2))) if found else (task, 0)
    if pid == daemon_pid:
        if name == "urban-driver":
            return "driver"
        return "event loops" if name.startswith("NIO-SGLTN") else "other daemon threads"
    if name == "minimal-bot":
        return "bots"
    if name.startswith(("urban-robot-log", "ur-log-relay")):
        return "log relays"
    return "launches before exec" if name.startswith("urban-spawn") else "other"


def waits(runs):
    """Per waiter class: the delays from a wake-up to running, the share of that time with some other CPU idle,
    and, over the waits longer than LONG_WAIT_S, the seconds each class held the waiter's CPU meanwhile."""
    by_cpu = {}
    for start, end, cpu, kind, _ in runs:
        by_cpu.setdefault(cpu, []).append((start, end, kind))
    starts = {cpu: [start for start, _, _ in spans] for cpu, spans in by_cpu.items()}

    def held(cpu, begin, finish):
        """Seconds each class ran on `cpu` within [begin, finish]: from the last span that starts before `finish`
        backwards (a CPU's spans follow each other, so their ends are in order too) to the first that ends before
        `begin`, however long ago the span over `begin` started (an idle CPU's can be seconds)."""
        spans, result = by_cpu.get(cpu, []), {}
        index = bisect.bisect_right(starts[cpu], finish)
        while index > 0:
            index -= 1
            start, end, kind = spans[index]
            if end <= begin:
                break
            overlap = min(end, finish) - max(start, begin)
            if overlap > 0:
                result[kind] = result.get(kind, 0.0) + overlap
        return result

    result = {kind: {"delays": [], "waited": 0.0, "other_idle": 0.0, "behind": {}} for kind in WAITERS}
    for start, _, cpu, kind, delay in runs:
        if kind not in result or delay <= 0:
            continue
        entry = result[kind]
        entry["delays"].append(delay)
        entry["waited"] += delay
        entry["other_idle"] += max((held(other, start - delay, start).get("idle", 0.0)
                                    for other in by_cpu if other != cpu), default=0.0)
        if delay > LONG_WAIT_S:
            for holder, seconds in held(cpu, start - delay, start).items():
                entry["behind"][holder] = entry["behind"].get(holder, 0.0) + seconds
    return result
