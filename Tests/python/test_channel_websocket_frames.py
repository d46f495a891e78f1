"""The WebSocket transport at the frame level (RFC 6455), with a raw socket
and frames written by hand: pings, fragmented messages, the close handshake,
unmasked frames, invalid UTF-8, and the JSON error body of a refused upgrade.
Each test also checks that the server still serves a fresh session."""

import asyncio
import base64
import json
import os

import aiohttp
import pytest

from channel_harness import (EVENT_DEADLINE_S, echo_server, run_async,  # noqa: F401
                             start_server, strict_only)

TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


class RawWebSocket:
    """A client WebSocket on a bare TCP stream: frames are built byte by byte,
    so a test can send what no WebSocket library would."""

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, server, query="EIO=4&transport=websocket"):
        """Connects and upgrades; returns (status, headers, body, socket).
        The socket is None when the upgrade was refused."""
        reader, writer = await asyncio.open_connection(server.host, server.port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {server.path}?{query} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
                      f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), EVENT_DEADLINE_S)
        lines = head.decode().split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if status != 101:
            length = int(headers.get("content-length", "0"))
            body = await asyncio.wait_for(reader.readexactly(length), EVENT_DEADLINE_S) if length else b""
            writer.close()
            return status, headers, body, None
        return status, headers, b"", cls(reader, writer)

    def send(self, opcode, payload, fin=True, masked=True):
        first = (0x80 if fin else 0) | opcode
        length = len(payload)
        if length < 126:
            header = bytes([first, (0x80 if masked else 0) | length])
        else:
            header = bytes([first, (0x80 if masked else 0) | 126]) + length.to_bytes(2, "big")
        if masked:
            key = os.urandom(4)
            payload = bytes(byte ^ key[index % 4] for index, byte in enumerate(payload))
            header += key
        self.writer.write(header + payload)

    async def receive(self):
        """The next frame as (opcode, payload); None when the connection ended."""
        try:
            first, second = await asyncio.wait_for(self.reader.readexactly(2), EVENT_DEADLINE_S)
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(await self.reader.readexactly(2), "big")
            elif length == 127:
                length = int.from_bytes(await self.reader.readexactly(8), "big")
            return first & 0x0F, await self.reader.readexactly(length)
        except asyncio.IncompleteReadError:
            return None

    async def receive_text(self):
        frame = await self.receive()
        assert frame is not None and frame[0] == TEXT, frame
        return frame[1].decode()

    async def close_code(self):
        """Reads until the server's close frame; returns its status code and
        checks that the connection then ends."""
        while True:
            frame = await self.receive()
            assert frame is not None, "the connection ended without a close frame"
            if frame[0] == CLOSE:
                assert await self.receive() is None, "data after the close frame"
                return int.from_bytes(frame[1][:2], "big")

    async def connect_socketio(self):
        """Engine.IO open, then Socket.IO CONNECT to `/` up to its `auth` event."""
        assert (await self.receive_text()).startswith("0")
        self.send(TEXT, b"40")
        assert (await self.receive_text()).startswith("40")
        assert (await self.receive_text()).startswith('42["auth"')
        return self


async def assert_fresh_session_still_echoes(server):
    _, _, _, ws = await RawWebSocket.open(server)
    await ws.connect_socketio()
    ws.send(TEXT, b'42["message","still here"]')
    assert await ws.receive_text() == '42["message-back","still here"]'
    ws.writer.close()


def test_a_ping_frame_is_answered_with_a_pong_carrying_its_payload(echo_server):
    async def scenario():
        _, _, _, ws = await RawWebSocket.open(echo_server)
        await ws.connect_socketio()
        ws.send(PING, b"are you there")
        assert await ws.receive() == (PONG, b"are you there")
        ws.send(TEXT, b'42["message","after the ping"]')
        assert await ws.receive_text() == '42["message-back","after the ping"]'

    run_async(scenario())


def test_a_fragmented_message_is_reassembled_and_control_frames_may_interleave(echo_server):
    async def scenario():
        _, _, _, ws = await RawWebSocket.open(echo_server)
        await ws.connect_socketio()
        ws.send(TEXT, b'42["message",', fin=False)
        ws.send(PING, b"between")
        ws.send(CONTINUATION, b'"in three', fin=False)
        ws.send(CONTINUATION, b' parts"]')
        assert await ws.receive() == (PONG, b"between")
        assert await ws.receive_text() == '42["message-back","in three parts"]'

    run_async(scenario())


def test_a_binary_attachment_in_a_fragmented_binary_message(echo_server):
    async def scenario():
        _, _, _, ws = await RawWebSocket.open(echo_server)
        await ws.connect_socketio()
        ws.send(TEXT, b'451-["message",{"_placeholder":true,"num":0}]')
        ws.send(BINARY, b"\x01\x02", fin=False)
        ws.send(CONTINUATION, b"\x03")
        assert await ws.receive_text() == '451-["message-back",{"_placeholder":true,"num":0}]'
        assert await ws.receive() == (BINARY, b"\x01\x02\x03")

    run_async(scenario())


def test_a_close_frame_is_answered_with_the_same_code_and_the_connection_ends(echo_server):
    async def scenario():
        _, _, _, ws = await RawWebSocket.open(echo_server)
        await ws.connect_socketio()
        ws.send(CLOSE, (1000).to_bytes(2, "big") + b"bye")
        assert await ws.close_code() == 1000
        await assert_fresh_session_still_echoes(echo_server)

    run_async(scenario())


@strict_only
@pytest.mark.parametrize("frame, code", [
    pytest.param((TEXT, b'42["message","unmasked"]', True, False), 1002, id="unmasked-frame"),
    pytest.param((TEXT, b'42["message","\xff\xfe"]', True, True), 1007, id="text-not-utf8"),
    pytest.param((CONTINUATION, b"orphan", True, True), 1002, id="continuation-without-first-fragment"),
])
def test_a_frame_that_breaks_rfc_6455_closes_the_connection_with_its_code(echo_server, frame, code):
    opcode, payload, fin, masked = frame

    async def scenario():
        _, _, _, ws = await RawWebSocket.open(echo_server)
        await ws.connect_socketio()
        ws.send(opcode, payload, fin=fin, masked=masked)
        assert await ws.close_code() == code
        await assert_fresh_session_still_echoes(echo_server)

    run_async(scenario())


def test_fragments_adding_up_past_max_payload_close_the_connection_with_1009(start_server):
    server = start_server(max_payload=1000)

    async def scenario():
        _, _, _, ws = await RawWebSocket.open(server)
        await ws.connect_socketio()
        for _ in range(3):
            ws.send(TEXT if _ == 0 else CONTINUATION, b"x" * 400, fin=False)
        assert await ws.close_code() == 1009
        await assert_fresh_session_still_echoes(server)

    run_async(scenario())


@strict_only
def test_a_refused_upgrade_gets_the_engine_io_json_error(echo_server):
    async def scenario():
        status, headers, body, ws = await RawWebSocket.open(
            echo_server, "EIO=4&transport=websocket&sid=no-such-session")
        assert ws is None
        assert status == 400
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body) == {"code": 1, "message": "Session ID unknown"}
        status, _, body, ws = await RawWebSocket.open(echo_server, "EIO=3&transport=websocket")
        assert ws is None and status == 400
        assert json.loads(body) == {"code": 5, "message": "Unsupported protocol version"}
        await assert_fresh_session_still_echoes(echo_server)

    run_async(scenario())


def test_an_upgrade_on_a_reused_keep_alive_connection_still_upgrades(echo_server):
    """aiohttp reuses the polling connection for the WebSocket; the server
    upgrades only a connection's first request, so it must send the client to
    a fresh connection rather than fail the upgrade."""
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.get(echo_server.engine_url("polling")) as response:
                opened = json.loads((await response.text())[1:])
            ws = await http.ws_connect(echo_server.engine_url("websocket", sid=opened["sid"]))
            await ws.send_str("2probe")
            assert (await ws.receive(timeout=EVENT_DEADLINE_S)).data == "3probe"
            await ws.close()

    run_async(scenario())
