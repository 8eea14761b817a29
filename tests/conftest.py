"""Suite-wide set-up."""
from __future__ import annotations

import os
import sys

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # pytest exits with 5 when it collected nothing: say so plainly, it is neither a pass nor a crash.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("\nNo tests were collected: check the paths given to pytest. This run proves nothing.")


@pytest.fixture(autouse=True)
def _mlflow_settings_stay_with_their_test():
    """MLflow exports its settings to the environment (set_tracking_uri and set_experiment write
    MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_ID, for subprocesses). A notebook kernel that nbval starts
    later in the same worker inherits that environment: left behind, a test's server address would send
    a lesson's runs to a server that is gone. Each test's MLflow variables are put back when it ends."""
    before = {name: value for name, value in os.environ.items() if name.startswith("MLFLOW_")}
    uri_before = _mlflow_tracking_uri_in_process()
    yield
    for name in [name for name in os.environ if name.startswith("MLFLOW_") and name not in before]:
        del os.environ[name]
    os.environ.update(before)
    # MLflow also keeps the tracking URI in the process: a test that pointed it at its own server (since
    # stopped) would send the next test's reads there (seen: records.latest_fairness_review after the
    # brief's cohort-server test, in the same worker). Only a server address is put back: a local store
    # set by a module-scoped fixture during a test must stay for that module's later tests.
    uri_now = _mlflow_tracking_uri_in_process()
    if uri_now != uri_before and str(uri_now).startswith(("http://", "https://")):
        from mlflow.tracking._tracking_service import utils

        utils._tracking_uri = uri_before


def _mlflow_tracking_uri_in_process():
    if "mlflow" not in sys.modules:
        return None
    from mlflow.tracking._tracking_service import utils

    return utils._tracking_uri


def _forget_mlflow_state() -> None:
    import mlflow

    mlflow.set_tracking_uri(None)  # also removes MLFLOW_TRACKING_URI, which set_tracking_uri exports
    mlflow.tracking.fluent._active_experiment_id = None
    os.environ.pop("MLFLOW_EXPERIMENT_ID", None)


@pytest.fixture
def work_folder(tmp_path, monkeypatch):
    """A fresh course work folder, no MLFLOW_TRACKING_URI, and MLflow's global state reset afterwards."""
    import mlflow

    while mlflow.active_run():
        mlflow.end_run()
    _forget_mlflow_state()
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path / "work"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    yield tmp_path / "work"
    while mlflow.active_run():
        mlflow.end_run()
    _forget_mlflow_state()


@pytest.hookimpl(trylast=True)  # after xdist has shut its workers down
def pytest_unconfigure(config: pytest.Config) -> None:
    """The xdist controller stops the cohort server its workers shared (tests/browser/conftest.py, cohort_server)."""
    if hasattr(config, "workerinput") or not hasattr(config, "_tmp_path_factory"):
        return
    basetemp = config._tmp_path_factory._basetemp  # set only if this run made one: never create it here
    if basetemp is not None and (basetemp / "cohort-server.json").exists():
        from local_servers import stop_recorded_cohort_server

        stop_recorded_cohort_server(basetemp)
