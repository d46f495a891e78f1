"""Unfinished binary packets must not hold memory: a flood of sessions that each
announce a BINARY_EVENT with ten attachments and send nine of them is measured
by the server process's resident memory (VmRSS from /proc) before, while the
sessions are open, and after they ended (back near the baseline). The same flood
against the daemon is a case of the fault suite (test_faults_channel.py)."""

from channel_harness import start_server, strict_only  # noqa: F401  (fixture)
from unfinished_binary import ALLOWED_GROWTH_WHILE_OPEN_KB, flood_and_measure


@strict_only
def test_unfinished_binary_packets_are_bounded_and_released(start_server):
    server = start_server()
    baseline, peak, _ = flood_and_measure(server.engine_url("websocket"), server.process.pid)
    assert peak - baseline < ALLOWED_GROWTH_WHILE_OPEN_KB, (baseline, peak)
    assert server.process.poll() is None, server.stderr()
