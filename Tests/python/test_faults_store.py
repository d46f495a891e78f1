"""Fault suite: the state folder's disk fills up while a deployment runs. The
daemon's state folder is a small tmpfs of its own; the test fills it with a
file while a canary holds in its gate, so that the engine's next write to
state.sqlite fails, and frees it again. A real daemon, real bots (fault_bot.py).
"""

import errno
import os
import subprocess

import pytest

from daemon_harness import DEPLOY_DEADLINE_S, wait_for
from fault_harness import RECOVERY_DEADLINE_S, FaultDaemon, FaultWorkspace, assert_interrupted, assert_recovered

from faults_common import fault_test_deadline  # noqa: F401  (fixture)

STATE_FOLDER_SIZE = "48m"
STOP_WITHIN_S = 10


@pytest.fixture
def full_disk_fleet(tmp_path):
    """A workspace whose state folder is a tmpfs of its own, its daemon with v1 deployed on 2 shards, and a
    function that fills that disk. Unmounted at the end."""
    workspace = FaultWorkspace(tmp_path / "fleet")
    workspace.state.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={STATE_FOLDER_SIZE},mode=0700", "tmpfs",
                              str(workspace.state)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs for the state folder (needs root): {mounted.stderr.strip()}")
    daemon = FaultDaemon(workspace)
    try:
        daemon.start()
        workspace.v1 = workspace.commit_fault()
        deployed = daemon.cli("deploy", workspace.v1, "--immediate", timeout=DEPLOY_DEADLINE_S)
        assert deployed.returncode == 0, f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
        assert_recovered(daemon, workspace, workspace.v1)
        yield workspace, daemon, DiskFiller(workspace.state / "filler")
    finally:
        daemon.stop_everything()
        subprocess.run(["umount", "-l", str(workspace.state)], capture_output=True)


class DiskFiller:
    """Fills the file system of `path` with one file, and frees it again."""

    def __init__(self, path):
        self.path = path

    def fill(self):
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (1 << 20, 4096, 512, 1):  # down to the last byte: no room for a new page of any file
                block = b"\0" * size
                try:
                    while True:
                        os.write(descriptor, block)
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
        finally:
            os.close(descriptor)

    def free(self):
        self.path.unlink()


def store_error(daemon):
    """`store_error` of status, or None."""
    return daemon.status().get("store_error")


def fail_the_store_during_a_gate(workspace, daemon, filler):
    """Deploys v2 with its canary holding at its health check, fills the disk, lets the canary go on; returns
    (v2, deployment id, the store_error status reports)."""
    v2 = workspace.commit_fault(pause="health", shards=[0])
    id = daemon.request_deployment(v2)
    wait_for(lambda: workspace.reached("health"), DEPLOY_DEADLINE_S, "the canary's health check")
    filler.fill()
    workspace.release()
    failure = wait_for(lambda: store_error(daemon), RECOVERY_DEADLINE_S, "status to report the failing store")
    return v2, id, failure


def test_a_full_disk_at_a_database_write_stops_the_engine_visibly_and_it_recovers_when_space_returns(
        full_disk_fleet):
    workspace, daemon, filler = full_disk_fleet
    v2, id, failure = fail_the_store_during_a_gate(workspace, daemon, filler)
    assert "full" in failure["error"], failure
    status = daemon.status()
    assert status["deployment"]["id"] == id, status
    for instance in status["instances"]:
        assert instance["active"]["revision"] == workspace.v1 and instance["active"]["state"] == "serving", status
    refused = daemon.request("POST", "/v1/deployments", token=daemon.admin_token(),
                             json={"revision": workspace.v1, "trigger": "cli", "who": "fault-suite"})
    assert refused.status_code == 503 and "state store cannot be written" in refused.json()["error"], refused.text
    assert "the state store cannot be written" in daemon.log_tail(200), daemon.log_tail(40)

    filler.free()
    wait_for(lambda: store_error(daemon) is None, RECOVERY_DEADLINE_S, "the store to work again")
    entry = daemon.wait_for_deployment(id - 1, revision=v2)
    assert entry["id"] == id and entry["outcome"] == "succeeded", entry
    assert_recovered(daemon, workspace, v2)
    assert "the state store works again" in daemon.log_tail(400)


def test_sigterm_while_the_store_fails_is_prompt_and_the_next_daemon_rolls_the_deployment_back(full_disk_fleet):
    workspace, daemon, filler = full_disk_fleet
    _, id, _ = fail_the_store_during_a_gate(workspace, daemon, filler)
    code, seconds = daemon.terminate()
    assert code == 0 and seconds < STOP_WITHIN_S, (code, seconds, daemon.log_tail(40))
    filler.free()
    daemon.start()
    entry = assert_interrupted(daemon, id)
    assert entry["outcome"] == "rolled-back", entry
    assert_recovered(daemon, workspace, workspace.v1)
