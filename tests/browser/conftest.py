"""Fixtures shared by the browser and local-server tests."""
from __future__ import annotations

import os

import pytest
from local_servers import COHORT_RECORD, CohortServer, running_cohort_server, start_cohort_server


@pytest.fixture(scope="session")
def cohort_server(request, tmp_path_factory):
    """One cohort server (basic auth, as instructor/start_server.py starts it) for the whole run, every xdist worker.

    Starting one costs 30-80 s on 2 busy cores, so test_instructor, test_progress and test_brief_on_a_cohort_server
    share it; each test works under learner names of its own (``cohort_server.learner_names``). Without xdist this
    fixture stops it at the end. Under xdist the first worker to need it starts it and records it in the controller's
    basetemp, the others reuse it, and the controller stops its process group once every worker is done
    (tests/conftest.py, pytest_sessionfinish).
    """
    pytest.importorskip("mlflow", reason="MLflow is not installed")
    pytest.importorskip("flask_wtf", reason="MLflow's basic auth needs the extra: pip install 'mlflow[auth]'")
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if worker is None or os.name != "posix":  # one process (or no fcntl): this fixture starts and stops its own
        with running_cohort_server(tmp_path_factory.mktemp("shared-cohort")) as server:
            server.tag = worker or "main"
            yield server
        return
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent  # the controller's basetemp: the same for every worker
    with open(shared / "cohort-server.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second worker waits here while the first starts the server
        server = CohortServer.from_record(shared / COHORT_RECORD, worker)
        if server is None:
            folder = shared / "shared-cohort"
            folder.mkdir()
            server, _ = start_cohort_server(folder)
            server.tag = worker
            server.record(shared / COHORT_RECORD)
    yield server
