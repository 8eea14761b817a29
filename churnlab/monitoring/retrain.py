"""Retraining (lesson 08): labelled rows, a fair split by customer, models compared in dollars, and the MLflow
records of the champion, the monitoring plan and the retraining decision."""
from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import pandas as pd

from churnlab import tracking
from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.tags import run_tags, tags_filter
from churnlab._base.validate import course_function
from churnlab.economics import (
    CampaignEconomics,
    _checked_economics,
    expected_campaign_profit,
)
from churnlab.model import course_model, course_split
from churnlab.monitoring.drift import _checked_month, _checked_simulation, _model_inputs
from churnlab.monitoring.health import HOLDOUT_ARM, _checked_thresholds, _holdout
from churnlab.world import bucket

# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)

PLAN_KIND, RETRAIN_KIND, CHAMPION_KIND = "monitoring_plan", "retrain", "champion_bootstrap"

# --- retraining -------------------------------------------------------------------------------------------------


@course_function
def labelled_rows(simulation, months, arm: str = HOLDOUT_ARM) -> pd.DataFrame:
    """Customer-months with their inputs and their churn label, for ``months`` whose labels are known, in ``arm``.

    The join uses both ``customer_id`` and ``month`` (on ``customer_id`` alone, a customer
    scored in several months would be repeated). Only the hold-out's labels are clean: a
    contacted customer's outcome was changed by the offer. Columns: ``customer_id``,
    ``month``, the model's inputs, ``churned`` (1/0).
    """
    simulation = _checked_simulation(simulation)
    if isinstance(months, (int, np.integer)) and not isinstance(months, bool):
        months = [months]
    if not isinstance(months, (list, tuple, range)) or not len(months):
        raise CourseError(f"months should be a list of months, like [8, 9, 10], not {validate.kind_of(months)}.")
    months = [_checked_month(simulation, m, "each month") for m in months]
    arm = validate.text(arm, "arm", example="'hold-out'")
    holdout = _holdout(simulation, arm)
    chosen = simulation.customers["month"].isin(months).to_numpy() & holdout
    churned = simulation.outcomes.loc[chosen, "churned"]
    if churned.isna().any():
        unknown = sorted(set(simulation.outcomes.loc[chosen & simulation.outcomes["churned"].isna().to_numpy(), "month"]))
        raise CourseError(f"The labels of month {unknown[0]} are not known yet (they arrive 3 months after scoring). "
                          f"Use months whose labels are known, up to month {min(unknown) - 1}.")
    rows = simulation.customers.loc[chosen, ["customer_id", "month", *_model_inputs()]].copy()
    rows["churned"] = churned.astype(np.int64).to_numpy()
    rows.attrs.update(simulation.customers.attrs)
    return rows.reset_index(drop=True)


@course_function
def split_by_seat(rows) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split labelled rows in two by customer (a stable hash of the id): (train, test), about half each.

    A customer's rows all go to the same side, so the test customers are truly new to the
    model (the same customer in two months would otherwise be in both).
    """
    rows = validate.dataframe(rows, "rows", needs=("customer_id", "churned"), example="monitoring.labelled_rows(year, [8, 9, 10])")
    even = (bucket(rows["customer_id"]).to_numpy() % 2) == 0
    train, test = rows[even].reset_index(drop=True), rows[~even].reset_index(drop=True)
    for part in (train, test):
        part.attrs.update(rows.attrs)
    return train, test


@course_function
def compare_models(models: dict, rows, threshold: float = 1 / 6, economics=None) -> pd.DataFrame:
    """Each model on the same labelled customers, in dollars: contacted, precision, recall, expected profit.

    ``models``: name -> fitted model. Customers whose score is at or above ``threshold`` are
    contacted; expected profit uses ``economics`` (the course's $200, 30 %, $10 by default),
    exactly as ``churnlab.economics.expected_campaign_profit``.
    """
    from sklearn.metrics import precision_score, recall_score, roc_auc_score

    if not isinstance(models, dict) or not models:
        raise CourseError("models should be a dictionary of name: model, like {'champion': champion, 'challenger': challenger}, "
                          f"not {validate.kind_of(models)}.")
    rows = validate.dataframe(rows, "rows", needs=(*_model_inputs(), "churned"), example="the test part of split_by_seat(rows)")
    economics = _checked_economics(CampaignEconomics() if economics is None else economics)
    cut = validate.threshold(threshold)
    y = validate.outcomes(rows["churned"], "rows['churned']")
    result = []
    for name, model in models.items():
        model = validate.fitted_model(model, f"models[{name!r}]")
        scores = np.asarray(model.predict_proba(rows[_model_inputs()]))[:, 1]
        contacted = scores >= cut
        result.append({"model": str(name), "customers": len(rows), "contacted": int(contacted.sum()),
                       "precision": float(precision_score(y, contacted, zero_division=0)),
                       "recall": float(recall_score(y, contacted, zero_division=0)),
                       "roc_auc": float(roc_auc_score(y, scores)) if 0 < y.sum() < y.size else math.nan,
                       "expected_profit": float(expected_campaign_profit(y, contacted, economics))})
    return pd.DataFrame(result).set_index("model")


# --- MLflow: the champion, the monitoring plan, the retraining decision --------------------------------------------


def _client():
    from mlflow import MlflowClient

    return MlflowClient()


def _champion_version(model_name: str):
    try:
        return _client().get_model_version_by_alias(model_name, "champion")
    except Exception:  # no alias, or no registered model yet
        return None


@course_function
def ensure_champion() -> bool:
    """Make sure ``churn-model@champion`` exists: if it does not, log the course model and register it, quietly.

    Returns True when it registered one, False when a champion was already there (lesson 05
    or an earlier run). Call after ``tracking.setup()``.
    """
    import mlflow

    if _champion_version(tracking.MODEL_NAME) is not None:
        return False
    with mlflow.start_run(run_name="course model (registered by lesson 08)",
                          tags=run_tags("08", CHAMPION_KIND)) as run:
        mlflow.log_params({"kind": "model", "C": 1.0})
        tracking.log_churn_model(course_model(), course_split().X_train)
    tracking.register_champion(run.info.run_id)
    return True


@course_function
def log_monitoring_plan(thresholds=None, reference_month: int = 1, holdout_share: float = 0.10) -> str:
    """Log the monitoring plan (alert thresholds, reference month, hold-out share) as an MLflow run; returns its id.

    Tags: ``churnlab.lesson = "08"``, ``churnlab.kind = "monitoring_plan"``. Lesson 09 reads
    it back with ``latest_monitoring_plan()``.
    """
    import mlflow

    limits = _checked_thresholds(thresholds)
    reference_month = validate.whole_number(reference_month, "reference_month", low=1, example="1")
    holdout_share = validate.fraction(holdout_share, "holdout_share", example="0.1")
    with mlflow.start_run(run_name="monitoring plan", tags=run_tags("08", PLAN_KIND)) as run:
        mlflow.log_params({**{f"alert_{k}": v for k, v in asdict(limits).items()}, "reference_month": reference_month,
                           "holdout_share": holdout_share, "psi_bins": 10})
    return run.info.run_id


@course_function
def log_retrain(comparison, challenger, X, months, champion_name: str = "champion", challenger_name: str = "challenger",
                min_margin: float = 0.0, threshold: float = 1 / 6) -> dict:
    """Log the retraining decision in MLflow; register the challenger and move ``champion`` to it only if it wins in dollars.

    ``comparison``: the table of ``compare_models`` (with rows ``champion_name`` and
    ``challenger_name``), computed on the same recent customers. The challenger wins when
    its expected profit beats the champion's by more than ``min_margin`` dollars (0 by
    default; a team that agrees on a margin beforehand is protected from promoting noise).
    ``threshold``: the score at or above which a customer is contacted, as given to
    ``compare_models`` (the break-even 1/6 by default); it is logged with each run, so the
    product brief (lesson 09) can say at which threshold the promoted champion works.
    One run per model (tags ``churnlab.lesson = "08"``, ``churnlab.kind = "retrain"``); the
    challenger's run holds the model. Returns a dictionary of stable facts: ``winner``,
    ``margin`` (dollars, the winner's edge), ``customers``, ``months``, ``alias_moved``.
    """
    import mlflow

    comparison = validate.dataframe(comparison, "comparison", needs=("expected_profit", "customers"),
                                    example="monitoring.compare_models({...}, test)")
    for name in (champion_name, challenger_name):
        if name not in comparison.index:
            raise CourseError(f"comparison has no row {name!r} (its rows: {', '.join(map(repr, comparison.index))}). "
                              "Name the two models as in compare_models({...}).")
    challenger = validate.fitted_model(challenger, "challenger")
    X = validate.dataframe(X, "X", needs=_model_inputs(), example="train[FEATURES]")
    if isinstance(months, (int, np.integer)):
        months = [months]
    if not isinstance(months, (list, tuple, range)) or not len(months):
        raise CourseError(f"months should list the months the models were compared on, like [8, 9, 10], not {validate.kind_of(months)}.")
    months = [validate.whole_number(m, "each month", low=1, example="8") for m in months]
    min_margin = validate.number(min_margin, "min_margin", low=0, example="500")
    threshold = validate.threshold(threshold)
    profits = comparison["expected_profit"]
    margin = float(profits[challenger_name] - profits[champion_name])
    wins = margin > min_margin
    shared = {"compared_on_months": f"{min(months)}-{max(months)}", "customers": int(comparison.loc[challenger_name, "customers"])}
    for name in (champion_name, challenger_name):
        with mlflow.start_run(run_name=f"retrain: {name}", tags={**run_tags("08", RETRAIN_KIND), "churnlab.role": name}) as run:
            mlflow.log_params({**shared, "role": name, "min_margin": min_margin, "threshold": threshold})
            mlflow.log_metrics({k: float(v) for k, v in comparison.loc[name].items() if pd.notna(v)})
            if name == challenger_name:
                mlflow.log_metric("margin_over_champion", margin)
                mlflow.set_tag("churnlab.decision", "promote" if wins else "keep the champion")
                tracking.log_churn_model(challenger, X)
                challenger_run = run.info.run_id
    if wins:
        tracking.register_champion(challenger_run)
    return {"winner": challenger_name if wins else champion_name, "margin": abs(margin), "customers": shared["customers"],
            "months": shared["compared_on_months"], "alias_moved": wins}


def _latest(kind: str) -> list:
    """Lesson 08's runs of one kind, newest first (MLflow ``Run`` objects); empty when there are none, or no store."""
    _, client, experiment = tracking._stored_experiment()
    if experiment is None:
        return []
    return client.search_runs([experiment.experiment_id],
                              filter_string=tags_filter(run_tags("08", kind)),
                              order_by=["attributes.start_time DESC"])


@course_function
def latest_monitoring_plan() -> dict | None:
    """The alert thresholds of the newest monitoring plan logged by lesson 08, as a dictionary; None if there is none."""
    runs = _latest(PLAN_KIND)
    if not runs:
        return None
    plan = runs[0].data.params
    return {name: (float(value) if name != "reference_month" else int(float(value))) for name, value in plan.items()}


@course_function
def latest_retrain() -> dict | None:
    """The newest retraining decision logged by lesson 08: winner, margin (dollars), customers, months; None if none."""
    decided = [run for run in _latest(RETRAIN_KIND) if "churnlab.decision" in run.data.tags]
    if not decided:
        return None
    run = decided[0]
    decision = run.data.tags["churnlab.decision"]
    return {"decision": decision, "margin": abs(float(run.data.metrics["margin_over_champion"])),
            "customers": int(float(run.data.params["customers"])), "months": run.data.params["compared_on_months"],
            "alias_moved": decision == "promote"}
