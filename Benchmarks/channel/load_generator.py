#!/usr/bin/env python3
"""One load process of the channel benchmark: N Socket.IO clients in one
asyncio loop, each a raw aiohttp WebSocket speaking Engine.IO/Socket.IO
frames directly (open, `40` CONNECT, `42["message",...]`, pongs), no
python-socketio client machinery.

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
import json
import sys
import time

import aiohttp

MESSAGE = '42["message","ping-pong",1234567890]'
ECHO = '42["message-back","ping-pong",1234567890]'


class Client:
    """One raw Socket.IO connection in namespace `/`."""

    def __init__(self, ws):
        self.ws = ws

    @classmethod
    async def connect(cls, http, url):
        ws = await http.ws_connect(url, max_msg_size=0, autoping=False)
        opening = await ws.receive_str()
        if not opening.startswith("0"):
            raise RuntimeError(f"expected an open packet, got {opening!r}")
        await ws.send_str("40")
        client = cls(ws)
        await client.read_until(lambda frame: frame.startswith("40"))
        await client.read_until(lambda frame: frame.startswith('42["auth"'))
        return client

    async def read_until(self, wanted):
        """Reads text frames, answering pings, until one satisfies `wanted`."""
        while True:
            message = await self.ws.receive()
            if message.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"connection ended: {message.type.name}")
            if message.data == "2":
                await self.ws.send_str("3")
            elif wanted(message.data):
                return message.data

    async def idle(self):
        """Answers pings until the connection ends or the task is cancelled."""
        try:
            await self.read_until(lambda frame: False)
        except RuntimeError:
            pass

    async def echo_loop(self, clock, stats):
        """Closed loop: send one message, await its echo, repeat; records
        round trips that complete inside the measurement window."""
        send = self.ws.send_str
        while not clock.finished():
            started = time.perf_counter_ns()
            await send(MESSAGE)
            frame = await self.read_until(lambda frame: frame.startswith('42["message-back"'))
            ended = time.perf_counter_ns()
            stats["all_round_trips"] += 1
            if frame != ECHO:
                stats["errors"] += 1
            elif clock.measuring(ended):
                stats["latencies_ns"].append(ended - started)


class WindowClock:
    """Warm-up then a measurement window, in perf_counter_ns."""

    def __init__(self, warmup_s, duration_s):
        now = time.perf_counter_ns()
        self.window_start = now + int(warmup_s * 1e9)
        self.window_end = self.window_start + int(duration_s * 1e9)

    def measuring(self, instant_ns):
        return self.window_start <= instant_ns < self.window_end

    def finished(self):
        return time.perf_counter_ns() >= self.window_end


async def read_command():
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line.strip()


def emit(document):
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


async def run(arguments):
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        gate = asyncio.Semaphore(arguments.connect_concurrency)

        async def connect_one():
            async with gate:
                return await Client.connect(http, arguments.url)

        clients = await asyncio.gather(*(connect_one() for _ in range(arguments.clients)))
        idlers = [asyncio.create_task(client.idle()) for client in clients]
        emit({"ready": len(clients)})

        command = await read_command()
        if command == "echo":
            for idler in idlers:
                idler.cancel()
            await asyncio.gather(*idlers, return_exceptions=True)
            stats = {"latencies_ns": [], "errors": 0, "all_round_trips": 0}
            clock = WindowClock(arguments.warmup, arguments.duration)
            cpu_before = None
            wait_window = asyncio.create_task(asyncio.sleep(arguments.warmup))
            loops = asyncio.gather(*(client.echo_loop(clock, stats) for client in clients))
            await wait_window
            cpu_before = time.process_time()
            wall_before = time.perf_counter()
            await loops
            emit({"round_trips": len(stats["latencies_ns"]), "errors": stats["errors"],
                  "all_round_trips": stats["all_round_trips"],
                  "latencies_ns": stats["latencies_ns"], "window_s": arguments.duration,
                  "cpu_s": time.process_time() - cpu_before,
                  "wall_s": time.perf_counter() - wall_before})
            idlers = [asyncio.create_task(client.idle()) for client in clients]
            command = await read_command()
        for idler in idlers:
            idler.cancel()
        await asyncio.gather(*idlers, return_exceptions=True)
        await asyncio.gather(*(client.ws.close() for client in clients), return_exceptions=True)


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
