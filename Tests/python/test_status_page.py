"""The status page (`/ui`) in a real headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
Selenium), against `urban-robot serve` with the example bot in --simulate mode: the one-time login URL of
`urban-robot ui`, a lost connection shown and re-established, a deployment drawn live, a failure with its log lines, the abort and rollback buttons, a bot's
markup and control characters shown as text, and the session's CSRF and cookie checks.

One daemon and one browser serve every case (they run in file order: each builds on the fleet the one before
left), which keeps the suite to about a minute. The screenshots of the README (docs/status-page-*.png) are made
here.
"""

import json
import re
import shutil
import socket
import threading

import pytest
import requests

from daemon_harness import BAD, DEPLOY_DEADLINE_S, GOOD, REPOSITORY_ROOT, BotWorkspace, Daemon, deadline, wait_for

TEST_DEADLINE_S = 120
COOKIE = "urban_robot_session"
DOCS = REPOSITORY_ROOT / "docs"
# What a bot may send in its heartbeat: markup that would run if it were parsed, and control characters.
HOSTILE_GUILDS = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">\u0007bell"
HOSTILE_NOTE = "esc\u001b[31mred"


def chromium():
    """A headless Chromium driven by chromedriver; fails with what to install when either is missing."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not browser or not driver:
        pytest.fail("chromium and chromedriver are needed: run Scripts/bootstrap (apt-get install chromium chromium-driver)")
    options = Options()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1300",
                     "--disable-gpu"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


class CuttableProxy:
    """A TCP relay on 127.0.0.1 to the admin port that the test can cut (every connection closed, new ones closed at
    once) and restore: a network outage between the browser and the daemon, which keeps running."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.sockets = []
        self.cut_off = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.cut_off:
                    client.close()
                    continue
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._relay, args=(source, sink), daemon=True).start()

    @staticmethod
    def _relay(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        with self.lock:
            self.cut_off = True
            for end in self.sockets:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()
            self.sockets = []

    def restore(self):
        with self.lock:
            self.cut_off = False

    def close(self):
        self.listener.close()
        self.cut()


class StatusPage:
    """The shared daemon, its workspace, the browser, and the revisions deployed so far."""

    def __init__(self, workspace, daemon, browser):
        self.workspace = workspace
        self.daemon = daemon
        self.browser = browser
        self.revisions = {}

    def js(self, script, *arguments):
        return self.browser.execute_script(script, *arguments)

    def text(self, element_id):
        return self.js("return document.getElementById(arguments[0]).textContent", element_id)

    def bars(self):
        """(deployment shown, number of bars, failed bars) read at one instant."""
        return tuple(self.js("""return [document.getElementById('timeline-name').textContent,
                                       document.querySelectorAll('#timeline .bar').length,
                                       document.querySelectorAll('#timeline .bar.failed').length]"""))

    def deploy(self, revision):
        """Asks for a deployment through the admin API (as a script would); returns its id."""
        answer = self.daemon.request("POST", "/v1/deployments", token=self.daemon.admin_token(),
                                     json={"revision": revision, "who": "status page test"})
        assert answer.status_code == 202, answer.text
        return answer.json()["id"]

    def wait_outcome(self, deployment, outcome):
        def ended():
            entry = next((entry for entry in self.daemon.history() if entry["id"] == deployment), None)
            return entry if entry and entry["outcome"] not in ("queued", "running") else None

        entry = wait_for(ended, DEPLOY_DEADLINE_S, f"deployment #{deployment} to end")
        assert entry["outcome"] == outcome, json.dumps(entry)
        return entry

    def click_and_confirm(self, action, expected_sentence):
        """Clicks the action's button, checks the confirmation names what will happen, and confirms."""
        wait_for(lambda: self.js("return !document.getElementById(arguments[0]).disabled", f"action-{action}"),
                 20, f"the {action} button to be enabled")
        self.browser.find_element("id", f"action-{action}").click()
        wait_for(lambda: self.js("return document.getElementById('confirm').open"), 10, "the confirmation")
        assert re.search(expected_sentence, self.text("confirm-text")), self.text("confirm-text")
        self.browser.find_element("id", "confirm-ok").click()
        wait_for(lambda: not self.js("return document.getElementById('confirm').open"), 10, "the dialog to close")

    def session_cookie(self):
        return self.browser.get_cookie(COOKIE)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    workspace = BotWorkspace(tmp_path_factory.mktemp("status-page"))
    # A bake long enough to watch it count down and to click abort in it.
    workspace.config.write_text(workspace.config.read_text().replace('bake = "2s"', 'bake = "8s"'))
    daemon = Daemon(workspace)
    browser = None
    try:
        daemon.start()
        browser = chromium()
        yield StatusPage(workspace, daemon, browser)
    finally:
        if browser is not None:
            browser.quit()
        daemon.stop_everything()


@pytest.fixture(autouse=True)
def test_deadline(request):
    with deadline(TEST_DEADLINE_S, request.node.name):
        yield


def test_the_one_time_url_logs_in_once(page):
    completed = page.daemon.cli("ui")
    assert completed.returncode == 0, completed.stderr
    url = completed.stdout.strip()
    assert re.fullmatch(rf"{re.escape(page.daemon.admin_url)}/ui/login\?code=[0-9a-f]{{64}}", url), url

    page.browser.get(url)
    assert page.browser.current_url == page.daemon.admin_url + "/ui", "the code leaves the address bar"
    wait_for(lambda: page.text("connection") == "live", 20, "the live feed")
    cookie = page.session_cookie()
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert "expiry" in cookie, "the session cookie expires"
    assert page.js("return document.cookie") == "", "the page's script cannot read the session"

    again = requests.get(url, allow_redirects=False, timeout=15)
    assert again.status_code == 401 and "set-cookie" not in again.headers
    assert "already used" in again.text
    # A fresh browser context with the used link gets the refusal page, not the status page.
    page.browser.delete_all_cookies()
    page.browser.get(url)
    assert "This login link does not work" in page.browser.page_source
    assert page.browser.get_cookie(COOKIE) is None
    page.browser.get(page.daemon.cli("ui").stdout.strip())
    wait_for(lambda: page.text("connection") == "live", 20, "the live feed after a new login")


def test_a_lost_connection_is_shown_and_re_established(page):
    proxy = CuttableProxy(page.workspace.admin_port)
    try:
        # The session cookie is the host's, whatever the port: the page through the relay is logged in too.
        page.browser.get(f"http://127.0.0.1:{proxy.port}/ui")
        wait_for(lambda: page.text("connection") == "live", 20, "the live feed through the relay")
        page.js("window.notReloaded = true")
        proxy.cut()
        wait_for(lambda: page.text("connection").startswith("connection lost"), 20, "the page to show the loss")
        assert page.js("return document.getElementById('connection').classList.contains('lost')")
        proxy.restore()
        wait_for(lambda: page.text("connection") == "live", 30, "the browser to reconnect")
        assert page.js("return window.notReloaded") is True, "reconnected without a reload"
    finally:
        proxy.close()
    page.browser.get(page.daemon.admin_url + "/ui")
    wait_for(lambda: page.text("connection") == "live", 20, "the live feed from the daemon")


def test_a_deployment_is_drawn_live(page):
    revision = page.workspace.commit(GOOD)
    assert page.workspace.push().returncode == 0
    page.revisions["v1"] = revision
    page.js("window.notReloaded = true")
    deployment = page.deploy(revision)

    counts = []
    screenshot = DOCS / "status-page-rollout.png"
    shot = False

    def progress():
        nonlocal shot
        shown, bars, _ = page.bars()
        if shown == f"#{deployment}":
            counts.append(bars)
        # Mid-rollout: the second wave is on the page and the bake counts down.
        if not shot and "wave 2" in page.text("timeline") and "left" in page.text("timeline-countdown"):
            page.browser.save_screenshot(str(screenshot))
            shot = True
        return page.text("fleet-state") == "idle" and shown == f"#{deployment}" and "succeeded" in page.text(
            "timeline-summary")

    wait_for(progress, DEPLOY_DEADLINE_S, "the page to show the deployment succeeded")
    assert page.js("return window.notReloaded") is True, "the page was not reloaded"
    distinct = sorted(set(counts))
    assert len(distinct) >= 3 and counts[0] < counts[-1], f"the timeline gained bars while it ran: {counts}"
    assert shot and screenshot.stat().st_size > 10_000
    assert page.wait_outcome(deployment, "succeeded")
    fleet = page.text("fleet")
    assert "shard-0." in fleet and "shard-1." in fleet and revision[:12] in fleet
    assert "1500" in fleet and "42 ms" in fleet, "the bots' guilds and gateway latency"


def test_a_failing_revision_shows_the_failure_and_its_log(page):
    revision = page.workspace.commit(BAD)
    assert page.workspace.push().returncode == 0
    deployment = page.deploy(revision)

    def failure_shown():
        return (page.js("return !document.getElementById('timeline-failure').hidden")
                and "rolled-back" in page.text("failure-reason") and page.text("timeline-name") == f"#{deployment}")

    wait_for(failure_shown, DEPLOY_DEADLINE_S, "the failure on the timeline")
    assert "health_check_failure" in page.text("failure-reason")
    assert "got the token" in page.text("failure-log"), "the failing client's last log lines"
    assert page.bars()[2] >= 1, "the failed phase is a red bar"
    assert page.js("return document.querySelectorAll('#timeline .row.failed').length") == 1
    wait_for(lambda: "bad" in page.text("revisions") and page.text("fleet-state") == "idle", 20,
             "the bad mark in the revisions")
    page.browser.save_screenshot(str(DOCS / "status-page-rolled-back.png"))
    page.wait_outcome(deployment, "rolled-back")


def test_abort_clicked_on_the_page_stops_the_deployment(page):
    revision = page.workspace.commit({**GOOD, "stats": {"guilds": 3}})  # a revision of its own
    assert page.workspace.push().returncode == 0
    page.revisions["v3"] = revision
    deployment = page.deploy(revision)
    wait_for(lambda: (page.daemon.status().get("deployment") or {}).get("phase") == "bake", DEPLOY_DEADLINE_S,
             "the canary's bake")
    page.click_and_confirm("abort", rf"Abort deployment #{deployment} of {revision[:12]}")
    page.wait_outcome(deployment, "aborted")
    status = page.daemon.status()
    assert status["state"] == "idle" and status["revision"] == page.revisions["v1"], json.dumps(status)
    wait_for(lambda: "aborted" in page.text("timeline-summary"), 20, "the page to show the abort")


def test_rollback_clicked_on_the_page_returns_to_the_last_good(page):
    deployed = page.daemon.cli("deploy", page.revisions["v3"], timeout=DEPLOY_DEADLINE_S + 30)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert page.daemon.status()["revision"] == page.revisions["v3"]
    newest = page.daemon.newest_id()
    wait_for(lambda: page.text("fleet-state") == "idle" and page.revisions["v3"][:12] in page.text("fleet-revision"),
             20, "the page to show v3 serving")
    page.click_and_confirm("rollback", r"Roll back: deploy the newest good revision")
    rollback = wait_for(lambda: page.daemon.newest_id() > newest and page.daemon.newest_id(), 20, "the rollback")
    entry = page.wait_outcome(rollback, "succeeded")
    assert entry["trigger"] == "rollback"
    assert page.daemon.status()["revision"] == page.revisions["v1"]
    assert f"#{rollback} queued" in page.text("action-result")


def test_requests_without_the_csrf_token_or_the_cookie_are_refused(page):
    cookie = {COOKIE: page.session_cookie()["value"]}
    url = page.daemon.admin_url
    newest = page.daemon.newest_id()
    body = {"revision": page.revisions["v3"]}
    token = requests.get(url + "/ui/session", cookies=cookie, timeout=15).json()["csrf_token"]

    assert requests.post(url + "/v1/deployments", json=body, timeout=15).status_code == 401
    assert requests.post(url + "/v1/deployments", json=body, headers={"X-CSRF-Token": token},
                         timeout=15).status_code == 401, "the token is nothing without the cookie"
    refused = requests.post(url + "/v1/deployments", json=body, cookies=cookie, timeout=15)
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["error"]
    assert requests.post(url + "/v1/rollback", json={}, cookies=cookie, headers={"X-CSRF-Token": "0" * 64},
                         timeout=15).status_code == 403
    assert requests.post(url + "/v1/ui/login-codes", cookies=cookie, headers={"X-CSRF-Token": token},
                         timeout=15).status_code == 401, "a page session cannot make login links"
    assert page.daemon.newest_id() == newest and page.daemon.status()["state"] == "idle", "nothing happened"

    answer = requests.get(url + "/ui", cookies=cookie, timeout=15)
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe" not in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_bot_markup_and_control_characters_are_text(page):
    revision = page.workspace.commit({**GOOD, "stats": {"guilds": HOSTILE_GUILDS, "note": HOSTILE_NOTE}})
    assert page.workspace.push().returncode == 0
    deployed = page.daemon.cli("deploy", "--immediate", revision, timeout=DEPLOY_DEADLINE_S + 30)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    wait_for(lambda: page.text("fleet").count("onerror") == 2, 20, "both cards to show the bot's stats")
    cards = page.js("return [...document.querySelectorAll('#fleet dd')].map((node) => node.textContent)")
    assert "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">\u2407bell" in cards
    assert "esc\u241b[31mred" in cards, "control characters are shown as their symbols"
    assert page.js("return window.pwned") is None, "nothing the bot sent ran"
    assert page.js("return document.querySelectorAll('#fleet script, #fleet img').length") == 0
    assert page.js("return document.scripts.length") == 1, "only the page's own module"
