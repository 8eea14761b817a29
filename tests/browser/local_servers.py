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
