"""Lesson 05 questions, against a temporary practice store built like the exercise's set-up.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variables and
through ``qN.check(...)``), with what every question must do alike; their ``Lazy`` answers are built from
the store. This file adds what is lesson 05's own: the mistakes that change the registry.
"""
from __future__ import annotations

import contextlib
import os

import numpy as np
import pandas as pd
import pytest

from churnlab import rules, tracking
from churnlab.economics import CampaignEconomics
from churnlab.exercises import lesson05
from churnlab.exercises.core import course_model, course_split
from churnlab.exercises.lesson05 import CHAMPION_ADDRESS, LESSON_ADDRESS, q1, q2, q3, q4, q5
from churnlab.model import make_churn_model

from answers import Lazy, Several, outcome

import mlflow  # noqa: E402  (after churnlab.tracking, which quiets it)
from mlflow import MlflowClient  # noqa: E402

PRACTICE = tracking.PRACTICE_MODEL_NAME
ECONOMICS = CampaignEconomics()
THRESHOLD = ECONOMICS.break_even_probability


CANDIDATE = {tracking.ROLE_TAG: lesson05.CANDIDATE_ROLE}


def _log_run(run_name: str, C=None, *, scores_of=None, with_model=False, params=None, metrics=True, experiment_id=None,
             tags=None):
    """Log a run as a learner's cell would; ``scores_of`` is the C of the model whose metrics are logged."""
    split = course_split()
    with mlflow.start_run(run_name=run_name, experiment_id=experiment_id, tags=tags) as run:
        logged = {"kind": "model", "C": C, "threshold": THRESHOLD} if params is None else params
        if logged:
            mlflow.log_params(logged)
        if metrics:
            scores = lesson05._scores(C if scores_of is None else scores_of)
            mlflow.log_metrics(tracking.decision_metrics(split.y_test, scores, THRESHOLD, ECONOMICS))
        if with_model:
            tracking.log_churn_model(course_model(C), split.X_train)
    return run.info.run_id


@contextlib.contextmanager
def practice_store(workdir):
    """The exercise's practice experiment and model, in a fresh store under ``workdir``.

    Like the set-up cells: the C = 0.1 and C = 0.01 models (with their models), the two rules, the champion
    (C = 0.1), all tagged as candidates. Like a learner's cells: question 1's run (tagged as a candidate, as its
    passed check does), question 5's challenger, and attempts that went wrong, untagged: one, a real C = 30
    model named "model C=0.3", earns more than every candidate (the issue-21 case: it must not change q2's answer).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHURNLAB_WORKDIR", str(workdir))
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        tracking.setup(tracking.PRACTICE_EXPERIMENT_NAME)
        split = course_split()
        ids = {C: _log_run(f"model C={C}", C, with_model=True, tags=CANDIDATE) for C in (0.1, 0.01)}
        for run_name, rule in [("rule: month-to-month", "month_to_month"), ("rule: month-to-month and new", "month_to_month_and_new")]:
            with mlflow.start_run(run_name=run_name, tags=CANDIDATE):
                mlflow.log_params({"kind": "rule", "rule": rule, "threshold": 1})
                mlflow.log_metrics(tracking.decision_metrics(split.y_test, rules.RULES[rule](split.X_test), 1, ECONOMICS))
        champion = tracking.register_champion(ids[0.1], PRACTICE)
        ids[0.3] = _log_run("model C=0.3", 0.3)
        lesson05._mark_candidate(ids[0.3])  # what question 1's passed check does
        challenger_run = _log_run("model C=0.3 (challenger)", 0.3, with_model=True)
        challenger = tracking.register_champion(challenger_run, PRACTICE, alias="challenger")
        tracking.prepare_store(experiment_names=(tracking.EXPERIMENT_NAME,))
        lesson_experiment = mlflow.get_experiment_by_name(tracking.EXPERIMENT_NAME).experiment_id
        attempts = {
            "no params": _log_run("model C=0.3", 0.3, params={}),
            "no threshold": _log_run("model C=0.3", 0.3, params={"C": 0.3}),
            "no metrics": _log_run("model C=0.3", 0.3, metrics=False),
            "C as text": _log_run("model C=0.3", params={"C": "small"}, metrics=False),
            "C = 0.03": _log_run("model C=0.3", 0.03),
            "C = 30": _log_run("model C=0.3", 30.0, scores_of=0.3),
            "trained with C = 30": _log_run("model C=0.3", 30.0),  # earns more than any candidate
            # a candidate of an earlier session (its own session tag): not one of this session's candidates
            "earlier session": _log_run("model C=3", 3.0, tags={tracking.SESSION_TAG: "0123456789ab", **CANDIDATE}),
            "metrics of C = 1": _log_run("model C=0.3", 0.3, scores_of=1.0),
            "metrics of C = 0.01": _log_run("model C=0.3", 0.3, scores_of=0.01),  # the same profit as C = 0.3
            "capital M": _log_run("Model C=0.3", 0.3),
            "other name": _log_run("model C=0.03", 0.3),
            "lesson experiment": _log_run("model C=0.3", 0.3, experiment_id=lesson_experiment),
        }
        with mlflow.start_run(run_name="model C=0.3") as wrong_profit:  # metrics typed in by hand
            mlflow.log_params({"kind": "model", "C": 0.3, "threshold": THRESHOLD})
            mlflow.log_metrics({**lesson05._metrics_of(0.3, THRESHOLD), "expected_profit": 12000.0})
        attempts["wrong profit"] = wrong_profit.info.run_id
        with mlflow.start_run(run_name="model C=0.3") as profit_only:
            mlflow.log_params({"kind": "model", "C": 0.3, "threshold": THRESHOLD})
            mlflow.log_metric("expected_profit", lesson05._metrics_of(0.3, THRESHOLD)["expected_profit"])
        attempts["profit only"] = profit_only.info.run_id
        store = {"ids": ids, "attempts": attempts, "champion_version": int(champion.version),
                 "challenger_version": int(challenger.version),
                 "champion": mlflow.sklearn.load_model(CHAMPION_ADDRESS)}
        try:
            yield store
        finally:
            mlflow.set_tracking_uri(None)
            mlflow.tracking.fluent._active_experiment_id = None
            os.environ.pop("MLFLOW_EXPERIMENT_ID", None)


@pytest.fixture(scope="module")
def practice(tmp_path_factory):
    with practice_store(tmp_path_factory.mktemp("work")) as store:
        yield store


def _attempt(name):
    return Lazy(lambda store: store["attempts"][name], f"the run '{name}'")


def _run_id(C):
    return Lazy(lambda store: store["ids"][C], f"the run id of C = {C}")


def _with_champion(address):
    return Several(address, Lazy(lambda store: store["champion"], "the champion loaded by alias"))


def _practice_recall(run_name):
    def make(store):
        runs = mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME],
                                  filter_string=f"tags.mlflow.runName = '{run_name}'")
        return runs["metrics.recall"].iloc[0]
    return Lazy(make, f"the recall of '{run_name}'")


def _recall_column(store):
    runs = mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME],
                              filter_string="tags.mlflow.runName = 'rule: month-to-month'")
    return runs["metrics.recall"]


RULE_RECALL = 329 / 374  # the month-to-month rule reaches 329 of the 374 test churners

RIGHT_ANSWERS = {
    "q1": [_run_id(0.3)],
    "q2": ["model C=0.1", "  model C=0.1 "],
    "q3": [_practice_recall("rule: month-to-month"), Lazy(_recall_column, "a one-row column"), 0.880],
    "q4": [_with_champion(CHAMPION_ADDRESS),
           Several(CHAMPION_ADDRESS, Lazy(lambda store: mlflow.pyfunc.load_model(CHAMPION_ADDRESS), "a pyfunc model"))],
    "q5": [Lazy(lambda store: store["challenger_version"], "the challenger's version")],
}

WRONG_ANSWERS = {
    "q1": [
        (42, "should be the run's id"),
        ("model C=0.3", "not a run id"),  # the run's name instead of its id
        ("0" * 32, "no run with this id"),
        (_run_id(0.1), "Your run is named 'model C=0.1'"),
        (_attempt("other name"), "Your run is named 'model C=0.03'"),
        (_attempt("capital M"), "names are matched exactly"),
        (_attempt("lesson experiment"), "not in the practice experiment"),
        (_attempt("no params"), "no parameter C"),
        (_attempt("C as text"), "log it as a number"),
        (_attempt("C = 0.03"), "This run logged C = 0.03"),
        (_attempt("C = 30"), "This run logged C = 30"),
        (_attempt("no threshold"), "no parameter threshold"),
        (_attempt("no metrics"), "no metric expected_profit"),
        (_attempt("metrics of C = 1"), "its metrics come from a C = 1 model"),
        (_attempt("metrics of C = 0.01"), "its metrics come from a C = 0.01 model"),
        (_attempt("wrong profit"), "not what a C = 0.3 model gives"),
        (_attempt("profit only"), "no metric roc_auc"),
        (Lazy(lambda store: mlflow.start_run(run_name="attempt: left open"), "a run left open"), "I have closed it for you"),
    ],
    "q2": [
        (_run_id(0.1), "That is a run id"),
        ("rule: month-to-month and new", "*lowest* expected profit"),
        # the real C = 0.3 run is a candidate (q1 passed), but a try trained with C = 30 under its name tops the experiment
        ("model C=0.3", "is not a candidate"),
        ("model C=3", "not one of this session's candidates"),  # an earlier session's candidate
        ("Model C=0.3", "capitals too"),  # a try that went wrong: a run named 'model C=0.3' exists
        ("rule: month-to-month", "another candidate earns more"),
        ("model C=0.01", "another candidate earns more"),
        ("Model C=0.1", "matched exactly, capitals too"),
        ("model C=42", "No candidate run in the practice experiment is named"),
        (12650, "as text"),
        (Lazy(lambda store: mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME])["tags.mlflow.runName"],
              "the whole column"), "a whole column of names"),
    ],
    "q3": [
        (RULE_RECALL * 100, "looks like a percentage"),
        (_practice_recall("rule: month-to-month and new"), "'rule: month-to-month and new'"),
        (_practice_recall("model C=0.1"), "a model run (C = 0.1)"),
        (0.426, "the rule's precision"),
        (1 - RULE_RECALL, "*misses*"),
        (pd.Series([RULE_RECALL, RULE_RECALL]), ".iloc[0]"),
        (pd.Series([RULE_RECALL, 0.548]), "matched more than one"),
        (0.87, "looks like a rounded number"),
        ("0.88", "Remove the quotes"),
        (0.5, "month_to_month_recall is 0.5"),
    ],
    "q4": [
        (_with_champion(LESSON_ADDRESS), "the lesson's model"),  # the lesson's churn-model@champion
        (_with_champion(f"models:/{PRACTICE}/1"), "a fixed version number"),
        (_with_champion(f"models:/{PRACTICE}@Champion"), "case-sensitive"),
        (_with_champion(f"models:/{PRACTICE}@challenger"), "is not the champion's"),
        # an address that still holds the blank, models:/...@____, is "not attempted" (tests/exercises/test_exercises_core.py)
        (_with_champion("runs:/0123456789abcdef0123456789abcdef/model"), "a run's copy"),
        (_with_champion("models:/m-0123456789abcdef"), "a logged model's id"),
        (_with_champion("champion"), "is not a model address"),
        (_with_champion(42), "should be the model's address"),
        (Several(CHAMPION_ADDRESS, Lazy(lambda store: course_model(0.3), "q1's model")), "still in memory"),
        (Several(CHAMPION_ADDRESS, Lazy(lambda store: course_model(0.01), "the set-up's last model")), "This is the C = 0.01 model"),
        (Several(CHAMPION_ADDRESS, CHAMPION_ADDRESS), "not a text"),
        (Several(CHAMPION_ADDRESS, np.zeros(3)), "not an array of 3 values"),
    ],
    "q5": [
        (Lazy(lambda store: store["champion_version"], "the champion's version"), "is the champion's"),
        (99, "points at another version than 99"),
        (Lazy(lambda store: MlflowClient().get_model_version_by_alias(PRACTICE, "challenger"), "the ModelVersion"),
         "Its number is its .version"),
        (Lazy(lambda store: str(store["challenger_version"]), "the version as text"), "Remove the quotes"),
        (0.5, "points at another version than 0.5"),
    ],
}


def test_exports():
    assert lesson05.__all__ == ["q1", "q2", "q3", "q4", "q5", "____"]


def test_q1_right_answer_says_what_the_run_records(practice):
    text = outcome(q1, practice["ids"][0.3])
    assert text.startswith("✅") and "$12,610" in text


def test_q1_a_run_left_open_is_closed_so_the_next_try_works(practice):
    left_open = mlflow.start_run(run_name="attempt: left open")
    assert "closed it" in outcome(q1, left_open)
    assert mlflow.active_run() is None


def test_q2_without_runs_says_to_run_the_cells_above(tmp_path, monkeypatch, practice):
    previous = mlflow.get_tracking_uri()
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    try:
        mlflow.set_tracking_uri(tracking.prepare_store(tracking.default_tracking_uri()))
        assert "no runs" in outcome(q2, "model C=0.1")
    finally:
        mlflow.set_tracking_uri(previous)


def test_q2_a_wrong_try_that_earns_more_does_not_change_the_answer(practice):
    """Issue 21: a run trained with C = 30 but named "model C=0.3" earns more than every candidate."""
    wrong_try = mlflow.get_run(practice["attempts"]["trained with C = 30"]).data.metrics["expected_profit"]
    best_candidate = mlflow.get_run(practice["ids"][0.1]).data.metrics["expected_profit"]
    assert wrong_try > best_candidate  # else this test proves nothing
    assert outcome(q2, "model C=0.1").startswith("✅") and f"${best_candidate:,.0f}" in outcome(q2, "model C=0.1")
    assert f"${wrong_try:,.0f}" in outcome(q2, "model C=0.3")  # named, and refused
    assert not outcome(q2, "model C=0.3").startswith("✅")


def test_q2_reads_only_this_sessions_candidates(practice):
    session = tracking._session_id
    try:
        tracking._session_id = "another-one"  # a new set-up (tracking.setup) before the candidates were logged again
        assert "no runs among its candidates" in outcome(q2, "model C=0.1")
    finally:
        tracking._session_id = session


def test_q1_marks_only_its_own_sessions_run_as_a_candidate(practice):
    assert mlflow.get_run(practice["ids"][0.3]).data.tags[tracking.ROLE_TAG] == lesson05.CANDIDATE_ROLE
    for name in ("trained with C = 30", "capital M"):
        assert tracking.ROLE_TAG not in mlflow.get_run(practice["attempts"][name]).data.tags


def test_q3_the_rule_recall_is_what_the_run_logged(practice):
    assert f"{_practice_recall('rule: month-to-month').make(practice):.4f}" == f"{RULE_RECALL:.4f}"


def test_q4_a_different_model_is_refused(practice):
    split = course_split()
    different = make_churn_model(C=5.0).fit(split.X_train, split.y_train)
    assert "scores customers differently" in outcome(q4, Several(CHAMPION_ADDRESS, different))


def test_q4_without_a_champion_says_to_register_it(practice):
    client = MlflowClient()
    client.delete_registered_model_alias(PRACTICE, tracking.CHAMPION_ALIAS)
    try:
        assert "has the alias 'champion' yet" in outcome(q4, Several(CHAMPION_ADDRESS, practice["champion"]))
    finally:
        client.set_registered_model_alias(PRACTICE, tracking.CHAMPION_ALIAS, practice["champion_version"])


def test_q5_without_a_challenger_says_how_to_register_it(practice):
    client = MlflowClient()
    client.delete_registered_model_alias(PRACTICE, "challenger")
    try:
        assert "has the alias 'challenger' yet" in outcome(q5, practice["challenger_version"])
    finally:
        client.set_registered_model_alias(PRACTICE, "challenger", practice["challenger_version"])


def test_q5_the_champion_moved_onto_the_challenger_is_a_mistake(practice):
    client = MlflowClient()
    client.set_registered_model_alias(PRACTICE, tracking.CHAMPION_ALIAS, practice["challenger_version"])
    try:
        assert "register_champion's default alias is champion" in outcome(q5, practice["challenger_version"])
    finally:
        client.set_registered_model_alias(PRACTICE, tracking.CHAMPION_ALIAS, practice["champion_version"])


def test_q5_a_challenger_on_the_lesson_model_is_a_mistake(practice):
    run_id = _log_run("model C=0.3 (in the lesson's model)", 0.3, with_model=True)
    version = tracking.register_champion(run_id, tracking.MODEL_NAME, alias="challenger")
    try:
        assert "on the lesson's model" in outcome(q5, practice["challenger_version"])
    finally:
        MlflowClient().delete_registered_model_alias(tracking.MODEL_NAME, "challenger")
        MlflowClient().delete_model_version(tracking.MODEL_NAME, version.version)


def test_q5_a_challenger_of_another_setting_is_a_mistake(practice):
    client = MlflowClient()
    other = tracking.register_champion(practice["ids"][0.01], PRACTICE, alias="challenger")
    try:
        assert "The challenger is a C = 0.01 model" in outcome(q5, int(other.version))
    finally:
        client.set_registered_model_alias(PRACTICE, "challenger", practice["challenger_version"])


def test_the_lesson_champion_never_moves(practice):
    with pytest.raises(Exception):
        MlflowClient().get_model_version_by_alias(tracking.MODEL_NAME, tracking.CHAMPION_ALIAS)
