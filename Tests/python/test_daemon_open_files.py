"""The daemon's open-files limit. A daemon holds two descriptors per bot (its channel socket and its pidfd) for the
actives, the candidates and the standbys of a rollout at once, and most systems start a program under a soft limit
of 1,024 with a far higher hard limit: at 300 bots every launch of a rollout's second half failed with "Too many
open files" and the rollout was rolled back. `serve` now raises its soft limit to the hard one, its bots keep the
soft limit it found, a hard limit below what a rollout may need is named at start, and a launch that runs out of
descriptors names the limit."""

import json
import os
import re
import signal
from pathlib import Path

import pytest

from daemon_harness import DEPLOY_DEADLINE_S, GOOD, BotWorkspace, Daemon, clients, deadline, wait_for

TEST_DEADLINE_S = 240
INSTANCES = 6
# Below what the daemon holds with INSTANCES bots in a rollout (about 30 of its own and 2 per bot, for 12 bots
# or more at once), above what it holds at its start.
SOFT_LIMIT = 48
HARD_LIMIT = 4096


@pytest.fixture(autouse=True)
def test_deadline(request):
    """Bounds each test: SIGALRM fails it after its deadline."""
    with deadline(TEST_DEADLINE_S, request.node.name):
        yield


@pytest.fixture
def fleet(tmp_path):
    """Makes a workspace of INSTANCES bots rolled out in one batch, and a daemon for it started under an
    open-files limit (soft, hard); stops them at teardown."""
    daemons = []

    def make(open_files):
        workspace = BotWorkspace(tmp_path / f"fleet{len(daemons)}")
        text = workspace.config.read_text().replace("instances = 2", f"instances = {INSTANCES}")
        workspace.config.write_text(text.replace("batch = 1", 'batch = "100%"'))
        daemon = Daemon(workspace, open_files=open_files)
        daemons.append(daemon)
        return workspace, daemon.start()

    yield make
    signal.alarm(0)
    for daemon in daemons:
        daemon.stop_everything()


def open_files_limit(pid):
    """(soft, hard) of process `pid`, from /proc/PID/limits."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = re.findall(r"\d+", line)[:2]
            return int(soft), int(hard)
    raise AssertionError(f"no open-files line in /proc/{pid}/limits")


def statm_files_held(daemon_pid):
    """The pids whose /proc/PID/statm process `daemon_pid` holds open."""
    held = set()
    for link in Path(f"/proc/{daemon_pid}/fd").iterdir():
        try:
            target = os.readlink(link)
        except OSError:
            continue  # closed meanwhile
        if match := re.fullmatch(r"/proc/(\d+)/statm", target):
            held.add(int(match.group(1)))
    return held


def test_a_fleet_past_the_soft_open_files_limit_rolls_out_and_its_bots_keep_that_limit(fleet):
    workspace, daemon = fleet((SOFT_LIMIT, HARD_LIMIT))
    assert open_files_limit(daemon.process.pid) == (HARD_LIMIT, HARD_LIMIT)
    log = workspace.daemon_log.read_text()
    assert "open-files limit raised to the hard limit" in log and f"{SOFT_LIMIT} (hard {HARD_LIMIT})" in log, \
        daemon.log_tail()
    assert "is below the" not in log

    # Three deployments: from the second on, a rollout holds the actives and the candidates at once.
    for version in range(3):
        revision = workspace.commit(dict(GOOD, version=version))
        assert workspace.push().returncode == 0
        deployed = daemon.cli("deploy", revision, timeout=DEPLOY_DEADLINE_S)
        assert deployed.returncode == 0, f"deploy {version + 1} exited {deployed.returncode}:\n" \
            f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
        status = daemon.status()
        assert status["revision"] == revision
        assert all(instance["active"]["revision"] == revision for instance in status["instances"])
    assert "Too many open files" not in workspace.daemon_log.read_text()

    # Under a limit of twice what a rollout may hold with one more descriptor per bot, the daemon keeps each bot's
    # /proc/PID/statm open once a status has read its usage, and closes it at the bot's exit.
    def read_usages_are_held():
        read = {client["pid"] for client in clients(daemon.status()) if client.get("cpu_seconds") is not None}
        return len(read) >= INSTANCES and read <= statm_files_held(daemon.process.pid)
    wait_for(read_usages_are_held, 30, "the daemon to hold the statm file of each bot whose usage a status read")
    actives = {instance["active"]["pid"] for instance in daemon.status()["instances"]}
    revision = workspace.commit(dict(GOOD, version=3))
    assert workspace.push().returncode == 0
    assert daemon.cli("deploy", revision, timeout=DEPLOY_DEADLINE_S).returncode == 0, daemon.log_tail()
    wait_for(lambda: not statm_files_held(daemon.process.pid) & actives, 30,
             "the retired bots' statm files to be closed at their exits")

    bots = [client["pid"] for client in clients(daemon.status()) if (client.get("pid") or 0) > 1]
    assert len(bots) >= INSTANCES
    for pid in bots:
        assert open_files_limit(pid) == (SOFT_LIMIT, HARD_LIMIT), f"bot {pid}"


def test_a_hard_limit_below_what_a_rollout_may_hold_is_named_at_start(fleet):
    workspace, daemon = fleet((SOFT_LIMIT, SOFT_LIMIT))
    assert open_files_limit(daemon.process.pid) == (SOFT_LIMIT, SOFT_LIMIT)
    peak = 64 + INSTANCES * 3 * 2
    warning = (f"the open-files limit {SOFT_LIMIT} (hard {SOFT_LIMIT}) is below the {peak} descriptors a rollout "
               f"of {INSTANCES} instances may hold")
    wait_for(lambda: warning in workspace.daemon_log.read_text(), 10, "the warning about the open-files limit")
    assert "LimitNOFILE=" in workspace.daemon_log.read_text()
    assert "open-files limit raised" not in workspace.daemon_log.read_text()

    # The first deployment fits; the second, with the actives and the candidates at once, does not: it is rolled
    # back with a reason that names the limit, and the first revision keeps serving.
    first = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    assert daemon.cli("deploy", first, timeout=DEPLOY_DEADLINE_S).returncode == 0, daemon.log_tail()
    # A limit this tight has no room to hold each bot's /proc/PID/statm between the usage reads of a status.
    assert all(client.get("cpu_seconds") is not None for client in clients(daemon.status()))
    assert not statm_files_held(daemon.process.pid)
    second = workspace.commit(dict(GOOD, version=2))
    assert workspace.push().returncode == 0
    deployed = daemon.cli("deploy", second, timeout=DEPLOY_DEADLINE_S)
    assert deployed.returncode != 0
    entry = daemon.history(limit=1)[0]
    assert entry["revision"] == second and entry["outcome"] == "rolled-back", entry
    assert f"Too many open files (errno 24); the daemon's open-files limit is {SOFT_LIMIT} (hard {SOFT_LIMIT})" \
        in json.dumps(entry), entry
    status = daemon.status()
    assert all(instance["active"]["revision"] == first for instance in status["instances"]), status
