"""Unfinished binary packets must not hold memory: a flood of sessions that each
announce a BINARY_EVENT with ten attachments and send nine of them is measured
by the server process's resident memory (VmRSS from /proc) before, while the
sessions are open, and after they ended (back near the baseline)."""

import asyncio
import json

import aiohttp

from channel_harness import (receive_text, run_async, start_server,  # noqa: F401
                             strict_only, wait_until)

SESSIONS = 120
CONCURRENT = 12
ATTACHMENT_BYTES = 800_000
ANNOUNCED = 10
SENT = ANNOUNCED - 1
# Unbounded, the open sessions held SESSIONS x 7.2 MB (about 900 MB); bounded to
# maxPayload (1 MB) per session, far less, and nothing once they ended.
ALLOWED_GROWTH_WHILE_OPEN_KB = 300_000
ALLOWED_GROWTH_AFTER_KB = 100_000


def resident_kb(pid):
    """VmRSS of a process in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def unfinished_binary_event():
    """`4510-["message",{placeholder 0},...]` announcing ANNOUNCED attachments."""
    placeholders = [{"_placeholder": True, "num": index} for index in range(ANNOUNCED)]
    return f"45{ANNOUNCED}-" + json.dumps(["message", *placeholders], separators=(",", ":"))


async def leave_an_unfinished_packet(server, http):
    """Opens a WebSocket session, joins `/`, announces the attachments and sends
    all but one (the server may close the session meanwhile); returns the
    WebSocket, left open."""
    ws = await http.ws_connect(server.engine_url("websocket"), max_msg_size=0)
    opening = await receive_text(ws)
    assert opening.startswith("0"), opening
    await ws.send_str("40")
    assert (await receive_text(ws)).startswith("40"), "no CONNECT answer"
    await ws.send_str(unfinished_binary_event())
    attachment = bytes(ATTACHMENT_BYTES)
    try:
        for _ in range(SENT):
            await ws.send_bytes(attachment)
    except (aiohttp.ClientError, ConnectionError):
        pass  # the server closed the session: it refused to hold more
    return ws


@strict_only
def test_unfinished_binary_packets_are_bounded_and_released(start_server):
    server = start_server()
    pid = server.process.pid
    baseline = resident_kb(pid)
    peak = baseline
    samples = []

    async def flood():
        nonlocal peak
        # limit=0: all the sessions stay open at once (aiohttp's default is 100).
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            sockets = []
            for start in range(0, SESSIONS, CONCURRENT):
                batch = [leave_an_unfinished_packet(server, http)
                         for _ in range(min(CONCURRENT, SESSIONS - start))]
                sockets += await asyncio.gather(*batch)
                peak = max(peak, resident_kb(pid))
            # Every frame sent has reached the server once it answers a new session.
            await (await leave_an_unfinished_packet(server, http)).close()
            peak = max(peak, resident_kb(pid))
            for ws in sockets:
                await ws.close()

    def settled():
        samples.append(resident_kb(pid))
        return samples[-1] - baseline < ALLOWED_GROWTH_AFTER_KB

    try:
        run_async(flood(), timeout=300)
        wait_until(settled, deadline_s=30, what="VmRSS back near the baseline")
    finally:
        print(f"VmRSS baseline {baseline} KiB, peak with the sessions open {peak} KiB, "
              f"after they ended {samples[-1] if samples else '?'} KiB")
    assert peak - baseline < ALLOWED_GROWTH_WHILE_OPEN_KB, (baseline, peak)
    assert server.process.poll() is None, server.stderr()
