#!/usr/bin/env python3
"""Scale benchmark: a real daemon (`urban-robot serve`, build it in release) with N
real bot processes (minimal_bot.py, standard library only, so that the daemon is
what is measured) on 127.0.0.1, and back-to-back rollouts of new revisions, half
of them followed (an NDJSON progress stream open, as every `git push` has) and
half not.

    swift build -c release --scratch-path .build-release --product urban-robot
    swift build -c release --scratch-path .build-release --product urban-robot-log-relay
    python3 Benchmarks/scale/run.py [--instances 10,50] [--rollouts 3] [--paced]
                                    [--binary .build-release/release/urban-robot]

For each N it prints, next to the target and the value of issue 11 (measured
before the fixes), per rollout mode (unfollowed / followed):
  - the daemon's CPU (utime + stime of /proc/<pid>/stat) per instance per rollout,
    from the request until the fleet settled after the terminal outcome (the
    retired standbys exited);
  - the handover gap at the bots: the old active's `coma` received → the new
    one's `process_commands` received (time.monotonic() in both bots), p50/p99;
  - exit seen: the bot's last instant (wall clock) → the `client.exited` entry of
    the audit trail (ms resolution), p50/max;
  - `GET /v1/status` latency while a rollout runs (polled every 50 ms), p50/p99, in
    rollouts of their own (--rollouts more per mode), whose CPU is not counted above;
  - rollout time, and the daemon's RSS after each rollout once the fleet settled
    (its retired clients exited, the heap trimmed), first → last.
The first deployment (an empty fleet) is a warm-up and is not measured. The total
CPU's exponent in N is fitted when more than one N ran.

Default: unpaced launches (max_concurrency 50 per 250 ms), so that the daemon's own
cost is what limits a rollout; `--paced` uses Discord's max_concurrency 16 per 5 s.
(Before the channel vouched for CONNECTs with an issued launch key, N = 200 needed
--paced: its CONNECTs waited for the engine past the channel's 100 unauthenticated
sessions per peer address, all bots being on 127.0.0.1, and bots were shed.)

--idle S, --back-to-back K and --canary-crashes K add the idle daemon's CPU, K
rollouts in a row (first → last, and the medians of the first and last five) and
K crashes of a promoted canary (see --help); --follow-crashes follows each of
those rollouts, as a push that deploys does.

Before each measured rollout it reads a box gauge: the CPU time of a fixed piece
of pure-Python work (best of three). The shared box's cores drift within minutes,
and the daemon's CPU with them; the gauge, printed beside the figures (and for
the first and last five back-to-back rollouts), tells that drift from the
daemon's own. It is not a target and corrects nothing.

--exit-probes K (default 10): after the rollouts, and again after --back-to-back,
K actives are SIGKILLed one at a time and the time from the kill to the engine's
`client.exited` entry is reported: one death against the daemon's history, where
the rollouts' exits are 200 standbys shutting down at once.

--wake-probe runs wake_probe.c (built with cc) through each unprobed rollout: a
process sleeping 1 ms at a time, whose late wake-ups show when both cores were
taken. It reports, per mode, how late it woke (p50/p99/max), and for the
handovers over the 5 ms target how late it woke while each of them ran, against
the same for all handovers: whether the slow handovers are the moments when no
process on the box got a core at once.

--sched-trace records the scheduler's events (perf sched, see sched_trace.py)
through each unprobed rollout and reports how long the driver, the event loops
and the bots waited for a CPU once woken, how much of that wait another CPU sat
idle, and who held the CPU through the waits over 0.8 ms. It perturbs the run.

--bot c runs minimal_bot.c (built with cc into the temporary folder) instead of
minimal_bot.py: the same protocol and records, a start in ~1 ms of CPU instead of
~50. 200 Python bots starting on 2 cores saturate the CPU for seconds, and the
unpaced latencies then measure the scheduler, not the daemon. --isolate runs the
daemon on CPU 0 and the bots on the others (taskset), for the same question.
"""

import argparse
import bisect
import json
import math
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib import request as urlrequest

from sched_trace import LONG_WAIT_S, WAITERS, SchedTrace, waits

HERE = Path(__file__).resolve().parent
# The daemon trims its heap a second (HeapTrimmer.settleTime) to two after the last exit of a settled fleet.
HEAP_SETTLE_S = 2.5
ROOT = HERE.parents[1]
TOKEN_VARIABLE = "BENCH_DISCORD_TOKEN"
TERMINAL = {"succeeded", "rolled-back", "aborted", "failed"}

# Issue 11's values (before the fixes) and targets, per N: (unfollowed, followed).
BASELINE = {
    "cpu_ms": {10: (10, 26), 50: (28, 116), 200: (79, 416)},
    "gap_p50_ms": {10: (2, 6), 50: (17, 88), 200: (550, 850)},
    "gap_p99_ms": {10: (5, 13), 50: (76, 375), 200: (900, 2750)},
}
TARGET = {"cpu_ms": 5.0, "gap_p99_ms": 5.0, "exit_ms": 50.0, "status_p99_ms": 50.0}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def git(*arguments, cwd=None):
    return subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def ms(value):
    """Seconds as milliseconds with one decimal, or "-" when there is no value."""
    return f"{1000 * value:.1f}" if not math.isnan(value) else "-"


def box_gauge_ms():
    """How slow the box's cores are now: the CPU time (ms) of a fixed piece of pure-Python work, best of three.

    The shared box's cores slow down and speed up within minutes (round 17: the same daemon's CPU per instance went
    from 2.8 to 4.5 ms in twenty minutes, nothing else running); read before each rollout, the gauge tells the box's
    drift from the daemon's: a rise of the daemon's CPU that the gauge shares is the box's."""
    def once():
        started = time.process_time()
        total = 0
        for number in range(300_000):
            total += number * number % 7
        return 1000 * (time.process_time() - started)
    return min(once() for _ in range(3))


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


class Fleet:
    """A temporary workspace (bare source repository, working copy, configuration,
    state folder) and `urban-robot serve` on it; `stop` ends the daemon and kills
    every bot it launched by process group."""

    def __init__(self, binary, instances, paced, bake="1s", isolate=False, bot="python", wake_probe=False):
        self.binary = binary
        # --isolate: the daemon on CPU 0 and the bots on the others (taskset), so that their start-up cannot take
        # the daemon's CPU.
        self.pin = ["taskset", "-c", "0"] if isolate else []
        bot_pin = f'"taskset", "-c", "1-{os.cpu_count() - 1}", ' if isolate else ""
        self.instances = instances
        self.root = Path(tempfile.mkdtemp(prefix=f"scale-{instances}-"))
        self.source, self.work, self.state = self.root / "bot.git", self.root / "work", self.root / "state"
        self.records = self.root / "records.jsonl"
        self.work.mkdir()
        shutil.copy(HERE / "minimal_bot.py", self.work / "bot.py")
        bot_command = '"python3", "bot.py"'
        if bot == "c":
            subprocess.run(["cc", "-O2", "-o", str(self.root / "minimal-bot"), str(HERE / "minimal_bot.c")], check=True)
            bot_command = f'"{self.root / "minimal-bot"}"'
        self.wake_probe = None
        if wake_probe:
            self.wake_probe = self.root / "wake-probe"
            subprocess.run(["cc", "-O2", "-o", str(self.wake_probe), str(HERE / "wake_probe.c")], check=True)
        git("init", "-q", "--bare", "-b", "main", str(self.source))
        git("init", "-q", "-b", "main", str(self.work))
        git("remote", "add", "origin", str(self.source), cwd=self.work)
        self.admin_port = free_port()
        # Unpaced launches at most 50 per 250 ms (as in the earlier rounds, so the numbers compare).
        concurrency, spacing = (16, "5s") if paced else (50, "250ms")
        (self.root / "urban-robot.toml").write_text(f"""\
[source]
url = "{self.source}"
[bot]
command = [{bot_pin}{bot_command}]
instances = {instances}
token_env = "{TOKEN_VARIABLE}"
env = {{ BENCH_RECORDS = "{self.records}" }}
[health]
identify_timeout = "120s"
ready_timeout = "120s"
check_timeout = "60s"
[rollout]
canary = 1
bake = "{bake}"
batch = "100%"
watch = "1s"
coma_timeout = "5s"
stop_grace = "5s"
max_concurrency = {concurrency}
identify_spacing = "{spacing}"
[channel]
listen = "127.0.0.1:{free_port()}"
[admin]
listen = "127.0.0.1:{self.admin_port}"
[state]
dir = "{self.state}"
""")
        self.versions = 0
        self.daemon = None
        self.token = None
        self.keep = False  # set on a failure: the folder (daemon.log, state) is left for a look

    def start(self):
        environment = dict(os.environ, **{TOKEN_VARIABLE: "bench-token-not-a-real-discord-token"})
        log = open(self.root / "daemon.log", "ab")
        self.daemon = subprocess.Popen([*self.pin, self.binary, "serve", "-c", str(self.root / "urban-robot.toml")],
                                       stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=environment)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            token_file = self.state / "admin.token"
            if token_file.exists():
                self.token = token_file.read_text().strip()
                try:
                    self.get("/v1/status")
                    return
                except OSError:
                    pass
            if self.daemon.poll() is not None:
                raise RuntimeError(f"the daemon exited at start; see {self.root / 'daemon.log'}")
            time.sleep(0.2)
        raise RuntimeError("the daemon did not answer within 60 s")

    def call(self, method, path, body=None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        request = urlrequest.Request(f"http://127.0.0.1:{self.admin_port}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {self.token}",
                                              "Content-Type": "application/json"})
        return urlrequest.urlopen(request, timeout=timeout)

    def get(self, path):
        with self.call("GET", path) as response:
            return json.loads(response.read())

    def commit(self):
        self.versions += 1
        (self.work / "VERSION").write_text(f"v{self.versions}\n")
        git("add", "-A", cwd=self.work)
        git("-c", "user.name=Bench", "-c", "user.email=bench@urban-robot.invalid", "commit", "-q", "-m",
            f"v{self.versions}", cwd=self.work)
        git("push", "-q", "origin", "main", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work)

    def request(self, revision, immediate=False):
        body = {"revision": revision, "trigger": "cli", "who": "bench", "immediate": immediate}
        with self.call("POST", "/v1/deployments", body) as answer:
            return json.loads(answer.read())["id"]

    def wait_terminal(self, deployment):
        while (outcome := self.get(f"/v1/deployments/{deployment}")["outcome"]) not in TERMINAL:
            time.sleep(0.25)
        return outcome

    def deploy(self, revision, follow, immediate=False):
        """Deploys `revision`; returns (deployment id, seconds to the terminal outcome, outcome)."""
        started = time.monotonic()
        deployment = self.request(revision, immediate)
        if follow:
            with self.call("GET", f"/v1/deployments/{deployment}/events?follow=true", timeout=3600) as stream:
                last = None
                for line in stream:
                    last = json.loads(line)
            outcome = last["detail"]["outcome"]
        else:
            outcome = self.wait_terminal(deployment)
        return deployment, time.monotonic() - started, outcome

    def cpu_seconds(self):
        return stat_cpu_seconds(Path(f"/proc/{self.daemon.pid}/stat").read_text())

    def cpu_by_thread(self):
        """The CPU seconds of the daemon's live threads by name (the kernel's first 15 bytes; a pool's numbers
        starred, so that `NIO-SGLTN-1-#0` and `#1` count as one), and the process total: a thread that ended took
        its time out of the listing, the total keeps it."""
        named = {}
        for task in Path(f"/proc/{self.daemon.pid}/task").iterdir():
            try:
                text = (task / "stat").read_text()
            except OSError:
                continue
            name = re.sub(r"\d+", "*", text[text.index("(") + 1:text.rindex(")")])
            named[name] = named.get(name, 0) + stat_cpu_seconds(text)
        return named, self.cpu_seconds()

    def rss_mb(self):
        status = Path(f"/proc/{self.daemon.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024

    def settled_rss_mb(self, timeout=120):
        """The RSS once the fleet has settled: no instance with a standby or a candidate left (the deployment's
        retired clients have exited), then HEAP_SETTLE_S for the daemon's heap trim, which runs a second after the
        last exit. Read at the terminal outcome instead, the RSS still holds the 200 retiring sessions."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            instances = self.get("/v1/status")["instances"]
            if all(instance.get("standby") is None and instance.get("candidate") is None for instance in instances):
                break
            time.sleep(0.25)
        time.sleep(HEAP_SETTLE_S)
        return self.rss_mb()

    def pid_of_revision(self, revision):
        """The pid of a client of `revision` (any role), or None."""
        for instance in self.get("/v1/status")["instances"]:
            for role in ("active", "standby", "candidate"):
                client = instance.get(role)
                if isinstance(client, dict) and client.get("revision") == revision and (client.get("pid") or 0) > 1:
                    return client["pid"]
        return None

    def bot_pids(self):
        try:
            status = self.get("/v1/status")
        except OSError:
            return set()
        return {client["pid"] for instance in status["instances"] for role in ("active", "standby", "candidate")
                if isinstance(client := instance.get(role), dict) and (client.get("pid") or 0) > 1}

    def stop(self):
        pids = self.bot_pids() if self.daemon and self.daemon.poll() is None else set()
        if self.daemon and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            try:
                self.daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
        for pid in pids:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


class StatusProbe:
    """Polls GET /v1/status every 50 ms on a thread, recording each answer's latency."""

    def __init__(self, fleet):
        self.fleet, self.latencies, self.running = fleet, [], True
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def poll(self):
        while self.running:
            started = time.monotonic()
            try:
                self.fleet.get("/v1/status")
                self.latencies.append(time.monotonic() - started)
            except OSError:
                pass
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.latencies


class Follower:
    """Reads a deployment's progress stream (`events?follow=true`) to its end on a thread."""

    def __init__(self, fleet, deployment):
        self.thread = threading.Thread(target=self.read, args=(fleet, deployment), daemon=True)
        self.thread.start()

    @staticmethod
    def read(fleet, deployment):
        with fleet.call("GET", f"/v1/deployments/{deployment}/events?follow=true", timeout=3600) as stream:
            for _ in stream:
                pass

    def join(self):
        self.thread.join(timeout=60)


class WakeProbe:
    """wake_probe.c running beside the fleet: a process sleeping 1 ms at a time; `stop` returns its wake-ups as
    (monotonic instant, seconds late), sorted."""

    def __init__(self, fleet):
        self.output = fleet.root / f"wakes-{time.monotonic_ns()}.txt"
        self.process = subprocess.Popen([str(fleet.wake_probe), str(self.output)])

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        wakes = [tuple(float(field) for field in line.split()) for line in self.output.read_text().splitlines()]
        self.output.unlink()
        return sorted(wakes)


def late_during(wakes, intervals):
    """Per interval (start, end): (its length, the most the probe woke late by while it ran, 0 when it always woke
    on time), counting the wake-ups whose wait for a core, [woke - late, woke], overlaps it. `wakes` is sorted."""
    instants = [woke for woke, _ in wakes]
    longest = max((late for _, late in wakes), default=0.0)
    result = []
    for start, end in intervals:
        worst = 0.0
        for index in range(bisect.bisect_right(instants, start), bisect.bisect_left(instants, end + longest)):
            woke, late = wakes[index]
            if woke - late < end:
                worst = max(worst, late)
        result.append((end - start, worst))
    return result


def records(fleet):
    lines = fleet.records.read_text().splitlines() if fleet.records.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def handover_intervals(all_records, revision):
    """Per shard: (the latest `coma` of another client of that shard, the new client's `process_commands` after
    it), monotonic instants at the bots."""
    intervals = []
    for entry in all_records:
        if entry["event"] != "process_commands" or entry["revision"] != revision:
            continue
        comas = [other["mono"] for other in all_records
                 if other["event"] == "coma" and other["shard"] == entry["shard"]
                 and other["client"] != entry["client"] and other["mono"] <= entry["mono"]]
        if comas:
            intervals.append((max(comas), entry["mono"]))
    return intervals


def exit_latencies(fleet, all_records):
    """The bot's exit (wall) to the engine's `client.exited` entry, per client that exited."""
    exits = {entry["client"]: entry["wall"] for entry in all_records if entry["event"] == "exit"}
    return [max(0.0, seen - exits[client]) for client, seen in exited_entries(fleet).items() if client in exits]


def exited_entries(fleet):
    """client → the wall time (seconds) of its `client.exited` entry in the audit trail (ms resolution)."""
    database = sqlite3.connect(f"file:{fleet.state / 'state.sqlite'}?mode=ro", uri=True)
    try:
        rows = database.execute("SELECT client, time FROM events WHERE kind = 'client.exited'").fetchall()
    finally:
        database.close()
    return {client: datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
            for client, stamp in rows}


def probe_exits(fleet, count):
    """Kills `count` actives one at a time (SIGKILL, a few seconds apart, while nothing else runs): the time from the
    kill (the bench's wall clock) to the engine's `client.exited` entry for that client. Unlike the exits of a
    rollout, which the standbys' shutdowns make 200 at once, this is one death against the daemon's history."""
    latencies = []
    for _ in range(count):
        actives = [instance["active"] for instance in fleet.get("/v1/status")["instances"]
                   if isinstance(instance.get("active"), dict) and (instance["active"].get("pid") or 0) > 1]
        victim = actives[len(latencies) * 37 % len(actives)]
        killed = time.time()
        os.kill(victim["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while (seen := exited_entries(fleet).get(victim["client"])) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if seen is None:
            raise RuntimeError(f"the engine never saw {victim['client']} exit")
        latencies.append(max(0.0, seen - killed))
        time.sleep(3)  # its restart settles
    return latencies


def run_fleet(binary, instances, rollouts, paced, idle_seconds=0, back_to_back=0, exit_probes=0, isolate=False,
              bot="python", wake_probe=False, sched_trace=False):
    fleet = Fleet(binary, instances, paced, isolate=isolate, bot=bot, wake_probe=wake_probe)
    try:
        fleet.start()
        _, warmup_s, outcome = fleet.deploy(fleet.commit(), follow=False)
        if outcome != "succeeded":
            fleet.keep = True
            raise RuntimeError(f"the first deployment ended {outcome}; see {fleet.root / 'daemon.log'}")
        results = {"rss": [fleet.settled_rss_mb()], "modes": {False: [], True: []}, "failed": 0}
        results["status"] = {False: [], True: []}
        # Each mode's rollouts run twice: unprobed (the daemon's CPU, the gaps, the time) and then probed (status
        # latency), so that the CPU of answering 20 status requests a second is not counted as the rollout's.
        for index in range(4 * rollouts):
            follow, probed = index % 2 == 1, index >= 2 * rollouts
            revision = fleet.commit()
            # Before the probes start: the gauge holds the interpreter's lock, which the status probe's thread needs.
            gauge = box_gauge_ms()
            probe = StatusProbe(fleet) if probed else None
            waking = WakeProbe(fleet) if fleet.wake_probe and not probed else None
            tracing = SchedTrace(fleet) if sched_trace and not probed else None
            threads_before, cpu_before = fleet.cpu_by_thread()
            _, seconds, outcome = fleet.deploy(revision, follow)
            results["failed"] += outcome != "succeeded"
            if probe:
                results["status"][follow] += probe.stop()
            # The rollout's CPU counts until the fleet settled: its retired standbys exit after the outcome (and,
            # read at the outcome, their exits were counted in the next rollout's CPU).
            results["rss"].append(fleet.settled_rss_mb())
            threads_after, cpu_after = fleet.cpu_by_thread()
            cpu = cpu_after - cpu_before
            if not probe:
                intervals = handover_intervals(records(fleet), revision)
                run = {"cpu_ms_per_instance": 1000 * cpu / instances, "cpu_s": cpu, "seconds": seconds,
                       "gaps": [end - start for start, end in intervals], "gauge_ms": gauge,
                       "threads": {name: after - threads_before.get(name, 0)
                                   for name, after in threads_after.items()}}
                if waking:
                    wakes = waking.stop()
                    run["wakes"] = [late for _, late in wakes]
                    run["late_during"] = late_during(wakes, intervals)
                if tracing:
                    run["waits"] = waits(tracing.stop(fleet.daemon.pid))
                results["modes"][follow].append(run)
            print(f"  N={instances} rollout {index + 1}/{4 * rollouts} ({'followed' if follow else 'unfollowed'}"
                  f"{', status polled' if probed else ''}): {outcome} in {seconds:.1f} s, daemon CPU {cpu:.2f} s, "
                  f"RSS {results['rss'][-1]:.1f} MB, box gauge {gauge:.1f} ms", flush=True)
        time.sleep(2)  # the last standbys' exits reach the engine
        results["exits"] = exit_latencies(fleet, records(fleet))
        results["killed"] = probe_exits(fleet, exit_probes)
        if idle_seconds:
            before = fleet.cpu_seconds()
            time.sleep(idle_seconds)
            results["idle_cpu_ms"] = 1000 * (fleet.cpu_seconds() - before)
            results["idle_seconds"] = idle_seconds
        if back_to_back:
            results["back_to_back"] = run_back_to_back(fleet, back_to_back)
            time.sleep(2)
            results["exits_after_back_to_back"] = exit_latencies(fleet, records(fleet))
            results["killed_after_back_to_back"] = probe_exits(fleet, exit_probes)
        return results
    finally:
        fleet.stop()


def run_back_to_back(fleet, count):
    """`count` unfollowed rollouts one after the other: (seconds, daemon CPU s) each, and the RSS before/after."""
    rss_before = fleet.settled_rss_mb()
    rollouts = []
    gauges = []
    threads = []
    for index in range(count):
        gauges.append(box_gauge_ms())
        threads_before, cpu_before = fleet.cpu_by_thread()
        _, seconds, outcome = fleet.deploy(fleet.commit(), follow=False)
        threads_after, cpu_after = fleet.cpu_by_thread()
        rollouts.append((seconds, cpu_after - cpu_before, outcome))
        threads.append({name: after - threads_before.get(name, 0) for name, after in threads_after.items()})
        print(f"  back-to-back {index + 1}/{count}: {outcome} in {seconds:.1f} s, daemon CPU "
              f"{rollouts[-1][1]:.2f} s, RSS {fleet.rss_mb():.1f} MB, box gauge {gauges[-1]:.1f} ms", flush=True)
    return {"rollouts": rollouts, "rss": (rss_before, fleet.settled_rss_mb()), "gauges": gauges, "threads": threads}


def run_canary_crashes(binary, instances, samples, paced, isolate=False, bot="python", follow=False):
    """A fleet with a long bake: per sample, a rollout whose canary is SIGKILLed once it processes commands; the
    time from the kill to the old active's `process_commands` (the bench's and the bots' time.monotonic()). With
    `follow`, each rollout's progress stream is open, as a `git push` that deploys has it."""
    fleet = Fleet(binary, instances, paced, bake="600s", isolate=isolate, bot=bot)
    latencies, outcomes = [], []
    try:
        fleet.start()
        _, _, outcome = fleet.deploy(fleet.commit(), follow=False, immediate=True)
        if outcome != "succeeded":
            fleet.keep = True
            raise RuntimeError(f"the first deployment ended {outcome}; see {fleet.root / 'daemon.log'}")
        for _ in range(samples):
            revision = fleet.commit()
            deployment = fleet.request(revision)
            follower = Follower(fleet, deployment) if follow else None
            deadline = time.monotonic() + 300
            canary = None
            while canary is None and time.monotonic() < deadline:
                canary = next((entry for entry in records(fleet) if entry["event"] == "process_commands"
                               and entry["revision"] == revision), None)
                time.sleep(0.01)
            if canary is None:
                raise RuntimeError(f"the canary of {revision} never processed commands")
            pid = fleet.pid_of_revision(revision)
            killed = time.monotonic()
            os.kill(pid, signal.SIGKILL)
            outcomes.append(fleet.wait_terminal(deployment))
            if follower:
                follower.join()
            standby = [entry["mono"] - killed for entry in records(fleet)
                       if entry["event"] == "process_commands" and entry["shard"] == canary["shard"]
                       and entry["revision"] != revision and entry["mono"] >= killed]
            if standby:
                latencies.append(min(standby))
            print(f"  canary crash: {outcomes[-1]}, standby processing after "
                  f"{1000 * min(standby) if standby else float('nan'):.1f} ms", flush=True)
        return latencies, outcomes
    finally:
        fleet.stop()


def report_wakes(modes, line):
    """The wake-up probe's lines: how late it woke, and how late while the handovers over the target ran."""
    target = TARGET["gap_p99_ms"] / 1000
    wakes = [[late for run in modes[follow] for late in run["wakes"]] for follow in (False, True)]
    during = [[pair for run in modes[follow] for pair in run["late_during"]] for follow in (False, True)]
    slow = [[late for gap, late in pairs if gap > target] for pairs in during]

    line("probe woke late by, p50 (ms)", [ms(percentile(values, 0.5)) for values in wakes])
    line("probe woke late by, p99 (ms)", [ms(percentile(values, 0.99)) for values in wakes])
    line("probe woke late by, max (ms)", [ms(max(values, default=float("nan"))) for values in wakes])
    line("handovers over 5 ms (of all)", [f"{len(slow[index])} of {len(during[index])}" for index in (0, 1)])
    line("  probe's lateness during them, median (ms)", [ms(percentile(values, 0.5)) for values in slow])
    line("  during all handovers, median (ms)",
         [ms(percentile([late for _, late in pairs], 0.5)) for pairs in during])
    line("  during all handovers, p99 (ms)",
         [ms(percentile([late for _, late in pairs], 0.99)) for pairs in during])


def report_waits(modes, line):
    """The scheduler trace's lines: each waiter's wait for a CPU once woken, the share of it with another CPU idle,
    and who held its CPU through the long waits (both modes together)."""
    def merged(follow, kind):
        entries = [run["waits"][kind] for run in modes[follow]]
        return ([delay for entry in entries for delay in entry["delays"]], sum(entry["waited"] for entry in entries),
                sum(entry["other_idle"] for entry in entries))

    for kind in WAITERS:
        values = [merged(follow, kind) for follow in (False, True)]
        line(f"{kind}: woken -> running p99 / max (ms)",
             [f"{ms(percentile(delays, 0.99))} / {ms(max(delays, default=float('nan')))}" for delays, _, _ in values])
        line("  of that wait, another CPU idle (%)",
             [f"{100 * idle / waited:.0f}" if waited else "-" for _, waited, idle in values])
    for kind in WAITERS:
        behind = {}
        for run in modes[False] + modes[True]:
            for holder, seconds in run["waits"][kind]["behind"].items():
                behind[holder] = behind.get(holder, 0.0) + seconds
        total = sum(behind.values())
        if total:
            shares = ", ".join(f"{holder} {100 * seconds / total:.0f} %"
                               for holder, seconds in sorted(behind.items(), key=lambda item: -item[1]))
            print(f"  waits over {1000 * LONG_WAIT_S:.1f} ms of the {kind}, what ran on their CPU meanwhile: {shares}")


def print_killed(label, latencies):
    """The exit probe's line (nothing when it did not run)."""
    if latencies:
        print(f"  exit seen by the engine after SIGKILL, {label}: p50 {1000 * percentile(latencies, 0.5):.0f} ms, "
              f"max {1000 * max(latencies):.0f} ms over {len(latencies)} kills (ms resolution; target <= 50 ms)")


def stat_cpu_seconds(line):
    """User plus system CPU seconds of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat line (fields 14 and 15,
    counted after the command name's last parenthesis)."""
    fields = line.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report_threads(instances, modes):
    """Where the unprobed rollouts' CPU went, by thread name (medians over both modes, ms per instance): a change
    to one part of the daemon shows in its thread's line, apart from the box's drift in the others."""
    runs = [run for mode in modes.values() for run in mode]
    names = sorted({name for run in runs for name in run["threads"]},
                   key=lambda name: -statistics.median(run["threads"].get(name, 0) for run in runs))
    parts = []
    for name in names:
        value = statistics.median(run["threads"].get(name, 0) for run in runs) * 1000 / instances
        if value >= 0.05:
            parts.append(f"{name} {value:.2f}")
    ended = statistics.median(run["cpu_s"] - sum(run["threads"].values()) for run in runs) * 1000 / instances
    print(f"  CPU per instance by thread (ms, median of every unprobed rollout): {', '.join(parts)}; "
          f"threads that ended {ended:.2f}")


def report_thread_trend(threads):
    """Which of the daemon's threads a trend over back-to-back rollouts is in: each thread name's CPU, the median
    of the first five rollouts and of the last five (s per rollout)."""
    names = sorted({name for rollout in threads for name in rollout},
                   key=lambda name: -statistics.median(rollout.get(name, 0) for rollout in threads))
    parts = []
    for name in names:
        early = statistics.median(rollout.get(name, 0) for rollout in threads[:5])
        late = statistics.median(rollout.get(name, 0) for rollout in threads[-5:])
        if max(early, late) >= 0.01:
            parts.append(f"{name} {early:.2f} → {late:.2f}")
    print(f"    daemon CPU by thread, median of the first 5 → of the last 5 (s): {', '.join(parts)}")


def report(instances, results):
    print(f"\nN = {instances}")
    print(f"  {'measure':<44} {'unfollowed':>12} {'followed':>12} {'target':>8} {'issue 11 (unf./fol.)':>22}")
    rows = []
    for follow in (False, True):
        runs = results["modes"][follow]
        gaps = [gap for run in runs for gap in run["gaps"]]
        status = results["status"][follow]
        rows.append({
            "cpu": statistics.median(run["cpu_ms_per_instance"] for run in runs),
            "gap50": percentile(gaps, 0.5), "gap99": percentile(gaps, 0.99),
            "status50": percentile(status, 0.5), "status99": percentile(status, 0.99),
            "seconds": statistics.median(run["seconds"] for run in runs)})
    baseline = {key: BASELINE[key].get(instances) for key in BASELINE}

    def line(label, values, target="", issue=None):
        issue_text = f"{issue[0]} / {issue[1]}" if issue else ""
        print(f"  {label:<44} {values[0]:>12} {values[1]:>12} {target:>8} {issue_text:>22}")

    line("daemon CPU per instance per rollout (ms)", [f"{row['cpu']:.1f}" for row in rows], "<= 5",
         baseline["cpu_ms"])
    line("handover gap p50 (ms)", [ms(row["gap50"]) for row in rows], "", baseline["gap_p50_ms"])
    line("handover gap p99 (ms)", [ms(row["gap99"]) for row in rows], "<= 5", baseline["gap_p99_ms"])
    line("GET /v1/status during a rollout p50 (ms)", [ms(row["status50"]) for row in rows])
    line("GET /v1/status during a rollout p99 (ms)", [ms(row["status99"]) for row in rows], "<= 50")
    line("rollout time, median (s)", [f"{row['seconds']:.1f}" for row in rows])
    report_threads(instances, results["modes"])
    gauges = [run["gauge_ms"] for mode in results["modes"].values() for run in mode]
    print(f"  box gauge before the rollouts above (not a target: the box's own drift, see --help): "
          f"{min(gauges):.1f}-{max(gauges):.1f} ms")
    if all("wakes" in run for mode in results["modes"].values() for run in mode):
        report_wakes(results["modes"], line)
    if all("waits" in run for mode in results["modes"].values() for run in mode):
        report_waits(results["modes"], line)
    exits = results["exits"]
    print(f"  exit seen by the engine after the bot's exit: p50 {ms(percentile(exits, 0.5))} ms, "
          f"max {ms(max(exits) if exits else float('nan'))} ms over {len(exits)} exits (target <= 50 ms)")
    print_killed("one active killed at a time, after them", results["killed"])
    rss = results["rss"]
    print(f"  RSS after each rollout: {rss[0]:.1f} → {rss[-1]:.1f} MB over {len(rss) - 1} rollouts "
          f"(+{rss[-1] - rss[0]:.1f} MB; target under 5 MB for 20 at N = 200)")
    print(f"  rollouts that did not succeed: {results['failed']}")
    if "idle_cpu_ms" in results:
        print(f"  idle daemon CPU: {results['idle_cpu_ms']:.0f} ms over {results['idle_seconds']} s "
              f"({results['idle_cpu_ms'] / 10 / results['idle_seconds']:.3f} % of a core; target ~0)")
    if "back_to_back" in results:
        rollouts, (rss_before, rss_after) = results["back_to_back"]["rollouts"], results["back_to_back"]["rss"]
        (first_s, first_cpu, _), (last_s, last_cpu, _) = rollouts[0], rollouts[-1]
        failed = sum(outcome != "succeeded" for _, _, outcome in rollouts)
        print(f"  {len(rollouts)} back-to-back rollouts: time {first_s:.1f} → {last_s:.1f} s, daemon CPU "
              f"{first_cpu:.2f} → {last_cpu:.2f} s (first → last; target within 10 %), RSS {rss_before:.1f} → "
              f"{rss_after:.1f} MB (+{rss_after - rss_before:.1f}; target under 5), {failed} did not succeed")
        if len(rollouts) >= 10:
            # One rollout's CPU varies by ±10 % on a 2-core box: the trend is the last five's median against the
            # first five's.
            head, tail = rollouts[:5], rollouts[-5:]
            for label, index in (("time", 0), ("daemon CPU", 1)):
                early, late = statistics.median(r[index] for r in head), statistics.median(r[index] for r in tail)
                print(f"    {label}: median of the first 5 {early:.2f} s, of the last 5 {late:.2f} s "
                      f"({100 * (late - early) / early:+.0f} %), of all {statistics.median(r[index] for r in rollouts):.2f} s")
            report_thread_trend(results["back_to_back"]["threads"])
            gauges = results["back_to_back"]["gauges"]
            early, late = statistics.median(gauges[:5]), statistics.median(gauges[-5:])
            print(f"    box gauge (not a target: the box's own drift, see --help): median of the first 5 {early:.1f} ms, "
                  f"of the last 5 {late:.1f} ms ({100 * (late - early) / early:+.0f} %)")
        exits = results["exits_after_back_to_back"]
        print(f"  exit seen after them: p50 {ms(percentile(exits, 0.5))} ms, max "
              f"{ms(max(exits) if exits else float('nan'))} ms over {len(exits)} exits (target <= 50 ms)")
        print_killed("one active killed at a time, after them", results["killed_after_back_to_back"])
    return sum(run["cpu_s"] for mode in results["modes"].values() for run in mode) / len(
        [run for mode in results["modes"].values() for run in mode])


def box_conditions():
    """The two things of this box that move the figures most (README, scale benchmark, round 14): whether the
    scheduler's autogroups are on (each bot and log relay runs in a session of its own, and so weighs as much as the
    daemon's whole group of threads), and the filesystem of the benchmark's folder (ext4 without a journal searches
    past every inode freed in the last minutes at each file created, as a run that follows another finds)."""
    setting = Path("/proc/sys/kernel/sched_autogroup_enabled")
    autogroups = {"1": "on", "0": "off"}.get(setting.read_text().strip(), "?") if setting.exists() else "absent"
    folder = str(Path(tempfile.gettempdir()).resolve())
    mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines() if len(line.split()) > 2]
    device, mount, kind = max(((fields[0], fields[1], fields[2]) for fields in mounts
                               if folder == fields[1] or folder.startswith(fields[1].rstrip("/") + "/")),
                              key=lambda found: len(found[1]), default=("?", "/", "?"))
    if kind == "ext4" and not Path(f"/proc/fs/jbd2/{Path(device).name}-8").exists():
        kind = "ext4 without a journal"
    return f"box: {os.cpu_count()} CPUs, autogroups {autogroups}, benchmark folder {folder} on {kind} ({mount})"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="10,50", help="comma-separated fleet sizes (default 10,50)")
    parser.add_argument("--rollouts", type=int, default=3, help="rollouts per mode (unfollowed, followed), each once unprobed and once with status polled")
    parser.add_argument("--paced", action="store_true", help="max_concurrency 16 per 5 s instead of unpaced")
    parser.add_argument("--binary", default=str(ROOT / ".build-release" / "release" / "urban-robot"))
    parser.add_argument("--idle", type=int, default=0, metavar="S",
                        help="measure the idle daemon's CPU over S seconds after the rollouts")
    parser.add_argument("--back-to-back", type=int, default=0, metavar="K",
                        help="then K unfollowed rollouts back to back (issue 11: 20 at N = 200)")
    parser.add_argument("--canary-crashes", type=int, default=0, metavar="K",
                        help="K rollouts whose promoted canary is killed in bake, on a fleet of the largest N")
    parser.add_argument("--follow-crashes", action="store_true",
                        help="follow each --canary-crashes rollout (its progress stream open, as a push has it)")
    parser.add_argument("--exit-probes", type=int, default=10, metavar="K",
                        help="after the rollouts (and again after --back-to-back), kill K actives one at a time and "
                             "time the engine's sight of each exit (default 10)")
    parser.add_argument("--isolate", action="store_true",
                        help="run the daemon on CPU 0 and the bots on the other CPUs (taskset): the daemon's latencies "
                             "when the bots' start-up cannot take its CPU")
    parser.add_argument("--wake-probe", action="store_true",
                        help="run wake_probe.c (built with cc) through each unprobed rollout and report how late a "
                             "sleeping process woke, overall and while the slow handovers ran")
    parser.add_argument("--sched-trace", action="store_true",
                        help="record the scheduler's events (perf sched) through each unprobed rollout and report who "
                             "waited for a CPU once woken and who ran meanwhile (perturbs the run)")
    parser.add_argument("--bot", choices=("python", "c"), default="python",
                        help="the bots: minimal_bot.py (default; ~50 ms of CPU to start) or minimal_bot.c, built "
                             "with cc (~1 ms), so that 200 starting bots do not saturate the CPU")
    arguments = parser.parse_args(argv)
    if arguments.bot == "c" and not shutil.which("cc"):
        parser.error("--bot c needs a C compiler (cc): apt-get install gcc")
    if arguments.wake_probe and not shutil.which("cc"):
        parser.error("--wake-probe needs a C compiler (cc): apt-get install gcc")
    if arguments.sched_trace and not shutil.which("perf"):
        parser.error("--sched-trace needs perf: apt-get install linux-perf")
    if arguments.isolate and (os.cpu_count() or 1) < 2:
        parser.error("--isolate needs at least 2 CPUs")
    if not Path(arguments.binary).is_file():
        print(f"{arguments.binary} does not exist: swift build -c release --scratch-path .build-release "
              "--product urban-robot", file=sys.stderr)
        return 2
    print(box_conditions(), flush=True)
    totals = {}
    for instances in [int(value) for value in arguments.instances.split(",")]:
        totals[instances] = report(instances, run_fleet(arguments.binary, instances, arguments.rollouts,
                                                        arguments.paced, arguments.idle, arguments.back_to_back,
                                                        arguments.exit_probes, arguments.isolate, arguments.bot,
                                                        arguments.wake_probe, arguments.sched_trace))
    if len(totals) > 1:
        sizes = sorted(totals)
        exponent = math.log(totals[sizes[-1]] / totals[sizes[0]]) / math.log(sizes[-1] / sizes[0])
        print(f"\ntotal daemon CPU per rollout grows as N^{exponent:.2f} from N = {sizes[0]} to {sizes[-1]} "
              "(target: 1, linear; issue 11: 2)")
    if arguments.canary_crashes:
        largest = max(totals)
        latencies, outcomes = run_canary_crashes(arguments.binary, largest, arguments.canary_crashes, arguments.paced,
                                                 arguments.isolate, arguments.bot, arguments.follow_crashes)
        followed = " (followed)" if arguments.follow_crashes else ""
        print(f"\ncrash of a promoted canary{followed} at N = {largest} -> the old active processing again: p50 "
              f"{1000 * percentile(latencies, 0.5):.1f} ms, max {1000 * max(latencies, default=float('nan')):.1f} ms "
              f"over {len(latencies)} crashes (target p99 <= 25 ms; issue 11: p50 28, max 41); outcomes {outcomes}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
