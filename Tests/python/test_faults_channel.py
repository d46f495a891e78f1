"""Fault suite, the channel under attack: a flood of unauthenticated sessions while a
deployment runs, and the unfinished-binary flood, against a real daemon with real
bots (fault_bot.py)."""

import http.client
import itertools
import threading

from daemon_harness import DEPLOY_DEADLINE_S, wait_for
from fault_harness import TERMINAL, assert_recovered, bot_processes
from unfinished_binary import ALLOWED_GROWTH_WHILE_OPEN_KB, flood_and_measure

from faults_common import fault_test_deadline, fleet  # noqa: F401  (fixtures)

# Eleven peer addresses: past the per-address cap (100) on each and past the total cap (1,000) together.
FLOOD_SOURCES = [f"127.0.0.{number}" for number in range(2, 13)]


class HandshakeFlood:
    """Threads that open Engine.IO sessions on the channel (a polling handshake, then a CONNECT to `/` without
    credentials) from FLOOD_SOURCES in turn, as fast as they can, until stopped; `opened` counts them."""

    def __init__(self, port, threads=4):
        self.port = port
        self.opened = 0
        self.failed = 0
        self._sources = itertools.cycle(FLOOD_SOURCES)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_arguments):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self):
        while not self._stop.is_set():
            with self._lock:
                source = next(self._sources)
            try:
                self._open_one(source)
                counted = "opened"
            except (OSError, http.client.HTTPException, ValueError):
                counted = "failed"
            with self._lock:
                setattr(self, counted, getattr(self, counted) + 1)

    def _open_one(self, source):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0))
        try:
            connection.request("GET", "/socket.io/?EIO=4&transport=polling")
            opening = connection.getresponse().read().decode()
            if not opening.startswith("0{"):
                raise ValueError(opening[:100])
            sid = opening.split('"sid":"', 1)[1].split('"', 1)[0]
            connection.request("POST", f"/socket.io/?EIO=4&transport=polling&sid={sid}", body="40",
                               headers={"Content-Type": "text/plain;charset=UTF-8"})
            connection.getresponse().read()
        finally:
            connection.close()


def test_an_unauthenticated_flood_during_a_deployment_does_not_fail_it(fleet):
    """Sessions that never authenticate, from many loopback addresses, past both caps for the whole deployment:
    the server sheds them (reported), and the canary and the later wave still connect, pass their gates and take
    over."""
    workspace, daemon = fleet()
    v2 = workspace.commit_fault()
    with HandshakeFlood(workspace.channel_port) as flood:
        wait_for(lambda: flood.opened >= 1200, DEPLOY_DEADLINE_S, "the flood to pass the total cap")
        id = daemon.request_deployment(v2)
        entry = wait_for(lambda: (lambda e: e if e["outcome"] in TERMINAL else None)(daemon.deployment(id)),
                         2 * DEPLOY_DEADLINE_S, f"deployment #{id} to end")
    print(f"flood: {flood.opened} sessions opened, {flood.failed} failed")
    assert entry["outcome"] == "succeeded", f"{entry}\n{daemon.log_tail(40)}"
    assert "channel shedding sessions" in workspace.daemon_log.read_text(), "the flood was never shed"
    assert_recovered(daemon, workspace, v2)


def test_unfinished_binary_flood_against_the_daemon_leaves_its_memory_at_the_baseline(fleet):
    workspace, daemon = fleet()
    pids = set(bot_processes(workspace))
    url = f"ws://127.0.0.1:{workspace.channel_port}/socket.io/?EIO=4&transport=websocket"
    baseline, peak, _ = flood_and_measure(url, daemon.process.pid)
    assert peak - baseline < ALLOWED_GROWTH_WHILE_OPEN_KB, (baseline, peak)
    assert_recovered(daemon, workspace, workspace.v1)
    assert set(bot_processes(workspace)) == pids
