"""Shared by the tests that start a local server and drive Chromium (test_browser, test_mlflow_ui)."""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without these, Chromium keeps trying to reach Google's services, which this sandbox refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


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
