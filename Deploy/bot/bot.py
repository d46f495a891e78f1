"""Example bot for urban-robot: a discord.py bot wired to the channel protocol.

    python3 bot.py              # a real Discord bot (needs discord.py; the token
                                # comes from urban-robot's hello, never from env)
    python3 bot.py --simulate   # no Discord: a simulated gateway, for demos and tests

In --simulate mode the behaviour is read from ``simulate.json`` beside this file
(absent: healthy), so that revisions of a test repository can differ:

    {"health": "ok" | "fail" | "silent",   # answer to health_check ("silent": none)
     "percent": 100, "cogs": {"music": true},
     "crash_after_start": 2.0,             # exit(3) this many seconds after start
     "crash_after_promotion": 1.0,         # exit(3) this long after process_commands
     "ready_delay": 0.2,                   # simulated time to Discord's READY
     "requires_env": "PAYMENTS_KEY"}       # health fails while this variable is unset
                                           # (a missing secret: fixed in [bot] env,
                                           # outside the commit)

With SIMULATE_STATE_RECORD=PATH in its environment (tests set it through [bot] env), the simulated bot appends
one line to PATH whenever it starts or stops processing commands or exits: "MONOTONIC_NS SHARD CLIENT STATE",
STATE being processing, coma or exited (CLOCK_MONOTONIC is system-wide, so lines of different bots compare).
"""

import argparse
import asyncio
import json
import math
import os
import sys
import time
from pathlib import Path

from urban_robot_client import UrbanRobotClient

VERSION = "1.0.0"
HERE = Path(__file__).resolve().parent
SIMULATED_GUILDS = 1500       # what a shard of a mid-sized bot holds
SIMULATED_LATENCY = 0.042     # seconds, as discord.py's Client.latency


def log(message: str) -> None:
    print(f"[bot {os.environ.get('URBAN_ROBOT_INSTANCE', '?')}] {message}", flush=True)


def record_state(state: str) -> None:
    path = os.environ.get("SIMULATE_STATE_RECORD")
    if path:
        with open(path, "a") as record:  # one short write per line: lines of several bots do not interleave
            record.write(f"{time.monotonic_ns()} {os.environ.get('URBAN_ROBOT_SHARD', '?')} "
                         f"{os.environ.get('URBAN_ROBOT_INSTANCE', '?')} {state}\n")


def simulation_settings() -> dict:
    path = HERE / "simulate.json"
    return json.loads(path.read_text()) if path.exists() else {}


async def run_simulated() -> None:
    settings = simulation_settings()
    loop = asyncio.get_running_loop()

    def crash(reason: str) -> None:
        log(f"crashing: {reason}")
        record_state("exited")
        os._exit(3)

    async def health_check() -> dict:
        if settings.get("health") == "silent":
            await asyncio.Event().wait()
        healthy = settings.get("health", "ok") == "ok"
        required = settings.get("requires_env")
        if required and not os.environ.get(required):
            log(f"health check fails: {required} is not set")
            healthy = False
        return {"OK": healthy, "percent": settings.get("percent", 100 if healthy else 40),
                "cogs": settings.get("cogs", {"core": healthy})}

    async def on_token(_token: str) -> None:
        log("got the token; connecting to the simulated gateway")
        await asyncio.sleep(float(settings.get("ready_delay", 0.2)))
        await client.ready()

    async def on_processing_changed(active: bool, reason: str) -> None:
        record_state("processing" if active else "coma")
        log(("processing commands" if active else "in coma") + (f" ({reason})" if reason else ""))
        if active and "crash_after_promotion" in settings:
            loop.call_later(float(settings["crash_after_promotion"]), crash, "after promotion")

    async def on_shutdown(reason: str) -> None:
        record_state("exited")
        log(f"shutting down: {reason}")

    client = UrbanRobotClient(VERSION, health_check, on_token, on_shutdown,
                              on_processing_changed=on_processing_changed,
                              stats=lambda: {"guilds": SIMULATED_GUILDS, "latency": SIMULATED_LATENCY,
                                             "simulated": True})
    if "crash_after_start" in settings:
        loop.call_later(float(settings["crash_after_start"]), crash, "after start")
    await client.run()


async def run_discord() -> None:
    import discord  # only needed for a real bot

    intents = discord.Intents.default()
    intents.message_content = True
    bot = None

    def gateway_latency():
        # discord.py's latency is NaN or inf until the gateway's first heartbeat: not JSON, so None then.
        latency = getattr(bot, "latency", None)
        return latency if isinstance(latency, float) and math.isfinite(latency) else None

    async def health_check() -> dict:
        connected = bot is not None and bot.is_ready() and not bot.is_closed()
        return {"OK": connected, "percent": 100 if connected else 0,
                "cogs": {"gateway": connected},
                "details": {"latency": gateway_latency()}}

    async def on_token(token: str) -> None:
        nonlocal bot
        bot = discord.Client(intents=intents, shard_id=client.shard, shard_count=client.shard_count)

        @bot.event
        async def on_ready() -> None:
            await client.ready()

        @bot.event
        async def on_message(message) -> None:
            if message.author.bot or not client.may_process():
                return
            if message.content == "!ping":
                await message.channel.send(f"pong from revision {client.revision[:8]}")

        asyncio.ensure_future(bot.start(token))

    async def on_shutdown(_reason: str) -> None:
        if bot is not None:
            await bot.close()

    def stats() -> dict:
        latency = gateway_latency()
        return {"guilds": len(bot.guilds) if bot else 0, **({"latency": latency} if latency is not None else {})}

    client = UrbanRobotClient(VERSION, health_check, on_token, on_shutdown, stats=stats)
    await client.run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulate", action="store_true", help="run without Discord")
    arguments = parser.parse_args()
    asyncio.run(run_simulated() if arguments.simulate else run_discord())
    return 0


if __name__ == "__main__":
    sys.exit(main())
