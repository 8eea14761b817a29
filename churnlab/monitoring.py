"""Monitoring a live churn model (lesson 08): drift, delayed labels, a model-health page, SQL over the logs.

A model that passed its A/B test still decays: customers change, prices change,
competitors move, pipelines break, and churn labels arrive three months late.
This module holds what a team would build once and read every month:

- ``what_to_watch()``: what to monitor, in order of value (Full Stack Deep Learning,
  2022, lecture 6), and when each signal is visible.
- Drift: ``psi`` (the population stability index: about 10 bins cut at the reference
  data's deciles, empty values in a bin of their own), ``psi_verdict`` (the common
  bands < 0.10 / 0.10-0.25 / > 0.25: rules of thumb, not tests), ``psi_by_month``,
  and ``drift_at_sizes`` (why a KS test's p-value alarms on tiny shifts at large volumes).
- ``expected_precision``: the label-free estimate of precision, the mean score of the
  flagged customers. It holds while the model stays calibrated; it cannot see a change
  of behaviour that leaves the inputs where they were.
- ``health_table``, ``alerts``, ``write_health_page``: one row per month of what a PM
  checks in thirty seconds, the alerts against ``AlertThresholds``, and a small
  self-contained HTML page (inline SVG, no script, no external request) in the work folder.
- ``sql``: DuckDB over the logs, with a friendly message for a syntax error, a misspelt
  column or table (the tables' columns listed), and DuckDB's common traps.
- Retraining: ``labelled_rows``, ``split_by_seat``, ``compare_models``; in MLflow:
  ``ensure_champion``, ``log_monitoring_plan``, ``log_retrain``, and the readers
  ``latest_monitoring_plan`` and ``latest_retrain`` (for lesson 09's brief).

Everything here reads the **logs** of a simulation (``customers``, ``predictions``,
``contacts``, ``outcomes``, ``assignments``), never its truth: what a team could compute.
Realised precision is read on a **hold-out** arm (customers the model scores but nobody
contacts): on contacted customers the offer itself changes the outcome.
"""
from __future__ import annotations

import html
import io
import math
import numbers
import re
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from churnlab import validate
from churnlab.errors import CourseError
from churnlab.validate import course_function

__all__ = [
    "AlertThresholds", "DEFAULT_THRESHOLDS", "EMPTY_BIN_SHARE", "HEALTH_PAGE_FILE", "HOLDOUT_ARM", "PSI_BANDS", "TOP_INPUTS",
    "alerts", "compare_models", "drift_at_sizes", "ensure_champion", "expected_precision", "health_table",
    "labelled_rows", "latest_monitoring_plan", "latest_retrain", "log_monitoring_plan", "log_retrain", "psi",
    "psi_by_month", "psi_verdict", "split_by_seat", "sql", "what_to_watch", "write_health_page",
]
# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)

EMPTY_BIN_SHARE = 1e-4  # a bin empty on one side counts as this share, so the logarithm stays finite
PSI_BANDS = (0.10, 0.25)  # little change below the first, moderate between, significant above the second
TOP_INPUTS = ("tenure", "contract", "monthly_charges", "total_charges", "internet_service")  # the inputs the model leans on most
HOLDOUT_ARM = "hold-out"
HEALTH_PAGE_FILE = "model_health.html"
LESSON_TAG, KIND_TAG = "churnlab.lesson", "churnlab.kind"
PLAN_KIND, RETRAIN_KIND, CHAMPION_KIND = "monitoring_plan", "retrain", "champion_bootstrap"
EMPTY = "(empty)"
_SHARE_THRESHOLDS = ("flagged_change", "empty_share", "precision_gap", "failure_share")


@dataclass(frozen=True)
class AlertThresholds:
    """When a panel of the health page turns red. Each is a rule of thumb a team agrees on, then tunes.

    - ``leaving_rate_rise``: this month's share of customers leaving, relative to the reference
      month (0.25 = alert when 25 % higher).
    - ``volume_change``: customers scored, relative to the reference month (0.20 = ±20 %).
    - ``flagged_change``: the share of customers flagged, in points away from the reference month.
    - ``psi``: the PSI of an input or of the score against the reference month.
    - ``empty_share``: the share of rows with an empty model input.
    - ``precision_gap``: realised minus estimated precision, either way (known three months late).
    - ``latency_p99_ms`` and ``failure_share``: the scoring service's 99th-percentile latency
      and its share of failed calls.
    """

    leaving_rate_rise: float = 0.25
    volume_change: float = 0.20
    flagged_change: float = 0.10
    psi: float = 0.25
    empty_share: float = 0.01
    precision_gap: float = 0.10
    latency_p99_ms: float = 250.0
    failure_share: float = 0.01

    def __post_init__(self):
        for item in fields(self):
            value = validate.number(getattr(self, item.name), item.name, low=0, example=str(item.default))
            if item.name in _SHARE_THRESHOLDS:
                validate.fraction(value, item.name, example=str(item.default))


DEFAULT_THRESHOLDS = AlertThresholds()

# --- what to watch ------------------------------------------------------------------------------------------


@course_function
def what_to_watch() -> pd.DataFrame:
    """What to monitor, most valuable first, with an example from the churn campaign and when it is visible.

    The order is Full Stack Deep Learning's (2022, lecture 6): outcomes and business results,
    model performance, proxies, data quality, drift, system health. The first rows matter most
    but arrive last: a churn label is known three months after the prediction.
    """
    rows = [
        ("1. outcomes and business results", "customers leaving; the campaign's profit", "month end; profit 3 months later"),
        ("2. model performance", "precision, recall, calibration per cohort", "3 months later (label horizon)"),
        ("3. proxies", "label-free estimate: mean score of flagged", "the day of scoring"),
        ("4. data quality", "empty or impossible values in the inputs", "the day of scoring"),
        ("5. drift", "PSI of inputs and scores; share flagged", "the day of scoring"),
        ("6. system health", "customers scored, latency, failed calls", "the day of scoring"),
    ]
    return pd.DataFrame(rows, columns=["what to watch", "in the churn campaign", "visible"]).set_index("what to watch")


# --- drift ---------------------------------------------------------------------------------------------------


def _values(values, name: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        raise CourseError(f"{name} should be one column of values (like customers['tenure']), not a whole table. "
                          "Pick the column you want to compare.")
    if hasattr(values, "predict_proba"):
        raise CourseError(f"{name} should be values (a column of a table), not a model.")
    if isinstance(values, numbers.Number) and not isinstance(values, (bool, np.bool_)):
        raise CourseError(f"{name} should be a column of values, like customers['tenure'], not {validate.kind_of(values)} "
                          "(one customer's value). To keep one month's customers, select the rows with a condition: "
                          "customers.loc[month == 12, 'tenure'], where month = customers['month'].")
    if values is None or isinstance(values, (str, bytes, dict)) or np.ndim(values) != 1:
        raise CourseError(f"{name} should be a column of values, like customers['tenure'], not {validate.kind_of(values)}.")
    series = pd.Series(values).reset_index(drop=True)
    if series.empty:
        raise CourseError(f"{name} is empty: there is nothing to compare. Check the filter that made it (a month with no rows?).")
    return series


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _shares(reference: pd.Series, current: pd.Series, bins: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each bin's share of the reference and of the current values; empty values get a bin of their own."""
    if _is_number(reference) and _is_number(current):
        ref = reference.to_numpy(dtype=float, na_value=np.nan)
        cur = current.to_numpy(dtype=float, na_value=np.nan)
        known = ref[~np.isnan(ref)]
        if known.size == 0:
            raise CourseError("reference has only empty values: PSI needs reference values to cut the bins.")
        cuts = np.unique(np.quantile(known, np.linspace(0, 1, bins + 1)[1:-1]))
        labels = [f"< {cuts[0]:g}"] + [f"{a:g} to {b:g}" for a, b in zip(cuts[:-1], cuts[1:])] + [f">= {cuts[-1]:g}"] \
            if cuts.size else ["all values"]

        def counts(x):
            empty = np.isnan(x)
            positions = np.searchsorted(cuts, x[~empty], side="right")
            return np.append(np.bincount(positions, minlength=cuts.size + 1), empty.sum())

        ref_counts, cur_counts = counts(ref), counts(cur)
        labels = labels + [EMPTY]
    elif _is_number(reference) != _is_number(current) and not (reference.isna().all() or current.isna().all()):
        raise CourseError("reference and current hold different kinds of values (numbers in one, text in the other): "
                          "compare the same column in both tables.")
    else:
        ref_text = reference.astype(object).where(reference.notna(), EMPTY).astype(str)
        cur_text = current.astype(object).where(current.notna(), EMPTY).astype(str)
        labels = sorted(set(ref_text) | set(cur_text))
        ref_counts = ref_text.value_counts().reindex(labels, fill_value=0).to_numpy()
        cur_counts = cur_text.value_counts().reindex(labels, fill_value=0).to_numpy()
    return ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum(), labels


def _psi(reference: pd.Series, current: pd.Series, bins: int = 10) -> float:
    ref, cur, _ = _shares(reference, current, bins)
    used = (ref > 0) | (cur > 0)
    ref, cur = np.maximum(ref[used], EMPTY_BIN_SHARE), np.maximum(cur[used], EMPTY_BIN_SHARE)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


@course_function
def psi(reference, current, bins: int = 10) -> float:
    """The population stability index of ``current`` against ``reference``: 0 when they are spread alike.

    Numbers are cut into ``bins`` bins at the reference's quantiles (10 bins: its deciles);
    text columns use one bin per value. Empty values (NaN) get a bin of their own, so an
    input that starts arriving empty moves the PSI (many tools drop them and would not).
    Then PSI = sum over bins of (current share - reference share) x ln(current share /
    reference share), with a share of 0 counted as ``EMPTY_BIN_SHARE`` (0.0001).
    Identical data gives 0. Read it with ``psi_verdict``.
    """
    reference, current = _values(reference, "reference"), _values(current, "current")
    bins = validate.whole_number(bins, "bins", low=2, example="10")
    if bins > 100:
        raise CourseError(f"bins is {bins}; use about 10 (the usual choice), at most 100.")
    return _psi(reference, current, bins)


@course_function
def psi_verdict(value: float) -> str:
    """The usual reading of a PSI: below 0.10 'little change', 0.10-0.25 'moderate change', above 'significant change'.

    These bands are rules of thumb without error rates (Yurdakul and Naranjo, 2020), and the
    same shift gives a larger PSI on fewer customers: agree on your own threshold and keep it.
    """
    value = validate.number(value, "value", low=0, example="0.13")
    if value < PSI_BANDS[0]:
        return "little change"
    return "moderate change" if value < PSI_BANDS[1] else "significant change"


def _checked_simulation(simulation, name: str = "simulation"):
    from churnlab.world import _checked_simulation as checked

    return checked(simulation, name)


def _checked_month(simulation, month, name: str) -> int:
    last = simulation.settings["months"]
    month = validate.whole_number(month, name, low=1, example="1")
    if month > last:
        raise CourseError(f"{name} is {month}, but the simulation has {last} months.")
    return month


def _model_inputs() -> list[str]:
    from churnlab.model import FEATURES

    return list(FEATURES)


def _psi_by_month(values: pd.Series, months: np.ndarray, reference_month: int, month_list: list, bins: int = 10) -> list:
    """``_psi`` of each month against the reference month, with the bins cut once (the same bins as ``_shares``)."""
    reference = months == reference_month
    if _is_number(values):
        x = values.to_numpy(dtype=float, na_value=np.nan)
        known = x[reference & ~np.isnan(x)]
        cuts = np.unique(np.quantile(known, np.linspace(0, 1, bins + 1)[1:-1]))
        codes = np.where(np.isnan(x), cuts.size + 1, np.searchsorted(cuts, np.nan_to_num(x), side="right"))
        size = cuts.size + 2
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        codes = np.where(codes < 0, len(uniques), codes)
        size = len(uniques) + 1
    ref = np.bincount(codes[reference], minlength=size) / reference.sum()
    found = []
    for month in month_list:
        here = months == month
        cur = np.bincount(codes[here], minlength=size) / here.sum()
        used = (ref > 0) | (cur > 0)
        r, c = np.maximum(ref[used], EMPTY_BIN_SHARE), np.maximum(cur[used], EMPTY_BIN_SHARE)
        found.append(float(np.sum((c - r) * np.log(c / r))))
    return found


@course_function
def psi_by_month(simulation, columns=TOP_INPUTS, reference_month: int = 1) -> pd.DataFrame:
    """The PSI of each column of the customer table (and of ``churn_score``), every month against ``reference_month``.

    One row per month, one column per input. ``columns`` may include ``"churn_score"``
    (the model's output: output drift). Simulated data: the table carries the caption.
    """
    simulation = _checked_simulation(simulation)
    reference_month = _checked_month(simulation, reference_month, "reference_month")
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns) if isinstance(columns, (list, tuple)) else None
    if not columns:
        raise CourseError("columns should be a list of column names, like ['tenure', 'monthly_charges'].")
    table = simulation.customers.assign(churn_score=simulation.predictions["churn_score"].to_numpy())
    for column in columns:
        validate.column(table, column, "columns", "the customer table")
    months = table["month"].to_numpy()
    month_list = sorted(set(months.tolist()))
    result = pd.DataFrame({c: _psi_by_month(table[c], months, reference_month, month_list) for c in columns},
                          index=pd.Index(month_list, name="month"))
    result.attrs.update(simulation.customers.attrs)
    return result


@course_function
def drift_at_sizes(values, shift: float = 0.02, sizes=(500, 5_000, 50_000), seed: int = 0) -> pd.DataFrame:
    """PSI and a KS test's p-value for the same small shift, measured on samples of growing size.

    For each size n: a reference sample of n values drawn (with replacement) from ``values``,
    and a current sample of n other draws, each value multiplied by 1 + ``shift`` (0.02 = 2 %
    higher). PSI stays about the same at every size; the KS test's p-value
    (``scipy.stats.ks_2samp``) falls towards 0 as n grows: at production volumes a p-value
    alarms on shifts nobody would act on.
    """
    from scipy.stats import ks_2samp

    values = _values(values, "values")
    if not _is_number(values):
        raise CourseError("values should be numbers (like customers['monthly_charges']); a KS test compares numbers.")
    values = values.dropna().to_numpy(dtype=float)
    shift = validate.number(shift, "shift", low=-0.5, high=1.0, example="0.02")
    if isinstance(sizes, (int, float)) or not hasattr(sizes, "__len__") or isinstance(sizes, str) or not len(sizes):
        raise CourseError("sizes should be a list of sample sizes, like [500, 5000, 50000].")
    sizes = [validate.whole_number(n, "each size", low=20, example="5000") for n in sizes]
    seed = validate.whole_number(seed, "seed", low=0, example="0")
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        reference = rng.choice(values, n)
        current = rng.choice(values, n) * (1 + shift)
        rows.append({"customers per sample": n, "PSI": _psi(pd.Series(reference), pd.Series(current)),
                     "KS p-value": float(ks_2samp(reference, current).pvalue)})
    return pd.DataFrame(rows)


# --- the label-free estimate -----------------------------------------------------------------------------------


@course_function
def expected_precision(churn_scores, threshold: float = 1 / 6) -> float:
    """The label-free estimate of precision: the mean score of the customers flagged (score >= ``threshold``).

    If the model is calibrated (a score of 0.4 means 4 in 10 such customers leave), this is
    the share of flagged customers who will leave, known the day they are scored, three
    months before the labels. It fails when behaviour changes without the inputs moving: the
    scores stay the same, so the estimate does too. Empty scores (failed calls) are left out.
    """
    listed = not hasattr(churn_scores, "predict_proba") and not isinstance(churn_scores, (str, bytes, dict)) \
        and churn_scores is not None and np.ndim(churn_scores) == 1
    scores = validate.scores(pd.Series(churn_scores).dropna() if listed else churn_scores)
    cut = validate.threshold(threshold, scores)
    flagged = scores[scores >= cut]
    if flagged.size == 0:
        raise CourseError(f"No customer scores at or above {cut:g}: nobody is flagged, so there is no precision to estimate.")
    return float(flagged.mean())


# --- the health table --------------------------------------------------------------------------------------------


def _holdout(simulation, holdout_arm: str) -> np.ndarray:
    arms = simulation.assignments["arm"]
    if holdout_arm not in set(arms):
        found = ", ".join(repr(a) for a in sorted(set(arms)))
        raise CourseError(f"The simulation has no arm {holdout_arm!r} (its arms: {found}). Realised precision is read on a "
                          "hold-out that nobody contacts: simulate with policy=world.ab_test({'model': 'model', "
                          "'hold-out': 'none'}, split=(90, 10)).")
    return arms.eq(holdout_arm).to_numpy()


@course_function
def health_table(simulation, reference_month: int = 1, holdout_arm: str = HOLDOUT_ARM, economics=None) -> pd.DataFrame:
    """One row per month of what the model-health page shows, computed from the logs only.

    Visible on the day of scoring (or the month's end): ``customers_scored``,
    ``failure_share``, ``latency_p50_ms``, ``latency_p99_ms``, ``leaving_rate`` (share of the
    month's customers who left that month), ``share_flagged``, ``mean_score``, ``score_p10``,
    ``score_p50``, ``score_p90`` (the score distribution), ``psi_score``
    and ``psi_<input>`` for ``TOP_INPUTS`` (against ``reference_month``), ``empty_share``
    (rows with an empty model input), ``contacted``, ``estimated_precision`` (mean score of
    the flagged) and ``estimated_profit`` (dollars, from the contacted customers' scores).
    Known three months late (empty before): ``realised_precision`` (churn rate of the flagged
    customers of the hold-out arm, whom nobody contacts), ``realised_recall`` (share of the
    hold-out's churners the model flagged), ``holdout_churn_rate`` (to set against
    ``holdout_mean_score``: a calibrated model's mean score matches it) and
    ``realised_profit`` (the month's contacts valued at the realised precision), with
    ``holdout_flagged`` (how many customers the precision rests on).
    """
    from churnlab.economics import _checked_economics, CampaignEconomics

    simulation = _checked_simulation(simulation)
    reference_month = _checked_month(simulation, reference_month, "reference_month")
    holdout_arm = validate.text(holdout_arm, "holdout_arm", example="'hold-out'")
    economics = _checked_economics(CampaignEconomics() if economics is None else economics)
    threshold = simulation.settings["threshold"]
    predictions, customers, outcomes = simulation.predictions, simulation.customers, simulation.outcomes
    holdout = _holdout(simulation, holdout_arm)
    months = predictions["month"].to_numpy()
    scores = predictions["churn_score"].to_numpy(dtype=float)
    flagged = scores >= threshold  # a failed call (NaN) is never flagged
    churned = outcomes["churned"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    left_in_month = (outcomes["churned_on"].dt.to_period("M") == outcomes["month_start"].dt.to_period("M")).to_numpy()
    empty_input = customers[_model_inputs()].isna().any(axis=1).to_numpy()
    latency = predictions["latency_ms"].to_numpy(dtype=float)
    failed = predictions["scoring_failed"].to_numpy(dtype=bool)
    contacts = simulation.contacts.merge(predictions[["customer_id", "month", "churn_score"]], on=["customer_id", "month"])
    contacted = contacts.groupby("month")["churn_score"].agg(["size", "mean"])
    drift = psi_by_month(simulation, list(TOP_INPUTS) + ["churn_score"], reference_month)
    gain, cost = economics.acceptance_rate * economics.value_of_saved_customer, economics.cost_per_contact
    rows = []
    for month in sorted(set(months.tolist())):
        here = months == month
        known = here & holdout & flagged
        labels = churned[known]
        realised = float(labels.mean()) if labels.size and not np.isnan(labels).any() else math.nan
        cohort = here & holdout & ~failed
        cohort_labels = churned[cohort]
        labelled = cohort_labels.size > 0 and not np.isnan(cohort_labels).any()
        churners = cohort_labels == 1
        recall = float(flagged[cohort][churners].mean()) if labelled and churners.any() else math.nan
        n_contacted = int(contacted["size"].get(month, 0))
        mean_contacted = float(contacted["mean"].get(month, math.nan))
        rows.append({
            "month": month,
            "customers_scored": int(here.sum()),
            "failure_share": float(failed[here].mean()),
            "latency_p50_ms": float(np.percentile(latency[here], 50)),
            "latency_p99_ms": float(np.percentile(latency[here], 99)),
            "leaving_rate": float(left_in_month[here].mean()),
            "share_flagged": float(flagged[here & ~failed].mean()),
            "mean_score": float(np.nanmean(scores[here])),
            **{f"score_p{q}": float(np.nanpercentile(scores[here], q)) for q in (10, 50, 90)},
            "psi_score": float(drift.loc[month, "churn_score"]),
            **{f"psi_{c}": float(drift.loc[month, c]) for c in TOP_INPUTS},
            "empty_share": float(empty_input[here].mean()),
            "contacted": n_contacted,
            "estimated_precision": float(scores[here & flagged].mean()),
            "realised_precision": realised,
            "holdout_flagged": int(known.sum()),
            "realised_recall": recall,
            "holdout_mean_score": float(scores[cohort].mean()),
            "holdout_churn_rate": float(cohort_labels.mean()) if labelled else math.nan,
            "estimated_profit": n_contacted * (mean_contacted * gain - cost) if n_contacted else 0.0,
            "realised_profit": n_contacted * (realised * gain - cost) if n_contacted else (0.0 if not math.isnan(realised) else math.nan),
        })
    table = pd.DataFrame(rows).set_index("month")
    table.attrs.update(simulation.customers.attrs)
    table.attrs["reference_month"] = reference_month
    return table


_HEALTH_COLUMNS = ("customers_scored", "leaving_rate", "share_flagged", "empty_share", "estimated_precision")


def _checked_health(table, name: str = "table") -> pd.DataFrame:
    return validate.dataframe(table, name, needs=_HEALTH_COLUMNS, example="monitoring.health_table(year)")


def _checked_thresholds(thresholds) -> AlertThresholds:
    if thresholds is None:
        return DEFAULT_THRESHOLDS
    if not isinstance(thresholds, AlertThresholds):
        raise CourseError("thresholds should be monitoring.AlertThresholds(...), like AlertThresholds(psi=0.2), "
                          f"not {validate.kind_of(thresholds)}.")
    return thresholds


@course_function
def alerts(table, thresholds=None) -> pd.DataFrame:
    """Every alert of the health table: one row per month and panel whose value crosses its threshold.

    Columns: ``month``, ``panel``, ``signal`` (what crossed), ``value``, ``threshold``.
    Months without labels yet cannot raise a precision alert: that is the cost of waiting.
    """
    table = _checked_health(table)
    limits = _checked_thresholds(thresholds)
    reference = int(table.attrs.get("reference_month", table.index.min()))
    base = table.loc[reference]
    rows = []

    def check(panel, signal, values, threshold, above=True):
        for month, value in values.items():
            if not np.isnan(value) and (value > threshold if above else value < threshold):
                rows.append((int(month), panel, signal, float(value), float(threshold)))

    check("outcomes", "leaving rate vs reference (relative)", table["leaving_rate"] / base["leaving_rate"] - 1,
          limits.leaving_rate_rise)
    check("volume", "customers scored vs reference (relative, either way)",
          (table["customers_scored"] / base["customers_scored"] - 1).abs(), limits.volume_change)
    check("scores", "share flagged vs reference (points, either way)", (table["share_flagged"] - base["share_flagged"]).abs(),
          limits.flagged_change)
    check("scores", "PSI of the score", table["psi_score"], limits.psi)
    for column in TOP_INPUTS:
        if f"psi_{column}" in table:
            check("input drift", f"PSI of {column}", table[f"psi_{column}"], limits.psi)
    check("data quality", "share of rows with an empty input", table["empty_share"], limits.empty_share)
    if "realised_precision" in table:
        check("precision", "realised minus estimated precision (either way)",
              (table["realised_precision"] - table["estimated_precision"]).abs(), limits.precision_gap)
    if "latency_p99_ms" in table:
        check("system", "latency, 99th percentile (ms)", table["latency_p99_ms"], limits.latency_p99_ms)
        check("system", "share of failed calls", table["failure_share"], limits.failure_share)
    result = pd.DataFrame(rows, columns=["month", "panel", "signal", "value", "threshold"])
    return result.sort_values(["month", "panel"], kind="stable").reset_index(drop=True)


# --- the health page --------------------------------------------------------------------------------------------

_PAGE_ROWS = (  # (column, heading, format)
    ("customers_scored", "customers scored", "{:,.0f}"),
    ("leaving_rate", "leaving that month", "{:.1%}"),
    ("share_flagged", "share flagged", "{:.1%}"),
    ("psi_score", "PSI of the score", "{:.2f}"),
    ("max_input_psi", "largest input PSI", "{:.2f}"),
    ("empty_share", "rows with an empty input", "{:.1%}"),
    ("estimated_precision", "estimated precision", "{:.1%}"),
    ("realised_precision", "realised precision (hold-out)", "{:.1%}"),
    ("realised_profit", "realised profit", "${:,.0f}"),
    ("latency_p99_ms", "latency p99 (ms)", "{:.0f}"),
)
_ALERT_SIGNALS = {  # a month-table column turns red when one of these signals alerts that month
    "customers_scored": ("customers scored vs reference (relative, either way)",),
    "leaving_rate": ("leaving rate vs reference (relative)",),
    "share_flagged": ("share flagged vs reference (points, either way)",),
    "psi_score": ("PSI of the score",),
    "max_input_psi": tuple(f"PSI of {c}" for c in TOP_INPUTS),
    "empty_share": ("share of rows with an empty input",),
    "realised_precision": ("realised minus estimated precision (either way)",),
    "latency_p99_ms": ("latency, 99th percentile (ms)", "share of failed calls"),
}
_THRESHOLD_WORDS = {
    "leaving_rate_rise": "customers leaving, relative rise on the reference month",
    "volume_change": "customers scored, relative change on the reference month (either way)",
    "flagged_change": "share flagged, change in points on the reference month (either way)",
    "psi": "PSI of an input or of the score against the reference month",
    "empty_share": "share of rows with an empty model input",
    "precision_gap": "realised minus estimated precision (either way), once labels arrive",
    "latency_p99_ms": "99th-percentile scoring latency (ms)",
    "failure_share": "share of failed scoring calls",
}


def _month_ranges(months) -> str:
    months, parts = sorted(set(int(m) for m in months)), []
    for month in months:
        if parts and month == parts[-1][1] + 1:
            parts[-1][1] = month
        else:
            parts.append([month, month])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in parts)


# Dark red on light red: 7:1 contrast, readable at any weight (WCAG AA asks 4.5:1; axe-core checks it).
ALERT_COLOUR, ALERT_BACKGROUND = "#721c24", "#f8d7da"


def _svg(figure) -> str:
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "churn-lab", "svg.id": "health"}):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)  # creator and licence boilerplate
    return text[text.index("<svg"):]


def _page(table: pd.DataFrame, found: pd.DataFrame, limits: AlertThresholds, svg: str, caption: str) -> str:
    table = table.assign(max_input_psi=table[[f"psi_{c}" for c in TOP_INPUTS]].max(axis=1))
    alerting = {(int(row.month), row.signal) for row in found.itertuples()}
    head = "".join(f"<th>{html.escape(heading)}</th>" for _, heading, _ in _PAGE_ROWS)
    body = []
    for month, row in table.iterrows():
        cells = []
        for column, _, shape in _PAGE_ROWS:
            value = row[column]
            text = "not known yet" if pd.isna(value) else shape.format(value)
            alert = any((int(month), signal) in alerting for signal in _ALERT_SIGNALS.get(column, ()))
            cell_class = ' class="alert"' if alert else ""
            cells.append(f'<td data-column="{column}"{cell_class}>{html.escape(text)}</td>')
        body.append(f'<tr data-month="{int(month)}"><th>{int(month)}</th>{"".join(cells)}</tr>')
    limits_text = "".join(f"<tr><td><code>{item.name}</code></td><td>{getattr(limits, item.name):g}</td>"
                          f"<td>{html.escape(_THRESHOLD_WORDS[item.name])}</td></tr>" for item in fields(limits))
    grouped = found.groupby(["panel", "signal"], sort=False)["month"]
    alert_text = "".join(f"<li><b>{html.escape(panel)}</b>: {html.escape(signal)}, months {_month_ranges(months)}</li>"
                         for (panel, signal), months in sorted(grouped, key=lambda item: item[1].min())) or "<li>none</li>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Model health: churn model (simulated months)</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }}
#thresholds td {{ text-align: left; }}
td.alert {{ background: {ALERT_BACKGROUND}; color: {ALERT_COLOUR}; font-weight: bold; }}
.caption {{ color: #555; }}
svg {{ max-width: 100%; height: auto; }}
</style></head>
<body>
<h1>Model health: churn model (simulated months)</h1>
<p class="caption">{html.escape(caption)}</p>
<p>Red cells and red dots: a value past its alert threshold. Realised precision and profit are known three months
after each month's scoring (the churn label's horizon); until then they read "not known yet".</p>
<figure id="panels">{svg}</figure>
<h2>Month by month</h2>
<table id="months"><thead><tr><th>month</th>{head}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table>
<h2>Alerts, first month first</h2>
<ul id="alerts">{alert_text}</ul>
<h2>Alert thresholds</h2>
<table id="thresholds"><thead><tr><th>threshold</th><th>value</th><th>alerts when</th></tr></thead><tbody>
{limits_text}
</tbody></table>
</body></html>
"""


@course_function
def write_health_page(table, thresholds=None, filename: str = HEALTH_PAGE_FILE, figure=None):
    """Write the model-health page (figure, month table, alerts, thresholds) as one small HTML file in the work folder.

    The figure is inline SVG, the page has no script and loads nothing from the network
    (open it by double-clicking). ``figure``: the page's figure if you already drew it
    (``plots.model_health(table).figure``), to save drawing it again. Returns the file's
    path; print it with ``churnlab.workspace.shown_path(path)``.
    """
    import matplotlib.pyplot as plt

    from churnlab import plots
    from churnlab.workspace import work_dir

    table = _checked_health(table)
    limits = _checked_thresholds(thresholds)
    filename = validate.text(filename, "filename", example="'model_health.html'")
    if not filename.endswith(".html") or "/" in filename or "\\" in filename:
        raise CourseError(f"filename should be a file name ending in .html, without folders, like 'model_health.html', "
                          f"not {filename!r}: the page goes in the course's work folder.")
    found = alerts(table, limits)
    if figure is not None and not (hasattr(figure, "savefig") and len(getattr(figure, "axes", [])) == 8):
        raise CourseError("figure should be the health page's figure, plots.model_health(table).figure (or leave it out), "
                          f"not {validate.kind_of(figure)}.")
    drawn = figure is None
    figure = plots.model_health(table, limits).figure if drawn else figure
    try:
        svg = _svg(figure)
    finally:
        if drawn:
            plt.close(figure)
    caption = table.attrs.get("caption", "Simulated data. Not real customers.")
    path = work_dir() / filename
    path.write_text(_page(table, found, limits, svg, caption), encoding="utf-8")
    return path


# --- SQL over the logs -------------------------------------------------------------------------------------------

_LOG_NAMES = ("customers", "predictions", "contacts", "outcomes", "assignments")


def _tables(simulation, tables: dict) -> dict:
    found = {}
    if simulation is not None:
        simulation = _checked_simulation(simulation)
        found.update({name: getattr(simulation, name) for name in _LOG_NAMES})
    for name, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            raise CourseError(f"The table {name} should be a table (DataFrame), like {name}=year.{name if name in _LOG_NAMES else 'predictions'}, "
                              f"not {validate.kind_of(table)}.")
        found[name] = table
    if not found:
        raise CourseError("sql needs tables to query: sql(query, year) for the simulation's logs, or name them, "
                          "like sql(query, predictions=year.predictions).")
    return found


def _column_list(tables: dict) -> str:
    return "; ".join(f"{name}: {', '.join(map(str, table.columns))}" for name, table in tables.items())


def _sql_help(error: Exception, query: str, tables: dict) -> str:
    message = str(error)
    named = {name: table for name, table in tables.items() if re.search(rf"\b{re.escape(name)}\b", query, re.IGNORECASE)}
    tables = named or tables
    kind = type(error).__name__
    all_columns = sorted({str(c) for t in tables.values() for c in t.columns})
    if kind == "ParserException" or "syntax error" in message.lower():
        near = re.search(r'at or near "([^"]*)"', message)
        where = f' near "{near.group(1)}"' if near else (" at the end of the query" if "end of input" in message else "")
        return (f"DuckDB could not read the query: a syntax error{where}. Common causes: a missing comma between "
                "two columns, a missing or extra bracket, a keyword out of order (SELECT ... FROM ... WHERE ... "
                "GROUP BY ... ORDER BY ...), or text in double quotes (text goes in 'single quotes').")
    missing_column = re.search(r'[Rr]eferenced column "?([^"\s]+)"? not found', message) or \
        re.search(r'[Cc]olumn "?([^"\s]+)"? (?:not found|does not exist)', message) or \
        re.search(r'column with name "?([^"\s]+)"? does not exist', message)
    if missing_column:
        name = missing_column.group(1).split(".")[-1]
        return (f"There is no column {name!r}{validate._did_you_mean(name, all_columns)} in the tables of this query. "
                f"Columns: {_column_list(tables)}.")
    missing_table = re.search(r"Table with name \"?([^\"\s!]+)\"? does not exist", message)
    no_column = re.search(r'does not have a column named "([^"]+)"', message)
    if no_column:
        name = no_column.group(1)
        return (f"There is no column {name!r}{validate._did_you_mean(name, all_columns)} in that table. "
                f"Columns: {_column_list(tables)}.")
    if missing_table:
        name = missing_table.group(1)
        return (f"There is no table {name!r}{validate._did_you_mean(name, tables)}. Tables you can query: "
                f"{', '.join(tables)}.")
    if re.search(r"(avg|sum)\(BOOLEAN\)", message, re.IGNORECASE):
        return ("DuckDB cannot average or add up yes/no (BOOLEAN) values: turn them into 1/0 first, "
                "like avg(CAST(scoring_failed AS INTEGER)).")
    if "GROUP BY" in message or "must appear in the GROUP BY clause" in message:
        return ("Every column in SELECT must either be in GROUP BY or inside an aggregate such as count(*), "
                "avg(...), sum(...): add it to GROUP BY, or aggregate it.")
    if "No function matches" in message:
        function = re.search(r"'(\w+)\(", message)
        name = function.group(1) if function else "a function"
        return (f"DuckDB's {name} cannot take those kinds of values (for example text where a number belongs, or a "
                "yes/no column in avg: cast it first, like CAST(scoring_failed AS INTEGER)).")
    if "Ambiguous reference" in message or "ambiguous" in message.lower():
        return ("A column name appears in two joined tables: say which table you mean, like p.month or o.month "
                "(give each table a short name: FROM predictions AS p JOIN outcomes AS o ...).")
    if "Conversion Error" in message or kind == "ConversionException":
        return "A value could not be converted to the type the query asks for (e.g. text to a number or a date)."
    return f"DuckDB could not run the query ({kind}). Check it piece by piece; the columns: {_column_list(tables)}."


@course_function
def sql(query: str, simulation=None, **tables) -> pd.DataFrame:
    """Run an SQL query with DuckDB over the simulation's logs (and any other tables you name); returns a table.

    ``sql("SELECT month, count(*) AS customers FROM predictions GROUP BY month ORDER BY month", year)``
    queries ``customers``, ``predictions``, ``contacts``, ``outcomes`` and ``assignments`` of
    ``year``; ``sql(query, scored=my_table)`` adds a table of your own under that name. A query
    DuckDB cannot run gets a message that says why (a missing comma, a misspelt column: the
    tables' columns are listed). Order the rows with ORDER BY: SQL gives no order otherwise.
    """
    import duckdb

    if not isinstance(query, str):
        raise CourseError(f"query should be the SQL text in quotes, like \"SELECT month FROM predictions\", not {validate.kind_of(query)}.")
    if not query.strip():
        raise CourseError("query is empty: write the SQL between the quotes, like \"SELECT month FROM predictions\".")
    found = _tables(simulation, tables)
    connection = duckdb.connect()
    try:
        for name, table in found.items():
            connection.register(name, table)
        try:
            relation = connection.sql(query)
            if relation is None:
                raise CourseError("That statement returns no table: sql runs queries that start with SELECT (or WITH).")
            return relation.df()
        except CourseError:
            raise
        except duckdb.Error as error:
            raise CourseError(_sql_help(error, query, found)) from None
    finally:
        connection.close()


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
    from churnlab.world import bucket

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

    from churnlab.economics import CampaignEconomics, _checked_economics, expected_campaign_profit

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

    from churnlab import tracking
    from churnlab.exercises.core import course_model, course_split

    if _champion_version(tracking.MODEL_NAME) is not None:
        return False
    with mlflow.start_run(run_name="course model (registered by lesson 08)",
                          tags={LESSON_TAG: "08", KIND_TAG: CHAMPION_KIND}) as run:
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
    with mlflow.start_run(run_name="monitoring plan", tags={LESSON_TAG: "08", KIND_TAG: PLAN_KIND}) as run:
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

    from churnlab import tracking

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
        with mlflow.start_run(run_name=f"retrain: {name}", tags={LESSON_TAG: "08", KIND_TAG: RETRAIN_KIND, "churnlab.role": name}) as run:
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
    from churnlab import tracking

    _, client, experiment = tracking._stored_experiment()
    if experiment is None:
        return []
    return client.search_runs([experiment.experiment_id],
                              filter_string=f"tags.`{LESSON_TAG}` = '08' and tags.`{KIND_TAG}` = '{kind}'",
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
