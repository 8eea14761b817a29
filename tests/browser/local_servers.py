"""Shared by the tests that start a local server and drive Chromium (test_browser, test_mlflow_ui), and the one
cohort server (basic auth, as instructor/start_server.py starts it) that test_instructor, test_progress and
test_brief_on_a_cohort_server share (the ``cohort_server`` fixture, tests/browser/conftest.py)."""
from __future__ import annotations

import contextlib
import importlib
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INSTRUCTOR = Path(__file__).resolve().parents[2] / "instructor"
# Where the session's one cohort server is described for every xdist worker (in the controller's basetemp).
COHORT_RECORD = "cohort-server.json"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without these, Chromium keeps trying to reach Google's services, which this sandbox refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]



@contextlib.contextmanager
def environment_restored(*names: str):
    """Run a block that may set or remove these environment variables, then put each back as it was."""
    saved = {name: os.environ.get(name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(command: list[str], log_path: Path, ready_url: str, name: str, seconds: float, **popen):
    """Start ``command`` (output to ``log_path``), wait until ``ready_url`` answers, stop it afterwards.

    Fails the test with the end of the log if the server stops or does not answer within ``seconds``.
    """
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError:
                assert server.poll() is None, f"{name} stopped: {log_path.read_text()[-2000:]}"
                time.sleep(0.5)
        else:
            pytest.fail(f"{name} did not answer within {seconds:.0f} s")
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


# axe-core's WCAG 2.x A/AA and best-practice rules; what must not appear on a page the course writes.
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_BLOCKING = {"serious", "critical"}


def axe_blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations on an open Playwright ``page``, one readable line each.

    axe-core's script comes from the axe-playwright-python wheel (a test extra) and is injected into the page,
    so the page itself still loads nothing."""
    from importlib import resources

    axe = pytest.importorskip("axe_playwright_python", reason="axe-core is not installed (pip install axe-playwright-python)")
    page.evaluate(resources.files(axe).joinpath("axe.min.js").read_text(encoding="utf-8"))
    result = page.evaluate("rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", AXE_RULES)
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {[node['target'] for node in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in AXE_BLOCKING]


def instructor_module(name: str):
    """An instructor/ script as a module under its own name (``cohortlib``, ``add_learners``), as the scripts import them."""
    sys.path.insert(0, str(INSTRUCTOR))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(INSTRUCTOR))


@dataclass
class CohortServer:
    """One running cohort server: basic auth, SQLite, 127.0.0.1, started as instructor/start_server.py starts it.

    Tests share it (several at once, from several xdist workers), so each keeps to its own learners:
    ``learner_names`` gives names no other test has on this server (``ana`` becomes ``ana-gw1-3``), and each
    test looks only at those names' experiments and events.
    """

    url: str
    admin_password: str
    folder: Path
    pid: int
    tag: str = "main"  # the xdist worker ("gw0"...) using this handle: names from two workers never meet
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)

    def learner_names(self, *names: str) -> dict[str, str]:
        """{name: a learner name that is this test's alone on the server}."""
        number = next(self._numbers)
        return {name: f"{name}-{self.tag}-{number}" for name in names}

    def add_learners(self, *names: str) -> dict[str, str]:
        """Create learners as add_learners.py does (user, own experiments and models); {name: password}."""
        add_learners = instructor_module("add_learners")
        with environment_restored("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
            add_learners.use_admin_credentials(self.admin_password)  # sets the two variables
            auth, tracking = add_learners.server_clients(self.url)
            learners, failures = add_learners.add_all(auth, tracking, [(name, None) for name in names])
        assert not failures, failures
        return {learner.username: learner.password for learner in learners}

    def record(self, path: Path) -> None:
        path.write_text(json.dumps({"url": self.url, "admin_password": self.admin_password, "folder": str(self.folder),
                                    "pid": self.pid}))

    @classmethod
    def from_record(cls, path: Path, tag: str) -> CohortServer | None:
        if not path.exists():
            return None
        saved = json.loads(path.read_text())
        return cls(saved["url"], saved["admin_password"], Path(saved["folder"]), saved["pid"], tag)


def start_cohort_server(folder: Path, seconds: float = 300) -> tuple[CohortServer, subprocess.Popen]:
    """Start a cohort server with basic auth in ``folder`` (one worker, a free port, its own process group)."""
    cohortlib = instructor_module("cohortlib")
    cohortlib.make_cohort_folder(folder)
    cohortlib.write_auth_config(folder)
    port = cohortlib.free_port()
    url = f"http://127.0.0.1:{port}"
    admin_password = cohortlib.new_password()
    secrets_ = {"MLFLOW_FLASK_SERVER_SECRET_KEY": secrets.token_hex(16), "MLFLOW_AUTH_ADMIN_PASSWORD": admin_password}
    with open(folder / cohortlib.LOG_FILE, "w") as log:
        # Its own process group: stopping the group stops the server's workers too, and it outlives the process
        # that started it (an xdist worker), until the controller stops it (tests/conftest.py).
        server = subprocess.Popen(cohortlib.server_command(folder, port=port, workers=1),
                                  env=cohortlib.server_environment(folder, secrets_), cwd=folder,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        cohortlib.wait_until_healthy(url, timeout=seconds, process=server)
    except BaseException as error:
        stop_process_group(server.pid)
        pytest.fail(f"{error}\n{(folder / cohortlib.LOG_FILE).read_text()[-2000:]}")
    return CohortServer(url, admin_password, folder, server.pid), server


@contextlib.contextmanager
def running_cohort_server(folder: Path, seconds: float = 300):
    """A cohort server for the ``with`` block (see start_cohort_server), its process group stopped afterwards."""
    server, process = start_cohort_server(folder, seconds)
    try:
        yield server
    finally:
        stop_process_group(process.pid, process)


def stop_recorded_cohort_server(basetemp: Path) -> None:
    """Stop the cohort server recorded in ``basetemp`` (by the xdist workers' ``cohort_server``), if there is one."""
    server = CohortServer.from_record(basetemp / COHORT_RECORD, "controller")
    if server is not None:
        stop_process_group(server.pid)
        (basetemp / COHORT_RECORD).unlink()


def stop_process_group(pid: int, process: subprocess.Popen | None = None, seconds: float = 30) -> None:
    """SIGTERM to the process group ``pid`` leads (started with start_new_session=True), SIGKILL after ``seconds``.

    ``process``: its Popen, if this process started it (then it is also reaped)."""
    def gone() -> bool:
        if process is not None and process.poll() is None:
            return False
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        return False

    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    while not gone() and time.monotonic() < deadline:
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):  # what outlived SIGTERM, or a worker that outlived its parent
        os.killpg(pid, signal.SIGKILL)
    if process is not None:
        process.wait()

