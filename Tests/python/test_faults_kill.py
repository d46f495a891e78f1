"""Fault suite, the kill -9 matrix: a real daemon (`urban-robot serve`) with real
bots (fault_bot.py) is SIGKILLed at one point of a rollout of v2 over v1, started
again on the same state folder, and after its recovery the invariants hold: the
interrupted deployment ends rolled-back or failed with a reason, the fleet serves
v1 again, exactly one active per shard in `status --json` and exactly one bot
process per shard in /proc (the active's pid), and no bot process status does not
know. Bots hold at a gate step (a file they wait for) so each point is hit
deterministically; the test waits on events, never on sleeps.
"""

import pytest

from daemon_harness import DEPLOY_DEADLINE_S, wait_for
from fault_harness import StallingGitServer, assert_interrupted, assert_recovered

from faults_common import fault_test_deadline, fleet  # noqa: F401  (fixtures)


def held(step):
    def reach(workspace, daemon):
        wait_for(lambda: workspace.reached(step), DEPLOY_DEADLINE_S, f"a v2 bot to hold at {step}")
    return reach


def in_phase(phase, wave=None):
    def reach(workspace, daemon):
        wait_for(lambda: (lambda now: now and now[0] == phase and (wave is None or now[1] == wave))(daemon.phase()),
                 DEPLOY_DEADLINE_S, f"the deployment's {phase} (wave {wave})")
    return reach


# (name, how v2's bots behave, the kill point, v1's pause)
MATRIX = [
    ("launch", {"pause": "launch"}, held("launch"), None),
    ("identify", {"pause": "identify"}, held("identify"), None),
    ("ready", {"pause": "ready"}, held("ready"), None),
    ("health", {"pause": "health"}, held("health"), None),
    ("handover", {}, held("coma"), "coma"),
    ("bake", {}, in_phase("bake", 0), None),
    ("later-wave", {"pause": "health", "shards": [1]}, held("health"), None),
    ("watch", {}, in_phase("watch"), None),
]


@pytest.mark.parametrize("name,v2_fault,reach,v1_pause", MATRIX, ids=[case[0] for case in MATRIX])
def test_kill_during_rollout(fleet, name, v2_fault, reach, v1_pause):
    workspace, daemon = fleet(v1_pause=v1_pause)
    v2 = workspace.commit_fault(**v2_fault)
    id = daemon.request_deployment(v2)
    reach(workspace, daemon)
    daemon.kill()
    daemon.start()
    workspace.release()
    entry = assert_interrupted(daemon, id)
    assert entry["revision"] == v2
    assert_recovered(daemon, workspace, workspace.v1)


def test_double_kill_during_recovery(fleet):
    """Killed while wave 1 holds at its health check, the next daemon rolls back: shard 0's standby v1 is brought
    back and holds at that `process_commands`; killed there too, the third daemon recovers."""
    workspace, daemon = fleet(v1_pause="revive", v1_shards=[0])
    v2 = workspace.commit_fault(pause="health", shards=[1])
    id = daemon.request_deployment(v2)
    held("health")(workspace, daemon)
    daemon.kill()
    daemon.start()
    wait_for(lambda: workspace.reached("revive"), DEPLOY_DEADLINE_S, "the recovery to bring shard 0's standby back")
    daemon.kill()
    daemon.start()
    workspace.release()
    assert_interrupted(daemon, id)
    assert_recovered(daemon, workspace, workspace.v1)


def test_kill_during_fetch(fleet, tmp_path):
    """The daemon fetches over HTTP from a server that holds the release step's fetch of v2 (the request's own fetch,
    which resolves the ref before any record exists, passes): killed in it, the next daemon ends the deployment
    (no instance was touched) and v1 keeps serving."""
    server = StallingGitServer(tmp_path / "fleet")
    try:
        workspace, daemon = fleet(source_url=server.url("bot.git"))
        server.stall(after_fetches=1)
        v2 = workspace.commit_fault()
        id = daemon.request_deployment(v2)
        assert server.arrived.wait(DEPLOY_DEADLINE_S), "the daemon did not fetch"
        assert daemon.phase() == ("preparing", 0)
        daemon.kill()
        server.release()
        daemon.start()
        assert_interrupted(daemon, id)
        assert_recovered(daemon, workspace, workspace.v1)
    finally:
        server.close()
