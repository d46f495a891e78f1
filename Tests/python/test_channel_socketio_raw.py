"""Socket.IO v5 packets written by hand over a raw WebSocket, the server's
heartbeat, and its connect timeout, with short configured intervals."""

import asyncio
import json
import time

import aiohttp
import pytest

from channel_harness import (EVENT_DEADLINE_S, USING_REFERENCE, PollingSession, await_ws_closed,  # noqa: F401
                             connect_socketio_ws, echo_server, receive_text,
                             run_async, start_server, strict_only)

# Intervals short enough to observe, long enough for a loaded machine.
PING_INTERVAL_MS = 300
PING_TIMEOUT_MS = 200
# Where pongs are answered, the timeout is generous: on a loaded machine the
# client's pong may come late, and the test is about the interval, not the race.
ANSWERED_PING_TIMEOUT_MS = 5000
# Scheduling slack allowed on top of pingInterval + pingTimeout.
HEARTBEAT_SLACK_S = 3.0


async def read_skipping_pings(ws):
    """The next text frame that is not a ping (pings are answered)."""
    while True:
        frame = await receive_text(ws)
        if frame != "2":
            return frame
        await ws.send_str("3")


def test_namespaced_event_with_ack_id_over_raw_websocket(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(echo_server, http, "/custom")
            await ws.send_str('42/custom,17["message-with-ack",{"a":[1,2]},"b"]')
            assert await read_skipping_pings(ws) == '43/custom,17[{"a":[1,2]},"b"]'
            await ws.send_str('42/custom,["request-callback","q"]')
            callback = await read_skipping_pings(ws)
            prefix = '42/custom,'
            assert callback.startswith(prefix) and callback.endswith('["callback","q"]'), callback
            ack_id = callback[len(prefix):-len('["callback","q"]')]
            assert ack_id.isdigit(), callback
            await ws.send_str(f'43/custom,{ack_id}["answer",2]')
            assert await read_skipping_pings(ws) == '42/custom,["callback-result","answer",2]'
            await ws.close()

    run_async(scenario())


def test_connect_auth_payload_is_echoed_verbatim(echo_server):
    async def scenario():
        auth = {"instance": "canary-0", "key": "s3cret", "shards": [0, 1], "nested": {"x": None}}
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(echo_server.engine_url("websocket")) as ws:
                await receive_text(ws)
                await ws.send_str("40" + json.dumps(auth))
                connected = await receive_text(ws)
                assert connected.startswith("40{"), connected
                assert isinstance(json.loads(connected[2:])["sid"], str)
                event = await read_skipping_pings(ws)
                assert event.startswith('42["auth",'), event
                assert json.loads(event[2:]) == ["auth", auth]

    run_async(scenario())


def test_binary_event_over_websocket_with_binary_frames(echo_server):
    blob = bytes(range(200))

    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(echo_server, http)
            await ws.send_str('451-["message",{"_placeholder":true,"num":0},"tail"]')
            await ws.send_bytes(blob)
            header = await read_skipping_pings(ws)
            assert header == '451-["message-back",{"_placeholder":true,"num":0},"tail"]'
            attachment = await ws.receive(timeout=EVENT_DEADLINE_S)
            assert attachment.type == aiohttp.WSMsgType.BINARY and attachment.data == blob
            await ws.close()

    run_async(scenario())


def test_connect_accepts_a_namespace_without_trailing_comma(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(echo_server.engine_url("websocket")) as ws:
                await receive_text(ws)
                await ws.send_str("40/custom")
                assert (await read_skipping_pings(ws)).startswith("40/custom,{")
                assert await read_skipping_pings(ws) == '42/custom,["auth",{}]'

    run_async(scenario())


def test_large_websocket_message_below_max_payload_is_echoed(echo_server):
    text = "é" * 200_000  # 400 kB of UTF-8, below the default maxPayload of 1 MB

    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(echo_server, http)
            await ws.send_str("42" + json.dumps(["message", text], ensure_ascii=False))
            frame = await read_skipping_pings(ws)
            assert json.loads(frame[2:]) == ["message-back", text]
            await ws.close()

    run_async(scenario())


@strict_only  # python-engineio stalls reading a POST body this large
def test_large_polling_post_below_max_payload_is_echoed(echo_server):
    text = "é" * 200_000

    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(echo_server, http).open()
            await session.post("40")
            await session.expect_packet(lambda p: p.startswith('42["auth"'))
            await session.post("42" + json.dumps(["message", text], ensure_ascii=False))
            packet, _ = await session.expect_packet(lambda p: p.startswith('42["message-back"'))
            assert json.loads(packet[2:]) == ["message-back", text]

    run_async(scenario())


def test_refused_namespace_gets_connect_error_with_a_message_object(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(echo_server.engine_url("websocket")) as ws:
                await receive_text(ws)
                await ws.send_str("40/not-served,")
                refusal = await read_skipping_pings(ws)
                assert refusal.startswith("44/not-served,"), refusal
                payload = json.loads(refusal[len("44/not-served,"):])
                assert isinstance(payload, dict) and isinstance(payload["message"], str), refusal
                # The connection itself stays usable for served namespaces.
                await ws.send_str("40")
                assert (await read_skipping_pings(ws)).startswith("40{")

    run_async(scenario())


def test_disconnect_me_sends_disconnect_for_that_namespace(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(echo_server, http, "/custom")
            await ws.send_str('42/custom,["disconnect-me"]')
            assert await read_skipping_pings(ws) == "41/custom,"
            # The Engine.IO connection stays; the namespace can be joined again.
            await ws.send_str("40/custom,")
            assert (await read_skipping_pings(ws)).startswith("40/custom,{")
            assert await read_skipping_pings(ws) == '42/custom,["auth",{}]'
            await ws.close()

    run_async(scenario())


# Each of these closes the connection (after a successful CONNECT to `/`);
# the reference JavaScript server's parser rejects each of them too.
MALFORMED_SOCKETIO_PACKETS = {
    "bad-type": ['49["message"]'],
    "bad-json": ['42["message",'],
    "non-array-event-payload": ['42{"message":1}'],
    "empty-event-array": ['42[]'],
    "event-name-an-object": ['42[{"name":"message"},"x"]'],
    "bad-ack-id": ['42x1["message"]'],
    "ack-id-with-letters": ['4212ab["message-with-ack"]'],
    "ack-payload-not-an-array": ['431{"x":1}'],
    "binary-frame-without-binary-packet": [b"\x01\x02"],
    "placeholder-beyond-attachments": ['451-["message",{"_placeholder":true,"num":5}]', b"\x01"],
}


@strict_only
@pytest.mark.parametrize("frames", MALFORMED_SOCKETIO_PACKETS.values(),
                         ids=MALFORMED_SOCKETIO_PACKETS.keys())
def test_malformed_socketio_packet_closes_the_connection(echo_server, frames):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            bystander = await connect_socketio_ws(echo_server, http)
            ws = await connect_socketio_ws(echo_server, http)
            for frame in frames:
                await (ws.send_bytes if isinstance(frame, bytes) else ws.send_str)(frame)
            read = await await_ws_closed(ws, answer_pings=True)
            assert not any(f.startswith('42["message-back"') for f in read), read
            await bystander.send_str('42["message","still served"]')
            assert await read_skipping_pings(bystander) == '42["message-back","still served"]'
            fresh = await connect_socketio_ws(echo_server, http)
            await fresh.close()
            await bystander.close()

    run_async(scenario())


@strict_only
def test_event_before_connect_closes_the_connection(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(echo_server.engine_url("websocket")) as ws:
                await receive_text(ws)
                await ws.send_str('42["message","too early"]')
                frames = await await_ws_closed(ws, answer_pings=True)
                assert frames in ([], ["1"]), frames

    run_async(scenario())


@strict_only
def test_event_after_client_disconnect_of_the_namespace_closes_the_connection(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(echo_server, http, "/custom")
            await ws.send_str("41/custom,")
            await ws.send_str('42/custom,["message","after leaving"]')
            frames = await await_ws_closed(ws, answer_pings=True)
            assert not any(f.startswith("42/custom,") for f in frames), frames

    run_async(scenario())


@strict_only
def test_malformed_socketio_packet_over_polling_closes_the_session(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(echo_server, http).open()
            await session.post("40")
            await session.expect_packet(lambda p: p.startswith('42["auth"'))
            await session.post('42{"not":"an array"}')
            assert await session.is_closed()

    run_async(scenario())


def test_missing_pong_closes_a_websocket_within_interval_plus_timeout(start_server):
    server = start_server(ping_interval_ms=PING_INTERVAL_MS, ping_timeout_ms=PING_TIMEOUT_MS)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(server.engine_url("websocket")) as ws:
                opened = json.loads((await receive_text(ws))[1:])
                if not USING_REFERENCE:  # python-engineio advertises whole seconds
                    assert opened["pingInterval"] == PING_INTERVAL_MS
                    assert opened["pingTimeout"] == PING_TIMEOUT_MS
                assert await receive_text(ws) == "2"
                first_ping_at = time.monotonic()
                # Not answering: the server must give up after pingTimeout.
                frames = await await_ws_closed(ws)
                waited = time.monotonic() - first_ping_at
        assert set(frames) <= {"2", "1"}, frames
        limit = (PING_INTERVAL_MS + PING_TIMEOUT_MS) / 1000 + HEARTBEAT_SLACK_S
        assert waited < limit, f"closed {waited:.2f} s after the unanswered ping"

    run_async(scenario())


def test_answered_pings_keep_a_websocket_open(start_server):
    server = start_server(ping_interval_ms=PING_INTERVAL_MS, ping_timeout_ms=ANSWERED_PING_TIMEOUT_MS)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(server, http)
            started = time.monotonic()
            pings = 0
            while pings < 6:
                frame = await receive_text(ws)
                assert frame == "2", frame
                pings += 1
                await ws.send_str("3")
            elapsed = time.monotonic() - started
            # Six pings, roughly one per pingInterval, none early.
            assert elapsed >= 5 * PING_INTERVAL_MS / 1000 * 0.8, elapsed
            await ws.send_str('42["message","alive"]')
            assert await read_skipping_pings(ws) == '42["message-back","alive"]'
            await ws.close()

    run_async(scenario())


def test_missing_pong_closes_a_polling_session(start_server):
    server = start_server(ping_interval_ms=PING_INTERVAL_MS, ping_timeout_ms=PING_TIMEOUT_MS)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(server, http).open()
            assert await session.next_packet() == "2"
            first_ping_at = time.monotonic()
            assert await session.is_closed()
            waited = time.monotonic() - first_ping_at
        limit = (PING_INTERVAL_MS + PING_TIMEOUT_MS) / 1000 + HEARTBEAT_SLACK_S
        assert waited < limit, f"closed {waited:.2f} s after the unanswered ping"

    run_async(scenario())


CONNECT_TIMEOUT_MS = 500


def test_connection_without_connect_is_closed_after_the_connect_timeout(start_server):
    server = start_server(connect_timeout_ms=CONNECT_TIMEOUT_MS)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(server.engine_url("websocket")) as ws:
                await receive_text(ws)
                opened_at = time.monotonic()
                frames = await await_ws_closed(ws, answer_pings=True)
                waited = time.monotonic() - opened_at
            assert set(frames) <= {"1"}, frames
            assert waited < CONNECT_TIMEOUT_MS / 1000 + HEARTBEAT_SLACK_S, waited

            session = await PollingSession(server, http).open()
            opened_at = time.monotonic()
            assert await session.is_closed()
            assert time.monotonic() - opened_at < CONNECT_TIMEOUT_MS / 1000 + HEARTBEAT_SLACK_S

    run_async(scenario())


def test_connected_session_outlives_the_connect_timeout(start_server):
    server = start_server(connect_timeout_ms=CONNECT_TIMEOUT_MS)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(server, http)
            # An observation window, not synchronisation: three connect
            # timeouts pass, then the connection must still echo.
            await asyncio.sleep(3 * CONNECT_TIMEOUT_MS / 1000)
            await ws.send_str('42["message","kept"]')
            assert await read_skipping_pings(ws) == '42["message-back","kept"]'
            await ws.close()

    run_async(scenario())
