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
    """The channel client, holding at the steps it owns (identify, coma, revive)."""

    async def _connected(self):
        await hold("identify")
        await super()._connected()

    was_in_coma = False

    async def _command(self, data):
        if data.get("t") == "coma":
            await hold("coma")
            self.was_in_coma = True
        elif data.get("t") == "process_commands" and self.was_in_coma:
            await hold("revive")
        await super()._command(data)


async def main():
    await hold("launch")

    async def health_check():
        await hold("health")
        return {"OK": True, "percent": 100, "cogs": {"core": True}}

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
