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
from churnlab.kept_results import computed_once
from churnlab.model import CHAMPION_C, champion_model, course_split
from churnlab.monitoring.drift import (
    PSI_BINNING,
    PSI_BINS,
    _checked_month,
    _checked_simulation,
    _model_inputs,
)
from churnlab.monitoring.health import (
    HOLDOUT_ARM,
    _checked_thresholds,
    _holdout,
    alerts_in_words,
)
from churnlab.world import bucket

# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)

PLAN_KIND, RETRAIN_KIND, CHAMPION_KIND = "monitoring_plan", "retrain", "champion_bootstrap"
# What monitoring found, logged as tags of the monitoring plan (lesson 09's brief reads these names).
ALERTS_FIRED_TAG, OPEN_ACTIONS_TAG, FOUND_TAG_LIMIT = "alerts_fired", "open_actions", 500

# --- retraining -------------------------------------------------------------------------------------------------


@course_function
def labelled_rows(simulation, months, arm: str = HOLDOUT_ARM, customers=None) -> pd.DataFrame:
    """Customer-months with their inputs and their churn label, for ``months`` whose labels are known, in ``arm``.

    The join uses both ``customer_id`` and ``month`` (on ``customer_id`` alone, a customer
    scored in several months would be repeated). Only the hold-out's labels are clean: a
    contacted customer's outcome was changed by the offer. ``customers``: the customer table to
    take the inputs from, when a data bug was repaired (``repair_total_charges(year.customers)``);
    default the simulation's own. Columns: ``customer_id``, ``month``, the model's inputs,
    ``churned`` (1/0).
    """
    simulation = _checked_simulation(simulation)
    if customers is None:
        customers = simulation.customers
    else:
        customers = validate.dataframe(customers, "customers", needs=("customer_id", "month", *_model_inputs()),
                                       example="monitoring.repair_total_charges(year.customers)")
        same = len(customers) == len(simulation.customers) and \
            (customers["customer_id"].to_numpy() == simulation.customers["customer_id"].to_numpy()).all()
        if not same:
            raise CourseError("customers should be this simulation's customer table, row for row (repaired, say, with "
                              "monitoring.repair_total_charges(year.customers)), not another table.")
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
    rows = customers.loc[chosen, ["customer_id", "month", *_model_inputs()]].copy()
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
def split_by_time(rows, test_from: int, label_horizon: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split labelled rows in time: (train, test) = the months whose labels were known before ``test_from``
    started, and ``test_from`` onwards.

    Out-of-time, as the model will be used: trained on what was known on the test's first
    scoring day, judged on later months. A month's label counts who left in the
    ``label_horizon`` months from its scoring day (3 in the course), so it is known only
    ``label_horizon`` months later: training keeps the months up to ``test_from - label_horizon``
    and leaves out the months in between, whose labels run into the test months (their churners
    would be the test's churners, already labelled in training). ``label_horizon=0`` keeps every
    month before ``test_from`` (a leaky split, shown only for comparison). The same customer may
    still appear on both sides (customers stay for months): state how many, and judge the margin
    with an interval clustered by customer (``profit_margin``).
    """
    rows = validate.dataframe(rows, "rows", needs=("customer_id", "month", "churned"),
                              example="monitoring.labelled_rows(year, months=range(1, 11))")
    test_from = validate.whole_number(test_from, "test_from", low=1, example="9")
    label_horizon = validate.whole_number(label_horizon, "label_horizon", low=0, example="3")
    month = rows["month"].to_numpy()
    later = month >= test_from
    known = (month <= test_from - label_horizon) & ~later
    if later.all() or not later.any() or not known.any():
        months = sorted(set(rows["month"].tolist()))
        raise CourseError(f"test_from={test_from} leaves nothing on one side: the rows cover months {months[0]}-{months[-1]}, "
                          f"and training keeps only months up to test_from - {label_horizon} (the labels known before "
                          f"the test starts). Pick a month after month {months[0] + label_horizon} and at most {months[-1]}.")
    train, test = rows[known].reset_index(drop=True), rows[later].reset_index(drop=True)
    for part in (train, test):
        part.attrs.update(rows.attrs)
    return train, test


@course_function
def repair_total_charges(customers) -> pd.DataFrame:
    """The customer table with each empty ``total_charges`` rebuilt from the billing history: a copy.

    A customer's total charges grow by one monthly bill a month, so an empty total is last
    month's total plus last month's bill (months filled in order, so a gap of several months is
    filled too); a customer in their first month (tenure 1) has paid one bill. The rule is checked
    on the totals that did arrive: ``attrs`` holds ``repaired`` (rows filled), ``checked`` (rows
    whose arrived total the rule could rebuild) and ``reproduced`` (the share of those it
    reproduces to the cent), so you can see whether to trust it. Rows it cannot rebuild stay empty.
    """
    customers = validate.dataframe(customers, "customers", needs=("customer_id", "month", "tenure", "monthly_charges",
                                                                 "total_charges"), example="year.customers")
    fixed = customers.copy()
    total = fixed["total_charges"].to_numpy(dtype=float, na_value=np.nan).copy()
    empty_before = np.isnan(total)
    rebuilt = np.full(total.size, np.nan)
    months = fixed["month"].to_numpy()
    ids = fixed["customer_id"].to_numpy()
    bills = fixed["monthly_charges"].to_numpy(dtype=float, na_value=np.nan)
    first_month = fixed["tenure"].to_numpy() == 1
    rebuilt[first_month] = bills[first_month]
    for month in sorted(set(months.tolist()))[1:]:
        here, before = np.flatnonzero(months == month), np.flatnonzero(months == month - 1)
        previous = pd.Series(np.round(total[before] + bills[before], 2), index=ids[before])
        found = previous.reindex(ids[here]).to_numpy()
        rebuilt[here] = np.where(np.isnan(found), rebuilt[here], found)
        fill = here[np.isnan(total[here])]
        total[fill] = rebuilt[fill]
    checked = ~empty_before & ~np.isnan(rebuilt)
    fixed["total_charges"] = total
    fixed.attrs.update(customers.attrs)
    fixed.attrs.update(repaired=int((empty_before & ~np.isnan(total)).sum()), checked=int(checked.sum()),
                       reproduced=float(np.mean(np.abs(rebuilt[checked] - total[checked]) < 0.005)) if checked.any() else math.nan)
    return fixed


def _row_profits(model, rows: pd.DataFrame, cut: float, economics: CampaignEconomics) -> np.ndarray:
    """Each row's expected profit if ``model`` decides: contacted churners earn acceptance x value, every contact costs."""
    scores = np.asarray(model.predict_proba(rows[_model_inputs()]))[:, 1]
    contacted = scores >= cut
    gain = economics.acceptance_rate * economics.value_of_saved_customer
    return contacted * (rows["churned"].to_numpy() * gain - economics.cost_per_contact)


@course_function
@computed_once
def profit_margin(champion, challenger, rows, draws: int = 2_000, seed: int = 0, threshold: float = 1 / 6,
                  economics=None) -> pd.Series:
    """The challenger's expected profit minus the champion's on the same labelled rows, with a 95 % interval.

    The interval is a bootstrap **clustered by customer**: a customer seen in several months is
    one unit, drawn whole, because their months are not independent (a loyal customer stays in
    every month). Returns a Series: ``margin`` (dollars), ``low`` and ``high`` (the 95 %
    interval), ``challenger wins in`` (the share of draws where the margin is above 0),
    ``customers`` and ``customer-months``. An interval that crosses 0 is a win within noise.
    """
    for name, model in (("champion", champion), ("challenger", challenger)):
        validate.fitted_model(model, name)
    rows = validate.dataframe(rows, "rows", needs=("customer_id", *_model_inputs(), "churned"),
                              example="the test part of split_by_time(rows, 9)")
    economics = _checked_economics(CampaignEconomics() if economics is None else economics)
    cut = validate.threshold(threshold)
    draws = validate.whole_number(draws, "draws", low=100, example="2000")
    if draws > 20_000:
        raise CourseError(f"draws is {draws:,}; 2,000 draws give a steady 95 % interval, at most 20,000.")
    seed = validate.whole_number(seed, "seed", low=0, example="0")
    difference = _row_profits(challenger, rows, cut, economics) - _row_profits(champion, rows, cut, economics)
    codes, _ = pd.factorize(rows["customer_id"])
    per_customer = np.bincount(codes, weights=difference)
    n = per_customer.size
    rng = np.random.default_rng(seed)
    totals = np.array([per_customer[rng.integers(0, n, n)].sum() for _ in range(draws)])
    low, high = np.percentile(totals, [2.5, 97.5])
    return pd.Series({"margin": float(difference.sum()), "low": float(low), "high": float(high),
                      "challenger wins in": float(np.mean(totals > 0)), "customers": n, "customer-months": len(rows)},
                     name="challenger minus champion (dollars)", dtype=object)


@course_function
@computed_once
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
    """Make sure ``churn-model@champion`` exists: if it does not, register lesson 05's champion, quietly.

    Lesson 05's champion is ``churnlab.model.champion_model()`` (C = ``CHAMPION_C``, 0.1),
    the model live all year in lesson 08's simulation.

    Returns True when it registered one, False when a champion was already there (lesson 05
    or an earlier run). Call after ``tracking.setup()``.
    """
    import mlflow

    if _champion_version(tracking.MODEL_NAME) is not None:
        return False
    with mlflow.start_run(run_name="lesson 05's champion (registered by lesson 08)",
                          tags=run_tags("08", CHAMPION_KIND)) as run:
        mlflow.log_params({"kind": "model", "C": CHAMPION_C})
        tracking.log_churn_model(champion_model(), course_split().X_train)
    tracking.register_champion(run.info.run_id)
    return True


@course_function
def log_monitoring_plan(thresholds=None, reference_month: int = 1, holdout_share: float = 0.10,
                        psi_no_change=None, alerts_fired=None, open_actions=None, precision_gap_no_change=None) -> str:
    """Log the monitoring plan (alert thresholds, reference month, hold-out share, PSI binning) as an MLflow run.

    ``psi_no_change``: what PSI reads when nothing changed, at the month's volume (the highest
    of ``psi_no_change(year)`` over the watched columns, or the 99th percentile of
    ``drift_at_sizes(values, shift=0, ...)`` for one); logged with the plan, and the PSI
    alert threshold must sit above it (else it would alert on noise). ``precision_gap_no_change``: how far the
    precision gap strays with nothing wrong at the month's volume (``precision_gap_no_change(year)``), logged too;
    the precision-gap threshold must be at or above it. The binning logged is
    ``PSI_BINNING``. Tags: ``churnlab.lesson = "08"``, ``churnlab.kind = "monitoring_plan"``.
    Lesson 09 reads it back with ``latest_monitoring_plan()``. Returns the run's id.

    What monitoring **found**, for lesson 09's brief (a contract: the brief reads these two tag
    names), logged as two run tags when given:

    - ``alerts_fired``: short text, each alert and its first month, separated by "; ", like
      "leaving rate from month 5; data quality (empty inputs) from month 7". Pass the text of
      ``alerts_in_words(alerts(health, thresholds))``, or the alerts table itself (it is put in
      words the same way). An empty table logs "none".
    - ``open_actions``: a list of short items (or one text), logged joined by " | ", like
      "fix the total-charges bug in the live scoring pipeline | re-read the challenger when the
      labels of months 11-12 arrive (1 March 2028)". No item may hold " | " itself.

    Each tag's value must stay under 500 characters (``FOUND_TAG_LIMIT``; MLflow shows tags in
    full, the brief renders them as they are); a longer one raises a ``CourseError``.
    ``latest_monitoring_plan()`` returns them under the same keys.
    """
    import mlflow

    limits = _checked_thresholds(thresholds)
    reference_month = validate.whole_number(reference_month, "reference_month", low=1, example="1")
    holdout_share = validate.fraction(holdout_share, "holdout_share", example="0.1")
    noise = {}
    if psi_no_change is not None:
        value = validate.number(psi_no_change, "psi_no_change", low=0, example="0.006")
        if value >= limits.psi:
            raise CourseError(f"The PSI alert threshold ({limits.psi:g}) is not above what PSI reads with no change at all "
                              f"({value:.3f}): it would alert on noise. Raise AlertThresholds(psi=...) well above it.")
        noise = {"psi_no_change_p99": value}
    if precision_gap_no_change is not None:
        value = validate.number(precision_gap_no_change, "precision_gap_no_change", low=0, high=1, example="0.062")
        if value > limits.precision_gap:
            raise CourseError(f"The precision-gap alert threshold ({limits.precision_gap:g}) is below what the gap reads "
                              f"with nothing wrong ({value:.3f}): it would alert on noise. Set "
                              "AlertThresholds(precision_gap=...) at or above it.")
        noise["precision_gap_no_change_p99"] = value
    found = _found_tags(alerts_fired, open_actions)
    with mlflow.start_run(run_name="monitoring plan", tags={**run_tags("08", PLAN_KIND), **found}) as run:
        mlflow.log_params({**{f"alert_{k}": v for k, v in asdict(limits).items()}, "reference_month": reference_month,
                           "holdout_share": holdout_share, "psi_bins": PSI_BINS, "psi_binning": PSI_BINNING, **noise})
    return run.info.run_id


def _found_tags(alerts_fired, open_actions) -> dict:
    """The tags ``alerts_fired`` and ``open_actions`` of the monitoring plan, checked (see ``log_monitoring_plan``)."""
    found = {}
    if alerts_fired is not None:
        if isinstance(alerts_fired, pd.DataFrame):
            alerts_fired = alerts_in_words(alerts_fired)
        found[ALERTS_FIRED_TAG] = validate.text(alerts_fired, "alerts_fired",
                                                example="monitoring.alerts_in_words(monitoring.alerts(health, thresholds))")
    if open_actions is not None:
        items = [open_actions] if isinstance(open_actions, str) else open_actions
        if not isinstance(items, (list, tuple)) or not items:
            raise CourseError("open_actions should be a list of short texts, like ['fix the pipeline', 're-read the challenger "
                              f"in March'], not {validate.kind_of(open_actions)}.")
        items = [validate.text(item, "each open action", example="'fix the total-charges bug'").strip() for item in items]
        if any(" | " in item for item in items):
            raise CourseError("An open action holds ' | ', the separator of the logged list: give each action as its own item.")
        found[OPEN_ACTIONS_TAG] = " | ".join(items)
    for name, value in found.items():
        if len(value) >= FOUND_TAG_LIMIT:
            raise CourseError(f"{name} is {len(value)} characters long; keep it under {FOUND_TAG_LIMIT} (short items, "
                              "the brief prints it as it is).")
    return found


SHADOW, KEEP = "shadow test", "keep the champion"


def _wins(margin: float, low: float, min_margin: float, with_interval: bool) -> bool:
    """The retraining rule: the whole interval above ``min_margin`` (without an interval, the point margin)."""
    return low > min_margin if with_interval else margin > min_margin


@course_function
def log_retrain(comparison, challenger, X, months, champion_name: str = "champion", challenger_name: str = "challenger",
                min_margin: float = 0.0, threshold: float = 1 / 6, interval=None) -> dict:
    """Log the retraining decision in MLflow. The ``champion`` alias never moves here.

    ``comparison``: the table of ``compare_models`` (with rows ``champion_name`` and
    ``challenger_name``), computed on the same customers, later months than the challenger
    was trained on. ``interval``: ``profit_margin(...)`` on those customers (its 95 % interval,
    clustered by customer). The challenger **wins** only when the whole interval lies above
    ``min_margin`` dollars (0 by default; agree it before the comparison): a margin whose interval crosses it is a win within
    noise, and the champion stays. A challenger that wins is registered as a new version with
    the alias ``challenger``, for a shadow month (scored alongside the champion, not used), then
    an A/B test (lesson 07): ``champion`` moves only after the A/B test, never on an offline comparison.
    Without ``interval`` the point margin decides (a weaker check). ``threshold``: the score at
    or above which a customer is contacted, as given to ``compare_models`` (logged with each
    run). One run per model (tags ``churnlab.lesson = "08"``, ``churnlab.kind = "retrain"``).
    Returns a dictionary of stable facts: ``decision`` ('shadow test' or 'keep the champion'),
    ``winner``, ``margin`` (dollars, challenger minus champion), ``margin_low`` and
    ``margin_high`` (its interval, NaN without one), ``customers``, ``months``, ``alias_moved``
    (always False).
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
        raise CourseError(f"months should list the months the models were compared on, like [9, 10], not {validate.kind_of(months)}.")
    months = [validate.whole_number(m, "each month", low=1, example="9") for m in months]
    min_margin = validate.number(min_margin, "min_margin", low=0, example="500")
    threshold = validate.threshold(threshold)
    profits = comparison["expected_profit"]
    margin = float(profits[challenger_name] - profits[champion_name])
    low = high = math.nan
    if interval is not None:
        if not isinstance(interval, pd.Series) or not {"margin", "low", "high"} <= set(interval.index):
            raise CourseError("interval should be monitoring.profit_margin(champion, challenger, test), the margin with its "
                              f"interval, not {validate.kind_of(interval)}.")
        if abs(float(interval["margin"]) - margin) > 0.5:
            raise CourseError(f"interval's margin (${float(interval['margin']):,.0f}) is not the comparison's (${margin:,.0f}): "
                              "compute both on the same customers and models.")
        low, high = float(interval["low"]), float(interval["high"])
    wins = _wins(margin, low, min_margin, interval is not None)
    decision = SHADOW if wins else KEEP
    shared = {"compared_on_months": f"{min(months)}-{max(months)}", "customers": int(comparison.loc[challenger_name, "customers"])}
    for name in (champion_name, challenger_name):
        with mlflow.start_run(run_name=f"retrain: {name}", tags={**run_tags("08", RETRAIN_KIND), "churnlab.role": name}) as run:
            mlflow.log_params({**shared, "role": name, "min_margin": min_margin, "threshold": threshold})
            mlflow.log_metrics({k: float(v) for k, v in comparison.loc[name].items() if pd.notna(v)})
            if name == challenger_name:
                mlflow.log_metrics({"margin_over_champion": margin,
                                    **({"margin_low": low, "margin_high": high} if interval is not None else {})})
                mlflow.set_tag("churnlab.decision", decision)
                if wins:  # only a winner's model is kept: it is the one a shadow test would load
                    tracking.log_churn_model(challenger, X)
                challenger_run = run.info.run_id
    if wins:
        tracking.register_champion(challenger_run, alias="challenger")
    return {"decision": decision, "winner": challenger_name if wins else champion_name, "margin": margin,
            "margin_low": low, "margin_high": high, "customers": shared["customers"],
            "months": shared["compared_on_months"], "alias_moved": False}


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
    """The newest monitoring plan logged by lesson 08 (alert thresholds, binning), as a dictionary; None if there is none.

    Its parameters (``alert_*``, ``reference_month``, ``holdout_share``, ``psi_bins``, ``psi_binning``,
    ``psi_no_change_p99``, ``precision_gap_no_change_p99``), plus what monitoring found when it was logged: ``alerts_fired`` (text)
    and ``open_actions`` (text, items joined by " | "); see ``log_monitoring_plan``.
    """
    runs = _latest(PLAN_KIND)
    if not runs:
        return None
    plan = runs[0].data.params
    found = {name: runs[0].data.tags[name] for name in (ALERTS_FIRED_TAG, OPEN_ACTIONS_TAG) if name in runs[0].data.tags}

    def read(name, value):
        if name == "reference_month":
            return int(float(value))
        try:
            return float(value)
        except ValueError:  # the binning, in words
            return value

    return {**{name: read(name, value) for name, value in plan.items()}, **found}


@course_function
def latest_retrain() -> dict | None:
    """The newest retraining decision logged by lesson 08; None if none.

    Keys: ``decision`` ('shadow test' or 'keep the champion'; 'promote' in stores of older
    course versions), ``margin`` (dollars, its size), ``margin_over_champion`` (signed),
    ``margin_low`` / ``margin_high`` (its 95 % interval clustered by customer; NaN if none was
    logged), ``customers``, ``months``, ``alias_moved``.
    """
    decided = [run for run in _latest(RETRAIN_KIND) if "churnlab.decision" in run.data.tags]
    if not decided:
        return None
    run = decided[0]
    decision, metrics = run.data.tags["churnlab.decision"], run.data.metrics
    return {"decision": decision, "margin": abs(float(metrics["margin_over_champion"])),
            "margin_over_champion": float(metrics["margin_over_champion"]),
            "margin_low": float(metrics.get("margin_low", math.nan)), "margin_high": float(metrics.get("margin_high", math.nan)),
            "customers": int(float(run.data.params["customers"])), "months": run.data.params["compared_on_months"],
            "alias_moved": decision == "promote"}
