"""The lessons as a learner meets them: JupyterLab in a real (headless) Chromium, Run All.

JupyterLab is started the way the README's first command starts it, on a free
loopback port, protected by a one-off password (so no token is ever printed in
a log). For each lesson the browser opens the notebook, runs all cells, waits
for the kernel to finish, and checks: no error output, every plot rendered as
an image, the final recap visible. A screenshot per lesson is saved in
``test-artifacts/screenshots/``.

Skips (with the reason) where Chromium or Playwright is missing; ``.ci/run``
installs Chromium from Debian's packages so CI always runs it.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

from local_servers import CHROMIUM, CHROMIUM_ARGS, free_port, running_server

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))  # numbered: the glossary is not a lesson
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")


def readme_launch_command() -> list[str]:
    """The JupyterLab part of the README's first command, e.g. ['jupyter', 'lab', 'notebooks/00_welcome.ipynb']."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_command = re.search(r"```bash\n(.+?)\n```", readme, re.DOTALL).group(1).strip()
    launch = first_command.split("&&")[-1].split()
    assert launch[0].endswith("jupyter") and launch[1] == "lab", f"the README's first command should end by starting JupyterLab: {first_command}"
    return launch[1:]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server on a copy of the lessons (Run All must not write outputs into the repository)."""
    from jupyter_server.auth import passwd

    workspace = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", workspace / "notebooks")
    password, port = secrets.token_urlsafe(16), free_port()
    log_path = workspace / "jupyterlab.log"
    # JupyterLab 4 renders only the cells on screen by default; render them all so every output can be checked.
    settings = workspace / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    # No "get notified about Jupyter news?" prompt: it covers part of every screenshot.
    notifications = workspace / "settings" / "@jupyterlab" / "apputils-extension"
    notifications.mkdir(parents=True)
    (notifications / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    env = {**os.environ, "CHURNLAB_WORKDIR": str(workspace / "work"), "JUPYTER_CONFIG_DIR": str(workspace / "config"),
           "JUPYTER_RUNTIME_DIR": str(workspace / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(workspace / "settings")}
    env.pop("MLFLOW_TRACKING_URI", None)
    command = [sys.executable, "-m", "jupyter", *readme_launch_command(), "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               f"--PasswordIdentityProvider.hashed_password={passwd(password)}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root; JupyterLab refuses that by default
        command.append("--allow-root")
    base_url = f"http://127.0.0.1:{port}"
    with running_server(command, log_path, f"{base_url}/api", "JupyterLab", 60, cwd=workspace, env=env):
        yield base_url, password, log_path


@pytest.fixture(scope="module")
def browser(jupyterlab):
    """A logged-in browser context; each lesson gets its own tab in it."""
    base_url, password, _ = jupyterlab
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{base_url}/login")
        page.fill("input[type=password]", password)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/lab.*"), timeout=60_000)
        page.close()
        yield context
        chromium.close()


def test_jupyterlab_logs_show_no_token_or_password(jupyterlab, browser):
    _, password, log_path = jupyterlab
    log = log_path.read_text()
    assert "token=" not in log
    assert password not in log


def _expected_images(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    return sum("image/png" in o.get("data", {}) for c in notebook.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_a_lesson_runs_all_in_jupyterlab(browser, jupyterlab, lesson):
    page = browser.new_page()
    try:
        _run_all_and_check(page, jupyterlab[0], lesson)
    except BaseException:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{lesson.stem}-FAILED.png"))
        raise
    finally:
        page.close()


def _run_all_and_check(page, base_url: str, lesson: Path) -> None:
    stored = nbformat.read(lesson, as_version=4)
    code_cells = sum(1 for c in stored.cells if c.cell_type == "code")
    page.goto(f"{base_url}/lab/tree/notebooks/{lesson.name}?reset")  # ?reset: a fresh layout, no earlier tabs
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    notebook.locator(".jp-Notebook").wait_for(timeout=90_000)
    prompts = notebook.locator(".jp-CodeCell .jp-InputPrompt")
    _wait_until(lambda: prompts.count() == code_cells, 60, f"{lesson.name}: not every cell was rendered")
    # The kernel must be ready before Run All, or the run can be lost while it starts.
    notebook.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(state="attached", timeout=90_000)

    _accept_kernel_dialog(page)

    def started() -> bool:
        return any(re.search(r"\[(\*|\d+)\]", text) for text in prompts.all_inner_texts())

    for _ in range(3):  # on a busy machine a menu click can land before the menu is ready: try again
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not started():
            time.sleep(0.5)
        if started():
            break

    errors = notebook.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")

    def finished() -> bool:
        assert errors.count() == 0, f"{lesson.name}: error or warning output: {errors.all_inner_texts()[:3]}"
        texts = prompts.all_inner_texts()
        return bool(texts) and all(re.search(r"\[\d+\]", text) for text in texts)

    _wait_until(finished, 300, f"{lesson.name}: not every cell finished within 300 s")
    assert errors.count() == 0, f"{lesson.name}: error or warning output: {errors.all_inner_texts()[:3]}"
    images = notebook.locator(".jp-RenderedImage img")
    assert images.count() >= _expected_images(lesson), f"{lesson.name}: some plots did not render as images"

    recap = notebook.locator("h2", has_text="Recap").last
    recap.scroll_into_view_if_needed()
    assert recap.is_visible(), f"{lesson.name}: the final recap is not visible"
    _accept_kernel_dialog(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{lesson.stem}.png"))


def _accept_kernel_dialog(page) -> None:
    # On a busy machine JupyterLab sometimes asks which kernel to use; the default (Python 3) is right.
    select = page.locator(".jp-Dialog button", has_text=re.compile(r"^Select$"))
    if select.count():
        select.first.click()


def _wait_until(condition, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(message)
