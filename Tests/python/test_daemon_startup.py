"""Starting `urban-robot serve` where it must not start: on listen addresses another
daemon holds, and on a state folder that ran a fleet but lost its database (and
starting over there on purpose). A second daemon on the same state folder, and an
empty or missing database beside a running fleet, are cases of the fault suite
(test_faults_state.py)."""

import shutil
import signal

import pytest

from daemon_harness import (DEPLOY_DEADLINE_S, GOOD, BotWorkspace, Daemon, binary, deadline, serve_once,
                            wait_for)

TEST_DEADLINE_S = 60


@pytest.fixture(autouse=True)
def test_deadline(request):
    """Bounds each test: SIGALRM fails it after its deadline."""
    with deadline(TEST_DEADLINE_S, request.node.name):
        yield


@pytest.fixture
def running(tmp_path):
    """A workspace with its daemon started; stopped (and its bots killed) at teardown."""
    workspace = BotWorkspace(tmp_path / "fleet")
    daemon = Daemon(workspace).start()
    yield workspace, daemon
    signal.alarm(0)
    daemon.stop_everything()


def test_a_second_daemon_on_taken_addresses_names_the_address(running, tmp_path):
    workspace, _ = running
    other = tmp_path / "other.toml"
    other.write_text(workspace.config.read_text().replace(str(workspace.state), str(tmp_path / "other-state")))
    second = serve_once(other)
    assert second.returncode != 0
    assert f"channel.listen 127.0.0.1:{workspace.channel_port}" in second.stderr, second.stderr
    assert "in use" in second.stderr


def test_a_state_folder_that_lost_its_database_is_refused_until_reset_on_purpose(tmp_path):
    workspace = BotWorkspace(tmp_path / "fleet")
    (workspace.state / "releases" / "0123abcd").mkdir(parents=True)
    (workspace.state / "logs" / "0").mkdir(parents=True)
    (workspace.state / "logs" / "0" / "old.log").write_text("an old bot's log\n")

    refused = serve_once(workspace.config)
    assert refused.returncode != 0
    assert "state.sqlite" in refused.stderr and "--reset-state" in refused.stderr, refused.stderr
    assert not (workspace.state / "state.sqlite").exists()

    daemon = Daemon(workspace)
    try:
        daemon.start_with("--reset-state")
        moved = [path.name for path in workspace.state.iterdir() if path.name.startswith("reset-")]
        assert len(moved) == 1, moved
        assert (workspace.state / moved[0] / "logs" / "0" / "old.log").read_text() == "an old bot's log\n"
        assert (workspace.state / moved[0] / "releases" / "0123abcd").is_dir()
    finally:
        daemon.stop_everything()


def test_a_missing_local_source_is_named_by_serve_and_by_deploy(running, tmp_path):
    workspace, daemon = running
    moved = tmp_path / "moved.git"
    workspace.source.rename(moved)
    deployed = daemon.cli("deploy", "main")
    assert deployed.returncode != 0
    output = deployed.stdout + deployed.stderr
    assert f"no folder {workspace.source}" in output and "unsupported URL protocol" not in output, output

    other = tmp_path / "other.toml"
    other.write_text(workspace.config.read_text().replace(str(workspace.state), str(tmp_path / "other-state")))
    second = serve_once(other)
    assert second.returncode != 0
    assert f"no folder {workspace.source}" in second.stderr, second.stderr


def test_a_daemon_installed_without_its_log_relay_says_where_it_belongs_and_still_relays(tmp_path):
    # `urban-robot` copied alone: each launch then starts the daemon's own binary as the log relay, which works
    # but costs tens of ms of CPU per launch; `serve` says so once, with the place the relay belongs.
    lone = tmp_path / "bin" / "urban-robot"
    lone.parent.mkdir()
    shutil.copy2(binary(), lone)
    workspace = BotWorkspace(tmp_path / "fleet")
    daemon = Daemon(workspace)
    daemon.binary = str(lone)
    try:
        daemon.start()
        warning = "urban-robot-log-relay is not installed beside this program"
        assert warning in workspace.daemon_log.read_text(), daemon.log_tail()
        assert str(lone.parent / "urban-robot-log-relay") in workspace.daemon_log.read_text(), daemon.log_tail()
        revision = workspace.commit(GOOD)
        assert workspace.push().returncode == 0
        deployed = daemon.cli("deploy", revision, timeout=DEPLOY_DEADLINE_S)
        assert deployed.returncode == 0, f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
        active = daemon.status()["instances"][0]["active"]["client"]
        log = workspace.state / "logs" / "0" / f"{active}.log"
        wait_for(lambda: f"[bot {active}] processing commands" in log.read_text(), 30,
                 "the bot's own lines in its log, through the relay")
    finally:
        signal.alarm(0)
        daemon.stop_everything()


def test_a_daemon_installed_with_its_log_relay_does_not_warn(running):
    workspace, _ = running
    assert "urban-robot-log-relay is not installed" not in workspace.daemon_log.read_text()
