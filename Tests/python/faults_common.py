"""Fixtures of the fault suite, shared by its files: the per-test deadline (SIGALRM) and the fleet."""

import os
import signal

import pytest

from daemon_harness import DEPLOY_DEADLINE_S, deadline, kill_process_groups
from fault_harness import FaultDaemon, FaultWorkspace, assert_recovered, bot_processes

FAULT_TEST_DEADLINE_S = 150


@pytest.fixture(autouse=True)
def fault_test_deadline(request):
    """Fails a test that runs longer than FAULT_TEST_DEADLINE_S (setup and call)."""
    with deadline(FAULT_TEST_DEADLINE_S, request.node.name):
        yield


@pytest.fixture
def fleet(tmp_path):
    """Makes a workspace and its daemon with v1 deployed at once on 2 shards: `v1_pause` makes v1's bots (of
    `v1_shards`, default all) hold at a step, `channel` adds [channel] keys, `source_url` is where the daemon
    fetches, `tmpfs` (a folder of the state folder, a size) gives the daemon a small disk there (FaultDaemon). At the
    end, stopped bots get SIGCONT, the daemon is stopped and every bot of the workspace is killed."""
    made = []

    def make(v1_pause=None, v1_shards=None, channel=None, source_url=None, tmpfs=None):
        workspace = FaultWorkspace(tmp_path / "fleet", channel=channel, source_url=source_url)
        if tmpfs:
            folder = workspace.state / tmpfs[0]
            folder.mkdir(parents=True)
            workspace.state.chmod(0o700)
            tmpfs = (folder, tmpfs[1])
        daemon = FaultDaemon(workspace, tmpfs=tmpfs).start()
        made.append((workspace, daemon))
        workspace.v1 = workspace.commit_fault(pause=v1_pause, shards=v1_shards)
        deployed = daemon.cli("deploy", workspace.v1, "--immediate", timeout=DEPLOY_DEADLINE_S)
        assert deployed.returncode == 0, f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
        assert_recovered(daemon, workspace, workspace.v1)
        return workspace, daemon

    yield make
    signal.alarm(0)  # the teardown below must run to its end, whatever the test's deadline
    for workspace, daemon in made:
        for pid in bot_processes(workspace):
            os.kill(pid, signal.SIGCONT)
        daemon.stop_everything()
        kill_process_groups(list(bot_processes(workspace)))
