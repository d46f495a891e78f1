"""A test bot for the fault suite: the example bot's simulated mode, healthy, that can
hold at one step of its gate so that a test can act (kill the daemon, SIGSTOP the bot)
while the daemon waits on exactly that step.

``fault.json`` beside this file (committed in the revision under test) says where
(steps: launch, identify, ready, health, coma, revive):

    {"pauses": {"health": [1], "coma": null},   # step -> the shards that hold there (null: all)
     "dir": "/abs/faults"}                       # where the marker and release files are

At the step, the bot writes ``<dir>/reached-<step>-<client>`` (holding its pid) and waits
until ``<dir>/release`` exists. Steps: ``launch`` before connecting, ``identify`` once
connected but before ``identify``, ``ready`` after ``hello`` but before ``ready``, ``health``
on ``cmd health_check`` before the report, ``coma`` on ``cmd coma`` before the answer, ``revive``
on ``cmd process_commands`` after a ``coma`` (a standby brought back), before obeying it.

``"failures"`` (mode -> shards, null: all) makes a revision broken, for the soak (Scripts/soak):
``identify`` presents a wrong launch key (the channel refuses it and the bot exits), ``health``
reports not OK, ``gate_crash`` exits on ``cmd health_check``, ``bake_crash`` exits a second after
``process_commands``, ``coma_hang`` obeys ``coma`` (stops processing) but never confirms it.
With ``"processing"`` set, a bot keeps the file ``<dir>/processing-<pid>`` (holding its shard)
while it may process commands (active, under the newest epoch it has seen).
"""

import asyncio
import json
import os
from pathlib import Path

from urban_robot_client import UrbanRobotClient

HERE = Path(__file__).resolve().parent
FAULT = json.loads((HERE / "fault.json").read_text()) if (HERE / "fault.json").exists() else {}
CLIENT = os.environ.get("URBAN_ROBOT_INSTANCE", "unmanaged")
SHARD = int(os.environ.get("URBAN_ROBOT_SHARD", "0"))


def log(message):
    print(f"[fault bot {CLIENT}] {message}", flush=True)


def failing(mode):
    """Whether fault.json makes this shard fail in `mode`."""
    failures = FAULT.get("failures", {})
    return mode in failures and (failures[mode] is None or SHARD in failures[mode])


def crash(reason):
    log(f"crashing: {reason}")
    os._exit(3)


async def hold(step):
    """Waits at `step` until the release file exists, when fault.json pauses this shard there."""
    pauses = FAULT.get("pauses", {})
    if step not in pauses or (pauses[step] is not None and SHARD not in pauses[step]):
        return
    folder = Path(FAULT["dir"])
    (folder / f"reached-{step}-{CLIENT}").write_text(str(os.getpid()))
    log(f"holding at {step}")
    while not (folder / "release").exists():
        await asyncio.sleep(0.05)
    log(f"released at {step}")


class FaultClient(UrbanRobotClient):
    """The channel client, holding at the steps it owns (identify, coma, revive), failing as fault.json says."""

    async def run(self):
        if failing("identify"):
            self.key = "not-the-launch-key"
        await super().run()

    async def _set_active(self, active, epoch, reason):
        await super()._set_active(active, epoch, reason)
        self._mark_processing()

    def _mark_processing(self):
        if not FAULT.get("processing"):
            return
        marker = Path(FAULT["dir"]) / f"processing-{os.getpid()}"
        if self.may_process():
            marker.write_text(str(SHARD))
        else:
            marker.unlink(missing_ok=True)

    async def _connected(self):
        await hold("identify")
        await super()._connected()

    was_in_coma = False

    async def _command(self, data):
        if data.get("t") == "coma" and failing("coma_hang"):
            epoch = (data.get("d") or {}).get("epoch")
            if isinstance(epoch, int):
                self._newest_epoch = max(self._newest_epoch, epoch)
            await self._set_active(False, self._active_epoch, "coma (never confirmed)")
            log("in coma; not confirming it")
            return
        if data.get("t") == "process_commands" and failing("bake_crash"):
            asyncio.get_running_loop().call_later(1.0, crash, "in the bake")
        if data.get("t") == "coma":
            await hold("coma")
            self.was_in_coma = True
        elif data.get("t") == "process_commands" and self.was_in_coma:
            await hold("revive")
        await super()._command(data)
        self._mark_processing()  # a newer epoch in any command fences this client


async def main():
    await hold("launch")

    async def health_check():
        await hold("health")
        if failing("gate_crash"):
            crash("in the gate")
        healthy = not failing("health")
        return {"OK": healthy, "percent": 100 if healthy else 0, "cogs": {"core": healthy}}

    async def on_token(_token):
        await hold("ready")
        await client.ready()

    async def on_shutdown(reason):
        log(f"shutting down: {reason}")

    client = FaultClient("1.0.0-fault", health_check, on_token, on_shutdown,
                         stats=lambda: {"guilds": 1, "simulated": True})
    await client.run()


if __name__ == "__main__":
    asyncio.run(main())
