"""Fault suite, beyond the kill matrix: a bot SIGSTOPped in its gate or while it
serves, the mirror deleted while the daemon is stopped. A real daemon, real bots
(fault_bot.py), real repositories.
"""

import os
import shutil
import signal
import subprocess
import time

from daemon_harness import DEPLOY_DEADLINE_S, wait_for
from fault_harness import RECOVERY_DEADLINE_S, assert_recovered, bot_processes

from faults_common import fault_test_deadline, fleet  # noqa: F401  (fixtures)

# Engine.IO pings every second, a peer silent for 2 s more is gone: a stopped bot is noticed within seconds.
FAST_PINGS = {"ping_interval": '"1s"', "ping_timeout": '"2s"'}
# An instance left without a client by an unmanaged one is served again within this (it was about 70 s).
REPLACEMENT_DEADLINE_S = 20


def test_sigstop_during_gate_fails_it_with_a_timeout_and_v1_keeps_serving(fleet):
    workspace, daemon = fleet()
    v2 = workspace.commit_fault(pause="health", shards=[0])
    id = daemon.request_deployment(v2)
    [candidate] = wait_for(lambda: workspace.reached("health"), DEPLOY_DEADLINE_S, "the canary's health check")
    os.kill(candidate, signal.SIGSTOP)
    workspace.release()  # it would answer now, but it is stopped
    entry = wait_for(lambda: (lambda e: e if e["outcome"] not in {"running", "queued"} else None)(
        daemon.deployment(id)), DEPLOY_DEADLINE_S, f"deployment #{id} to end")
    assert entry["outcome"] == "rolled-back", entry
    assert "health_check_timeout" in entry["reason"], entry
    assert_recovered(daemon, workspace, workspace.v1)
    assert candidate not in bot_processes(workspace)


def test_sigstop_of_a_serving_bot_is_reported_and_the_bot_replaced(fleet):
    """A serving bot that stops answering loses its session at the ping timeout (status: `reconnecting`); past
    `reconnect_grace` it is repaired: a fresh client of the same revision passes its gate first, then the stopped
    one is stopped (SIGKILL after the graces: it cannot act on SIGTERM) and the fresh one takes the shard; history
    shows the repair."""
    workspace, daemon = fleet(channel=FAST_PINGS)
    active = daemon.status()["instances"][0]["active"]
    os.kill(active["pid"], signal.SIGSTOP)

    def reported():
        now = daemon.status()["instances"][0]["active"]
        return now is None or now["client"] != active["client"] or now["state"] != "serving"

    wait_for(reported, RECOVERY_DEADLINE_S, "status to report the stopped bot")
    assert_recovered(daemon, workspace, workspace.v1)
    replacement = daemon.status()["instances"][0]["active"]
    assert replacement["client"] != active["client"] and replacement["pid"] != active["pid"], replacement
    assert active["pid"] not in bot_processes(workspace)
    history = daemon.history()
    assert [entry["trigger"] for entry in history] == ["repair", "cli"], history
    repair = history[0]
    assert repair["outcome"] == "succeeded" and repair["revision"] == workspace.v1, repair
    assert repair["reason"].startswith(f"{active['client']} disconnected and did not come back within"), repair
    assert repair["reason"].endswith(f"replaced by {replacement['client']}"), repair


def test_mirror_deleted_while_stopped_is_made_again(fleet):
    workspace, daemon = fleet()
    status, _ = daemon.terminate()
    assert status == 0
    shutil.rmtree(workspace.state / "repo.git")
    v2 = workspace.commit_fault()
    daemon.start()
    deployed = daemon.cli("deploy", v2, timeout=DEPLOY_DEADLINE_S)
    assert deployed.returncode == 0, f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
    assert (workspace.state / "repo.git").is_dir()
    assert_recovered(daemon, workspace, v2)


def test_an_unmanaged_client_that_leaves_is_replaced_at_once(fleet):
    """Under `allow_unmanaged` a bot started by hand takes over shard 0 (v1's bot is put in coma and shut down);
    when it leaves, shard 0 gets a managed client of the serving revision again within seconds, not after a
    repair's timeouts."""
    workspace, daemon = fleet(channel={"allow_unmanaged": "true"})
    environment = {key: value for key, value in os.environ.items() if not key.startswith("URBAN_ROBOT_")}
    environment["URBAN_ROBOT_URL"] = f"http://127.0.0.1:{workspace.channel_port}"
    by_hand = subprocess.Popen(["python3", "fault_bot.py"], cwd=workspace.work, env=environment,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: daemon.status()["instances"][0]["active"]["client"].startswith("unmanaged-0."),
                 DEPLOY_DEADLINE_S, "the unmanaged client to take over shard 0")
        by_hand.terminate()
        by_hand.wait(timeout=DEPLOY_DEADLINE_S)
        left = time.monotonic()
        assert_recovered(daemon, workspace, workspace.v1, deadline_s=REPLACEMENT_DEADLINE_S)
        print(f"shard 0 served again {time.monotonic() - left:.1f} s after the unmanaged client left")
    finally:
        by_hand.kill()
        by_hand.wait()
