"""The product brief (lesson 09) built from a cohort's shared MLflow server, as a workshop learner builds it.

On the session's cohort server (basic auth; ``cohort_server`` in tests/browser/conftest.py), logs what lessons
05-07 log there (``log_course_runs`` of tests/integration/test_brief.py), and checks that the brief reads them over
HTTP, says where they came from, shows no server address and creates nothing locally. It logs as the admin into
the course's own experiment and model names (``churn-lab``, ``churn-model``: no learner's, so no other test on that
server sees them). With the other local servers here: not run in the Colab twin.
"""
from __future__ import annotations

import pytest

from churnlab import brief

pytest.importorskip("mlflow", reason="MLflow is not installed")
pytest.importorskip("jinja2", reason="Jinja2 is not installed")

from test_brief import ALL_LESSONS, _words, log_course_runs  # noqa: E402


def test_a_brief_from_a_cohort_server(cohort_server, tmp_path, monkeypatch):
    import mlflow

    from churnlab import tracking

    assert (tracking.EXPERIMENT_NAME, tracking.MODEL_NAME) == ("churn-lab", "churn-model")  # no learner's names
    url = cohort_server.url
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "admin")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", cohort_server.admin_password)
    previous = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(None)
    try:
        empty = brief.collect_evidence()
        assert {item.lesson for item in empty.missing} == set(ALL_LESSONS)
        assert empty.where.startswith("the tracking server set in MLFLOW_TRACKING_URI")
        log_course_runs(("05", "06", "07"))
        mlflow.set_tracking_uri(None)  # as a fresh notebook: the reader follows MLFLOW_TRACKING_URI
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)  # MLflow's set_tracking_uri(None) removed it
        evidence = brief.collect_evidence()
        files = brief.write_brief(_words(), evidence)
    finally:
        mlflow.set_tracking_uri(previous)
    assert [item.lesson for item in evidence.missing] == ["08"]
    assert evidence.champion["run_name"] == "model C=0.1" and evidence.comparison["margin"] == pytest.approx(430)
    assert evidence.fairness["run_name"] == "fairness review"  # its group table came back over HTTP
    assert evidence.ab_test["has_result"]
    html = files.html.read_text(encoding="utf-8")
    assert "$12,650" in html and "$430" in html and "the tracking server set in MLFLOW_TRACKING_URI" in html
    assert url not in html, "the brief shows no server address"
    assert not list(tmp_path.glob("*.db")), "nothing was created locally"
