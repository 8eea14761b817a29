"""What lessons 06 and 07 recorded in MLflow, read back (lesson 09's brief uses them).

- ``latest_fairness_review()``: lesson 06's fairness review (one run tagged
  ``fairness.REVIEW_TAGS``, its group table in the artifact ``fairness.REVIEW_TABLE``);
- ``latest_ab_test()``: lesson 07's A/B test, plan and result.

(Lesson 08's monitoring plan and retraining are read back by ``churnlab.monitoring``,
which uses MLflow anyway.) These readers live apart from ``churnlab.fairness`` and
``churnlab.abtest`` because they need MLflow, which the exercises of those lessons do
not: in Colab, importing them installs nothing extra.

Lesson 07 logs its test plan as an MLflow run tagged ``abtest.PLAN_TAGS``
(``churnlab.lesson = "07"``, ``churnlab.kind = "ab_test_plan"``; its parameters are the
plan: ``abtest.PLAN_PARAMS``) and the result as a run tagged ``abtest.RESULT_TAGS``
(``churnlab.kind = "ab_test_result"``), with the plan's run id in the tag
``abtest.PLAN_RUN_TAG`` and the metrics of ``abtest.result_metrics``. This module reads
the newest of them back, so no notebook parses runs by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from churnlab import validate
from churnlab.abtest import PLAN_RUN_TAG, PLAN_TAGS, RESULT_TAGS
from churnlab.fairness import REVIEW_TABLE, REVIEW_TAGS
from churnlab.errors import CourseError
from churnlab.validate import course_function
from churnlab._base.tags import tags_filter

__all__ = ["ABTestRecord", "FairnessReview", "latest_ab_test", "latest_fairness_review"]
# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)


@dataclass(frozen=True)
class ABTestRecord:
    """The newest A/B test in MLflow: its plan (parameters) and, once logged, its result (``latest_ab_test``)."""

    plan: dict  # the plan run's parameters (texts, as MLflow stores them)
    result: dict | None = None  # the result run's metrics, or None while the test has no result yet
    result_params: dict = field(default_factory=dict)
    plan_run_name: str = ""
    result_run_name: str = ""

    @property
    def decision_rule(self) -> str:
        return self.plan.get("decision_rule", "")

    @property
    def has_result(self) -> bool:
        return self.result is not None

    def _metric(self, name: str) -> float:
        if self.result is None:
            raise CourseError("This A/B test has a plan but no result yet: log the result run first (lesson 07, section 4).")
        if name not in self.result:
            raise CourseError(f"The result run has no metric {name!r}; log abtest.result_metrics(...) in it.")
        return self.result[name]

    @property
    def effect(self) -> float:
        """The decision comparison's effect on churn (treatment − control, a share)."""
        return self._metric("effect")

    @property
    def interval(self) -> tuple[float, float]:
        """Its 95 % interval."""
        return self._metric("effect_low"), self._metric("effect_high")

    @property
    def p_value(self) -> float:
        return self._metric("p_value")

    @property
    def dollars_per_customer(self) -> tuple[float, float, float]:
        """Dollars per customer compared: estimate, low, high."""
        return (self._metric("dollars_per_customer"), self._metric("dollars_per_customer_low"),
                self._metric("dollars_per_customer_high"))

    @property
    def decision(self) -> str:
        return self.result_params.get("decision", "")


@course_function
def latest_ab_test(experiment_name: str | None = None) -> ABTestRecord | None:
    """The newest A/B test logged by lesson 07: its plan and its result, or None if there is none yet.

    Reads the store MLflow points at (``tracking.setup()`` does that), or else the
    course's store, which it never creates: no store, no experiment or no tagged run all
    give None. The newest result run (tag ``churnlab.kind = "ab_test_result"``) comes with
    the plan named in its tag ``churnlab.plan_run_id``; a plan logged after the newest
    result (or with no result at all) comes with ``result=None``.
    """
    from churnlab import tracking

    if experiment_name is not None:
        experiment_name = validate.text(experiment_name, "experiment_name", "'churn-lab'")
    _, client, experiment = tracking._stored_experiment(experiment_name)
    if experiment is None:
        return None

    def newest(tags: dict):
        condition = " and ".join(f"tags.`{key}` = '{value}'" for key, value in tags.items())
        runs = client.search_runs([experiment.experiment_id], filter_string=condition,
                                  order_by=["attributes.start_time DESC"], max_results=1)
        return runs[0] if runs else None

    plan, result = newest(PLAN_TAGS), newest(RESULT_TAGS)
    if result is not None and (plan is None or result.info.start_time >= plan.info.start_time):
        plan_id = result.data.tags.get(PLAN_RUN_TAG)
        if plan_id:
            try:
                plan = client.get_run(plan_id)
            except Exception:  # the plan run was deleted: the result still stands
                plan = None
        return ABTestRecord(dict(plan.data.params) if plan is not None else {}, dict(result.data.metrics),
                            dict(result.data.params), plan.info.run_name if plan is not None else "", result.info.run_name)
    if plan is None:
        return None
    return ABTestRecord(dict(plan.data.params), None, {}, plan.info.run_name, "")


# --- lesson 06: the fairness review ---------------------------------------------------------------------


@dataclass(frozen=True)
class FairnessReview:
    """The newest fairness review logged in MLflow."""

    run_id: str
    start_time_ms: int
    params: dict
    metrics: dict
    by_group: pd.DataFrame  # the group table (as from group_metrics)

    def recall_gap(self, group: str) -> float:
        """The recall gap (group minus others) at the campaign threshold, e.g. ``review.recall_gap("dependents")``."""
        key = f"recall_gap__{group}"
        if key not in self.metrics:
            reviewed = sorted(k.split("__", 1)[1] for k in self.metrics if k.startswith("recall_gap__"))
            raise CourseError(f"This review has no recall gap for {group!r}; it reviewed: {', '.join(reviewed)}.")
        return self.metrics[key]


@course_function
def latest_fairness_review(experiment_name: str | None = None) -> FairnessReview | None:
    """The newest run tagged as lesson 06's fairness review, or None if there is none yet.

    Reads from the store MLflow points at (``tracking.setup()`` does that), or
    else from the course's store, which it never creates: no store, no
    experiment or no tagged run all give None. ``experiment_name``: default the
    course's, ``tracking.EXPERIMENT_NAME``. Returns the run's parameters,
    metrics and group table, so nobody has to parse the artifact by hand.
    """
    from churnlab import tracking

    import tempfile
    from pathlib import Path

    import mlflow

    if experiment_name is not None:
        experiment_name = validate.text(experiment_name, "experiment_name", "'churn-lab'")
    uri, client, experiment = tracking._stored_experiment(experiment_name)
    if experiment is None:
        return None
    tags = tags_filter(REVIEW_TAGS)
    runs = client.search_runs([experiment.experiment_id], filter_string=tags, order_by=["attributes.start_time DESC"],
                              max_results=1)
    if not runs:
        return None
    run = runs[0]
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path=REVIEW_TABLE, dst_path=folder,
                                                       tracking_uri=uri)
        except Exception:
            raise CourseError(f"The newest fairness review has no {REVIEW_TABLE}: log the group table in the same run "
                              f"with mlflow.log_text(table.to_csv(index=False), fairness.REVIEW_TABLE).") from None
        by_group = pd.read_csv(Path(path))
    return FairnessReview(run.info.run_id, int(run.info.start_time), dict(run.data.params), dict(run.data.metrics), by_group)
