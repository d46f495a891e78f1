"""Harness of the black-box daemon suite: a bot source repository made from the
example bot (Deploy/bot), a configuration with short timings and free loopback
ports, and `urban-robot serve` as a child process driven through the CLI and
the admin API. The daemon is always stopped and the bots it launched (which
outlive it by design) are killed by their process groups.
"""

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_BOT = REPOSITORY_ROOT / "Deploy" / "bot"

# Generous deadlines: the suite runs on a loaded two-core machine.
START_DEADLINE_S = 30
DEPLOY_DEADLINE_S = 45
STOP_DEADLINE_S = 20
CLI_DEADLINE_S = 45

TOKEN_VARIABLE = "URBAN_ROBOT_E2E_TOKEN"
GOOD = {"health": "ok"}
BAD = {"health": "fail"}


def binary():
    """The built `urban-robot` executable of $URBAN_ROBOT_BIN_DIR."""
    bin_dir = os.environ.get("URBAN_ROBOT_BIN_DIR")
    if not bin_dir:
        raise RuntimeError(
            "URBAN_ROBOT_BIN_DIR is not set: point it at `swift build --show-bin-path` (Scripts/test does)")
    executable = Path(bin_dir) / "urban-robot"
    if not executable.is_file():
        raise RuntimeError(f"{executable} does not exist: run `swift build --product urban-robot`")
    return str(executable)


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, deadline_s, what):
    """Polls `condition` until it returns a true value, which it returns; fails after `deadline_s`."""
    end = time.monotonic() + deadline_s
    last_error = None
    while time.monotonic() < end:
        try:
            value = condition()
            if value:
                return value
        except (subprocess.SubprocessError, ValueError, requests.RequestException, RuntimeError) as error:
            last_error = error
        time.sleep(0.2)
    raise AssertionError(f"timed out after {deadline_s} s waiting for {what}"
                         + (f" (last error: {last_error})" if last_error else ""))


@contextlib.contextmanager
def deadline(seconds, what):
    """Bounds the body: SIGALRM raises TimeoutError after `seconds`."""
    def expire(_signal, _frame):
        raise TimeoutError(f"{what} ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def git(*arguments, cwd=None, check=True):
    """Runs git quietly; returns the completed process (text)."""
    return subprocess.run(["git", *arguments], cwd=cwd, check=check, capture_output=True, text=True,
                          timeout=CLI_DEADLINE_S)


def log_revisions(state):
    """The revisions named by the headers of the launch logs (and their rotations) under `state`/logs."""
    revisions = set()
    for path in (state / "logs").glob("[0-9]*/*.log*"):
        words = path.read_text(errors="replace").split("\n", 1)[0].split(" ")
        if len(words) > 5 and words[2] == "launch" and words[4] == "revision":
            revisions.add(words[5])
    return revisions


class BotWorkspace:
    """A temporary folder with a bare source repository, a working copy of the
    example bot pushing to it, a configuration and the daemon's state folder."""

    def __init__(self, root, poll="0s", webhook_secret=None, stop_with_daemon=False):
        self.root = Path(root)
        self.source = self.root / "bot.git"
        self.work = self.root / "work"
        self.config = self.root / "urban-robot.toml"
        self.state = self.root / "state"
        self.daemon_log = self.root / "daemon.log"
        self.work.mkdir(parents=True)
        for path in EXAMPLE_BOT.glob("*.py"):
            shutil.copy(path, self.work / path.name)
        git("init", "-q", "--bare", "-b", "main", str(self.source))
        git("init", "-q", "-b", "main", str(self.work))
        git("remote", "add", "origin", str(self.source), cwd=self.work)
        self.channel_port = free_port()
        self.admin_port = free_port()
        self.webhook_secret = webhook_secret
        self.stop_with_daemon = stop_with_daemon
        secret_file = ""
        if webhook_secret is not None:
            secret_path = self.root / "github-secret"
            secret_path.write_text(webhook_secret + "\n")
            secret_path.chmod(0o600)
            secret_file = str(secret_path)
        self.config.write_text(self._configuration(poll, secret_file))
        self.versions = 0

    def _configuration(self, poll, secret_file):
        return f"""\
[source]
url = "{self.source}"
branch = "main"
poll = "{poll}"

[bot]
command = ["python3", "bot.py", "--simulate"]
instances = 2
token_env = "{TOKEN_VARIABLE}"
stop_with_daemon = {"true" if self.stop_with_daemon else "false"}

[health]
identify_timeout = "15s"
ready_timeout = "15s"
check_timeout = "8s"

[rollout]
canary = 1
bake = "2s"
batch = 1
watch = "1s"
coma_timeout = "2s"
stop_grace = "3s"
kill_grace = "2s"
reconnect_grace = "3s"
identify_spacing = "100ms"

[channel]
listen = "127.0.0.1:{self.channel_port}"

[admin]
listen = "127.0.0.1:{self.admin_port}"

[state]
dir = "{self.state}"

[webhook]
github_secret_file = "{secret_file}"
"""

    def commit(self, simulation):
        """Commits a new revision of the bot with `simulation` as simulate.json; returns its id."""
        self.versions += 1
        (self.work / "simulate.json").write_text(json.dumps(simulation) + "\n")
        (self.work / "VERSION").write_text(f"v{self.versions}\n")
        git("add", "-A", cwd=self.work)
        git("-c", "user.name=E2E Author", "-c", "user.email=e2e@urban-robot.invalid",
            "commit", "-q", "-m", f"v{self.versions}: {simulation}", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work).stdout.strip()

    def push(self, deadline_s=DEPLOY_DEADLINE_S + 30):
        """`git push origin main`; returns the completed process (the hook's output is on stderr)."""
        return subprocess.run(["git", "push", "origin", "main"], cwd=self.work, capture_output=True,
                              text=True, timeout=deadline_s)


class Daemon:
    """`urban-robot serve -c CONFIG` as a child process, with the CLI and the admin API beside it."""

    def __init__(self, workspace, environment=None, open_files=None):
        self.workspace = workspace
        self.binary = binary()
        self.process = None
        self.seen_pids = set()
        self.extra_environment = dict(environment or {})
        # (soft, hard): the open-files limit the daemon starts under (`ulimit -Sn`, `ulimit -Hn`).
        self.open_files = open_files

    def start(self):
        return self.start_with()

    def start_with(self, *arguments):
        """Starts `serve -c CONFIG ARGUMENTS` and waits until it answers."""
        environment = dict(os.environ)
        environment.update(self.extra_environment)
        environment[TOKEN_VARIABLE] = "e2e-token-not-a-real-discord-token"
        command = self.serve_command(arguments)
        with open(self.workspace.daemon_log, "ab") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            env=environment,
                                            preexec_fn=self._limit_open_files if self.open_files else None)
        wait_for(self._answers, START_DEADLINE_S, "the daemon to answer `status --json`")
        return self

    def _limit_open_files(self):
        resource.setrlimit(resource.RLIMIT_NOFILE, self.open_files)

    def serve_command(self, arguments):
        """The command line that starts `serve -c CONFIG ARGUMENTS`."""
        command = [self.binary, "serve", "-c", str(self.workspace.config), *arguments]
        if "LD_PRELOAD" in self.extra_environment:
            # Started straight from Python's subprocess with libfaketime preloaded, the Swift runtime saw no
            # arguments (it printed the top-level help); an exec from a shell hands them over.
            command = ["/bin/sh", "-c", 'exec "$0" "$@"', *command]
        return command

    def _answers(self):
        if self.process.poll() is not None:
            raise AssertionError(f"the daemon exited at start ({self.process.returncode}):\n{self.log_tail()}")
        return self.cli("status", "--json", timeout=10).returncode == 0

    def log_tail(self, lines=30):
        text = self.workspace.daemon_log.read_text(errors="replace") if self.workspace.daemon_log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def cli(self, *arguments, timeout=CLI_DEADLINE_S):
        """Runs `urban-robot ARGUMENTS -c CONFIG` (without the token variable); returns the completed process."""
        environment = {key: value for key, value in os.environ.items() if key != TOKEN_VARIABLE}
        return subprocess.run([self.binary, *arguments, "-c", str(self.workspace.config)],
                              capture_output=True, text=True, timeout=timeout, env=environment)

    def status(self):
        """The `status --json` object; remembers every bot pid it shows."""
        completed = self.cli("status", "--json", timeout=15)
        if completed.returncode != 0:
            raise RuntimeError(f"status --json exited {completed.returncode}: {completed.stderr}")
        status = json.loads(completed.stdout)
        self.seen_pids.update(client["pid"] for client in clients(status) if (client.get("pid") or 0) > 1)
        return status

    def history(self, limit=20):
        """The `history --json` list, newest first."""
        completed = self.cli("history", "--json", "-n", str(limit), timeout=15)
        if completed.returncode != 0:
            raise RuntimeError(f"history --json exited {completed.returncode}: {completed.stderr}")
        return json.loads(completed.stdout)

    def wait_for_deployment(self, after_id, revision=None, trigger=None, deadline_s=DEPLOY_DEADLINE_S):
        """Waits for a terminal deployment newer than `after_id` (matching revision and trigger); returns it."""
        terminal = {"succeeded", "rolled-back", "aborted", "failed"}

        def finished():
            for entry in self.history():
                if entry["id"] <= after_id:
                    return None
                if ((revision is None or entry["revision"] == revision)
                        and (trigger is None or entry["trigger"] == trigger) and entry["outcome"] in terminal):
                    return entry
            return None

        return wait_for(finished, deadline_s, f"a deployment of {revision} (trigger {trigger}) to end")

    def newest_id(self):
        entries = self.history(limit=1)
        return entries[0]["id"] if entries else 0

    @property
    def admin_url(self):
        return f"http://127.0.0.1:{self.workspace.admin_port}"

    def admin_token(self):
        return (self.workspace.state / "admin.token").read_text().strip()

    def request(self, method, path, token=None, **options):
        """One request to the admin API; `token` None sends no Authorization header."""
        headers = dict(options.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, self.admin_url + path, headers=headers, timeout=15, **options)

    def terminate(self, deadline_s=STOP_DEADLINE_S):
        """SIGTERM; returns the exit status and the seconds it took (SIGKILL after the deadline)."""
        if self.process is None or self.process.poll() is not None:
            return (self.process.returncode if self.process else None), 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=deadline_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.returncode, time.monotonic() - started

    def stop_everything(self):
        """Reads the bots' pids, stops the daemon, then kills the bots by their process groups."""
        if self.process is not None and self.process.poll() is None:
            try:
                self.status()
            except (RuntimeError, ValueError, subprocess.SubprocessError):
                pass
        self.terminate()
        kill_process_groups(self.seen_pids)


def serve_once(config, *arguments, deadline_s=START_DEADLINE_S):
    """`urban-robot serve -c CONFIG ARGUMENTS` expected to exit by itself (a refusal); returns the completed
    process (text)."""
    environment = dict(os.environ)
    environment[TOKEN_VARIABLE] = "e2e-token-not-a-real-discord-token"
    return subprocess.run([binary(), "serve", "-c", str(config), *arguments], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=deadline_s, env=environment)


def clients(status):
    """Every client (active, standby, candidate) of a `status --json` object."""
    found = []
    for instance in status.get("instances", []):
        for role in ("active", "standby", "candidate"):
            if isinstance(instance.get(role), dict):
                found.append(instance[role])
    return found


def is_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_running(pid):
    """True while `pid` exists and is not a zombie (a bot orphaned by a killed daemon is reaped by init, later)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def kill_process_groups(pids):
    """SIGTERM to each pid's process group, SIGKILL to those still alive after 5 s."""
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    end = time.monotonic() + 5
    while time.monotonic() < end and any(is_alive(pid) for pid in pids):
        time.sleep(0.1)
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
