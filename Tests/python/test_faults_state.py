"""Fault suite, the state folder and the disk: a second daemon on the same state
folder, a database that is missing, empty or corrupt beside a fleet that ran, and a
disk that fills up during a checkout. A real daemon, real bots (fault_bot.py), real
repositories. (Starting over on purpose with `serve --reset-state` is tested in
test_daemon_startup.py.)
"""

from daemon_harness import DEPLOY_DEADLINE_S, is_running, serve_once, wait_for
from fault_harness import (RECOVERY_DEADLINE_S, TERMINAL, FaultDaemon, FaultWorkspace, assert_recovered,
                           bot_processes, fill, tmpfs_refusal)

import pytest

from faults_common import fault_test_deadline, fleet  # noqa: F401  (fixtures)


def test_a_second_daemon_on_the_same_state_exits_naming_the_lock_and_the_fleet_is_untouched(fleet):
    workspace, daemon = fleet()
    before = bot_processes(workspace)
    second = serve_once(workspace.config)
    assert second.returncode != 0, second.stdout + second.stderr
    assert str(workspace.state / "daemon.lock") in second.stderr, second.stderr
    assert f"pid {daemon.process.pid}" in second.stderr, second.stderr
    assert daemon.process.poll() is None
    assert_recovered(daemon, workspace, workspace.v1)
    assert bot_processes(workspace) == before
    assert [entry["trigger"] for entry in daemon.history()] == ["cli"]


def test_a_missing_or_empty_database_beside_a_fleet_that_ran_is_refused(fleet):
    """The daemon is stopped, its bots keep running; without state.sqlite, or with an empty one, `serve` refuses,
    naming what is missing and the way to start over on purpose, and changes nothing."""
    workspace, daemon = fleet()
    assert daemon.terminate()[0] == 0
    database = workspace.state / "state.sqlite"
    for journal in ("state.sqlite-wal", "state.sqlite-shm"):
        (workspace.state / journal).unlink(missing_ok=True)
    for what, make in [("no ", database.unlink), ("an empty ", lambda: database.write_bytes(b""))]:
        make()
        refused = serve_once(workspace.config)
        assert refused.returncode != 0, refused.stdout + refused.stderr
        assert f"{what}{database}" in refused.stderr, refused.stderr
        assert "serve --reset-state" in refused.stderr, refused.stderr
        assert database.read_bytes() == b"" if what == "an empty " else not database.exists()
    assert sorted(number for number, _ in bot_processes(workspace).values()) == [0, 1], "the bots were touched"


def test_a_corrupt_state_database_refuses_to_start(tmp_path):
    workspace = FaultWorkspace(tmp_path / "fleet")
    daemon = FaultDaemon(workspace).start()
    assert daemon.terminate()[0] == 0
    database = workspace.state / "state.sqlite"
    garbage = bytes((index * 37 + 11) % 256 for index in range(8192))
    database.write_bytes(garbage)
    for journal in ("state.sqlite-wal", "state.sqlite-shm"):  # the whole database is garbage, its WAL too
        (workspace.state / journal).unlink(missing_ok=True)
    completed = serve_once(workspace.config)
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, output
    assert str(database) in output, output
    assert database.read_bytes() == garbage, "the corrupt database was changed"


def test_disk_full_during_checkout_fails_the_deployment_and_the_next_one_succeeds(fleet, tmp_path):
    """releases/ is a 4 MB tmpfs that only the daemon sees; filled after v1's checkout, v2's checkout fails: the
    deployment fails naming the problem, v1 keeps serving, no half checkout is left, v2 is not marked bad; once
    space returns, v2 deploys."""
    refusal = tmpfs_refusal(tmp_path / "probe")
    if refusal:
        pytest.skip(refusal)
    workspace, daemon = fleet(tmpfs=("releases", "4m"))
    releases = daemon.inside(workspace.state / "releases")
    before = sorted(path.name for path in releases.iterdir())
    filler = releases / "filler"
    fill(filler)
    v2 = workspace.commit_fault()
    id = daemon.request_deployment(v2)
    entry = wait_for(lambda: (lambda e: e if e["outcome"] in TERMINAL else None)(daemon.deployment(id)),
                     DEPLOY_DEADLINE_S, f"deployment #{id} to end")
    assert entry["outcome"] == "failed", entry
    assert "No space left on device" in entry["reason"], entry
    assert_recovered(daemon, workspace, workspace.v1)
    assert sorted(path.name for path in releases.iterdir()) == sorted(before + ["filler"])
    filler.unlink()
    deployed = daemon.cli("deploy", v2, timeout=DEPLOY_DEADLINE_S)
    assert deployed.returncode == 0, f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
    assert_recovered(daemon, workspace, v2)


def test_bots_left_running_by_a_state_reset_are_refused_and_leave(fleet):
    """`serve --reset-state` while the old bots still run (the README says to stop them first): the new daemon does
    not know their credentials; refused at their reconnect, each stops processing commands and exits, so a
    deployment started at once (its launch numbers go on from the moved-aside database, no id is reused) leaves
    exactly one bot per shard."""
    workspace, daemon = fleet()
    old = bot_processes(workspace)
    old_clients = {client for _, client in old.values()}
    assert daemon.terminate()[0] == 0
    daemon.start_with("--reset-state")
    deployed = daemon.cli("deploy", workspace.v1, "--immediate", timeout=DEPLOY_DEADLINE_S)
    assert deployed.returncode == 0, f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
    wait_for(lambda: not any(is_running(pid) for pid in old), RECOVERY_DEADLINE_S, "the old bots to exit")
    assert_recovered(daemon, workspace, workspace.v1)
    new_clients = {instance["active"]["client"] for instance in daemon.status()["instances"]}
    assert not new_clients & old_clients, (new_clients, old_clients)
    # Refusals are reported at most once a second per cause: a second one comes at the end of that second.
    wait_for(lambda: all(f"unknown client id {client}" in workspace.daemon_log.read_text() for client in old_clients),
             RECOVERY_DEADLINE_S, "a refusal report naming each old client")
