"""churnlab.records.latest_ab_test against real MLflow stores: lesson 07's plan and result runs, read back."""
from __future__ import annotations

import math

import pytest

from churnlab import abtest, records, tracking
from churnlab.errors import CourseError

import mlflow  # noqa: E402  (after churnlab.tracking, which quiets it)
from test_abtest import _readout  # noqa: E402


def test_latest_ab_test_is_none_without_a_store_and_never_creates_one(work_folder):
    assert records.latest_ab_test() is None
    assert not (work_folder / tracking.STORE_FILE).exists()
    tracking.setup()
    assert records.latest_ab_test() is None


def test_latest_ab_test_reads_the_plan_then_the_linked_result(work_folder):
    tracking.setup()
    srm, decision, campaign = _readout()
    plan = {name: f"value of {name}" for name in abtest.PLAN_PARAMS}
    with mlflow.start_run(run_name="plan", tags=abtest.PLAN_TAGS) as plan_run:
        mlflow.log_params(plan)
    record = records.latest_ab_test()
    assert record.plan == plan and record.result is None and not record.has_result
    with pytest.raises(CourseError, match="no result yet"):
        record.effect
    with mlflow.start_run(run_name="result", tags={**abtest.RESULT_TAGS, abtest.PLAN_RUN_TAG: plan_run.info.run_id}):
        mlflow.log_params({"decision": "switch from the rule to the model"})
        mlflow.log_metrics(abtest.result_metrics(srm, decision, campaign))
    record = records.latest_ab_test()
    assert record.plan == plan and record.decision_rule == "value of decision_rule"
    assert math.isclose(record.effect, decision.effect) and record.interval == pytest.approx((decision.low, decision.high))
    assert math.isclose(record.p_value, decision.p_value)
    assert record.dollars_per_customer == pytest.approx((decision.dollars_per_customer, *decision.dollars_interval))
    assert record.decision == "switch from the rule to the model" and record.result_run_name == "result"
    with mlflow.start_run(run_name="a new plan", tags=abtest.PLAN_TAGS):
        mlflow.log_params({"decision_rule": "a newer rule"})
    newer = records.latest_ab_test()
    assert newer.plan == {"decision_rule": "a newer rule"} and newer.result is None


def test_latest_ab_test_keeps_a_result_whose_plan_was_deleted(work_folder):
    tracking.setup()
    srm, decision, _ = _readout()
    with mlflow.start_run(run_name="plan", tags=abtest.PLAN_TAGS) as plan_run:
        mlflow.log_params({"decision_rule": "rule"})
    with mlflow.start_run(run_name="result", tags={**abtest.RESULT_TAGS, abtest.PLAN_RUN_TAG: plan_run.info.run_id}):
        mlflow.log_metrics(abtest.result_metrics(srm, decision))
    mlflow.delete_run(plan_run.info.run_id)
    record = records.latest_ab_test()
    assert record.has_result and math.isclose(record.effect, decision.effect)
