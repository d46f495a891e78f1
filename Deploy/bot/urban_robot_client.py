"""Drop-in client for bots managed by urban-robot (python-socketio, asyncio).

It speaks the channel protocol of urban-robot (see the README's "Channel
protocol"): it authenticates with the launch credentials that urban-robot puts
in the environment, identifies, receives the Discord token in ``hello``,
reports readiness and health, and obeys the ``coma``, ``process_commands`` and
``shutdown`` commands. It also keeps the epoch fence: a client that has seen a
newer epoch than the one it was activated with never processes commands.

Use::

    client = UrbanRobotClient(
        version="1.4.2",
        health_check=my_health_report,      # async () -> dict
        on_token=start_discord,             # async (token) -> None
        on_shutdown=stop_discord,           # async (reason) -> None
    )
    await client.run()                      # returns when told to shut down

and, in the bot: ``await client.ready()`` on Discord's READY, and
``if client.may_process(): ...`` before answering a user command.

With ``stats`` (``() -> dict``, e.g. ``{"guilds": 12, "latency": 0.042}``, latency
in seconds), the client sends a ``heartbeat`` right after each ``hello`` (a reconnection's
included) and then every
``heartbeat_interval`` seconds; ``urban-robot status`` shows its age, the guild count
and the latency. Keep the dict small (at most 4 KB of JSON) and JSON-safe (no NaN).
"""

import asyncio
import inspect
import os
from typing import Any, Awaitable, Callable, Dict, Optional

import socketio

HealthReport = Dict[str, Any]


def _read_key_file(path: Optional[str]) -> Optional[str]:
    """The launch's key from the file the swarm launcher mounts (a Swarm secret), if there is one."""
    if not path:
        return None
    with open(path, encoding="utf-8") as file:
        return file.read().strip()


class UrbanRobotClient:
    """One bot process's side of the urban-robot channel."""

    def __init__(
        self,
        version: str,
        health_check: Callable[[], Awaitable[HealthReport]],
        on_token: Callable[[str], Awaitable[None]],
        on_shutdown: Callable[[str], Awaitable[None]],
        on_processing_changed: Optional[Callable[[bool, str], Awaitable[None]]] = None,
        stats: Optional[Callable[[], Dict[str, Any]]] = None,
        url: Optional[str] = None,
        instance: Optional[str] = None,
        key: Optional[str] = None,
    ) -> None:
        self.version = version
        self.url = url or os.environ.get("URBAN_ROBOT_URL", "http://127.0.0.1:8080")
        self.instance = instance or os.environ.get("URBAN_ROBOT_INSTANCE")
        self.key = key or os.environ.get("URBAN_ROBOT_KEY") or _read_key_file(os.environ.get("URBAN_ROBOT_KEY_FILE"))
        self.shard = int(os.environ.get("URBAN_ROBOT_SHARD", "0"))
        self.shard_count = int(os.environ.get("URBAN_ROBOT_SHARD_COUNT", "1"))
        self.revision = os.environ.get("URBAN_ROBOT_REVISION", "")
        self._health_check = health_check
        self._on_token = on_token
        self._on_shutdown = on_shutdown
        self._on_processing_changed = on_processing_changed
        self._stats = stats
        self._token: Optional[str] = None
        self._active = False
        self._active_epoch = -1
        self._newest_epoch = -1
        self._heartbeat_interval = 0.0
        self._heartbeat_task: Optional[asyncio.Task] = None
        self._stopped = asyncio.Event()
        self.sio = socketio.AsyncClient(reconnection=True)
        self.sio.on("connect", self._connected)
        self.sio.on("disconnect", self._disconnected)
        self.sio.on("connect_error", self._connect_refused)
        self.sio.on("hello", self._hello)
        self.sio.on("cmd", self._command)

    # -- what the bot calls -------------------------------------------------

    async def _connect(self, auth: Optional[Dict[str, str]]) -> None:
        """The first connection, retried while the daemon is not there yet. python-socketio 5.8+ retries by itself
        (``retry=True``); 5.7 (Debian 12's, in the swarm launcher's base image) has no such option: retried here."""
        if "retry" in inspect.signature(self.sio.connect).parameters:
            await self.sio.connect(self.url, auth=auth, retry=True, wait_timeout=30)
            return
        while not self._stopped.is_set():
            try:
                await self.sio.connect(self.url, auth=auth, wait_timeout=30)
                return
            except socketio.exceptions.ConnectionError:
                await asyncio.sleep(1)

    async def run(self) -> None:
        """Connects (retrying while the daemon restarts) and returns after ``shutdown``."""
        auth = {"instance": self.instance, "key": self.key} if self.instance else None
        await self._connect(auth)
        await self._stopped.wait()
        if self._heartbeat_task:
            self._heartbeat_task.cancel()
        await self.sio.shutdown()  # disconnects, or ends the reconnection attempts

    async def ready(self) -> None:
        """Tells urban-robot that the Discord connection is live (Discord's READY)."""
        await self.sio.emit("ready", {})

    def may_process(self) -> bool:
        """True only while this client is the active one and no newer epoch has been seen."""
        return self._active and self._active_epoch >= self._newest_epoch

    @property
    def token(self) -> Optional[str]:
        """The Discord token from ``hello``; None before it arrives."""
        return self._token

    # -- channel events ------------------------------------------------------

    async def _connected(self) -> None:
        payload = {"version": self.version}
        if self.instance:
            payload.update({"instance": self.instance, "key": self.key})
        await self.sio.call("identify", payload, timeout=30)

    async def _disconnected(self, reason: Optional[str] = None) -> None:
        # A lost connection is retried by python-socketio; a session the server ended on purpose (credentials
        # refused, or an unmanaged client told to leave) is not, so the client stops instead of idling forever.
        # (python-socketio 5.7 gives no reason, and has no `reason` attribute.)
        if reason is not None and reason == self.sio.reason.SERVER_DISCONNECT and not self._stopped.is_set():
            await self._set_active(False, self._active_epoch, "disconnected by the server")
            self._stopped.set()

    async def _connect_refused(self, data: Any = None) -> None:
        # Launch credentials never change, so a refusal of them is final: this process is not (or no longer) one
        # the daemon runs, e.g. a bot left running when its state was reset. It stops processing commands and
        # exits rather than retrying as a second active. (A daemon that cannot decide answers "unavailable",
        # and a daemon that is not there refuses the TCP connection: both are retried.)
        if isinstance(data, dict) and data.get("message") == "unauthorized" and not self._stopped.is_set():
            await self._set_active(False, self._active_epoch, "credentials refused by urban-robot")
            await self._on_shutdown("credentials refused by urban-robot")
            self._stopped.set()

    async def _hello(self, data: Dict[str, Any]) -> None:
        first_token = self._token is None
        self._token = data.get("token")
        self._heartbeat_interval = float(data.get("heartbeat_interval") or 0)
        if data.get("process_commands"):
            await self._set_active(True, self._newest_epoch, "re-admitted as the active client")
        # Every hello (a reconnection's too) starts the beats anew, the first one at once.
        if self._heartbeat_task:
            self._heartbeat_task.cancel()
            self._heartbeat_task = None
        if self._heartbeat_interval > 0:
            self._heartbeat_task = asyncio.ensure_future(self._heartbeats())
        if first_token and self._token:
            await self._on_token(self._token)

    async def _command(self, data: Dict[str, Any]) -> None:
        kind = data.get("t")
        body = data.get("d") or {}
        epoch = body.get("epoch")
        if isinstance(epoch, int):
            self._newest_epoch = max(self._newest_epoch, epoch)
        if kind == "health_check":
            await self.sio.emit("health_check", await self._health_check())
        elif kind == "process_commands":
            if body.get("token"):
                self._token = body["token"]
            await self._set_active(True, epoch if isinstance(epoch, int) else self._newest_epoch,
                                   body.get("reason", ""))
            await self.ready()
        elif kind == "coma":
            await self._set_active(False, self._active_epoch, body.get("reason", ""))
            await self.sio.emit("coma", {"reason": body.get("reason", "")})
        elif kind == "shutdown":
            reason = body.get("reason", "")
            await self._set_active(False, self._active_epoch, reason)
            await self.sio.emit("shutdown", {"reason": reason})
            await self._on_shutdown(reason)
            self._stopped.set()
        # "ok" needs no answer: it confirms a ready sent while active.

    async def _set_active(self, active: bool, epoch: int, reason: str) -> None:
        changed = active != self._active
        self._active = active
        if active:
            self._active_epoch = epoch
        if changed and self._on_processing_changed:
            await self._on_processing_changed(active, reason)

    async def _heartbeats(self) -> None:
        # The first one right after each hello, so that `urban-robot status` shows the client alive at once (hello
        # comes while the connect handler still runs, when `sio.connected` is not yet true, so it is not asked);
        # a failed send (no connection at the moment) is retried at the next beat.
        while not self._stopped.is_set():
            try:
                await self.sio.emit("heartbeat", self._stats() if self._stats else {})
            except socketio.exceptions.SocketIOError:
                pass
            await asyncio.sleep(self._heartbeat_interval)
