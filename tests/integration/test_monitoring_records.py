"""churnlab.monitoring's MLflow records against a real store: the monitoring plan, retraining, the champion alias."""
from __future__ import annotations

import os

import pytest

from churnlab import monitoring


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


def test_the_champion_is_lesson_05s_and_the_alias_never_moves_on_a_retrain(store, year):
    from mlflow import MlflowClient

    from churnlab import tracking
    from churnlab.model import CHAMPION_C, FEATURES, champion_model

    assert monitoring.ensure_champion() is True
    assert monitoring.ensure_champion() is False
    client = MlflowClient()
    first = client.get_model_version_by_alias(tracking.MODEL_NAME, "champion")
    assert float(client.get_run(first.run_id).data.params["C"]) == CHAMPION_C
    monitoring.log_monitoring_plan(monitoring.AlertThresholds(psi=0.2), reference_month=1, holdout_share=0.1,
                                   psi_no_change=0.006)
    plan = monitoring.latest_monitoring_plan()
    assert plan["alert_psi"] == 0.2 and plan["reference_month"] == 1 and plan["holdout_share"] == 0.1
    assert plan["psi_no_change_p99"] == 0.006 and plan["psi_binning"] == monitoring.PSI_BINNING and plan["psi_bins"] == 10
    assert "alerts_fired" not in plan and "open_actions" not in plan  # nothing found was logged with this plan
    health = monitoring.health_table(year)
    monitoring.log_monitoring_plan(alerts_fired=monitoring.alerts(health), open_actions=["fix the pipeline", "re-read in March"])
    plan = monitoring.latest_monitoring_plan()
    assert plan["alerts_fired"] == monitoring.alerts_in_words(monitoring.alerts(health)) and "from month" in plan["alerts_fired"]
    assert plan["open_actions"] == "fix the pipeline | re-read in March"
    tags = client.get_run(monitoring.log_monitoring_plan(alerts_fired="none", open_actions="nothing")).data.tags
    assert tags["alerts_fired"] == "none" and tags["open_actions"] == "nothing"

    from sklearn.dummy import DummyClassifier

    rows = monitoring.labelled_rows(year, list(range(1, 11)), customers=monitoring.repair_total_charges(year.customers))
    train, test = monitoring.split_by_time(rows, test_from=9)
    champion = champion_model()
    nobody = DummyClassifier(strategy="constant", constant=0).fit(train[list(FEATURES)], train["churned"])  # contacts no one

    # a tie (the champion against itself): a margin of 0 is no win, the champion stays, nothing is registered
    table = monitoring.compare_models({"champion": champion, "challenger": champion}, test)
    tie = monitoring.profit_margin(champion, champion, test)
    kept = monitoring.log_retrain(table, champion, train[list(FEATURES)], [9, 10], interval=tie)
    assert kept["decision"] == "keep the champion" and not kept["alias_moved"] and kept["margin"] == 0
    assert kept["months"] == "9-10"
    assert client.get_model_version_by_alias(tracking.MODEL_NAME, "champion").version == first.version

    # a clear loser: the champion stays
    table = monitoring.compare_models({"champion": champion, "challenger": nobody}, test)
    lost = monitoring.log_retrain(table, nobody, train[list(FEATURES)], [9, 10],
                                  interval=monitoring.profit_margin(champion, nobody, test))
    assert lost["decision"] == "keep the champion" and lost["margin_high"] < 0
    latest = monitoring.latest_retrain()
    assert latest["decision"] == "keep the champion" and latest["margin_high"] == pytest.approx(lost["margin_high"])

    # a clear winner (against a champion that contacts no one): registered as 'challenger' for a shadow test only
    table = monitoring.compare_models({"champion": nobody, "challenger": champion}, test)
    interval = monitoring.profit_margin(nobody, champion, test)
    assert interval["low"] > 0
    shadow = monitoring.log_retrain(table, champion, train[list(FEATURES)], [9, 10], interval=interval)
    assert shadow["decision"] == "shadow test" and not shadow["alias_moved"]
    assert client.get_model_version_by_alias(tracking.MODEL_NAME, "champion").version == first.version
    assert client.get_model_version_by_alias(tracking.MODEL_NAME, "challenger").version != first.version
    with pytest.raises(Exception, match="same customers"):
        monitoring.log_retrain(table, champion, train[list(FEATURES)], [9, 10], interval=tie)
