"""Lesson 05's exercise questions, against a temporary practice store."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from churnlab.exercises.core import course_model, course_split

from churnlab import rules, tracking
from churnlab.economics import CampaignEconomics
from churnlab.exercises import lesson05
from churnlab.exercises.core import ____
from churnlab.exercises.lesson05 import q1, q2, q3, q4
from churnlab.model import make_churn_model

from answers import outcome as _outcome  # tests here name their result `outcome`

import mlflow  # noqa: E402  (after churnlab.tracking, which quiets it)
from mlflow import MlflowClient  # noqa: E402

ODD_ANSWERS = [None, "text", float("nan"), pd.DataFrame({"a": [1, 2]}), [1, 2, 3]]


def _log_model_run(C, threshold, economics, with_model=False, **extra_params):
    split = course_split()
    model = course_model(C)
    with mlflow.start_run(run_name=f"model C={C}") as run:
        mlflow.log_params({"kind": "model", "C": C, "threshold": threshold, **extra_params})
        mlflow.log_metrics(tracking.decision_metrics(split.y_test, lesson05._scores(C), threshold, economics))
        if with_model:
            tracking.log_churn_model(model, split.X_train)
    return run.info.run_id


@pytest.fixture(scope="module")
def practice(tmp_path_factory):
    """A practice experiment like the notebook's: two models (with their models), C=0.3, two rules, a champion."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHURNLAB_WORKDIR", str(tmp_path_factory.mktemp("work")))
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        tracking.setup(tracking.PRACTICE_EXPERIMENT_NAME)
        economics = CampaignEconomics()
        threshold = economics.break_even_probability
        split = course_split()
        ids = {C: _log_model_run(C, threshold, economics, with_model=True) for C in (0.01, 0.1)}
        ids[0.3] = _log_model_run(0.3, threshold, economics)
        for run_name, rule in [("rule: month-to-month", "month_to_month"), ("rule: month-to-month and new", "month_to_month_and_new")]:
            with mlflow.start_run(run_name=run_name):
                mlflow.log_params({"kind": "rule", "rule": rule, "threshold": 1})
                mlflow.log_metrics(tracking.decision_metrics(split.y_test, rules.RULES[rule](split.X_test), 1, economics))
        tracking.register_champion(ids[0.1], tracking.PRACTICE_MODEL_NAME)
        yield {"ids": ids, "threshold": threshold, "economics": economics}
        mlflow.set_tracking_uri(None)
        mlflow.tracking.fluent._active_experiment_id = None
        os.environ.pop("MLFLOW_EXPERIMENT_ID", None)


@pytest.mark.parametrize("question", [q1, q2, q3, q4], ids=lambda q: q.label)
def test_blank_is_not_attempted_and_odd_answers_never_raise(practice, question):
    assert _outcome(question, ____).startswith("✏️")
    assert question.outcome({}).startswith("✏️")
    for value in ODD_ANSWERS:
        assert _outcome(question, value).startswith("❌"), value


@pytest.mark.parametrize("question", [q1, q2, q3, q4], ids=lambda q: q.label)
def test_every_question_has_two_hints_and_a_solution(question, capsys):
    assert len(question.hints) == 2 and question.solution_code and question.solution_why
    question.hint(2)
    question.solution()
    assert "Hint 2 of 2" in capsys.readouterr().out


# --- q1: log a run -------------------------------------------------------------------------------


def test_q1_right_answer(practice):
    outcome = _outcome(q1, practice["ids"][0.3])
    assert outcome.startswith("✅") and "$12,610" in outcome


def test_q1_mistakes(practice):
    assert "run's id" in _outcome(q1, 42)
    assert "no run with this id" in _outcome(q1, "0" * 32)
    assert "asks for a run of the C = 0.3" in _outcome(q1, practice["ids"][0.1])
    with mlflow.start_run() as no_params:
        mlflow.log_metric("expected_profit", 1.0)
    assert "no parameter C" in _outcome(q1, no_params.info.run_id)
    with mlflow.start_run() as no_threshold:
        mlflow.log_params({"C": 0.3})
    assert "no parameter threshold" in _outcome(q1, no_threshold.info.run_id)
    with mlflow.start_run() as no_metrics:
        mlflow.log_params({"C": 0.3, "threshold": practice["threshold"]})
    assert "no metric expected_profit" in _outcome(q1, no_metrics.info.run_id)
    with mlflow.start_run() as wrong_profit:
        mlflow.log_params({"C": 0.3, "threshold": practice["threshold"]})
        mlflow.log_metric("expected_profit", 99.0)
    assert "not what a C = 0.3 model earns" in _outcome(q1, wrong_profit.info.run_id)
    with mlflow.start_run() as text_c:
        mlflow.log_params({"C": "small"})
    assert "as a number" in _outcome(q1, text_c.info.run_id)
    left_open = mlflow.start_run()  # a common first try: start_run without a with block
    outcome = _outcome(q1, left_open)
    assert "with mlflow.start_run" in outcome and "closed it" in outcome
    assert mlflow.active_run() is None, "the check closes the open run, so the learner's next try works"
    # Tidy up: these runs must not change the answers to q2.
    for run in (no_params, no_threshold, no_metrics, wrong_profit, text_c, left_open):
        MlflowClient().delete_run(run.info.run_id)


# --- q2: the most profitable run -----------------------------------------------------------------


def test_q2_right_answer(practice):
    outcome = _outcome(q2, "model C=0.1")
    assert outcome.startswith("✅") and "$12,650" in outcome
    assert _outcome(q2, "  model C=0.1 ").startswith("✅")


def test_q2_mistakes(practice):
    assert "run id" in _outcome(q2, practice["ids"][0.1])
    assert "lowest" in _outcome(q2, "rule: month-to-month and new")
    assert "best ROC-AUC" in _outcome(q2, "model C=0.3")  # best ranking, not best profit
    assert "another run earns more" in _outcome(q2, "rule: month-to-month")
    assert "No run in the practice experiment" in _outcome(q2, "model C=42")
    assert "as text" in _outcome(q2, 12650)


def test_q2_without_runs_says_to_run_the_cells_above(tmp_path, monkeypatch, practice):
    previous = mlflow.get_tracking_uri()
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    try:
        mlflow.set_tracking_uri(tracking.prepare_store(tracking.default_tracking_uri()))
        assert "no runs" in _outcome(q2, "model C=0.1")
    finally:
        mlflow.set_tracking_uri(previous)


# --- q3: read a metric ---------------------------------------------------------------------------


def test_q3_right_answer(practice):
    runs = mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME])
    recall = runs.loc[runs["tags.mlflow.runName"] == "rule: month-to-month", "metrics.recall"]
    outcome = _outcome(q3, recall)  # a one-row Series is fine too
    assert outcome.startswith("✅") and "88.0%" in outcome
    assert _outcome(q3, recall.iloc[0]).startswith("✅")


def test_q3_mistakes(practice):
    runs = mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME]).set_index("tags.mlflow.runName")
    rule = runs.loc["rule: month-to-month"]
    assert "percentage" in _outcome(q3, rule["metrics.recall"] * 100)
    assert "precision" in _outcome(q3, rule["metrics.precision"])
    assert "F1" in _outcome(q3, rule["metrics.f1"])
    assert "misses" in _outcome(q3, 1 - rule["metrics.recall"])
    assert "read metrics.recall" in _outcome(q3, runs.loc["model C=0.1", "metrics.recall"])
    twice = pd.Series([rule["metrics.recall"]] * 2)  # the set-up cell ran twice: two runs with that name
    assert ".iloc[0]" in _outcome(q3, twice)


# --- q4: load the champion -----------------------------------------------------------------------


def test_q4_right_answer(practice):
    champion = mlflow.sklearn.load_model(f"models:/{tracking.PRACTICE_MODEL_NAME}@{tracking.CHAMPION_ALIAS}")
    outcome = _outcome(q4, champion)
    assert outcome.startswith("✅") and "C = 0.1" in outcome


def test_q4_accepts_a_pyfunc_model(practice):
    champion = mlflow.pyfunc.load_model(f"models:/{tracking.PRACTICE_MODEL_NAME}@{tracking.CHAMPION_ALIAS}")
    outcome = _outcome(q4, champion)
    assert outcome.startswith("✅") and "pyfunc" in outcome


def test_q4_mistakes(practice):
    assert "model's address" in _outcome(q4, "models:/churn-model@champion")
    assert "not a text" in _outcome(q4, "champion")
    assert "This is the C = 0.01 model" in _outcome(q4, course_model(0.01))
    split = course_split()
    different = make_churn_model(C=5.0).fit(split.X_train, split.y_train)
    assert "scores customers differently" in _outcome(q4, different)
    assert "not an array of 3 values" in _outcome(q4, np.zeros(3))


def test_q4_without_a_champion_says_to_register_it(practice):
    client = MlflowClient()
    version = client.get_model_version_by_alias(tracking.PRACTICE_MODEL_NAME, tracking.CHAMPION_ALIAS).version
    client.delete_registered_model_alias(tracking.PRACTICE_MODEL_NAME, tracking.CHAMPION_ALIAS)
    try:
        assert "No model has the alias" in _outcome(q4, course_model(0.1))
    finally:
        client.set_registered_model_alias(tracking.PRACTICE_MODEL_NAME, tracking.CHAMPION_ALIAS, version)

