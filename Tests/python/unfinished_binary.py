"""The unfinished-binary flood, shared by the channel suite (against the echo server)
and the fault suite (against the daemon): sessions that each announce a BINARY_EVENT
with ten attachments and send nine, with the server process's resident memory (VmRSS
from /proc) sampled before, while the sessions are open, and after they ended."""

import asyncio
import json

import aiohttp

from channel_harness import receive_text, run_async, wait_until

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


async def leave_an_unfinished_packet(websocket_url, http):
    """Opens a WebSocket session, joins `/` without credentials, announces the attachments and sends all but one
    (the server may close the session meanwhile); returns the WebSocket, left open."""
    ws = await http.ws_connect(websocket_url, max_msg_size=0)
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


def flood_and_measure(websocket_url, pid):
    """Floods the server at `websocket_url` (process `pid`) and waits until its VmRSS is back near the baseline;
    returns (baseline, peak while the sessions were open, after) in KiB, printed too."""
    baseline = resident_kb(pid)
    peak = baseline
    samples = []

    async def flood():
        nonlocal peak
        # limit=0: all the sessions stay open at once (aiohttp's default is 100).
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            sockets = []
            for start in range(0, SESSIONS, CONCURRENT):
                batch = [leave_an_unfinished_packet(websocket_url, http)
                         for _ in range(min(CONCURRENT, SESSIONS - start))]
                sockets += await asyncio.gather(*batch)
                peak = max(peak, resident_kb(pid))
            # Every frame sent has reached the server once it answers a new session.
            await (await leave_an_unfinished_packet(websocket_url, http)).close()
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
    return baseline, peak, samples[-1]
