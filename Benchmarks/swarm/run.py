#!/usr/bin/env python3
"""Swarm launcher benchmark (issue 13), on demand, as root; not in CI. The baseline is the local launcher, run
first in the same run, with the same bot on the same machine.

    URBAN_ROBOT_BIN_DIR=$(swift build --show-bin-path) python3 Benchmarks/swarm/run.py

Runs `urban-robot serve` with the example bot (Deploy/bot, `--simulate`, 2 instances) twice: with the local
launcher, then with the swarm launcher on the single-node engine of Scripts/docker-engine (started when it does
not run; never stopped nor reconfigured). Each run deploys the same revisions:
  v1, v2      healthy (v1 on an empty fleet, v2 rolled out canary first): per client, the time from the launch
              to its `identify` (the daemon's `urban_robot_gate_phase_seconds{phase="identify"}`) and from the
              launch to its authenticated connection (the audit trail's `client.launch` -> `client.connected`);
  v3          its canary crashes 1 s after its promotion, during the bake: the crash (the promotion's
              `handover.committed` + 1 s) -> the exit seen (`client.exited`) -> the warm standby (v2) processing
              (the rollback's `handover.committed`);
  v4, v5      the bot's own Dockerfile: a dependency layer (a RUN step), then the code; v5 changes only bot.py.
For every revision the release step (`deployment.started` -> `release.prepared`): the checkout with the local
launcher, the checkout and the image build with the swarm launcher (v1, v2: the generated Dockerfile, no layer to
reuse; v4: the dependency layer built; v5: cached). The audit trail's times (state.sqlite) have ms resolution.
"""

import json
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "python"))

from daemon_harness import GOOD, BotWorkspace, Daemon, wait_for  # noqa: E402

CRASHING = {"health": "ok", "crash_after_promotion": 1.0}
CRASH_DELAY_S = 1.0
DEPLOY_DEADLINE_S = 600
# A dependency layer: a step of the kind `pip install -r requirements.txt` is, offline.
DOCKERFILE = """\
FROM urban-robot-base:bookworm
WORKDIR /release
RUN python3 -m compileall -q -f /usr/lib/python3/dist-packages /usr/lib/python3.11
COPY . /release
ENTRYPOINT ["python3", "bot.py", "--simulate"]
"""


class BenchWorkspace(BotWorkspace):
    """The e2e workspace with a bake long enough for the canary's crash, and the swarm launcher when `socket`."""

    def __init__(self, root, socket=None):
        self.socket = socket
        self.repository = f"urban-robot-bench-{uuid.uuid4().hex[:8]}"
        super().__init__(root)

    def _configuration(self, poll, secret_file):
        text = (super()._configuration(poll, secret_file)
                .replace('identify_timeout = "15s"', 'identify_timeout = "120s"')
                .replace('bake = "2s"', 'bake = "8s"'))
        if self.socket is None:
            return text
        return text + f"""
[launcher]
kind = "swarm"

[swarm]
endpoint = "{self.socket}"
repository = "{self.repository}"
"""

    def add_dockerfile(self):
        (self.work / "Dockerfile").write_text(DOCKERFILE)

    def change_bot_code(self):
        with open(self.work / "bot.py", "a") as bot:
            bot.write("\n# a change of the bot's code only\n")


def audit(workspace, deployment):
    """[(time s since 1970, kind, instance, client, detail)] of `deployment`, from state.sqlite."""
    database = sqlite3.connect(f"file:{workspace.state / 'state.sqlite'}?mode=ro", uri=True)
    try:
        rows = database.execute("SELECT time, kind, instance, client, detail FROM events WHERE deployment_id = ? "
                                "ORDER BY id", (deployment,)).fetchall()
    finally:
        database.close()
    return [(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp(), kind,
             instance, client, json.loads(detail) if detail else {}) for stamp, kind, instance, client, detail in rows]


def identify_metric(daemon):
    """(sum s, count) of `urban_robot_gate_phase_seconds{phase="identify"}`."""
    text = daemon.request("GET", "/metrics", token=daemon.admin_token()).text
    values = {}
    for name in ("sum", "count"):
        match = re.search(rf'^urban_robot_gate_phase_seconds_{name}\{{phase="identify"\}} (\S+)$', text, re.M)
        values[name] = float(match.group(1)) if match else 0.0
    return values["sum"], values["count"]


def deploy(daemon, workspace, revision, expect_success=True):
    """Deploys `revision` (pushed first); the new deployment's id."""
    assert workspace.push().returncode == 0
    before = daemon.newest_id()
    completed = daemon.cli("deploy", revision, timeout=DEPLOY_DEADLINE_S)
    if (completed.returncode == 0) != expect_success:
        raise RuntimeError(f"deploy {revision[:8]} exited {completed.returncode}:\n{completed.stdout}"
                           f"{completed.stderr}\n{daemon.log_tail(40)}")
    return next(entry["id"] for entry in reversed(daemon.history()) if entry["id"] > before)


def first(events, kind, client=None):
    return next(e for e in events if e[1] == kind and (client is None or e[3] == client))


def run_fleet(label, root, socket=None):
    """Runs the scenario with one launcher; its measures."""
    workspace = BenchWorkspace(root, socket)
    daemon = Daemon(workspace)
    measures = {"release_s": {}, "identify_s": [], "connect_s": []}
    print(f"swarm benchmark: {label} launcher", flush=True)
    try:
        daemon.start()
        revisions = [("v1", None, GOOD), ("v2", None, GOOD), ("v3", None, CRASHING),
                     ("v4", workspace.add_dockerfile, GOOD), ("v5", workspace.change_bot_code, GOOD)]
        for name, change, simulation in revisions:
            if change:
                change()
            revision = workspace.commit(simulation)
            identify_before = identify_metric(daemon)
            started = time.monotonic()
            deployment = deploy(daemon, workspace, revision, expect_success=simulation is not CRASHING)
            elapsed = time.monotonic() - started
            events = audit(workspace, deployment)
            measures["release_s"][name] = first(events, "release.prepared")[0] - first(events, "deployment.started")[0]
            print(f"  {name}: deployment {elapsed:.1f} s, release step {measures['release_s'][name]:.2f} s", flush=True)
            if name in ("v1", "v2"):
                identify_after = identify_metric(daemon)
                count = identify_after[1] - identify_before[1]
                measures["identify_s"].append((identify_after[0] - identify_before[0]) / count)
                for launch in (e for e in events if e[1] == "client.launch"):
                    measures["connect_s"].append(first(events, "client.connected", launch[3])[0] - launch[0])
            if simulation is CRASHING:
                committed = [e for e in events if e[1] == "handover.committed"]
                canary = committed[0][3]
                crash = committed[0][0] + CRASH_DELAY_S
                exited = first(events, "client.exited", canary)[0]
                standby = committed[-1]
                measures["crash"] = {"exit_seen_s": exited - crash, "standby_processing_s": standby[0] - crash,
                                     "gap_s": float(standby[4]["gap_seconds"])}
                wait_for(lambda: all(i.get("active") for i in daemon.status()["instances"]), 60, "both instances served")
        return measures
    finally:
        daemon.terminate()
        if socket is not None:
            remove_fleet(socket, workspace.repository)


def engine(socket, method, path, filters=None):
    """One call of the engine's API over its socket; the answer's JSON (None when empty)."""
    query = ["-G", "--data-urlencode", "filters=" + json.dumps(filters)] if filters else []
    answer = subprocess.run(["curl", "-sf", "-X", method, "--unix-socket", socket, *query,
                             f"http://engine/v1.41{path}"], capture_output=True, text=True, timeout=60)
    return json.loads(answer.stdout) if answer.stdout.strip() else None


def remove_fleet(socket, repository):
    """Removes the fleet's services, secrets and images from the test engine (which keeps running); an image is
    removed once no container of a removed service uses it any more."""
    fleet = {"label": [f"urban-robot.fleet={repository}"]}
    for listing in ("/services", "/secrets"):
        for item in engine(socket, "GET", listing, fleet) or []:
            engine(socket, "DELETE", f"{listing}/{item['ID']}")

    def images_removed():
        for image in engine(socket, "GET", "/images/json", fleet) or []:
            engine(socket, "DELETE", f"/images/{image['Id']}?force=1")
        return not engine(socket, "GET", "/images/json", fleet)

    wait_for(images_removed, 120, f"the images of {repository} removed")


def report(local, swarm):
    def row(what, baseline, value, ratio=True):
        last = (f"{value / baseline:6.1f}x" if baseline > 0 else "     -") if ratio else f"{value - baseline:7.2f} s"
        print(f"  {what:<56}{baseline:9.3f} s{value:9.3f} s  {last}")

    print(f"\n  {'measure':<56}{'local':>11}{'swarm':>11}  swarm/local")
    row("launch -> identify, mean per client (gate metric)",
        statistics.mean(local["identify_s"]), statistics.mean(swarm["identify_s"]))
    row("launch -> authenticated connection, median per client",
        statistics.median(local["connect_s"]), statistics.median(swarm["connect_s"]))
    row("launch -> authenticated connection, max",
        max(local["connect_s"]), max(swarm["connect_s"]))
    row("canary crash -> its exit seen", local["crash"]["exit_seen_s"], swarm["crash"]["exit_seen_s"])
    row("canary crash -> process_commands sent to the standby", local["crash"]["standby_processing_s"],
        swarm["crash"]["standby_processing_s"])
    row("  of which exit seen -> process_commands (the gap)", local["crash"]["gap_s"], swarm["crash"]["gap_s"])
    print(f"\n  {'release step (local: the checkout; swarm: + the image)':<56}{'local':>11}{'swarm':>11}  image build")
    for name, what in (("v1", "v1, generated Dockerfile, first image"), ("v2", "v2, generated Dockerfile"),
                       ("v4", "v4, own Dockerfile, dependency layer built"),
                       ("v5", "v5, own Dockerfile, bot.py changed, layer cached")):
        row(what, local["release_s"][name], swarm["release_s"][name], ratio=False)


def main():
    started = subprocess.run([str(ROOT / "Scripts" / "docker-engine"), "start"], capture_output=True, text=True,
                             timeout=900)
    if started.returncode != 0:
        sys.exit(f"swarm benchmark: the test engine does not start (root?): {started.stderr.strip()[-500:]}")
    socket = started.stdout.strip().splitlines()[-1]
    with tempfile.TemporaryDirectory(prefix="swarm-bench-") as folder:
        local = run_fleet("local", Path(folder) / "local")
        swarm = run_fleet("swarm", Path(folder) / "swarm", socket)
    report(local, swarm)


if __name__ == "__main__":
    main()
