#!/usr/bin/env python3
"""One load process of the channel benchmark: N Socket.IO clients in one
asyncio loop, each a raw WebSocket written directly on an asyncio Protocol
(HTTP upgrade, RFC 6455 framing, Engine.IO/Socket.IO frames: open, `40`
CONNECT, `42["message",...]`, pongs), with no coroutine per message and no
WebSocket or Socket.IO library in the path, so that the generator spends less
CPU per round trip than the servers it measures.

Driven by run.py over stdin/stdout, one JSON object per line:
  it prints {"ready": N} once its clients are connected,
  then waits for a line on stdin: "echo" or "stop";
  on "echo": warm up, measure, print {"round_trips": ..., "latencies_ns": [...],
  "all_round_trips": (warm-up included), "window_s": ..., "cpu_s": ...,
  "errors": ...}, then wait for "stop";
  on "stop": close every client and exit.
Idle clients (no "echo") still answer the server's pings.
"""

import argparse
import asyncio
import base64
import json
import os
import sys
import time
from urllib.parse import urlsplit

MESSAGE = '42["message","ping-pong",1234567890]'
ECHO = '42["message-back","ping-pong",1234567890]'


def client_frame(text):
    """A masked text frame (RFC 6455 requires client frames to be masked).
    The mask key is random per frame kind; the payload is masked once here."""
    payload = text.encode()
    key = os.urandom(4)
    masked = bytes(byte ^ key[index % 4] for index, byte in enumerate(payload))
    length = len(payload)
    if length < 126:
        header = bytes([0x81, 0x80 | length])
    else:
        header = bytes([0x81, 0x80 | 126]) + length.to_bytes(2, "big")
    return header + key + masked


MESSAGE_FRAME = client_frame(MESSAGE)
PONG_FRAME = client_frame("3")
CONNECT_FRAME = client_frame("40")
CLOSE_FRAME = bytes([0x88, 0x80]) + os.urandom(4)


class Client(asyncio.Protocol):
    """One raw Socket.IO connection in namespace `/`, driven by callbacks."""

    def __init__(self, host, target):
        self.request = (f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n").encode()
        self.buffer = bytearray()
        self.upgraded = False
        self.phase = "open"            # open -> connect -> auth -> ready
        self.ready = asyncio.get_running_loop().create_future()
        self.ended = asyncio.get_running_loop().create_future()
        self.echo = None               # (clock, stats) while echoing
        self.started = 0

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        if not self.ready.done():
            self.ready.set_exception(RuntimeError(f"connection lost before ready: {exc}"))
        if not self.ended.done():
            self.ended.set_result(None)

    def data_received(self, data):
        self.buffer += data
        if not self.upgraded:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            status = bytes(self.buffer[:head_end]).split(b"\r\n", 1)[0]
            if b" 101 " not in status + b" ":
                self.fail(f"upgrade refused: {status!r}")
                return
            del self.buffer[:head_end + 4]
            self.upgraded = True
        buffer = self.buffer
        while len(buffer) >= 2:
            opcode = buffer[0] & 0x0F
            length = buffer[1] & 0x7F
            offset = 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length = int.from_bytes(buffer[2:4], "big")
                offset = 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length = int.from_bytes(buffer[2:10], "big")
                offset = 10
            if len(buffer) < offset + length:
                return
            payload = bytes(buffer[offset:offset + length])
            del buffer[:offset + length]
            if opcode == 0x1:
                self.text(payload.decode())
            elif opcode == 0x8:
                self.transport.close()
                return

    def text(self, frame):
        if frame == "2":
            self.transport.write(PONG_FRAME)
        elif self.echo is not None and frame.startswith('42["message-back"'):
            self.echoed(frame)
        elif self.phase == "open":
            if not frame.startswith("0"):
                return self.fail(f"expected an open packet, got {frame!r}")
            self.phase = "connect"
            self.transport.write(CONNECT_FRAME)
        elif self.phase == "connect" and frame.startswith("40"):
            self.phase = "auth"
        elif self.phase == "auth" and frame.startswith('42["auth"'):
            self.phase = "ready"
            self.ready.set_result(self)

    def fail(self, reason):
        if not self.ready.done():
            self.ready.set_exception(RuntimeError(reason))
        self.transport.close()

    def start_echo(self, clock, stats):
        """Closed loop: send one message, await its echo, repeat; records round
        trips that complete inside the measurement window."""
        self.echo = (clock, stats)
        self.started = time.perf_counter_ns()
        self.transport.write(MESSAGE_FRAME)

    def echoed(self, frame):
        ended = time.perf_counter_ns()
        clock, stats = self.echo
        stats["all_round_trips"] += 1
        if frame != ECHO:
            stats["errors"] += 1
        elif clock.measuring(ended):
            stats["latencies_ns"].append(ended - self.started)
        if ended >= clock.window_end:
            self.echo = None
            stats["finished"] += 1
            if stats["finished"] == stats["clients"]:
                stats["done"].set_result(None)
            return
        self.started = ended
        self.transport.write(MESSAGE_FRAME)

    def close(self):
        if not self.transport.is_closing():
            self.transport.write(CLOSE_FRAME)
            self.transport.close()


class WindowClock:
    """Warm-up then a measurement window, in perf_counter_ns."""

    def __init__(self, warmup_s, duration_s):
        now = time.perf_counter_ns()
        self.window_start = now + int(warmup_s * 1e9)
        self.window_end = self.window_start + int(duration_s * 1e9)

    def measuring(self, instant_ns):
        return self.window_start <= instant_ns < self.window_end


async def read_command():
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line.strip()


def emit(document):
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


async def run(arguments):
    url = urlsplit(arguments.url)
    target = url.path + ("?" + url.query if url.query else "")
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(arguments.connect_concurrency)

    async def connect_one():
        async with gate:
            _, client = await loop.create_connection(lambda: Client(url.netloc, target), url.hostname, url.port)
            return await asyncio.wait_for(client.ready, 30)

    clients = await asyncio.gather(*(connect_one() for _ in range(arguments.clients)))
    emit({"ready": len(clients)})

    command = await read_command()
    if command == "echo":
        done = loop.create_future()
        stats = {"latencies_ns": [], "errors": 0, "all_round_trips": 0,
                 "finished": 0, "clients": len(clients), "done": done}
        clock = WindowClock(arguments.warmup, arguments.duration)
        for client in clients:
            client.start_echo(clock, stats)
        await asyncio.sleep(arguments.warmup)
        cpu_before = time.process_time()
        wall_before = time.perf_counter()
        await asyncio.wait_for(done, arguments.duration + 60)
        emit({"round_trips": len(stats["latencies_ns"]), "errors": stats["errors"],
              "all_round_trips": stats["all_round_trips"],
              "latencies_ns": stats["latencies_ns"], "window_s": arguments.duration,
              "cpu_s": time.process_time() - cpu_before,
              "wall_s": time.perf_counter() - wall_before})
        command = await read_command()
    for client in clients:
        client.close()
    await asyncio.gather(*(client.ended for client in clients), return_exceptions=True)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True,
                        help="ws://HOST:PORT/socket.io/?EIO=4&transport=websocket")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--connect-concurrency", type=int, default=50)
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
