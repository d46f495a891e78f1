#!/usr/bin/env python3
"""The reference echo server: python-socketio's AsyncServer on aiohttp with the
behaviour and command line of `socketio-echo`.

It is the baseline of the channel benchmark and lets the black-box suite in
Tests/python validate its own tests (CHANNEL_SERVER=reference).

    reference_echo_server.py --port P [--host 127.0.0.1] [--path /socket.io/]
        [--ping-interval-ms N] [--ping-timeout-ms N] [--max-payload BYTES]
        [--connect-timeout-ms N]

Once listening it prints one line, `reference-echo listening on
http://HOST:PORT/socket.io/`, and it exits 0 on SIGTERM or SIGINT.

Behaviour in the namespaces `/` and `/custom` (any other one is refused with
CONNECT_ERROR {"message": "Invalid namespace"}):
- on CONNECT: emit `auth` with the CONNECT auth payload ({} when none);
- `message` (any args) -> emit `message-back` with the same args;
- `message-with-ack` (args, ack id) -> ACK with the same args;
- `request-callback` (args) -> emit `callback` with the same args and an ack
  id; the client's ACK -> emit `callback-result` with the ACK's args;
- `disconnect-me` -> server-side DISCONNECT of that socket;
- `drop-transport` -> abort the underlying TCP connection (no DISCONNECT, no
  close packet) and forget the session, as a network failure would.
"""

import argparse
import asyncio
import signal
import socket
import sys
import urllib.parse

import socketio
from aiohttp import web
from socketio import packet

SERVED_NAMESPACES = ("/", "/custom")


class EchoServer(socketio.AsyncServer):
    """An AsyncServer that emits `auth` after a CONNECT, refuses unknown
    namespaces with an object payload, closes sessions that do not CONNECT in
    time, and can drop a session's transport."""

    def __init__(self, connect_timeout_s, **kwargs):
        super().__init__(**kwargs)
        self.connect_timeout_s = connect_timeout_s
        # eio sid -> the asyncio transport carrying its WebSocket or its
        # latest polling request, for `drop-transport`.
        self.transports_by_eio_sid = {}

    async def _handle_eio_connect(self, eio_sid, environ):
        await super()._handle_eio_connect(eio_sid, environ)
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        if query.get("transport") == ["websocket"]:
            self.transports_by_eio_sid[eio_sid] = environ["aiohttp.request"].transport
        self.start_background_task(self._close_if_not_connected, eio_sid)

    async def _handle_eio_disconnect(self, eio_sid, reason):
        await super()._handle_eio_disconnect(eio_sid, reason)
        self.transports_by_eio_sid.pop(eio_sid, None)

    async def _close_if_not_connected(self, eio_sid):
        await asyncio.sleep(self.connect_timeout_s)
        if eio_sid not in self.eio.sockets:
            return
        if not any(self.manager.sid_from_eio_sid(eio_sid, namespace)
                   for namespace in SERVED_NAMESPACES):
            await self.eio.disconnect(eio_sid)

    async def _handle_connect(self, eio_sid, namespace, data):
        namespace = namespace or "/"
        if namespace not in SERVED_NAMESPACES:
            await self._send_packet(eio_sid, self.packet_class(
                packet.CONNECT_ERROR, data={"message": "Invalid namespace"},
                namespace=namespace))
            return
        await super()._handle_connect(eio_sid, namespace, data)
        sid = self.manager.sid_from_eio_sid(eio_sid, namespace)
        if sid is not None and self.manager.is_connected(sid, namespace):
            await self.emit("auth", data if data is not None else {},
                            to=sid, namespace=namespace)

    async def drop_transport(self, sid, namespace):
        """Abort the TCP connection under a socket and forget its session."""
        eio_sid = self.manager.eio_sid_from_sid(sid, namespace)
        transport = self.transports_by_eio_sid.pop(eio_sid, None)
        if transport is not None:
            transport.abort()
        engine_socket = self.eio.sockets.get(eio_sid)
        if engine_socket is not None:
            await engine_socket.close(wait=False, abort=True)
            self.eio.sockets.pop(eio_sid, None)


def register_echo_handlers(server, namespace):
    """Installs the echo behaviour of `socketio-echo` in one namespace."""

    async def on_message(sid, *args):
        await server.emit("message-back", tuple(args), to=sid, namespace=namespace)

    async def on_message_with_ack(sid, *args):
        return tuple(args)

    async def on_request_callback(sid, *args):
        async def on_callback_ack(*ack_args):
            await server.emit("callback-result", tuple(ack_args), to=sid,
                              namespace=namespace)

        await server.emit("callback", tuple(args), to=sid, namespace=namespace,
                          callback=on_callback_ack)

    async def on_disconnect_me(sid, *args):
        await server.disconnect(sid, namespace=namespace)

    async def on_drop_transport(sid, *args):
        await server.drop_transport(sid, namespace)

    server.on("message", on_message, namespace=namespace)
    server.on("message-with-ack", on_message_with_ack, namespace=namespace)
    server.on("request-callback", on_request_callback, namespace=namespace)
    server.on("disconnect-me", on_disconnect_me, namespace=namespace)
    server.on("drop-transport", on_drop_transport, namespace=namespace)


def make_transport_recorder(server):
    """An aiohttp middleware that remembers, per Engine.IO session, the TCP
    transport of its latest request (the WebSocket after an upgrade)."""

    @web.middleware
    async def record_transport(request, handler):
        sid = request.query.get("sid")
        if sid is not None and request.method == "GET":
            server.transports_by_eio_sid[sid] = request.transport
        return await handler(request)

    return record_transport


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--path", default="/socket.io/")
    parser.add_argument("--ping-interval-ms", type=int, default=25000)
    parser.add_argument("--ping-timeout-ms", type=int, default=20000)
    parser.add_argument("--max-payload", type=int, default=1_000_000)
    parser.add_argument("--connect-timeout-ms", type=int, default=45000)
    return parser.parse_args(argv)


async def serve(arguments):
    server = EchoServer(
        connect_timeout_s=arguments.connect_timeout_ms / 1000,
        async_mode="aiohttp",
        ping_interval=arguments.ping_interval_ms / 1000,
        ping_timeout=arguments.ping_timeout_ms / 1000,
        max_http_buffer_size=arguments.max_payload,
        cors_allowed_origins="*",
    )
    for namespace in SERVED_NAMESPACES:
        register_echo_handlers(server, namespace)
    app = web.Application(middlewares=[make_transport_recorder(server)])
    path = "/" + arguments.path.strip("/") + "/"
    server.attach(app, socketio_path=path.strip("/"))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((arguments.host, arguments.port))
    runner = web.AppRunner(app, access_log=None, handle_signals=False,
                           shutdown_timeout=2)
    await runner.setup()
    await web.SockSite(runner, listener, backlog=4096).start()
    host, port = listener.getsockname()[:2]

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    print(f"reference-echo listening on http://{host}:{port}{path}", flush=True)
    await stop.wait()
    await runner.cleanup()


def main(argv):
    asyncio.run(serve(parse_arguments(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
