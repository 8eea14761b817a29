"""The health of a live model (lesson 08): what to watch, the label-free precision estimate, the month table and
its alerts against ``AlertThresholds``."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.economics import CampaignEconomics, _checked_economics
from churnlab.monitoring.drift import (
    TOP_INPUTS,
    _checked_month,
    _checked_simulation,
    _model_inputs,
    psi_by_month,
)

HOLDOUT_ARM = "hold-out"
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
    - ``precision_gap``: realised minus estimated precision, either way (known three months late). Derive it
      from what the gap reads when nothing is wrong at the month's volume (``precision_gap_no_change``):
      lesson 08 takes that spread rounded up to the next point; 0.10 is a default for a plan without one.
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
    names = set(pd.unique(arms))
    if holdout_arm not in names:
        found = ", ".join(repr(a) for a in sorted(names))
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
    (rows with an empty model input), ``contacted``, ``estimated_precision`` (the label-free
    estimate: mean score of the hold-out's flagged customers, the very customers whose labels
    give the realised precision, so the two compare like for like) and ``estimated_profit``
    (dollars, from the contacted customers' scores).
    Known three months late (empty before): ``realised_precision`` (churn rate of the flagged
    customers of the hold-out arm, whom nobody contacts), ``realised_recall`` (share of the
    hold-out's churners the model flagged), ``holdout_churn_rate`` (to set against
    ``holdout_mean_score``: a calibrated model's mean score matches it) and
    ``realised_profit`` (the month's contacts valued at the realised precision), with
    ``holdout_flagged`` (how many customers the precision rests on).
    """
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
            "estimated_precision": float(scores[known].mean()) if known.any() else math.nan,
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




# Short words for each alert signal, as the monitoring plan logs them (``alerts_in_words``).
_SIGNAL_WORDS = {
    "leaving rate vs reference (relative)": "leaving rate",
    "customers scored vs reference (relative, either way)": "volume",
    "share flagged vs reference (points, either way)": "share flagged",
    "PSI of the score": "score drift (PSI)",
    "share of rows with an empty input": "data quality (empty inputs)",
    "realised minus estimated precision (either way)": "precision gap",
    "latency, 99th percentile (ms)": "latency",
    "share of failed calls": "failed calls",
}


@course_function
def alerts_in_words(found) -> str:
    """The alerts of ``alerts(health, thresholds)`` in one short line: each signal and the first month it fired.

    Ordered by first month, separated by "; ", like "leaving rate from month 5; data quality
    (empty inputs) from month 7". An input's drift reads "drift of monthly_charges (PSI)". No
    alert at all gives "none". This is the ``alerts_fired`` text ``log_monitoring_plan`` logs.
    """
    found = validate.dataframe(found, "found", needs=("month", "signal"), example="monitoring.alerts(health, thresholds)")
    if found.empty:
        return "none"
    first = found.groupby("signal", sort=False)["month"].min().sort_values(kind="stable")
    words = [_SIGNAL_WORDS.get(signal, f"drift of {signal.removeprefix('PSI of ')} (PSI)" if signal.startswith("PSI of ")
                               else signal) for signal in first.index]
    return "; ".join(f"{word} from month {int(month)}" for word, month in zip(words, first))


def _gap_no_change(score: np.ndarray, draws: int, rng: np.random.Generator) -> float:
    """The 99th percentile of |realised - estimated precision| over ``draws`` cohorts where nothing is wrong.

    Each flagged customer leaves with exactly their score's chance (a calibrated model), so only chance moves the gap.
    """
    no_change = (rng.random((draws, score.size)) < score).mean(axis=1) - score.mean()
    return float(np.percentile(np.abs(no_change), 99))


@course_function
def precision_gap_no_change(simulation, month: int = 1, draws: int = 1_000, seed: int = 0,
                            holdout_arm: str = HOLDOUT_ARM) -> float:
    """How far the precision gap strays from 0 when **nothing is wrong**, at one month's volume: its 99th percentile.

    The gap is realised minus estimated precision on the hold-out's flagged customers (as ``health_table``). With a
    calibrated model each of them leaves with exactly their score's chance; over ``draws`` such cohorts of the
    month's flagged customers, the gap stays within the returned value of 0 in 99 % of draws. It needs the scores
    only, no labels: known on the month's scoring day, so an alert threshold on the gap can be derived from it at
    launch (``AlertThresholds(precision_gap=...)`` at or above it; ``month`` 1, the reference month, by default).
    The same number as ``precision_gap_noise(...)['no_change_p99']`` for the first labelled month, same seed.
    """
    simulation = _checked_simulation(simulation)
    month = _checked_month(simulation, month, "month")
    holdout_arm = validate.text(holdout_arm, "holdout_arm", example="'hold-out'")
    draws = validate.whole_number(draws, "draws", low=100, example="1000")
    if draws > 20_000:
        raise CourseError(f"draws is {draws:,}; 1,000 draws give a steady 99th percentile, at most 20,000.")
    seed = validate.whole_number(seed, "seed", low=0, example="0")
    scores = simulation.predictions["churn_score"].to_numpy(dtype=float)
    here = _holdout(simulation, holdout_arm) & (scores >= simulation.settings["threshold"]) & \
        (simulation.predictions["month"].to_numpy() == month)
    if not here.any():
        raise CourseError(f"Nobody in the hold-out is flagged in month {month}: there is no precision gap to read.")
    return _gap_no_change(scores[here], draws, np.random.default_rng(seed))


@course_function
def precision_gap_noise(simulation, draws: int = 1_000, seed: int = 0, holdout_arm: str = HOLDOUT_ARM) -> pd.DataFrame:
    """Each labelled cohort's precision gap (realised minus estimated) with its noise: an interval, and the no-change spread.

    Read on the hold-out's flagged customers, as ``health_table``. One row per month whose labels
    are known: ``flagged`` (how many customers the precision rests on), ``estimated_precision``,
    ``realised_precision``, ``gap`` (realised minus estimated), ``gap_low`` and ``gap_high`` (a 95 %
    interval of the gap: the realised precision is a share of ``flagged`` customers, so its
    binomial standard error, 1.96 of them each way; the estimate is fixed by the scores), and
    ``no_change_p99``: how far from 0 the gap stays in 99 % of ``draws`` when **nothing is wrong**
    (each flagged customer leaves with exactly their score's chance, as a calibrated model says).
    An alert threshold on the gap must sit above ``no_change_p99``, and two cohorts whose
    intervals overlap cannot be told apart.
    """
    simulation = _checked_simulation(simulation)
    holdout_arm = validate.text(holdout_arm, "holdout_arm", example="'hold-out'")
    draws = validate.whole_number(draws, "draws", low=100, example="1000")
    if draws > 20_000:
        raise CourseError(f"draws is {draws:,}; 1,000 draws give a steady 99th percentile, at most 20,000.")
    seed = validate.whole_number(seed, "seed", low=0, example="0")
    rng = np.random.default_rng(seed)
    scores = simulation.predictions["churn_score"].to_numpy(dtype=float)
    months = simulation.predictions["month"].to_numpy()
    known = _holdout(simulation, holdout_arm) & (scores >= simulation.settings["threshold"])
    churned = simulation.outcomes["churned"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    rows = []
    for month in sorted(set(months[known].tolist())):
        here = known & (months == month)
        labels, score = churned[here], scores[here]
        if np.isnan(labels).any():
            continue
        estimated, realised, n = float(score.mean()), float(labels.mean()), int(here.sum())
        half = 1.96 * math.sqrt(realised * (1 - realised) / n)
        rows.append({"month": int(month), "flagged": n, "estimated_precision": estimated, "realised_precision": realised,
                     "gap": realised - estimated, "gap_low": realised - estimated - half, "gap_high": realised - estimated + half,
                     "no_change_p99": _gap_no_change(score, draws, rng)})
    if not rows:
        raise CourseError("No month of this simulation has its labels yet (they arrive 3 months after scoring): "
                          "simulate at least 4 months.")
    return pd.DataFrame(rows).set_index("month")


# --- the health page's figure, as drawn (the page reads its kept drawing back while the figure is unchanged) ---------


def _page_key(table: pd.DataFrame, limits: AlertThresholds) -> str:
    """A fingerprint of what the health page's figure draws: the month table and the thresholds."""
    return hashlib.sha256(f"{table.to_csv()}\n{limits!r}".encode()).hexdigest()


def _figure_signature(figure) -> str:
    """A fingerprint of a figure's visible make-up (titles, limits, artists, texts): it changes when anyone adds to it."""
    parts = [repr(figure.get_size_inches().tolist()), *(text.get_text() for text in figure.texts)]
    for ax in figure.axes:
        parts += [ax.get_title(loc="left"), ax.get_title(), repr(ax.get_xlim()), repr(ax.get_ylim()),
                  str(len(ax.get_children())), *(text.get_text() for text in ax.texts)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _stamp_health_figure(figure, table: pd.DataFrame, limits: AlertThresholds) -> None:
    """Mark ``figure`` as the health page's figure of ``table`` and ``limits``, as drawn (``plots.model_health`` calls it).

    ``write_health_page`` then reads the page's SVG back from the work folder on a re-run instead of drawing it again,
    as long as the figure still looks as drawn.
    """
    figure.churnlab_health_page = (_page_key(table, limits), _figure_signature(figure))
