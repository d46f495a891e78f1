"""The echo server driven by python-socketio's stock AsyncClient, over
polling-then-upgrade and over WebSocket only, in both served namespaces."""

import asyncio

import aiohttp
import pytest
import socketio

from channel_harness import (EVENT_DEADLINE_S, echo_server, run_async,  # noqa: F401
                             start_server)

TRANSPORTS = {
    "polling-then-upgrade": ["polling", "websocket"],
    "websocket-only": ["websocket"],
}
# Including a client that never upgrades: long-polling end to end.
ALL_TRANSPORTS = {**TRANSPORTS, "polling-only": ["polling"]}
NAMESPACES = ["/", "/custom"]

# Argument lists the echo must return unchanged, binary ones included.
ARGUMENT_LISTS = [
    (),
    ("text",),
    (1, -2.5, True, False, None),
    ("ünïcødé ✓", [1, [2, [3]]], {"nested": {"list": [1, "a", None]}}),
    (b"\x00\x01\xfe\xff",),
    ("before", b"binary", "after"),
    ({"blob": b"\x10\x20", "items": [b"a", b"bc"]},),
    ([],),
    ({},),
]


class RecordingAsyncClient:
    """An AsyncClient whose received events land in per-event queues."""

    def __init__(self, namespaces=("/",), **client_options):
        self.client = socketio.AsyncClient(**client_options)
        self.queues = {}
        self.connect_errors = asyncio.Queue()
        for namespace in namespaces:
            self._record(namespace)

    def queue(self, event, namespace="/"):
        return self.queues.setdefault((event, namespace), asyncio.Queue())

    def _record(self, namespace):
        async def on_any(event, *args):
            await self.queue(event, namespace).put(args)

        async def on_callback(*args):
            await self.queue("callback", namespace).put(args)
            return ("acknowledged",) + args

        async def on_connect():
            await self.queue("connect", namespace).put(())

        async def on_disconnect(reason=None):
            await self.queue("disconnect", namespace).put((reason,))

        async def on_connect_error(data):
            await self.connect_errors.put(data)

        self.client.on("*", on_any, namespace=namespace)
        self.client.on("callback", on_callback, namespace=namespace)
        self.client.on("connect", on_connect, namespace=namespace)
        self.client.on("disconnect", on_disconnect, namespace=namespace)
        self.client.on("connect_error", on_connect_error, namespace=namespace)

    async def next(self, event, namespace="/", deadline_s=EVENT_DEADLINE_S):
        return await asyncio.wait_for(self.queue(event, namespace).get(), deadline_s)

    async def connect(self, server, namespaces=("/",), transports=None, auth=None):
        await self.client.connect(server.base_url, namespaces=list(namespaces),
                                  transports=transports, auth=auth,
                                  wait_timeout=EVENT_DEADLINE_S)

    async def close(self):
        if self.client.connected:
            await self.client.disconnect()


@pytest.mark.parametrize("transports", ALL_TRANSPORTS.values(), ids=ALL_TRANSPORTS.keys())
@pytest.mark.parametrize("namespace", NAMESPACES)
def test_connect_with_auth_echo_ack_and_callback(echo_server, transports, namespace):
    async def scenario():
        recorder = RecordingAsyncClient(namespaces=[namespace])
        auth = {"instance": "bot-1", "key": "k3y", "numbers": [1, 2]}
        try:
            await recorder.connect(echo_server, [namespace], transports, auth)
            assert await recorder.next("auth", namespace) == (auth,)
            assert recorder.client.transport() == transports[-1]

            for arguments in ARGUMENT_LISTS:
                await recorder.client.emit("message", arguments, namespace=namespace)
                assert await recorder.next("message-back", namespace) == arguments

            for arguments in ARGUMENT_LISTS[1:]:
                answer = await recorder.client.call("message-with-ack", arguments,
                                                    namespace=namespace,
                                                    timeout=EVENT_DEADLINE_S)
                expected = arguments[0] if len(arguments) == 1 else arguments
                assert answer == expected

            await recorder.client.emit("request-callback", ("cb", 7, b"\x07"),
                                       namespace=namespace)
            assert await recorder.next("callback", namespace) == ("cb", 7, b"\x07")
            assert await recorder.next("callback-result", namespace) == (
                "acknowledged", "cb", 7, b"\x07")
        finally:
            await recorder.close()

    run_async(scenario())


@pytest.mark.parametrize("transports", TRANSPORTS.values(), ids=TRANSPORTS.keys())
def test_auth_defaults_to_empty_object_and_both_namespaces_share_a_connection(
        echo_server, transports):
    async def scenario():
        recorder = RecordingAsyncClient(namespaces=NAMESPACES)
        try:
            await recorder.connect(echo_server, NAMESPACES, transports)
            for namespace in NAMESPACES:
                assert await recorder.next("auth", namespace) == ({},)
            await recorder.client.emit("message", ("to-custom",), namespace="/custom")
            await recorder.client.emit("message", ("to-main",), namespace="/")
            assert await recorder.next("message-back", "/custom") == ("to-custom",)
            assert await recorder.next("message-back", "/") == ("to-main",)
            assert recorder.queue("message-back", "/").empty()
            assert recorder.queue("message-back", "/custom").empty()
        finally:
            await recorder.close()

    run_async(scenario())


@pytest.mark.parametrize("transports", TRANSPORTS.values(), ids=TRANSPORTS.keys())
def test_unserved_namespace_is_refused_with_a_message_object(echo_server, transports):
    async def scenario():
        recorder = RecordingAsyncClient(namespaces=["/elsewhere"])
        with pytest.raises(socketio.exceptions.ConnectionError):
            await recorder.connect(echo_server, ["/elsewhere"], transports)
        error = await asyncio.wait_for(recorder.connect_errors.get(), EVENT_DEADLINE_S)
        assert isinstance(error, dict), error
        assert isinstance(error.get("message"), str) and error["message"], error
        await recorder.close()

    run_async(scenario())


@pytest.mark.parametrize("transports", TRANSPORTS.values(), ids=TRANSPORTS.keys())
def test_disconnect_me_disconnects_the_client_from_the_server_side(echo_server, transports):
    async def scenario():
        recorder = RecordingAsyncClient(reconnection_delay=0.1, reconnection_delay_max=0.2)
        try:
            await recorder.connect(echo_server, transports=transports)
            await recorder.next("auth")
            await recorder.client.emit("disconnect-me")
            (reason,) = await recorder.next("disconnect")
            assert reason == recorder.client.reason.SERVER_DISCONNECT
        finally:
            await recorder.close()

    run_async(scenario())


@pytest.mark.parametrize("transports", TRANSPORTS.values(), ids=TRANSPORTS.keys())
def test_client_disconnect_ends_the_session_on_the_server(echo_server, transports):
    async def scenario():
        recorder = RecordingAsyncClient()
        await recorder.connect(echo_server, transports=transports)
        await recorder.next("auth")
        engine_sid = recorder.client.eio.sid
        await recorder.client.disconnect()
        (reason,) = await recorder.next("disconnect")
        assert reason == recorder.client.reason.CLIENT_DISCONNECT
        # The server has forgotten the Engine.IO session: a request for it is refused.
        async with aiohttp.ClientSession() as http:
            url = echo_server.engine_url("polling", sid=engine_sid)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + EVENT_DEADLINE_S
            while True:
                async with http.get(url) as response:
                    if response.status == 400:
                        break
                assert loop.time() < deadline, "the session still answers after disconnect"
                await asyncio.sleep(0.05)

    run_async(scenario())


@pytest.mark.parametrize("transports", ALL_TRANSPORTS.values(), ids=ALL_TRANSPORTS.keys())
def test_client_reconnects_by_itself_after_the_transport_drops(echo_server, transports):
    async def scenario():
        recorder = RecordingAsyncClient(reconnection_delay=0.1, reconnection_delay_max=0.5,
                                        randomization_factor=0)
        auth = {"instance": "reconnecting"}
        try:
            await recorder.connect(echo_server, transports=transports, auth=auth)
            await recorder.next("connect")
            assert await recorder.next("auth") == (auth,)
            first_sid = recorder.client.get_sid()
            await recorder.client.emit("drop-transport")
            (reason,) = await recorder.next("disconnect")
            assert reason == recorder.client.reason.TRANSPORT_ERROR
            await recorder.next("connect")
            assert await recorder.next("auth") == (auth,)
            assert recorder.client.get_sid() != first_sid
            await recorder.client.emit("message", ("after reconnect",))
            assert await recorder.next("message-back") == ("after reconnect",)
        finally:
            await recorder.close()

    run_async(scenario())


def test_client_reconnects_after_a_server_restart_on_the_same_port(start_server):
    async def scenario():
        first = start_server()
        recorder = RecordingAsyncClient(reconnection_delay=0.1, reconnection_delay_max=0.5,
                                        randomization_factor=0)
        try:
            await recorder.connect(first)
            await recorder.next("auth")
            exit_status = await asyncio.to_thread(first.stop)
            assert exit_status == 0, f"SIGTERM should exit 0; stderr: {first.stderr()}"
            await recorder.next("disconnect")
            second = await asyncio.to_thread(start_server, first.port)
            assert second.port == first.port
            await recorder.next("connect")
            await recorder.next("auth")
            await recorder.client.emit("message", ("second server",))
            assert await recorder.next("message-back") == ("second server",)
        finally:
            await recorder.close()

    run_async(scenario())
