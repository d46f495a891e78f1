"""Engine.IO v4 edge cases with our own HTTP requests and WebSocket frames:
the open packet, payload framing, binary over polling, the upgrade by hand,
the HTTP 400 errors, session closing on bad input, maxPayload, overlapping
GETs, close packets."""

import asyncio
import base64
import json
import time

import aiohttp
import pytest

from channel_harness import (EVENT_DEADLINE_S, USING_REFERENCE, PollingSession,  # noqa: F401
                             decode_payload, echo_server, encode_payload, error_body,
                             receive_text, run_async, start_pending_get, start_server,
                             strict_only, await_ws_closed, connect_socketio_ws)


async def assert_engine_error(response, code, message):
    """HTTP 400 with the spec's JSON body {"code": N, "message": ...}.
    python-socketio's server answers 400 with its own wording and no code, so
    against the reference only the status is checked."""
    body = await error_body(response)
    assert response.status == 400, (response.status, body)
    if not USING_REFERENCE:
        assert body == {"code": code, "message": message}, body
        assert response.headers.get("Content-Type", "").startswith("application/json")


def test_open_packet_over_polling_has_the_configured_fields(start_server):
    server = start_server(ping_interval_ms=12000, ping_timeout_ms=7000, max_payload=54321)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(server, http).open()
        opened = session.open_packet
        assert isinstance(opened["sid"], str) and opened["sid"]
        assert opened["upgrades"] == ["websocket"]
        assert opened["pingInterval"] == 12000 and type(opened["pingInterval"]) is int
        assert opened["pingTimeout"] == 7000 and type(opened["pingTimeout"]) is int
        assert opened["maxPayload"] == 54321 and type(opened["maxPayload"]) is int

    run_async(scenario())


def test_open_packet_over_websocket_offers_no_upgrade(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(echo_server.engine_url("websocket")) as ws:
                opening = await receive_text(ws)
        assert opening.startswith("0"), opening
        opened = json.loads(opening[1:])
        assert isinstance(opened["sid"], str) and opened["sid"]
        assert opened["upgrades"] == []
        assert type(opened["pingInterval"]) is int and type(opened["pingTimeout"]) is int
        assert type(opened["maxPayload"]) is int

    run_async(scenario())


def test_sessions_get_distinct_sids(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            sids = {(await PollingSession(echo_server, http).open()).sid for _ in range(5)}
        assert len(sids) == 5

    run_async(scenario())


def test_several_packets_per_polling_payload_both_ways(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(echo_server, http).open()
            body = encode_payload(['40', '42["message",1]', '42["message","two"]',
                                   '42["message",{"three":3}]'])
            assert (await session.post(body))[0] == 200
            received = [await session.next_packet() for _ in range(5)]
        assert received[0].startswith('40{"sid":'), received
        assert received[1] == '42["auth",{}]', received
        assert received[2:5] == ['42["message-back",1]', '42["message-back","two"]',
                                 '42["message-back",{"three":3}]'], received

    run_async(scenario())


def test_binary_event_over_polling_uses_base64_packets(echo_server):
    blob = bytes(range(256))

    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(echo_server, http).open()
            await session.post("40")
            await session.expect_packet(lambda p: p.startswith('42["auth"'))
            encoded = "b" + base64.b64encode(blob).decode()
            body = encode_payload(['451-["message","label",{"_placeholder":true,"num":0}]',
                                   encoded])
            assert (await session.post(body))[0] == 200
            header, _ = await session.expect_packet(lambda p: p.startswith("45"))
            attachment, _ = await session.expect_packet(lambda p: p.startswith("b"))
        assert header == '451-["message-back","label",{"_placeholder":true,"num":0}]'
        assert base64.b64decode(attachment[1:]) == blob

    run_async(scenario())


@strict_only
def test_post_answer_body_is_exactly_ok(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(echo_server, http).open()
            assert await session.post("40") == (200, "ok")

    run_async(scenario())


def test_upgrade_by_hand_probe_upgrade_and_noop_releasing_the_pending_get(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(echo_server, http).open()
            await session.post("40")
            await session.expect_packet(lambda p: p.startswith('42["auth"'))
            pending_get = await start_pending_get(session)
            ws = await http.ws_connect(echo_server.engine_url("websocket", sid=session.sid))
            await ws.send_str("2probe")
            assert await receive_text(ws) == "3probe"
            await ws.send_str("5")
            status, body = await asyncio.wait_for(pending_get, EVENT_DEADLINE_S)
            # Released with a noop; refused only if it reached the server
            # after the upgrade (a machine too loaded for the head start).
            assert (status == 200 and "6" in decode_payload(body)) or status == 400, (
                status, body)
            await ws.send_str('42["message","over websocket"]')
            frame = await receive_text(ws)
            while frame in ("2", "6"):  # pings and noops may come first
                if frame == "2":
                    await ws.send_str("3")
                frame = await receive_text(ws)
            assert frame == '42["message-back","over websocket"]'
            # Once upgraded, polling requests for the session are refused.
            status, _ = await session.get()
            assert status == 400
            await ws.close()

    run_async(scenario())


def test_unknown_sid_is_refused_with_code_1(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.get(echo_server.engine_url(sid="no-such-session")) as response:
                await assert_engine_error(response, 1, "Session ID unknown")
            async with http.post(echo_server.engine_url(sid="no-such-session"),
                                 data="40") as response:
                await assert_engine_error(response, 1, "Session ID unknown")

    run_async(scenario())


def test_unknown_transport_is_refused_with_code_0(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.get(echo_server.engine_url("carrier-pigeon")) as response:
                await assert_engine_error(response, 0, "Transport unknown")

    run_async(scenario())


@strict_only
def test_missing_transport_is_refused_with_code_0(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            url = f"{echo_server.base_url}{echo_server.path}?EIO=4"
            async with http.get(url) as response:
                await assert_engine_error(response, 0, "Transport unknown")

    run_async(scenario())


def test_handshake_with_post_is_refused_with_code_2(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.post(echo_server.engine_url(), data="40") as response:
                await assert_engine_error(response, 2, "Bad handshake method")

    run_async(scenario())


def test_polling_request_for_a_websocket_session_is_refused_with_code_3(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(echo_server.engine_url("websocket")) as ws:
                sid = json.loads((await receive_text(ws))[1:])["sid"]
                async with http.get(echo_server.engine_url("polling", sid=sid)) as response:
                    await assert_engine_error(response, 3, "Bad request")

    run_async(scenario())


@pytest.mark.parametrize("eio", ["3", None])
def test_other_protocol_versions_are_refused_with_code_5(echo_server, eio):
    async def scenario():
        url = f"{echo_server.base_url}{echo_server.path}?transport=polling"
        if eio is not None:
            url += f"&EIO={eio}"
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as response:
                await assert_engine_error(response, 5, "Unsupported protocol version")

    run_async(scenario())


def test_handshake_answers_cross_origin_requests(echo_server):
    async def scenario():
        origin = "http://bots.example"
        async with aiohttp.ClientSession() as http:
            async with http.get(echo_server.engine_url(), headers={"Origin": origin}) as response:
                assert response.status == 200
                assert response.headers.get("Access-Control-Allow-Origin") in (origin, "*")
            async with http.options(echo_server.engine_url(),
                                    headers={"Origin": origin,
                                             "Access-Control-Request-Method": "POST"}) as response:
                assert response.status in (200, 204)
                assert response.headers.get("Access-Control-Allow-Origin") in (origin, "*")

    run_async(scenario())


async def assert_fresh_session_still_echoes(server, http):
    session = await PollingSession(server, http).open()
    await session.post(encode_payload(["40", '42["message","fresh"]']))
    await session.expect_packet(lambda p: p == '42["message-back","fresh"]')


# Packets that are not valid Engine.IO v4 packets.
INVALID_ENGINE_PAYLOADS = {
    "unknown-type": "9hello",
    "empty-packet": encode_payload(["40", ""]),
    "bad-base64": "b%%%not-base64%%%",
}


@strict_only
@pytest.mark.parametrize("body", INVALID_ENGINE_PAYLOADS.values(), ids=INVALID_ENGINE_PAYLOADS.keys())
def test_invalid_engine_packet_over_polling_closes_only_that_session(echo_server, body):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            bystander = await PollingSession(echo_server, http).open()
            await bystander.post("40")
            await bystander.expect_packet(lambda p: p.startswith('42["auth"'))
            session = await PollingSession(echo_server, http).open()
            await session.post(body)
            assert await session.is_closed()
            await assert_fresh_session_still_echoes(echo_server, http)
            await bystander.post('42["message","bystander"]')
            await bystander.expect_packet(lambda p: p == '42["message-back","bystander"]')

    run_async(scenario())


@strict_only
def test_invalid_engine_packet_over_websocket_closes_that_connection(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(echo_server.engine_url("websocket"))
            await receive_text(ws)
            await ws.send_str("9hello")
            await await_ws_closed(ws)
            await assert_fresh_session_still_echoes(echo_server, http)

    run_async(scenario())


@strict_only
def test_oversize_polling_payload_is_refused(start_server):
    server = start_server(max_payload=1000)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(server, http).open()
            assert session.open_packet["maxPayload"] == 1000
            await session.post("40")
            await session.expect_packet(lambda p: p.startswith('42["auth"'))
            status, body = await session.post('42["message","' + "x" * 2000 + '"]')
            assert status in (400, 413), (status, body)
            await assert_fresh_session_still_echoes(server, http)

    run_async(scenario())


def test_oversize_websocket_message_closes_the_connection(start_server):
    server = start_server(max_payload=1000)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(server, http)
            await ws.send_str('42["message","' + "x" * 2000 + '"]')
            frames = await await_ws_closed(ws)
            assert not any(f.startswith('42["message-back"') for f in frames), frames
            await assert_fresh_session_still_echoes(server, http)

    run_async(scenario())


@strict_only
def test_second_concurrent_get_closes_the_session(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(echo_server, http).open()
            first_get = await start_pending_get(session)
            second_status, second_body = await session.get()
            first_status, first_body = await asyncio.wait_for(first_get, EVENT_DEADLINE_S)
            statuses = sorted([first_status, second_status])
            assert statuses[-1] == 400 or "1" in decode_payload(first_body), (
                first_status, first_body, second_status, second_body)
            assert await session.is_closed()
            await assert_fresh_session_still_echoes(echo_server, http)

    run_async(scenario())


@strict_only
def test_close_packet_releases_a_pending_get_at_once(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(echo_server, http).open()
            pending_get = await start_pending_get(session)
            started = time.monotonic()
            await session.post("1")
            status, body = await asyncio.wait_for(pending_get, EVENT_DEADLINE_S)
            released_after = time.monotonic() - started
            # pingInterval is 25 s: anything near it means the GET was not released.
            assert released_after < 5, released_after
            assert (status == 200 and set(decode_payload(body)) <= {"1", "6"}) or \
                status == 400, (status, body)
            status, _ = await session.get()
            assert status == 400

    run_async(scenario())


@strict_only
def test_close_packet_closes_a_websocket_at_once(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(echo_server.engine_url("websocket"))
            await receive_text(ws)
            started = time.monotonic()
            await ws.send_str("1")
            await await_ws_closed(ws)
            assert time.monotonic() - started < 5

    run_async(scenario())


def test_sigterm_exits_zero_promptly_with_a_pending_get_and_an_open_websocket(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect_socketio_ws(echo_server, http)
            session = await PollingSession(echo_server, http).open()
            pending_get = await start_pending_get(session)
            started = time.monotonic()
            exit_status = await asyncio.to_thread(echo_server.stop)
            stopped_after = time.monotonic() - started
            assert exit_status == 0, echo_server.stderr()
            # pingInterval is 25 s: a shutdown waiting for the long poll would take that long.
            assert stopped_after < 8, stopped_after
            await asyncio.gather(pending_get, return_exceptions=True)
            await ws.close()

    run_async(scenario())


def test_websocket_upgrade_for_an_unknown_sid_is_refused(echo_server):
    async def scenario():
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(echo_server.engine_url("websocket", sid="no-such-session"))
            assert refused.value.status == 400

    run_async(scenario())


@strict_only  # python-engineio queues without limit
def test_a_polling_client_that_never_reads_does_not_get_an_unbounded_queue(start_server):
    server = start_server(max_payload=100_000, ping_interval_ms=5000, ping_timeout_ms=20000)
    sent_limit = 100  # 100 echoes of 90 kB: 90 times maxPayload

    async def scenario():
        async with aiohttp.ClientSession() as http:
            session = await PollingSession(server, http).open()
            await session.post("40")
            message = '42["message","' + "z" * 90_000 + '"]'
            sent = 0
            while sent < sent_limit:
                status, _ = await session.post(message)
                if status != 200:
                    break
                sent += 1
            if sent < sent_limit:
                return  # refused: the server stopped taking more from it
            # Everything was accepted: the server may not hold all the echoes.
            delivered = 0
            while True:
                status, body = await session.get()
                packets = decode_payload(body) if status == 200 else []
                delivered += sum(p.startswith('42["message-back"') for p in packets)
                if status != 200 or "1" in packets or not any(
                        p.startswith("42") for p in packets):
                    break
            assert delivered < sent_limit, "the server buffered every unread echo"

    run_async(scenario(), timeout=120)
