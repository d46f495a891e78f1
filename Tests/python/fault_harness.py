"""Harness of the fault suite: a workspace whose bot is the fault test bot
(fault_bot.py, beside the example bot's channel client) with short timings, a
daemon that can be SIGKILLed and restarted on the same state folder and ports,
the bot processes of the workspace found in /proc (by their URBAN_ROBOT_*
environment), and the invariants that must hold after every recovery.
"""

import errno
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import threading
from pathlib import Path

from daemon_harness import GOOD, START_DEADLINE_S, BotWorkspace, Daemon, clients, is_running, wait_for

HERE = Path(__file__).resolve().parent
RECOVERY_DEADLINE_S = 60
TERMINAL = {"succeeded", "rolled-back", "aborted", "failed"}

# Short timings: bake and watch of a few seconds, a long coma timeout so that a bot holding at `coma` holds the
# handover, a short health-check timeout for the SIGSTOP cases.
FAULT_SETTINGS = {
    "command": '["python3", "fault_bot.py"]',
    "check_timeout": '"5s"',
    "bake": '"3s"',
    "watch": '"3s"',
    "coma_timeout": '"20s"',
    "stop_grace": '"2s"',
    "kill_grace": '"1s"',
    "identify_spacing": '"50ms"',
}


class FaultWorkspace(BotWorkspace):
    """A bot workspace running fault_bot.py, with `settings` (TOML values by key) over FAULT_SETTINGS,
    `channel` and `rollout` keys (e.g. ping_interval, max_auto_rollbacks) added to their sections, and the daemon
    fetching from `source_url` (default: the bare repository's path)."""

    def __init__(self, root, settings=None, channel=None, rollout=None, source_url=None):
        super().__init__(root)
        self.faults = self.root / "faults"
        self.faults.mkdir()
        shutil.copy(HERE / "fault_bot.py", self.work / "fault_bot.py")
        text = self.config.read_text()
        for key, value in {**FAULT_SETTINGS, **(settings or {})}.items():
            text, count = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.MULTILINE)
            assert count == 1, f"the configuration has no single `{key}`"
        for section, keys in (("channel", channel), ("rollout", rollout)):
            extra = "".join(f"{key} = {value}\n" for key, value in (keys or {}).items())
            text = text.replace(f"[{section}]\n", f"[{section}]\n" + extra)
        if source_url:
            text = text.replace(f'url = "{self.source}"', f'url = "{source_url}"')
        self.config.write_text(text)

    def commit_fault(self, pause=None, shards=None, pauses=None, failures=None, processing=False):
        """Commits a revision whose bots hold at `pause` (on `shards`, default all), or at each step of `pauses`
        (step -> shards or None for all), and fail as `failures` says (mode -> shards or None, see fault_bot.py),
        keeping `processing-<pid>` markers when `processing`; returns its id."""
        steps = dict(pauses or {})
        if pause:
            steps[pause] = shards
        fault = {"dir": str(self.faults), "pauses": steps, "failures": failures or {}, "processing": processing}
        (self.work / "fault.json").write_text(json.dumps(fault) + "\n")
        revision = self.commit(GOOD)
        assert self.push().returncode == 0
        return revision

    def reached(self, step):
        """The pids of the bots holding at `step` (their marker files)."""
        return [int(path.read_text()) for path in self.faults.glob(f"reached-{step}-*")]

    def release(self):
        """Lets every holding bot go on."""
        (self.faults / "release").write_text("go\n")


class FaultDaemon(Daemon):
    """The daemon, which a test may SIGKILL and start again on the same workspace. With `tmpfs` (folder, size) it
    runs in a private mount namespace where a tmpfs of that size is mounted on the folder (which must exist): a small
    disk that only the daemon and its bots see (`inside` names a path as they see it)."""

    def __init__(self, workspace, environment=None, tmpfs=None):
        super().__init__(workspace, environment)
        self.tmpfs = tmpfs

    def serve_command(self, arguments):
        command = super().serve_command(arguments)
        if not self.tmpfs:
            return command
        folder, size = self.tmpfs
        return ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                'mount -t tmpfs -o "size=$0" tmpfs "$1" && shift && exec "$@"', size, str(folder), *command]

    def inside(self, path):
        """`path` as the daemon sees it (through /proc/PID/root, which resolves in its mount namespace)."""
        return Path(f"/proc/{self.process.pid}/root") / Path(path).relative_to("/")

    def kill(self):
        """SIGKILL, as a crash or an OOM kill would; returns when it is gone."""
        self.status_pids_before_kill()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=START_DEADLINE_S)

    def status_pids_before_kill(self):
        # Every pid the daemon knew, for the teardown; a failed status (the daemon is busy) is no harm.
        try:
            self.status()
        except (RuntimeError, ValueError, OSError):
            pass

    def request_deployment(self, revision):
        """`POST /v1/deployments` as the CLI does without waiting; returns the id."""
        answer = self.request("POST", "/v1/deployments", token=self.admin_token(),
                              json={"revision": revision, "trigger": "cli", "who": "fault-suite"})
        assert answer.status_code == 202, f"{answer.status_code} {answer.text}"
        return answer.json()["id"]

    def deployment(self, id):
        answer = self.request("GET", f"/v1/deployments/{id}", token=self.admin_token())
        assert answer.status_code == 200, f"{answer.status_code} {answer.text}"
        return answer.json()

    def channel_sessions(self):
        """The `urban_robot_channel_sessions` gauge of `/metrics`."""
        answer = self.request("GET", "/metrics", token=self.admin_token())
        assert answer.status_code == 200, f"{answer.status_code} {answer.text}"
        found = re.search(r"^urban_robot_channel_sessions(?:\{\})? (\S+)$", answer.text, re.MULTILINE)
        assert found, f"no urban_robot_channel_sessions in /metrics:\n{answer.text[:2000]}"
        return int(float(found.group(1)))

    def phase(self):
        """The running deployment's (phase, wave), or None."""
        deployment = self.status().get("deployment")
        return (deployment["phase"], deployment["wave"]) if deployment else None


def tmpfs_refusal(folder):
    """Why a tmpfs cannot be mounted in a private mount namespace here (None when it can)."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                            'mount -t tmpfs -o size=1m tmpfs "$0"', str(folder)],
                           capture_output=True, text=True, timeout=START_DEADLINE_S)
    return None if probe.returncode == 0 else f"no tmpfs in a private mount namespace: {probe.stderr.strip()}"


def fill(path):
    """Writes zeros to `path` until its file system is full."""
    chunk = bytes(1 << 16)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            os.write(descriptor, chunk)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
    finally:
        os.close(descriptor)


def bot_processes(workspace):
    """The running bot processes of `workspace`: {pid: (shard, client)}, from /proc (URBAN_ROBOT_URL names the
    workspace's channel port)."""
    url = f"http://127.0.0.1:{workspace.channel_port}"
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "environ").read_bytes()
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
        environment = dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)
        if environment.get("URBAN_ROBOT_URL") == url and is_running(int(entry.name)):
            found[int(entry.name)] = (int(environment.get("URBAN_ROBOT_SHARD", "-1")),
                                      environment.get("URBAN_ROBOT_INSTANCE"))
    return found


def recovered(daemon, workspace, revision, instances):
    """None while the recovery runs; else a list of the invariants that do not hold (empty: all hold):
    idle, every shard with exactly one active on `revision` in status, and as many channel
    sessions as shards (each active connected to this daemon), one bot process in /proc (its pid), no other bot process."""
    status = daemon.status()
    if status["state"] != "idle" or status.get("deployment"):
        return None
    problems = []
    processes = bot_processes(workspace)
    known = {client["pid"] for client in clients(status)}
    for instance in status["instances"]:
        shard = instance["instance"]
        active = instance.get("active")
        if not active or active["revision"] != revision or active["state"] != "serving":
            problems.append(f"shard {shard}: active {active and (active['revision'][:8], active['state'])}, "
                            f"not serving {revision[:8]}")
        if instance.get("candidate") or instance.get("standby"):
            problems.append(f"shard {shard}: a candidate or standby is left")
        running = [pid for pid, (number, _) in processes.items() if number == shard]
        if len(running) != 1 or (active and running != [active["pid"]]):
            problems.append(f"shard {shard}: bot processes {running}, status active pid {active and active['pid']}")
    sessions = daemon.channel_sessions()
    if sessions != instances:
        problems.append(f"{sessions} channel sessions, not one per shard")
    if len(status["instances"]) != instances:
        problems.append(f"{len(status['instances'])} instances in status, not {instances}")
    orphans = {pid: client for pid, client in processes.items() if pid not in known}
    if orphans:
        problems.append(f"orphan bot processes (not in status): {orphans}")
    return problems


def assert_recovered(daemon, workspace, revision, instances=2, deadline_s=RECOVERY_DEADLINE_S):
    """Waits until the fleet is idle and settled, then asserts every invariant."""
    last = {}

    def settled():
        problems = recovered(daemon, workspace, revision, instances)
        last["problems"] = problems
        return problems == []

    try:
        wait_for(settled, deadline_s, f"the fleet to settle on {revision[:8]}")
    except AssertionError as error:
        raise AssertionError(f"{error}: {last.get('problems')}\nstatus: {json.dumps(daemon.status(), indent=1)}\n"
                             f"daemon log:\n{daemon.log_tail(60)}") from None


def assert_interrupted(daemon, id, deadline_s=RECOVERY_DEADLINE_S):
    """Deployment `id` ends rolled-back or failed, with a reason; returns it."""
    entry = wait_for(lambda: (lambda e: e if e["outcome"] in TERMINAL else None)(daemon.deployment(id)),
                     deadline_s, f"deployment #{id} to end")
    assert entry["outcome"] in {"rolled-back", "failed"}, f"{entry}\n{daemon.log_tail(40)}"
    assert entry.get("reason"), entry
    return entry


class StallingGitServer:
    """Serves the bare repositories under `root` over git's smart HTTP (`git http-backend` as CGI) on
    127.0.0.1, and, while `stall()` is in force, holds each request until `release()`: a daemon fetching
    from it waits in its fetch for as long as a test needs."""

    def __init__(self, root):
        self.root = str(root)
        self.arrived = threading.Event()
        self._stalling = threading.Event()
        self._released = threading.Event()
        self._count_lock = threading.Lock()
        self._fetches_to_pass = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server._serve(self)

            def do_POST(self):
                server._serve(self)

            def log_message(self, *_arguments):
                pass

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name):
        return f"http://127.0.0.1:{self.http.server_address[1]}/{name}"

    def stall(self, after_fetches=0):
        """Holds requests from the fetch after the next `after_fetches` ones (a fetch starts with GET info/refs)."""
        self._released.clear()
        self.arrived.clear()
        self._fetches_to_pass = after_fetches
        self._stalling.set()

    def release(self):
        self._stalling.clear()
        self._released.set()

    def close(self):
        self.release()
        self.http.shutdown()
        self.http.server_close()

    def _serve(self, request):
        if self._stalling.is_set() and request.command == "GET" and "/info/refs" in request.path:
            with self._count_lock:
                self._fetches_to_pass -= 1
        if self._stalling.is_set() and self._fetches_to_pass < 0:
            self.arrived.set()
            self._released.wait(RECOVERY_DEADLINE_S)
        body = self._body(request)
        path, _, query = request.path.partition("?")
        environment = {"PATH": os.environ["PATH"], "GIT_PROJECT_ROOT": self.root, "GIT_HTTP_EXPORT_ALL": "1",
                       "PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": request.command,
                       "CONTENT_TYPE": request.headers.get("Content-Type", ""), "CONTENT_LENGTH": str(len(body)),
                       "HTTP_CONTENT_ENCODING": request.headers.get("Content-Encoding", ""),
                       "GIT_PROTOCOL": request.headers.get("Git-Protocol", "")}
        output = subprocess.run(["git", "http-backend"], input=body, env=environment, capture_output=True,
                                timeout=RECOVERY_DEADLINE_S).stdout
        head, _, payload = output.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = output.partition(b"\n\n")
        headers = [line.split(":", 1) for line in head.decode(errors="replace").splitlines() if ":" in line]
        status = next((int(value.split()[0]) for name, value in headers if name.lower() == "status"), 200)
        try:
            request.send_response(status)
            for name, value in headers:
                if name.lower() != "status":
                    request.send_header(name, value.strip())
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the daemon was killed while it waited

    @staticmethod
    def _body(request):
        if request.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(request.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    request.rfile.readline()
                    return b"".join(chunks)
                chunks.append(request.rfile.read(size))
                request.rfile.readline()
        return request.rfile.read(int(request.headers.get("Content-Length") or 0))
