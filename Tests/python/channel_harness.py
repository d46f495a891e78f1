"""Harness of the black-box channel suite: starts an echo server process
(`socketio-echo` from $URBAN_ROBOT_BIN_DIR by default, the python-socketio
reference server with CHANNEL_SERVER=reference), parses its listening line,
and always stops it; plus small raw Engine.IO helpers over aiohttp.
"""

import asyncio
import collections
import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_SERVER = REPOSITORY_ROOT / "Benchmarks" / "channel" / "reference_echo_server.py"
SERVER_KIND = os.environ.get("CHANNEL_SERVER", "socketio-echo")
USING_REFERENCE = SERVER_KIND == "reference"

# Generous deadlines: the suite runs on a loaded two-core machine.
START_DEADLINE_S = 30
EVENT_DEADLINE_S = 15
TEST_DEADLINE_S = 60

LISTENING_LINE = re.compile(r"listening on (http://([^:/]+):(\d+)(/\S*))\s*$")

strict_only = pytest.mark.skipif(
    USING_REFERENCE,
    reason="python-socketio's server is laxer than the Engine.IO/Socket.IO "
           "specification here; this strict check runs against socketio-echo only")


def server_command(port, options):
    """The command line that starts the selected echo server."""
    if USING_REFERENCE:
        command = [sys.executable, str(REFERENCE_SERVER)]
    elif SERVER_KIND == "socketio-echo":
        bin_dir = os.environ.get("URBAN_ROBOT_BIN_DIR")
        if not bin_dir:
            raise RuntimeError(
                "URBAN_ROBOT_BIN_DIR is not set: point it at `swift build --show-bin-path` "
                "(Scripts/test does), or set CHANNEL_SERVER=reference")
        executable = Path(bin_dir) / "socketio-echo"
        if not executable.is_file():
            raise RuntimeError(
                f"{executable} does not exist: run `swift build --product socketio-echo`")
        command = [str(executable)]
    else:
        raise RuntimeError(
            f"CHANNEL_SERVER={SERVER_KIND!r} is unknown: use socketio-echo or reference")
    command += ["--port", str(port)]
    for name, value in options.items():
        command += ["--" + name.replace("_", "-"), str(value)]
    return command


class EchoServerProcess:
    """One running echo server, started on 127.0.0.1."""

    def __init__(self, port=0, **options):
        self.options = options
        self.stderr_file = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            server_command(port, options), stdout=subprocess.PIPE,
            stderr=self.stderr_file, text=True)
        self.stdout_lines = queue.Queue()
        threading.Thread(target=self._drain_stdout, daemon=True).start()
        try:
            self.url, self.host, self.port, self.path = self._await_listening_line()
        except BaseException:
            self.kill()
            raise

    def _drain_stdout(self):
        for line in self.process.stdout:
            self.stdout_lines.put(line)
        self.stdout_lines.put(None)

    def _await_listening_line(self):
        deadline = time.monotonic() + START_DEADLINE_S
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self.stdout_lines.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                raise RuntimeError(
                    f"no listening line within {START_DEADLINE_S} s; stderr: {self.stderr()}")
            if line is None:
                raise RuntimeError(
                    f"server exited ({self.process.wait()}) before listening; "
                    f"stderr: {self.stderr()}")
            match = LISTENING_LINE.search(line)
            if match:
                url, host, port, path = match.groups()
                return url, host, int(port), path

    @property
    def base_url(self):
        """http://HOST:PORT, what Socket.IO clients connect to."""
        return f"http://{self.host}:{self.port}"

    def engine_url(self, transport="polling", **query):
        """The Engine.IO endpoint with EIO=4, the transport and extra query."""
        query = {"EIO": "4", "transport": transport, **query}
        scheme = "ws" if transport == "websocket" else "http"
        encoded = "&".join(f"{key}={value}" for key, value in query.items() if value is not None)
        return f"{scheme}://{self.host}:{self.port}{self.path}?{encoded}"

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode(errors="replace")[-4000:]

    def stop(self):
        """SIGTERM, then SIGKILL after 10 s; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.wait()

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture
def start_server():
    """A function that starts an echo server (keyword options become
    command-line options); every server it started is stopped afterwards."""
    started = []

    def start(port=0, **options):
        server = EchoServerProcess(port, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


@pytest.fixture
def echo_server(start_server):
    """An echo server with default options."""
    return start_server()


def run_async(coroutine, timeout=TEST_DEADLINE_S):
    """Runs a coroutine to completion, failing the test after `timeout`."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


def wait_until(predicate, deadline_s=EVENT_DEADLINE_S, what="condition"):
    """Polls a predicate for a thread-based client; fails after the deadline."""
    deadline = time.monotonic() + deadline_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {deadline_s} s")
        time.sleep(0.02)


# MARK: Raw Engine.IO over aiohttp

def encode_payload(packets):
    """Joins Engine.IO text packets with the record separator."""
    return "\x1e".join(packets)


def decode_payload(body):
    return body.split("\x1e") if body else []


async def error_body(response):
    """The JSON body of an error answer, or the raw text if it is not JSON."""
    text = await response.text()
    try:
        return json.loads(text)
    except ValueError:
        return text


class PollingSession:
    """A raw Engine.IO long-polling session (our own HTTP requests)."""

    def __init__(self, server, http):
        self.server = server
        self.http = http
        self.sid = None
        self.open_packet = None
        self.buffered = collections.deque()

    async def open(self):
        async with self.http.get(self.server.engine_url()) as response:
            assert response.status == 200, await response.text()
            body = await response.text()
        assert body.startswith("0"), body
        self.open_packet = json.loads(body[1:])
        self.sid = self.open_packet["sid"]
        return self

    async def get(self, timeout=EVENT_DEADLINE_S):
        """One GET; returns (status, body text)."""
        async with self.http.get(self.server.engine_url(sid=self.sid),
                                 timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            return response.status, await response.text()

    async def get_packets(self, timeout=EVENT_DEADLINE_S):
        status, body = await self.get(timeout)
        assert status == 200, (status, body)
        return decode_payload(body)

    async def post(self, body, **headers):
        """One POST; returns (status, body text)."""
        async with self.http.post(self.server.engine_url(sid=self.sid), data=body,
                                  headers={"Content-Type": "text/plain;charset=UTF-8", **headers},
                                  timeout=aiohttp.ClientTimeout(total=EVENT_DEADLINE_S)) as response:
            return response.status, await response.text()

    async def next_packet(self, deadline_s=EVENT_DEADLINE_S):
        """The next packet from the server, GETting when none is buffered."""
        while not self.buffered:
            self.buffered.extend(await self.get_packets(timeout=deadline_s))
        return self.buffered.popleft()

    async def expect_packet(self, wanted, deadline_s=EVENT_DEADLINE_S):
        """Reads packets until one satisfies `wanted`, answering pings;
        returns that packet and the ones read before it."""
        seen = []
        deadline = time.monotonic() + deadline_s
        while (remaining := deadline - time.monotonic()) > 0:
            packet = await self.next_packet(remaining)
            if wanted(packet):
                return packet, seen
            if packet == "2":
                await self.post("3")
            seen.append(packet)
        raise AssertionError(f"no wanted packet within {deadline_s} s; saw {seen}")

    async def is_closed(self, deadline_s=EVENT_DEADLINE_S):
        """True once the server refuses this sid (400) or sends a close
        packet within the deadline; False if the session keeps polling."""
        deadline = time.monotonic() + deadline_s
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                status, body = await self.get(timeout=remaining)
            except asyncio.TimeoutError:
                return False
            if status == 400 or "1" in decode_payload(body):
                return True
        return False


async def start_pending_get(session):
    """Starts a GET that the server holds (nothing is queued for it) and gives
    it a head start to reach the server. Tests using it accept both orders:
    the head start only makes the pending case the likely one."""
    pending = asyncio.create_task(session.get())
    await asyncio.sleep(0.3)
    return pending


async def receive_text(ws, timeout=EVENT_DEADLINE_S):
    """The next text frame of a raw WebSocket; fails on anything else."""
    message = await ws.receive(timeout=timeout)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return message.data


async def connect_socketio_ws(server, http, namespace="/"):
    """A raw WebSocket with Engine.IO open and Socket.IO CONNECT done;
    returns the WebSocket after the `auth` event has arrived."""
    ws = await http.ws_connect(server.engine_url("websocket"))
    opening = await receive_text(ws)
    assert opening.startswith("0"), opening
    prefix = "" if namespace == "/" else namespace + ","
    await ws.send_str("40" + prefix)
    connected = await receive_text(ws)
    assert connected.startswith("40" + prefix), connected
    auth = await receive_text(ws)
    assert auth.startswith("42" + prefix), auth
    return ws


async def await_ws_closed(ws, deadline_s=EVENT_DEADLINE_S, answer_pings=False):
    """Reads until the WebSocket closes; returns the text frames read before.
    A close packet (`1`) counts as closed too."""
    frames = []
    deadline = time.monotonic() + deadline_s
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            shown = [frame[:80] for frame in frames]
            raise AssertionError(f"WebSocket still open after {deadline_s} s; read {shown}")
        try:
            message = await ws.receive(timeout=remaining)
        except asyncio.TimeoutError:
            continue
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                            aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.ERROR):
            return frames
        frames.append(message.data)
        if message.data == "1":
            return frames
        if answer_pings and message.data == "2":
            await ws.send_str("3")
