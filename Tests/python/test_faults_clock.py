"""Steps of the system's wall clock move no deadline: the daemon runs under libfaketime (Debian's `faketime`),
whose wall clock the test steps by +1 h during a gate and then by -2 h during a bake. Every timeout, bake and
watch runs on the monotonic clock, so the healthy revisions pass; the records carry the (stepped) wall time.
"""

import json
import re
import shutil
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from daemon_harness import (BotWorkspace, Daemon, DEPLOY_DEADLINE_S, GOOD, deadline, wait_for)

FAKETIME_LIBRARY = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1")
TIMERFD_SHIM = Path(__file__).resolve().parent / "faketime_shim" / "timerfd_passthrough.c"
TEST_DEADLINE_S = 240


@pytest.fixture
def stepped_fleet(tmp_path):
    """A daemon whose wall clock the test steps by writing an offset ("+1h") into the returned file."""
    if not FAKETIME_LIBRARY.exists():
        pytest.fail(f"{FAKETIME_LIBRARY} is missing: Scripts/bootstrap installs Debian's faketime")
    compiler = shutil.which("cc") or shutil.which("clang")
    shim = tmp_path / "timerfd_passthrough.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(shim), str(TIMERFD_SHIM)], check=True, timeout=60)
    offset = tmp_path / "faketime-offset"
    offset.write_text("+0\n")
    workspace = BotWorkspace(tmp_path / "fleet")
    text = workspace.config.read_text()
    text = re.sub(r'(?m)^bake = .*$', 'bake = "6s"', text)
    workspace.config.write_text(text)
    daemon = Daemon(workspace, environment={
        "LD_PRELOAD": f"{shim}:{FAKETIME_LIBRARY}", "FAKETIME_TIMESTAMP_FILE": str(offset),
        "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_NO_CACHE": "1"})
    try:
        with deadline(TEST_DEADLINE_S, "the clock-step test"):
            daemon.start()
            yield workspace, daemon, offset
    finally:
        daemon.stop_everything()


def deploy_without_waiting(daemon, revision):
    completed = daemon.cli("deploy", revision, "--no-wait")
    assert completed.returncode == 0, completed.stdout + completed.stderr + daemon.log_tail()
    return int(completed.stdout.strip().splitlines()[-1])


def outcome(daemon, deployment):
    return wait_for(lambda: next((entry for entry in daemon.history()
                                  if entry["id"] == deployment and entry["outcome"] not in ("queued", "running")), None),
                    DEPLOY_DEADLINE_S, f"deployment #{deployment} to end")


def test_wall_clock_steps_during_a_gate_and_a_bake_fail_nothing(stepped_fleet):
    workspace, daemon, offset = stepped_fleet
    first = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    assert outcome(daemon, deploy_without_waiting(daemon, first))["outcome"] == "succeeded"

    # +1 h while the canary waits 5 s for Discord's READY (ready_timeout 15 s): the gate still passes.
    slow = workspace.commit({"health": "ok", "ready_delay": 5})
    assert workspace.push().returncode == 0
    gated = deploy_without_waiting(daemon, slow)
    wait_for(lambda: any((instance.get("candidate") or {}).get("state") == "awaiting-ready"
                         for instance in daemon.status()["instances"]), DEPLOY_DEADLINE_S, "the canary to await ready")
    offset.write_text("+1h\n")
    result = outcome(daemon, gated)
    assert result["outcome"] == "succeeded", f"{result}\n{daemon.log_tail()}"

    # -2 h (to -1 h) in the middle of a 6 s bake: the bake still ends on time.
    third = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    baked = deploy_without_waiting(daemon, third)
    wait_for(lambda: (daemon.status().get("deployment") or {}).get("phase") == "bake", DEPLOY_DEADLINE_S,
             "the canary's bake")
    offset.write_text("-1h\n")
    stepped_at = time.monotonic()
    result = outcome(daemon, baked)
    assert result["outcome"] == "succeeded", f"{result}\n{daemon.log_tail()}"
    assert time.monotonic() - stepped_at < DEPLOY_DEADLINE_S
    # Records carry the wall clock, stepped: the deployment finished about an hour "ago".
    finished = datetime.fromisoformat(result["finished_at"].replace("Z", "+00:00"))
    behind = (datetime.now(timezone.utc) - finished).total_seconds()
    assert 3000 < behind < 4200, f"finished_at {result['finished_at']} is {behind:.0f} s behind the real clock"
    status = daemon.status()
    assert status["state"] == "idle" and status["revision"] == third, json.dumps(status)
