"""End to end: `urban-robot serve` and the CLI as processes, the example bot in
--simulate mode, a real bare repository with the post-receive hook, the GitHub
webhook, the poll trigger, the admin API's authentication, a daemon restart
that re-admits its bots, and the demo. Black box: only the CLI, the admin API,
git and the processes' pids are looked at.
"""

import hashlib
import hmac
import json
import os
import re
import signal
import struct
import subprocess
import time
import uuid

import pytest

from daemon_harness import (BAD, DEPLOY_DEADLINE_S, GOOD, BotWorkspace, Daemon, binary, clients, deadline, git,
                            is_alive, is_running, log_revisions, wait_for)


TEST_DEADLINE_S = 60
DEMO_DEADLINE_S = 200


@pytest.fixture(autouse=True)
def test_deadline(request):
    """Bounds each test (setup and call): SIGALRM fails it after its deadline."""
    seconds = DEMO_DEADLINE_S if request.node.get_closest_marker("demo") else TEST_DEADLINE_S
    with deadline(seconds, request.node.name):
        yield


@pytest.fixture
def make_fleet(tmp_path):
    """Makes a workspace and starts its daemon; with `deploy_first`, v1 (good) is pushed and
    deployed by hand first; `configure` changes the configuration's text before the daemon starts. Stops every
    daemon and kills every bot at teardown."""
    daemons = []

    def make(poll="0s", webhook_secret=None, deploy_first=True, stop_with_daemon=False, configure=None):
        workspace = BotWorkspace(tmp_path / f"fleet{len(daemons)}", poll=poll, webhook_secret=webhook_secret,
                                 stop_with_daemon=stop_with_daemon)
        if configure:
            workspace.config.write_text(configure(workspace.config.read_text()))
        daemon = Daemon(workspace)
        daemons.append(daemon)
        daemon.start()
        if deploy_first:
            workspace.first = workspace.commit(GOOD)
            assert workspace.push().returncode == 0
            deployed = daemon.cli("deploy", workspace.first, timeout=DEPLOY_DEADLINE_S)
            assert deployed.returncode == 0, f"deploy of a good v1 exited {deployed.returncode}:\n" \
                f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
            assert_fleet_on(daemon.status(), workspace.first, 2)
        return workspace, daemon

    yield make
    signal.alarm(0)  # the teardown below must run to its end, whatever the test's deadline
    for daemon in daemons:
        daemon.stop_everything()


def assert_fleet_on(status, revision, instances):
    """The whole fleet is active on `revision`, with nothing left in standby or candidate."""
    assert status["revision"] == revision, json.dumps(status, indent=1)
    assert len(status["instances"]) == instances
    for instance in status["instances"]:
        assert instance.get("active") is not None, json.dumps(status, indent=1)
        assert instance["active"]["revision"] == revision
        assert instance.get("standby") is None and instance.get("candidate") is None, json.dumps(status, indent=1)


def remote_lines(push):
    """The hook's lines of a `git push` (stderr lines starting with "remote:")."""
    return [line[len("remote:"):].strip() for line in push.stderr.splitlines() if line.startswith("remote:")]


def first_index(lines, pattern):
    """The index of the first line matching `pattern`; fails when none does."""
    for index, line in enumerate(lines):
        if re.search(pattern, line):
            return index
    raise AssertionError(f"no line matches {pattern!r}:\n" + "\n".join(lines))


def test_push_with_the_hook_rolls_out_canary_first(make_fleet):
    workspace, daemon = make_fleet()
    installed = daemon.cli("hook", "install", str(workspace.source))
    assert installed.returncode == 0, installed.stderr
    second = workspace.commit(GOOD)

    push = workspace.push()

    assert push.returncode == 0, push.stderr
    lines = remote_lines(push)
    text = "\n".join(lines)
    assert any("deploying" in line and second[:12] in line for line in lines), text
    # Canary first, one line per wave: instance 0's new client passes its gate, is handed over and bakes before
    # instance 1's wave; then the watch, and a summary with the revision and the waves.
    canary = first_index(lines, r"^wave 1/2: shard-0\.\d+ passed its gate \(\d+s\), handed over; baking \d+s$")
    second_wave = first_index(lines, r"^wave 2/2: shard-1\.\d+ passed its gate \(\d+s\), handed over")
    watch = first_index(lines, r"^Watching the whole fleet for ")
    summary = first_index(lines, rf"^deployment #\d+ succeeded \({second[:12]}, 2/2 waves, \d+s\)$")
    assert canary < second_wave < watch < summary, text
    # Without --verbose the pusher reads a few lines, not every event.
    assert not any(line.startswith(("Launch of", "Starting shard-", "Handover of")) for line in lines), text
    assert len(lines) <= 10, text
    assert lines[-1] == f"urban-robot: SUCCESS: {second[:12]} is deployed to the whole fleet", text
    status = daemon.status()
    assert_fleet_on(status, second, 2)
    newest = daemon.history()[0]
    assert (newest["revision"], newest["trigger"], newest["outcome"]) == (second, "push", "succeeded")

    table = daemon.cli("status")
    assert table.returncode == 0, table.stderr
    for client in clients(status):
        assert client["client"] in table.stdout, table.stdout
    assert second[:7] in table.stdout, table.stdout
    history = daemon.cli("history")
    assert history.returncode == 0, history.stderr
    assert second[:7] in history.stdout and "succeeded" in history.stdout and "push" in history.stdout, \
        history.stdout


def test_status_json_writes_every_role_key(make_fleet):
    _, daemon = make_fleet()
    status = daemon.status()
    for instance in status["instances"]:
        assert {"instance", "active", "standby", "candidate"} <= instance.keys(), instance
    assert clients(status), json.dumps(status, indent=1)
    for client in clients(status):
        assert {"client", "revision", "pid", "state", "epoch", "since", "heartbeat",
                "restarts", "rss_bytes", "cpu_seconds", "launched_at"} <= client.keys(), client
        heartbeat = client["heartbeat"]
        assert heartbeat is None or (set(heartbeat) == {"at", "stats"} and isinstance(heartbeat["stats"], dict)), \
            client

    def beating():
        # The example bot sends its first heartbeat right after hello, with simulated guilds and latency.
        current = daemon.status()
        actives = [instance["active"] for instance in current["instances"]]
        return current if all(active and active["heartbeat"] for active in actives) else None

    for instance in wait_for(beating, 20, "every active's heartbeat in status --json")["instances"]:
        active = instance["active"]
        assert active["heartbeat"]["stats"]["guilds"] == 1500, instance
        # Nothing restarted; the process's memory, CPU time and start time come from /proc.
        assert active["restarts"] == 0 and active["rss_bytes"] > 1_000_000 and active["cpu_seconds"] >= 0, active
        assert active["launched_at"] and active["launched_at"] <= active["heartbeat"]["at"], active
    table = daemon.cli("status")
    assert table.returncode == 0 and "HEARTBEAT" in table.stdout and " ago" in table.stdout, table.stdout


def test_bad_push_is_rolled_back_and_the_fleet_keeps_serving(make_fleet):
    workspace, daemon = make_fleet()
    assert daemon.cli("hook", "install", str(workspace.source)).returncode == 0
    # With urban-robot.verbose the hook streams every event.
    git("config", "urban-robot.verbose", "true", cwd=workspace.source)
    bad = workspace.commit(BAD)

    push = workspace.push()

    assert push.returncode == 0, push.stderr
    lines = remote_lines(push)
    assert lines[-1].startswith(f"urban-robot: FAILED: {bad[:12]} was not deployed"), "\n".join(lines)
    assert "Launch of instance 0 queued." in lines and "Rolling back." in lines, "\n".join(lines)
    status = daemon.status()
    assert_fleet_on(status, workspace.first, 2)
    newest = daemon.history()[0]
    assert (newest["revision"], newest["trigger"], newest["outcome"]) == (bad, "push", "rolled-back")
    assert "health_check_failure" in newest["reason"], newest


def test_push_of_a_syntax_error_shows_the_traceback(make_fleet):
    workspace, daemon = make_fleet()
    assert daemon.cli("hook", "install", str(workspace.source)).returncode == 0
    bot = workspace.work / "bot.py"
    bot.write_text("def broken(:\n" + bot.read_text())
    broken = workspace.commit(GOOD)

    push = workspace.push()

    assert push.returncode == 0, push.stderr
    lines = remote_lines(push)
    text = "\n".join(lines)
    log_heading = first_index(lines, r"^the last \d+ lines of the log of shard-0\.\d+ \(instance 0\):$")
    assert first_index(lines, r"^\| SyntaxError: ") > log_heading, text
    assert any(re.search(r"^\| +def broken\(:$", line) for line in lines), text
    assert lines[-1].startswith(f"urban-robot: FAILED: {broken[:12]} was not deployed"), text
    assert_fleet_on(daemon.status(), workspace.first, 2)


def test_deploy_exit_code_says_whether_the_deployment_succeeded(make_fleet):
    workspace, daemon = make_fleet()
    bad = workspace.commit(BAD)
    assert workspace.push().returncode == 0

    refused = daemon.cli("deploy", bad, timeout=DEPLOY_DEADLINE_S)

    assert refused.returncode != 0, refused.stdout
    newest = daemon.history()[0]
    assert (newest["revision"], newest["trigger"], newest["outcome"]) == (bad, "cli", "rolled-back")
    assert_fleet_on(daemon.status(), workspace.first, 2)

    good = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    deployed = daemon.cli("deploy", good, "--verbose", timeout=DEPLOY_DEADLINE_S)

    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert_fleet_on(daemon.status(), good, 2)
    # --verbose prints every event, as the daemon wrote it.
    verbose = deployed.stdout.splitlines()
    for pattern in (r"^Launch of instance 0 queued\.$", r"^shard-1\.\d+ passed its gate\.$", r"^Handover of shard-1\.\d+ committed\.$",
                    r"^Baking wave 1\.$"):
        assert any(re.search(pattern, line) for line in verbose), deployed.stdout
    assert re.search(rf"^deployment #\d+ succeeded \({good[:12]}, 2/2 waves, \d+s\)$", deployed.stdout, re.M), deployed.stdout


def log_checkpointed_to_its_end(state):
    """Whether every frame of state.sqlite's write-ahead log is in the database: in the log index (state.sqlite-shm,
    https://sqlite.org/walformat.html) the checkpoint's nBackfill (offset 96) has reached the header's mxFrame
    (offset 16), both in the machine's byte order."""
    index = (state / "state.sqlite-shm").read_bytes()[:100]
    return len(index) == 100 and struct.unpack("=I", index[16:20]) == struct.unpack("=I", index[96:100])


def test_the_state_databases_log_starts_over_after_each_deployment(make_fleet):
    # The write-ahead log of state.sqlite grew by every deployment's writes (334 MB after 15 rollouts of 200 shards)
    # when it was only checkpointed every 64 commits: once the daemon is idle it is checkpointed to its end, and the
    # next deployment writes it from its beginning again.
    workspace, daemon = make_fleet()
    wal = workspace.state / "state.sqlite-wal"
    sizes = []
    for version in range(4):
        wait_for(lambda: log_checkpointed_to_its_end(workspace.state), 30, "the log checkpointed to its end")
        revision = workspace.commit(dict(GOOD, version=version))
        assert workspace.push().returncode == 0
        assert daemon.cli("deploy", revision, timeout=DEPLOY_DEADLINE_S).returncode == 0, daemon.log_tail()
        sizes.append(wal.stat().st_size)
    assert_fleet_on(daemon.status(), revision, 2)
    # Each deployment writes about the same: the file holds one of them, not four.
    assert sizes[0] > 0 and max(sizes) < 2 * min(sizes), sizes


def test_release_retention_takes_the_logs_of_the_releases_it_removes(make_fleet):
    # One release kept besides the protected ones (the revisions clients run, the newest good and the one before),
    # and no standbys, so that v1 is no longer protected once v3 is deployed and none of its processes runs.
    def configure(text):
        text = text.replace('\n[state]\n', '\n[state]\nkeep_releases = 1\n').replace(
            '\n[rollout]\n', '\n[rollout]\nkeep_standby = false\n')
        assert "keep_releases = 1" in text and "keep_standby = false" in text
        return text
    workspace, daemon = make_fleet(configure=configure)
    v1 = workspace.first
    assert log_revisions(workspace.state) == {v1}
    deployed = []
    for _ in range(2):
        revision = workspace.commit(GOOD)
        assert workspace.push().returncode == 0
        done = daemon.cli("deploy", revision, timeout=DEPLOY_DEADLINE_S)
        assert done.returncode == 0, done.stdout + done.stderr
        deployed.append(revision)
    v2, v3 = deployed

    wait_for(lambda: not (workspace.state / "releases" / v1).exists(), 30, "retention to remove v1's release")
    wait_for(lambda: v1 not in log_revisions(workspace.state), 30, "retention to remove v1's logs")
    assert log_revisions(workspace.state) == {v2, v3}
    # The logs of the fleet's clients are still there to read.
    for instance in (0, 1):
        read = daemon.cli("logs", str(instance), "-n", "1000")
        assert read.returncode == 0 and v3 in read.stdout, read.stdout + read.stderr


def signed_delivery(secret, body, delivery, signature=True, event="push"):
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": delivery}
    if signature is True:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = f"sha256={digest}"
    elif signature:
        headers["X-Hub-Signature-256"] = signature
    return headers


def push_payload(revision, branch="main"):
    return json.dumps({"ref": f"refs/heads/{branch}", "before": "0" * 40, "after": revision,
                       "head_commit": {"id": revision, "message": "a push"}}).encode()


def test_github_webhook_checks_the_signature_and_ignores_replays(make_fleet):
    secret = "e2e-webhook-secret"
    workspace, daemon = make_fleet(webhook_secret=secret)
    second = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    body = push_payload(second)
    delivery = str(uuid.uuid4())

    answer = daemon.request("POST", "/hooks/github", data=body, headers=signed_delivery(secret, body, delivery))

    assert answer.status_code == 200, answer.text
    deployment_id = answer.json()["deployment"]
    entry = daemon.wait_for_deployment(deployment_id - 1, revision=second, trigger="webhook")
    assert (entry["id"], entry["outcome"]) == (deployment_id, "succeeded"), entry
    assert_fleet_on(daemon.status(), second, 2)

    third = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    body = push_payload(third)
    before = daemon.newest_id()
    bad_signature = "sha256=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    forged = daemon.request("POST", "/hooks/github", data=body,
                            headers=signed_delivery(secret, body, str(uuid.uuid4()), signature=bad_signature))
    missing = daemon.request("POST", "/hooks/github", data=body,
                             headers=signed_delivery(secret, body, str(uuid.uuid4()), signature=None))
    replayed = daemon.request("POST", "/hooks/github", data=body, headers=signed_delivery(secret, body, delivery))

    assert forged.status_code == 401, forged.text
    assert missing.status_code == 401, missing.text
    assert replayed.status_code == 200 and "ignored" in replayed.json(), replayed.text
    assert daemon.newest_id() == before
    assert daemon.status()["revision"] == second


def test_poll_trigger_deploys_new_tips(make_fleet):
    workspace, daemon = make_fleet(poll="1s", deploy_first=False)
    first = workspace.commit(GOOD)
    assert workspace.push().returncode == 0

    entry = daemon.wait_for_deployment(0, revision=first, trigger="poll")

    assert entry["outcome"] == "succeeded", entry
    second = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    entry = daemon.wait_for_deployment(entry["id"], revision=second, trigger="poll")
    assert entry["outcome"] == "succeeded", entry
    assert_fleet_on(daemon.status(), second, 2)


def test_admin_api_needs_the_token(make_fleet):
    workspace, daemon = make_fleet()
    second = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    history = daemon.history()
    request = {"revision": second, "trigger": "cli", "force": False, "immediate": False, "who": "e2e"}

    for token in (None, "not-the-token"):
        assert daemon.request("GET", "/v1/status", token=token).status_code == 401
        answer = daemon.request("POST", "/v1/deployments", token=token, json=request)
        assert answer.status_code == 401, answer.text
        assert answer.json() == {"error": "unauthorized"}
    assert daemon.history() == history

    token = daemon.admin_token()
    status = daemon.request("GET", "/v1/status", token=token)
    assert status.status_code == 200
    assert status.json()["revision"] == workspace.first
    accepted = daemon.request("POST", "/v1/deployments", token=token, json=request)
    assert accepted.status_code == 202, accepted.text
    entry = daemon.wait_for_deployment(accepted.json()["id"] - 1, revision=second, trigger="cli")
    assert entry["outcome"] == "succeeded", entry


def test_logs_refuse_paths_and_read_the_files_when_the_daemon_is_down(make_fleet):
    workspace, daemon = make_fleet()
    outside = workspace.root / "outside.log"
    outside.write_text("not a bot's log\n")
    token = daemon.admin_token()
    for client in ("../../../outside", "../../../../../../../../etc/hostname"):
        answer = daemon.request("GET", "/v1/logs/0", token=token, params={"client": client})
        assert answer.status_code == 400, answer.text
        assert "is not a client of instance 0" in answer.json()["error"], answer.text
    active = daemon.status()["instances"][0]["active"]["client"]
    online = daemon.cli("logs", "0", "-n", "3")
    assert online.returncode == 0 and online.stdout, online.stderr

    exit_status, _ = daemon.terminate()
    assert exit_status == 0, daemon.log_tail()

    offline = daemon.cli("logs", "0", "-n", "3")
    assert offline.returncode == 0, offline.stderr
    assert "the daemon does not answer; reading the logs in" in offline.stderr, offline.stderr
    assert offline.stdout.splitlines()[-3:] == (workspace.state / "logs" / "0" / f"{active}.log").read_text().splitlines()[-3:]
    named = daemon.cli("logs", "0", "--client", active, "-n", "1")
    assert named.returncode == 0 and named.stdout.strip(), named.stderr
    climbing = daemon.cli("logs", "0", "--client", "../../../outside")
    assert climbing.returncode != 0 and "not a client of instance 0" in climbing.stderr, climbing.stderr
    assert "not a bot's log" not in climbing.stdout


def test_sigterm_leaves_the_bots_running_and_a_new_daemon_readmits_them(make_fleet):
    workspace, daemon = make_fleet()
    before = daemon.status()
    fleet = {instance["instance"]: (instance["active"]["client"], instance["active"]["pid"])
             for instance in before["instances"]}

    exit_status, seconds = daemon.terminate()

    assert exit_status == 0, daemon.log_tail()
    assert seconds < 15, f"the daemon took {seconds:.1f} s to stop"
    assert all(is_alive(pid) for _, pid in fleet.values()), fleet

    daemon.start()

    def readmitted():
        status = daemon.status()
        found = {instance["instance"]: (instance["active"]["client"], instance["active"]["pid"])
                 for instance in status["instances"] if instance.get("active") is not None
                 and instance["active"]["state"] == "serving"}
        return status if found == fleet else None

    status = wait_for(readmitted, 30, f"the restarted daemon to re-admit {fleet}")
    assert status["revision"] == workspace.first
    second = workspace.commit(GOOD)
    assert workspace.push().returncode == 0
    deployed = daemon.cli("deploy", second, timeout=DEPLOY_DEADLINE_S)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert_fleet_on(daemon.status(), second, 2)


def test_sigterm_with_stop_with_daemon_stops_the_bots_and_a_new_daemon_starts_them_again(make_fleet):
    workspace, daemon = make_fleet(stop_with_daemon=True)
    before = daemon.status()
    pids = [instance["active"]["pid"] for instance in before["instances"]]

    exit_status, _ = daemon.terminate()

    assert exit_status == 0, daemon.log_tail()
    wait_for(lambda: not any(is_running(pid) for pid in pids), 30, f"the bots {pids} to be gone")

    daemon.start()

    def serving_again():
        status = daemon.status()
        found = [instance["active"]["pid"] for instance in status["instances"]
                 if instance.get("active") is not None and instance["active"]["state"] == "serving"]
        return status if len(found) == 2 and not set(found) & set(pids) else None

    status = wait_for(serving_again, 60, "the restarted daemon to start the fleet again")
    assert_fleet_on(status, workspace.first, 2)
    assert status["revision"] == workspace.first


def test_sigkill_with_stop_with_daemon_takes_the_bots_down(make_fleet):
    _, daemon = make_fleet(stop_with_daemon=True)
    pids = [instance["active"]["pid"] for instance in daemon.status()["instances"]]
    assert all(is_alive(pid) for pid in pids)

    daemon.process.kill()
    daemon.process.wait()

    wait_for(lambda: not any(is_running(pid) for pid in pids), 30, f"the bots {pids} to die with the daemon")


@pytest.mark.demo
def test_demo_runs_green(tmp_path):
    environment = dict(os.environ, TMPDIR=str(tmp_path))
    started = time.monotonic()
    demo = subprocess.run([binary(), "demo"], capture_output=True, text=True, timeout=180, env=environment)

    assert demo.returncode == 0, demo.stdout[-4000:] + demo.stderr[-4000:]
    assert "The demo went as told" in demo.stdout, demo.stdout[-4000:]
    assert time.monotonic() - started < 180
