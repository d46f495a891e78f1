"""End to end with the swarm launcher: `urban-robot serve` with `[launcher] kind = "swarm"` against the private
Docker engine of Scripts/docker-engine (started here when it is not running), the example bot unchanged in
containers (one Swarm service per client, one image per revision built by the daemon through the engine).
One scenario, so that the images are built once: v1 deployed (the image build's steps shown by `deploy` as they
come), v2 rolled out (canary, then the batch), a v3 that fails its gate rolled back to v2, a v4 whose canary crashes
in the bake handed back to v2's warm standby (no service started, no image built), a manual rollback to v1 that
rebuilds no image (measured), a daemon restart re-admitting the running containers (no service created), one
secret per service left.
"""

import json
import os
import subprocess
import time
import uuid

import pytest

from daemon_harness import BAD, GOOD, REPOSITORY_ROOT, BotWorkspace, Daemon, deadline, log_revisions, wait_for

SCENARIO_DEADLINE_S = 900
SWARM_DEPLOY_DEADLINE_S = 300


def engine_socket():
    """The engine's socket after `Scripts/docker-engine start`; skips (with the script's reason) without one."""
    if os.geteuid() != 0:
        pytest.skip("the swarm scenario needs root: Scripts/docker-engine starts a private dockerd")
    started = subprocess.run([str(REPOSITORY_ROOT / "Scripts" / "docker-engine"), "start"], capture_output=True,
                             text=True, timeout=600)
    if started.returncode != 0:
        pytest.skip(f"the private Docker engine could not start: {started.stderr.strip()[-500:]}")
    return started.stdout.strip().splitlines()[-1]


def engine_get(socket_path, path, filters=None):
    """GET on the engine's API (JSON), with `filters` as its filters parameter."""
    query = ["--data-urlencode", "filters=" + json.dumps(filters)] if filters else []
    answer = subprocess.run(["curl", "-sf", "--unix-socket", socket_path, "-G", f"http://engine/v1.41{path}", *query],
                            capture_output=True, text=True, timeout=30, check=True)
    return json.loads(answer.stdout)


def labelled(socket_path, kind, label):
    """The services, secrets or images (`images/json`) carrying `label`."""
    return engine_get(socket_path, f"/{kind}", {"label": [label]})


class SwarmWorkspace(BotWorkspace):
    """The e2e workspace with the swarm launcher: images `<repository>:<sha>` labelled with the fleet."""

    def __init__(self, root, socket_path):
        self.socket_path = socket_path
        self.repository = f"urban-robot-e2e-{uuid.uuid4().hex[:8]}"
        super().__init__(root)

    def _configuration(self, poll, secret_file):
        # Containers start slower than processes (the vfs storage driver copies the image for each one).
        text = super()._configuration(poll, secret_file).replace('identify_timeout = "15s"', 'identify_timeout = "90s"')
        # One release kept besides the protected ones, so that the scenario's retention removes v3's image.
        text = text.replace(f'dir = "{self.state}"', f'dir = "{self.state}"\nkeep_releases = 1')
        assert "keep_releases = 1" in text
        return text + f"""
[launcher]
kind = "swarm"

[swarm]
endpoint = "{self.socket_path}"
repository = "{self.repository}"
"""


@pytest.fixture
def swarm_fleet(tmp_path):
    socket_path = engine_socket()
    workspace = SwarmWorkspace(tmp_path / "fleet", socket_path)
    daemon = Daemon(workspace)
    yield workspace, daemon
    # The bots outlive the daemon (stop_with_daemon = false): their services, secrets and images are removed here.
    daemon.terminate()
    for service in labelled(socket_path, "services", f"urban-robot.fleet={workspace.repository}"):
        subprocess.run(["curl", "-sf", "-X", "DELETE", "--unix-socket", socket_path,
                        f"http://engine/v1.41/services/{service['ID']}"], capture_output=True, timeout=30)
    for secret in labelled(socket_path, "secrets", f"urban-robot.fleet={workspace.repository}"):
        subprocess.run(["curl", "-sf", "-X", "DELETE", "--unix-socket", socket_path,
                        f"http://engine/v1.41/secrets/{secret['ID']}"], capture_output=True, timeout=30)
    for image in labelled(socket_path, "images/json", f"urban-robot.fleet={workspace.repository}"):
        subprocess.run(["curl", "-sf", "-X", "DELETE", "--unix-socket", socket_path,
                        f"http://engine/v1.41/images/{image['Id']}?force=1"], capture_output=True, timeout=60)


def actives(status):
    """{instance: (client, revision)} of the actives serving."""
    return {i["instance"]: (i["active"]["client"], i["active"]["revision"]) for i in status["instances"]
            if i.get("active") and i["active"]["state"] == "serving"}


def service_ids(socket_path, fleet, revision=None):
    """The ids of the fleet's services (of `revision` only, when given)."""
    return sorted(s["ID"] for s in labelled(socket_path, "services", fleet)
                  if revision is None or s["Spec"]["Labels"]["urban-robot.revision"] == revision)


def fleet_revision(status):
    revisions = {instance["active"]["revision"] for instance in status["instances"] if instance.get("active")}
    return revisions.pop() if len(revisions) == 1 and len(status["instances"]) == 2 else None


@pytest.mark.longest
def test_swarm_fleet_rolls_out_rolls_back_a_bad_gate_and_a_manual_rollback_rebuilds_nothing(swarm_fleet):
    workspace, daemon = swarm_fleet
    socket_path = workspace.socket_path
    fleet = f"urban-robot.fleet={workspace.repository}"
    with deadline(SCENARIO_DEADLINE_S, "the swarm scenario"):
        daemon.start()
        timings = {}

        v1 = workspace.commit(GOOD)
        assert workspace.push().returncode == 0
        started = time.monotonic()
        deployed = daemon.cli("deploy", v1, timeout=SWARM_DEPLOY_DEADLINE_S)
        timings["deploy v1 (build + 2 containers)"] = time.monotonic() - started
        assert deployed.returncode == 0, f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
        status = daemon.status()
        assert fleet_revision(status) == v1
        assert "build: Step 1/" in deployed.stdout, f"the image build's steps are shown:\n{deployed.stdout}"
        # Where each client runs: its node and task (and container), never the container's pid on its node.
        for client in (instance["active"] for instance in status["instances"]):
            assert client["node"] and client["task"] and client["container"] and client["pid"] is None, client
        services = labelled(socket_path, "services", fleet)
        assert sorted(s["Spec"]["Labels"]["urban-robot.instance"] for s in services) == ["0", "1"]
        assert {s["Spec"]["Labels"]["urban-robot.revision"] for s in services} == {v1}
        env = services[0]["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"]
        assert not any(e.startswith("URBAN_ROBOT_KEY=") for e in env), "the key is a secret, not a variable"
        assert not any("e2e-token" in e for e in env), "the Discord token never reaches a container's environment"
        v1_image = engine_get(socket_path, f"/images/{workspace.repository}:{v1}/json")
        assert v1_image["Config"]["Labels"]["urban-robot.revision"] == v1

        v2 = workspace.commit(GOOD)
        assert workspace.push().returncode == 0
        started = time.monotonic()
        deployed = daemon.cli("deploy", v2, timeout=SWARM_DEPLOY_DEADLINE_S)
        timings["deploy v2 (canary, batch)"] = time.monotonic() - started
        assert deployed.returncode == 0, f"{deployed.stdout}{deployed.stderr}\n{daemon.log_tail()}"
        assert fleet_revision(daemon.status()) == v2

        v3 = workspace.commit(BAD)
        assert workspace.push().returncode == 0
        started = time.monotonic()
        failed = daemon.cli("deploy", v3, timeout=SWARM_DEPLOY_DEADLINE_S)
        timings["deploy v3, gate failure rolled back"] = time.monotonic() - started
        assert failed.returncode != 0, f"{failed.stdout}{failed.stderr}"
        wait_for(lambda: fleet_revision(daemon.status()) == v2, 60, "the fleet back on v2")

        # A crash in the canary's bake: instance 0 goes back to its warm standby, the v2 container that served
        # before (no service started for it, no image built).
        serving = actives(daemon.status())
        v2_services = service_ids(socket_path, fleet, v2)
        v2_image = engine_get(socket_path, f"/images/{workspace.repository}:{v2}/json")
        v4 = workspace.commit({**GOOD, "crash_after_promotion": 0.5})
        assert workspace.push().returncode == 0
        started = time.monotonic()
        crashed = daemon.cli("deploy", v4, timeout=SWARM_DEPLOY_DEADLINE_S)
        timings["deploy v4, crash in the bake back to the standby"] = time.monotonic() - started
        assert crashed.returncode != 0, f"{crashed.stdout}{crashed.stderr}"
        assert daemon.history(limit=1)[0]["outcome"] == "rolled-back"
        wait_for(lambda: actives(daemon.status()) == serving, 60, f"the v2 clients {serving} serving again")
        assert service_ids(socket_path, fleet, v2) == v2_services, "the standby came back: no v2 service started"
        again = engine_get(socket_path, f"/images/{workspace.repository}:{v2}/json")
        assert (again["Id"], again["Created"]) == (v2_image["Id"], v2_image["Created"]), "no image was rebuilt"

        started = time.monotonic()
        rolled = daemon.cli("rollback", "--to", v1, timeout=SWARM_DEPLOY_DEADLINE_S)
        timings["manual rollback to v1"] = time.monotonic() - started
        assert rolled.returncode == 0, f"{rolled.stdout}{rolled.stderr}\n{daemon.log_tail()}"
        assert fleet_revision(daemon.status()) == v1
        again = engine_get(socket_path, f"/images/{workspace.repository}:{v1}/json")
        assert again["Id"] == v1_image["Id"] and again["Created"] == v1_image["Created"], "no image was rebuilt"
        build_log = (workspace.state / "logs" / "build" / f"{v1}.log").read_text()
        assert build_log.count(" build ") == 1, build_log

        # Retention after the rollback's success (keep_releases = 1): v3's release and image go (bad, not among the
        # newest kept, nothing runs it); v1 (the actives, last good) and v2 (the standbys) stay.
        # The engine's builder commits one step per build label, so the fleet's label alone marks a build's
        # intermediate image too: it is listed while a build runs, or for a moment while a removal deletes it as the
        # removed image's parent. Release images carry the revision's label as well.
        def fleet_images():
            return labelled(socket_path, "images/json", f"urban-robot.fleet={workspace.repository}")

        def image_ids():
            return {image["Labels"]["urban-robot.revision"]
                    for image in fleet_images() if "urban-robot.revision" in image["Labels"]}
        wait_for(lambda: v3 not in image_ids(), 120, "retention to remove v3's image")
        assert {v1, v2} <= image_ids(), image_ids()
        wait_for(lambda: all("urban-robot.revision" in image["Labels"] for image in fleet_images()), 60,
                 "no intermediate image of a removed release left behind")
        assert not (workspace.state / "releases" / v3).exists(), "v3's release is removed with its image"
        # Its logs go with it: the launch logs (the forwarded output of its containers) and its build log.
        build_logs = workspace.state / "logs" / "build"
        wait_for(lambda: v3 not in log_revisions(workspace.state) and not (build_logs / f"{v3}.log").exists(), 30,
                 "retention to remove v3's launch and build logs")
        assert {v1, v2} <= log_revisions(workspace.state) and (build_logs / f"{v1}.log").exists()

        # The standbys the rollback left are stopped after it answered: then one service and one secret per
        # instance remain.
        wait_for(lambda: (len(labelled(socket_path, "services", fleet)), len(labelled(socket_path, "secrets", fleet)))
                 == (2, 2), 60, "one service and one secret per instance, none left behind by a removed one")

        # A daemon restart: the containers outlive the daemon and the next one re-admits them, starting none.
        serving = actives(daemon.status())
        services = service_ids(socket_path, fleet)
        exit_status, _ = daemon.terminate()
        assert exit_status == 0, daemon.log_tail()
        assert service_ids(socket_path, fleet) == services, "the bots outlive the daemon"
        started = time.monotonic()
        daemon.start()
        wait_for(lambda: actives(daemon.status()) == serving, 120, f"the restarted daemon to re-admit {serving}")
        timings["daemon restart, containers re-admitted"] = time.monotonic() - started
        assert service_ids(socket_path, fleet) == services, "no service was created"
        print("swarm scenario timings (s): " + json.dumps({k: round(v, 1) for k, v in timings.items()}))
