"""churnlab.monitoring's MLflow records against a real store: the monitoring plan, retraining, the champion alias."""
from __future__ import annotations

import os

import pytest

from churnlab import monitoring, world


@pytest.fixture(scope="module")
def year():
    from churnlab.exercises.lesson08 import practice_year

    return practice_year()


@pytest.fixture()
def store(tmp_path, monkeypatch):
    import mlflow

    from churnlab import tracking

    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    setup = tracking.setup()
    yield setup
    mlflow.set_tracking_uri(None)
    mlflow.tracking.fluent._active_experiment_id = None
    os.environ.pop("MLFLOW_EXPERIMENT_ID", None)


def test_readers_return_none_before_anything_is_logged(store):
    assert monitoring.latest_monitoring_plan() is None
    assert monitoring.latest_retrain() is None


def test_plan_and_retrain_are_logged_and_the_alias_moves_only_for_a_winner(store, year):
    from mlflow import MlflowClient

    from churnlab import tracking
    from churnlab.model import FEATURES, make_churn_model

    assert monitoring.ensure_champion() is True
    assert monitoring.ensure_champion() is False
    first = MlflowClient().get_model_version_by_alias(tracking.MODEL_NAME, "champion").version
    monitoring.log_monitoring_plan(monitoring.AlertThresholds(psi=0.2), reference_month=1, holdout_share=0.1)
    plan = monitoring.latest_monitoring_plan()
    assert plan["alert_psi"] == 0.2 and plan["reference_month"] == 1 and plan["holdout_share"] == 0.1

    rows = monitoring.labelled_rows(year, [8, 9, 10])
    train, test = monitoring.split_by_seat(rows)
    loser = make_churn_model(C=0.001).fit(train[list(FEATURES)].head(200), train["churned"].head(200))
    table = monitoring.compare_models({"champion": world.course_model(), "challenger": loser}, test)
    assert table.loc["challenger", "expected_profit"] < table.loc["champion", "expected_profit"]
    kept = monitoring.log_retrain(table, loser, train[list(FEATURES)], [8, 9, 10])
    assert kept["winner"] == "champion" and not kept["alias_moved"]
    assert MlflowClient().get_model_version_by_alias(tracking.MODEL_NAME, "champion").version == first
    assert monitoring.latest_retrain()["decision"] == "keep the champion"

    winner = make_churn_model().fit(train[list(FEATURES)], train["churned"])
    table = monitoring.compare_models({"champion": world.course_model(), "challenger": winner}, test)
    small = monitoring.log_retrain(table, winner, train[list(FEATURES)], [8, 9, 10], min_margin=500)
    assert small["winner"] == "champion" and not small["alias_moved"]  # a $410 edge is below the agreed margin
    assert MlflowClient().get_model_version_by_alias(tracking.MODEL_NAME, "champion").version == first
    moved = monitoring.log_retrain(table, winner, train[list(FEATURES)], [8, 9, 10])
    assert moved == {"winner": "challenger", "margin": pytest.approx(410.0), "customers": len(test), "months": "8-10",
                     "alias_moved": True}
    assert MlflowClient().get_model_version_by_alias(tracking.MODEL_NAME, "champion").version != first
    latest = monitoring.latest_retrain()
    assert latest["decision"] == "promote" and latest["margin"] == pytest.approx(410.0) and latest["months"] == "8-10"
