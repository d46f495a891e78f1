#!/usr/bin/env python3
"""The scale benchmark's bot: the whole channel protocol on the standard library
alone (a raw WebSocket on an asyncio Protocol, Engine.IO/Socket.IO frames written
by hand), so that a fleet of hundreds costs little CPU and memory and the
benchmark measures the daemon, not the bots.

It authenticates with the launch credentials (CONNECT auth), identifies, answers
`hello` with `ready`, `cmd health_check` with a passing report, `coma` and
`process_commands` as the protocol says, and on `shutdown` answers and exits.

It appends one JSON line per event to $BENCH_RECORDS (O_APPEND, one write per
line): {"client", "shard", "revision", "event", "mono", "wall"} with event one of
`coma`, `process_commands` (when the command arrived) and `exit` (just before the
process ends); `mono` is time.monotonic() (the same clock in every process of the
machine), `wall` is time.time().
"""

import asyncio
import base64
import json
import os
import time
from urllib.parse import urlsplit

CLIENT = os.environ.get("URBAN_ROBOT_INSTANCE", "")
SHARD = int(os.environ.get("URBAN_ROBOT_SHARD", "0"))
REVISION = os.environ.get("URBAN_ROBOT_REVISION", "")
RECORDS = os.open(os.environ["BENCH_RECORDS"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
REPORT = {"OK": True, "percent": 100, "cogs": {"core": True}}


def record(event):
    line = json.dumps({"client": CLIENT, "shard": SHARD, "revision": REVISION, "event": event,
                       "mono": time.monotonic(), "wall": time.time()}) + "\n"
    os.write(RECORDS, line.encode())


def frame(text):
    """A masked client text frame (RFC 6455)."""
    payload = text.encode()
    key = os.urandom(4)
    masked = bytes(byte ^ key[index % 4] for index, byte in enumerate(payload))
    length = len(payload)
    if length < 126:
        header = bytes([0x81, 0x80 | length])
    else:
        header = bytes([0x81, 0x80 | 126]) + length.to_bytes(2, "big")
    return header + key + masked


def event(name, data):
    return frame("42" + json.dumps([name, data]))


class Bot(asyncio.Protocol):
    def __init__(self, host, target, done):
        self.request = (f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n").encode()
        self.buffer = bytearray()
        self.upgraded = False
        self.done = done

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        if not self.done.done():
            self.done.set_result(f"connection lost: {exc}")

    def data_received(self, data):
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in bytes(self.buffer[:end]).split(b"\r\n", 1)[0] + b" ":
                self.transport.close()
                return
            del self.buffer[:end + 4]
            self.upgraded = True
        buffer = self.buffer
        while len(buffer) >= 2:
            opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, offset = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, offset = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < offset + length:
                return
            payload = bytes(buffer[offset:offset + length])
            del buffer[:offset + length]
            if opcode == 0x1:
                self.text(payload.decode())
            elif opcode == 0x8:
                self.transport.close()
                return

    def text(self, packet):
        if packet == "2":
            self.transport.write(frame("3"))
        elif packet.startswith("0"):
            auth = {"instance": CLIENT, "key": os.environ.get("URBAN_ROBOT_KEY", "")}
            self.transport.write(frame("40" + json.dumps(auth)))
        elif packet.startswith("40"):
            self.transport.write(frame('420["identify",' + json.dumps({"version": "bench"}) + "]"))
        elif packet.startswith("42"):
            name, data = json.loads(packet[packet.index("["):])[:2]
            self.on(name, data or {})

    def on(self, name, data):
        if name == "hello":
            if not data.get("process_commands"):
                self.transport.write(event("ready", {}))
            return
        if name != "cmd":
            return
        kind = data.get("t")
        if kind == "health_check":
            self.transport.write(event("health_check", REPORT))
        elif kind == "process_commands":
            record("process_commands")
            self.transport.write(event("ready", {}))
        elif kind == "coma":
            record("coma")
            self.transport.write(event("coma", {}))
        elif kind == "shutdown":
            self.transport.write(event("shutdown", {}))
            self.done.set_result("shutdown")


async def main():
    url = urlsplit(os.environ["URBAN_ROBOT_URL"])
    target = (url.path.rstrip("/") or "") + "/socket.io/?EIO=4&transport=websocket"
    done = asyncio.get_running_loop().create_future()
    transport, _ = await asyncio.get_running_loop().create_connection(
        lambda: Bot(url.netloc, target, done), url.hostname, url.port)
    await done
    await asyncio.sleep(0.05)  # let the shutdown answer leave
    transport.close()


asyncio.run(main())
record("exit")
os._exit(0)
