"""The example client of Deploy/bot (urban_robot_client.py) against a python-socketio server
playing the daemon's side: it identifies on every connection and sends a heartbeat right after
every ``hello``, a reconnection's included, not one heartbeat interval later."""

import asyncio
import sys
from pathlib import Path

import socketio
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Deploy" / "bot"))
from urban_robot_client import UrbanRobotClient  # noqa: E402

# The daemon's heartbeat interval in `hello`: far longer than the test may wait, so only the
# heartbeat sent at once after a hello can arrive in time.
HEARTBEAT_INTERVAL_S = 600
DEADLINE_S = 20


class FakeDaemon:
    """A Socket.IO server on 127.0.0.1 that answers each identify with hello and queues what the client sends."""

    def __init__(self):
        self.identifies = asyncio.Queue()
        self.heartbeats = asyncio.Queue()
        self.port = None
        self.runner = None
        self.sio = None

    async def start(self):
        self.sio = socketio.AsyncServer(async_mode="aiohttp")
        app = web.Application()
        self.sio.attach(app)

        @self.sio.on("identify")
        async def identify(sid, data):
            await self.identifies.put(data)
            await self.sio.emit("hello", {"token": "discord-token", "heartbeat_interval": HEARTBEAT_INTERVAL_S,
                                          "process_commands": True}, to=sid)
            return {"ok": True}

        @self.sio.on("heartbeat")
        async def heartbeat(sid, data):
            await self.heartbeats.put(data)

        self.runner = web.AppRunner(app, shutdown_timeout=1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port or 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def stop(self):
        await self.runner.cleanup()


async def next_item(queue, what):
    try:
        return await asyncio.wait_for(queue.get(), DEADLINE_S)
    except asyncio.TimeoutError:
        raise AssertionError(f"no {what} within {DEADLINE_S} s") from None


def test_heartbeat_right_after_every_hello_a_reconnection_included():
    async def scenario():
        daemon = FakeDaemon()
        await daemon.start()

        async def health_check():
            return {"OK": True}

        async def on_token(_token):
            pass

        async def on_shutdown(_reason):
            pass

        client = UrbanRobotClient("1.0.0-test", health_check, on_token, on_shutdown,
                                  stats=lambda: {"guilds": 7}, url=f"http://127.0.0.1:{daemon.port}",
                                  instance="shard-0.1", key="k" * 32)
        running = asyncio.ensure_future(client.run())
        try:
            first = await next_item(daemon.identifies, "the first identify")
            assert first["instance"] == "shard-0.1"
            assert await next_item(daemon.heartbeats, "the heartbeat after the first hello") == {"guilds": 7}

            # The daemon restarts: the connection drops, the client reconnects, identifies again and gets a new
            # hello; its heartbeat must follow at once, not HEARTBEAT_INTERVAL_S later.
            await daemon.stop()
            await daemon.start()
            second = await next_item(daemon.identifies, "the identify after the reconnection")
            assert second["instance"] == "shard-0.1"
            assert await next_item(daemon.heartbeats, "the heartbeat after the second hello") == {"guilds": 7}
        finally:
            client._stopped.set()
            await asyncio.wait_for(running, DEADLINE_S)
            await daemon.stop()

    asyncio.run(scenario())
