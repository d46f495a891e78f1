#!/usr/bin/env python3
"""Channel benchmark: socketio-echo against python-socketio's AsyncServer
(reference_echo_server.py) in the same run, on 127.0.0.1.

For each server: echo round trips per second and p50/p99 latency with 1, 100
and 1000 concurrently connected clients (closed loop: each client sends one
`message` and awaits its `message-back`), and the server's RSS (VmRSS) with
1000 idle connected clients. Prints both and the ratio ours/reference.

    swift build -c release --static-swift-stdlib --product socketio-echo
    python3 Benchmarks/channel/run.py [--socketio-echo PATH] [--duration 5]

The load comes from load_generator.py processes (raw WebSockets on asyncio
protocols, no client library in the path); each reports its CPU use over the window, and a process above 90 %
of a core is flagged as a possible bottleneck. Each level also prints how
busy the whole machine was and the server's CPU time per round trip, which a
machine shared with other work distorts less than round trips per second.
"""

import argparse
import json
import os
import queue
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LISTENING_LINE = re.compile(r"listening on http://([^:/]+):(\d+)(/\S*)")
START_DEADLINE_S = 30
SATURATED_CPU_SHARE = 0.9


class ServerProcess:
    """A benchmarked server process; always stopped by `stop`."""

    def __init__(self, name, command):
        self.name = name
        self.process = subprocess.Popen(command + ["--port", "0"], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout],
                         daemon=True).start()
        deadline = time.monotonic() + START_DEADLINE_S
        while True:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"{name} printed no listening line in {START_DEADLINE_S} s")
            match = LISTENING_LINE.search(line)
            if match:
                host, port, path = match.groups()
                self.ws_url = f"ws://{host}:{port}{path}?EIO=4&transport=websocket"
                return

    def rss_kib(self):
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class LoadFleet:
    """Load-generator processes holding `clients` connections between them."""

    def __init__(self, url, clients, processes, warmup, duration):
        shares = [clients // processes + (1 if i < clients % processes else 0)
                  for i in range(processes)]
        self.workers = [
            subprocess.Popen([sys.executable, str(HERE / "load_generator.py"), "--url", url,
                              "--clients", str(share), "--warmup", str(warmup),
                              "--duration", str(duration)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for share in shares if share > 0]
        try:
            for worker in self.workers:
                ready = self._read(worker)
                if "ready" not in ready:
                    raise RuntimeError(f"load process failed to connect: {ready}")
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def _read(worker):
        line = worker.stdout.readline()
        if not line:
            raise RuntimeError(f"load process exited with {worker.wait()}")
        return json.loads(line)

    def _send(self, command):
        for worker in self.workers:
            worker.stdin.write(command + "\n")
            worker.stdin.flush()

    def echo(self):
        self._send("echo")
        return [self._read(worker) for worker in self.workers]

    def stop(self):
        for worker in self.workers:
            if worker.poll() is None:
                try:
                    worker.stdin.write("stop\n")
                    worker.stdin.flush()
                except BrokenPipeError:
                    pass
        for worker in self.workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def machine_cpu_ticks():
    """(busy, total) jiffies of all cores, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def measure_echo(server, clients, processes, arguments):
    fleet = LoadFleet(server.ws_url, clients, processes, arguments.warmup, arguments.duration)
    try:
        cpu_before = server.cpu_seconds()
        machine_before = machine_cpu_ticks()
        wall_before = time.monotonic()
        reports = fleet.echo()
        server_cpu_s = server.cpu_seconds() - cpu_before
        server_cpu_share = server_cpu_s / (time.monotonic() - wall_before)
        machine_after = machine_cpu_ticks()
    finally:
        fleet.stop()
    latencies = sorted(latency for report in reports for latency in report["latencies_ns"])
    return {
        "round_trips_per_s": sum(r["round_trips"] for r in reports) / arguments.duration,
        "p50_ms": percentile(latencies, 0.50) / 1e6,
        "p99_ms": percentile(latencies, 0.99) / 1e6,
        "errors": sum(r["errors"] for r in reports),
        "load_cpu_shares": [r["cpu_s"] / r["wall_s"] for r in reports],
        "server_cpu_share": server_cpu_share,
        # Server CPU per round trip (warm-up included on both sides of the
        # division): a measure of cost that a busy machine distorts less.
        "server_us_per_round_trip": server_cpu_s * 1e6 /
                                    max(1, sum(r["all_round_trips"] for r in reports)),
        "machine_busy_share": (machine_after[0] - machine_before[0]) /
                              max(1, machine_after[1] - machine_before[1]),
    }


def measure_idle_rss(server, clients, processes):
    before = server.rss_kib()
    fleet = LoadFleet(server.ws_url, clients, processes, 0, 0)
    try:
        during = server.rss_kib()
    finally:
        fleet.stop()
    return before, during


def benchmark(name, command, arguments):
    print(f"\n== {name}: {' '.join(command)}", flush=True)
    server = ServerProcess(name, command)
    results = {"echo": {}}
    try:
        results["rss_kib"] = measure_idle_rss(server, arguments.idle_clients,
                                              arguments.load_processes)
        print(f"   RSS {results['rss_kib'][0] / 1024:.1f} MiB idle, "
              f"{results['rss_kib'][1] / 1024:.1f} MiB with {arguments.idle_clients} "
              "idle connected clients", flush=True)
        for clients in arguments.clients:
            processes = min(arguments.load_processes, clients)
            result = measure_echo(server, clients, processes, arguments)
            results["echo"][clients] = result
            loads = ", ".join(f"{share:.0%}" for share in result["load_cpu_shares"])
            flag = " (load process saturated?)" if max(result["load_cpu_shares"]) > \
                SATURATED_CPU_SHARE else ""
            print(f"   {clients:>5} clients: {result['round_trips_per_s']:>9.0f} rt/s  "
                  f"p50 {result['p50_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms  "
                  f"errors {result['errors']}  server CPU {result['server_cpu_share']:.0%} "
                  f"({result['server_us_per_round_trip']:.0f} us/rt)  "
                  f"load CPU {loads}{flag}  machine busy {result['machine_busy_share']:.0%} "
                  f"of {os.cpu_count()} cores", flush=True)
    finally:
        server.stop()
    return results


def print_comparison(ours, reference, arguments):
    print("\n== socketio-echo / python-socketio")
    print(f"{'clients':>7} | {'ours rt/s':>10} {'ref rt/s':>10} {'ratio':>6} | "
          f"{'ours p50':>9} {'ref p50':>9} | {'ours p99':>9} {'ref p99':>9} | "
          f"{'server CPU us/rt ours':>21} {'ref':>5} {'ratio':>6}")
    for clients in arguments.clients:
        o, r = ours["echo"][clients], reference["echo"][clients]
        ratio = o["round_trips_per_s"] / r["round_trips_per_s"] if r["round_trips_per_s"] else 0
        cost_ratio = r["server_us_per_round_trip"] / max(o["server_us_per_round_trip"], 1e-9)
        print(f"{clients:>7} | {o['round_trips_per_s']:>10.0f} {r['round_trips_per_s']:>10.0f} "
              f"{ratio:>5.1f}x | {o['p50_ms']:>7.2f}ms {r['p50_ms']:>7.2f}ms | "
              f"{o['p99_ms']:>7.2f}ms {r['p99_ms']:>7.2f}ms | "
              f"{o['server_us_per_round_trip']:>21.0f} {r['server_us_per_round_trip']:>5.0f} "
              f"{cost_ratio:>5.1f}x")
    ours_rss, reference_rss = ours["rss_kib"][1] / 1024, reference["rss_kib"][1] / 1024
    print(f"RSS with {arguments.idle_clients} idle clients: ours {ours_rss:.1f} MiB, "
          f"reference {reference_rss:.1f} MiB, ratio {ours_rss / reference_rss:.2f}")
    if 100 in arguments.clients:
        ratio = ours["echo"][100]["round_trips_per_s"] / reference["echo"][100]["round_trips_per_s"]
        print(f"target >= 5x round trips/s at 100 clients: {ratio:.1f}x "
              f"{'met' if ratio >= 5 else 'NOT met'}")
    print(f"target <= 60 MB RSS at {arguments.idle_clients} idle clients: "
          f"{ours['rss_kib'][1] * 1024 / 1e6:.1f} MB "
          f"{'met' if ours['rss_kib'][1] * 1024 <= 60e6 else 'NOT met'}")


def default_socketio_echo():
    for candidate in [ROOT / ".build" / "release" / "socketio-echo",
                      Path(os.environ.get("URBAN_ROBOT_BIN_DIR", "/nonexistent")) / "socketio-echo"]:
        if candidate.is_file():
            return str(candidate)
    return None


def raise_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < min(hard, 16384):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 16384), hard))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socketio-echo", default=default_socketio_echo(),
                        help="the socketio-echo executable (default: .build/release/socketio-echo)")
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1, 100, 1000], help="comma-separated client counts")
    parser.add_argument("--idle-clients", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per level")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--load-processes", type=int, default=2,
                        help="load-generator processes for multi-client levels")
    parser.add_argument("--only", choices=["ours", "reference"],
                        help="benchmark one server only")
    arguments = parser.parse_args(argv)
    raise_file_limit()

    results = {}
    if arguments.only != "ours":
        results["reference"] = benchmark(
            "python-socketio AsyncServer (aiohttp)",
            [sys.executable, str(HERE / "reference_echo_server.py")], arguments)
    if arguments.only != "reference":
        if not arguments.socketio_echo:
            parser.error("no socketio-echo found: run `swift build -c release "
                         "--static-swift-stdlib --product socketio-echo` or pass --socketio-echo PATH")
        results["ours"] = benchmark("socketio-echo", [arguments.socketio_echo], arguments)
    if len(results) == 2:
        print_comparison(results["ours"], results["reference"], arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
