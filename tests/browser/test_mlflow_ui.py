"""Lesson 05's runs, seen where a PM would look at them: the MLflow UI and its REST API.

Runs lesson 05 top to bottom into a temporary store, starts ``mlflow server``
on a free loopback port over that store, then checks through the REST API and
in headless Chromium that the course experiment, its runs with their metrics,
and the ``champion`` alias are all there. Screenshots go to
``test-artifacts/screenshots/``.
"""
from __future__ import annotations

import json
import os
import re
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest

from local_servers import CHROMIUM, CHROMIUM_ARGS, environment_restored, free_port, running_server

ROOT = Path(__file__).resolve().parents[2]
LESSON_05 = ROOT / "notebooks" / "05_track_experiments_mlflow.ipynb"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
pytest.importorskip("mlflow", reason="MLflow is not installed")
pytestmark = pytest.mark.skipif(not LESSON_05.exists(), reason="lesson 05 is not in this checkout")


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def logged_store(tmp_path_factory):
    """A working folder holding the store that one Run All of lesson 05 leaves behind."""
    from nbclient import NotebookClient

    from churnlab import tracking

    work = tmp_path_factory.mktemp("mlflow-work")
    with environment_restored("CHURNLAB_WORKDIR", "MLFLOW_TRACKING_URI"):
        os.environ["CHURNLAB_WORKDIR"] = str(work)
        os.environ.pop("MLFLOW_TRACKING_URI", None)
        notebook = nbformat.read(LESSON_05, as_version=4)
        NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(LESSON_05.parent)}}).execute()
        store_uri = tracking.default_tracking_uri()
    assert store_uri.startswith("sqlite:///") and str(work) in store_uri
    return work, store_uri


@pytest.fixture(scope="module")
def mlflow_server(logged_store):
    work, store_uri = logged_store
    port = free_port()
    command = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", store_uri, "--host", "127.0.0.1",
               "--port", str(port), "--workers", "1"]
    log_path = work / "mlflow-server.log"
    base_url = f"http://127.0.0.1:{port}"
    with running_server(command, log_path, f"{base_url}/health", "mlflow server", 300, cwd=work):
        yield base_url


@pytest.fixture(scope="module")
def course_runs(mlflow_server):
    from churnlab import tracking

    experiment = _get(f"{mlflow_server}/api/2.0/mlflow/experiments/get-by-name?experiment_name={tracking.EXPERIMENT_NAME}")["experiment"]
    runs = _post(f"{mlflow_server}/api/2.0/mlflow/runs/search", {"experiment_ids": [experiment["experiment_id"]], "max_results": 100})["runs"]
    return experiment, runs


def test_the_rest_api_shows_the_course_experiment_and_its_runs_with_metrics(course_runs):
    experiment, runs = course_runs
    assert experiment["lifecycle_stage"] == "active"
    assert len(runs) >= 4, "lesson 05 logs several models and the rules"
    for run in runs:
        metrics = {m["key"] for m in run["data"].get("metrics", [])}
        assert run["info"]["status"] == "FINISHED"
        assert {"precision", "recall", "f1"} <= metrics, f"run {run['info']['run_name']} lacks metrics: {metrics}"


def test_the_rest_api_resolves_the_champion_alias(mlflow_server, course_runs):
    from churnlab import tracking

    version = _get(f"{mlflow_server}/api/2.0/mlflow/registered-models/alias?name={tracking.MODEL_NAME}&alias={tracking.CHAMPION_ALIAS}")
    champion_run = version["model_version"]["run_id"]
    assert champion_run in {run["info"]["run_id"] for run in course_runs[1]}


def _click_menu_item(page, *names: str) -> str:
    """Click the first of ``names`` that shows as a link or menu entry (MLflow versions name them differently)."""
    for name in names:
        item = page.get_by_role("link", name=name, exact=True)
        if item.count():
            item.first.click()
            return name
    for name in names:
        item = page.get_by_text(name, exact=True)
        if item.count():
            item.first.click()
            return name
    raise AssertionError(f"none of {names} is on the page at {page.url}")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
def test_the_lessons_directions_lead_to_the_runs_and_the_champion(mlflow_server, course_runs):
    """Follow lesson 05's directions from MLflow's home page, as a learner would (issue 21).

    The lesson says: if a "GenAI | Model training" switch shows at the top left, click Model training; then
    Experiments in the left-hand menu, then churn-lab: its Runs tab lists the runs; the registered model and its
    champion alias are under Model registry (Models in older versions). Checked on the lowest MLflow that
    requirements.txt allows (3.9) and the newest (3.17) by running this file with each.
    """
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from churnlab import tracking

    lesson = "\n".join(cell.source for cell in nbformat.read(LESSON_05, as_version=4).cells)
    for words in ("**Model training**", "**Experiments**", "**churn-lab**", "**Runs**", "**Model registry**", "**Models**"):
        assert words in lesson, f"lesson 05 no longer gives the direction {words}: update this test with it"
    _, runs = course_runs
    run_names = sorted({run["info"]["run_name"] for run in runs})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{mlflow_server}/")
        page.get_by_role("link", name="Experiments", exact=True).first.wait_for(timeout=90_000)
        page.wait_for_timeout(2000)
        switch = page.get_by_text("Model training", exact=True)
        if switch.count():  # MLflow 3.10+ opens on GenAI; the runs are in "Model training"
            switch.first.click()
            page.wait_for_timeout(1000)
        _click_menu_item(page, "Experiments")
        page.get_by_text(tracking.EXPERIMENT_NAME, exact=True).first.wait_for(timeout=60_000)
        page.get_by_text(tracking.EXPERIMENT_NAME, exact=True).first.click()
        page.get_by_text("Runs", exact=True).first.wait_for(timeout=60_000)  # the Runs tab the lesson names
        for name in run_names:
            page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=str(SCREENSHOTS / "mlflow_ui_runs.png"))

        page.keyboard.press("Escape")  # MLflow 3.9 opens a popover ("experiment type detected") over the page
        # the left-hand menu's registry link: "Model registry", or "Models" in older versions (not the experiment's Models tab)
        registry = page.locator('a[href*="models"]:not([href*="experiments"])')
        registry.first.click()
        page.get_by_text(tracking.MODEL_NAME, exact=True).first.wait_for(timeout=60_000)  # listed in the registry
        # Its page, by address: MLflow 3.17 lays an overlay over the list's name, which swallows a click.
        page.goto(f"{mlflow_server}/#/models/{tracking.MODEL_NAME}")
        page.get_by_text(re.compile(rf"@\s*{tracking.CHAMPION_ALIAS}|{tracking.CHAMPION_ALIAS}")).first.wait_for(timeout=60_000)
        page.screenshot(path=str(SCREENSHOTS / "mlflow_ui_champion.png"))
        browser.close()
