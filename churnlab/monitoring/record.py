"""What lesson 08 computes with its default settings, frozen (``course_record()``): the brief's fallback for lesson 08.

Lesson 09's brief reads lesson 08's monitoring plan and retraining decision from the learner's MLflow runs. Where
they are missing (lesson 09 run alone, in an empty work folder, as CI runs it), it shows what lesson 08 computes with
its default settings instead, labelled "computed by the course": the alert thresholds, what monitoring found (the
alerts that fired, the open actions), and the retraining decision (the challenger's margin with its interval).

Re-simulating lesson 08's year in lesson 09 would cost seconds, so the numbers are frozen in ``lesson08_record.json``
next to this module: ``python tools/freeze_lesson08_record.py`` writes it with ``compute_course_record()``, which
follows lesson 08 step by step (notebooks/08_monitoring.ipynb), and tests/unit/test_monitoring_record.py recomputes it
and checks it against lesson 08's stored outputs.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict
from functools import cache
from pathlib import Path

from churnlab._base.validate import course_function
from churnlab.model import FEATURES, champion_model, make_churn_model
from churnlab.monitoring.drift import PSI_BINNING, PSI_BINS, psi_no_change
from churnlab.monitoring.health import (
    AlertThresholds,
    alerts,
    alerts_in_words,
    health_table,
    precision_gap_no_change,
    precision_gap_noise,
)
from churnlab.monitoring.kept import simulate_once
from churnlab.monitoring.retrain import (
    KEEP,
    SHADOW,
    _wins,
    compare_models,
    labelled_rows,
    profit_margin,
    repair_total_charges,
    split_by_time,
)
from churnlab.world import ab_test

RECORD_FILE = Path(__file__).with_name("lesson08_record.json")

# Lesson 08's default settings (notebooks/08_monitoring.ipynb): its year, its split in time, the margin agreed beforehand.
LESSON_08 = {
    "months": 12, "seed": 8, "arms": {"model": "model", "hold-out": "none"}, "split": (90, 10),
    "incidents": {"promotion": 400, "promotion_from": 3, "price_rise": 0.08, "price_rise_from": 5, "data_bug": 0.3,
                  "data_bug_from": 7, "fiber_competitor": 0.6, "fiber_competitor_from": 9},
    "labelled_months": list(range(1, 11)), "test_from": 9, "C": 0.1, "min_margin": 500.0, "reference_month": 1,
    "holdout_share": 0.10,
}


def lesson_year():
    """Lesson 08's simulated year (section 2), kept in the work folder as the lesson keeps it."""
    policy = ab_test(LESSON_08["arms"], split=LESSON_08["split"])
    return simulate_once(months=LESSON_08["months"], seed=LESSON_08["seed"], policy=policy, **LESSON_08["incidents"])


def lesson_thresholds(year) -> tuple[AlertThresholds, float]:
    """Lesson 08's alert thresholds (section 3): the defaults, with the precision gap derived from its no-change spread.

    Returns the thresholds and that spread (the gap's 99th percentile with nothing wrong, at the reference month's
    volume); the threshold is the spread rounded up to the next point.
    """
    spread = precision_gap_no_change(year, month=LESSON_08["reference_month"])
    return AlertThresholds(precision_gap=math.ceil(100 * spread) / 100), spread


def _open_actions(year, health, gap) -> list[str]:
    """Lesson 08's open actions (section 8), word for word."""
    labels = year.outcomes.groupby("month").agg(label_known_on=("label_known_on", "first"))
    leaving = health["leaving_rate"]
    last, due = gap.index.max(), labels.loc[12, "label_known_on"]
    return [
        f"fix the total-charges bug live ({health.loc[12, 'empty_share']:.0%} of rows empty in month 12)",
        (f"champion under-predicts churn: precision {gap.loc[last, 'gap'] * 100:.0f} points above estimate "
         f"(month {last}; 95 % {gap.loc[last, 'gap_low'] * 100:.0f} to {gap.loc[last, 'gap_high'] * 100:.0f})"),
        f"leaving up {leaving.iloc[-1] / leaving.loc[1] - 1:.0%} on month 1: add a month-on-month alert",
        f"re-read the challenger on months 11-12's labels ({due.day} {due:%B %Y})",
        "a winning challenger: repaired totals live, a shadow month, an A/B test before champion moves",
        "re-read lesson 07's A/B test each quarter, 20 % hold-out kept",
        "uplift test on the customers only the rule calls (lesson 07)",
    ]


def compute_course_record() -> dict:
    """Lesson 08's monitoring plan and retraining decision, computed as the lesson computes them (a few seconds).

    Keys: ``plan`` (``thresholds``, ``reference_month``, ``holdout_share``, ``psi_bins``, ``psi_binning``,
    ``psi_no_change_p99``, ``precision_gap_no_change_p99``, ``alerts_fired``, ``open_actions``) and ``retrain``
    (``decision``, ``margin_over_champion``, ``margin_low``, ``margin_high``, ``customers``, ``months``,
    ``min_margin``, ``champion_profit``, ``challenger_profit``, ``alias_moved``), plus ``settings`` (``LESSON_08``).
    """
    year = lesson_year()
    thresholds, gap_spread = lesson_thresholds(year)
    health = health_table(year, reference_month=LESSON_08["reference_month"])
    gap = precision_gap_noise(year)
    fixed = repair_total_charges(year.customers)
    rows = labelled_rows(year, months=LESSON_08["labelled_months"], customers=fixed)
    train, test = split_by_time(rows, test_from=LESSON_08["test_from"])
    champion = champion_model()
    challenger = make_churn_model(C=LESSON_08["C"]).fit(train[list(FEATURES)], train["churned"])
    comparison = compare_models({"champion": champion, "challenger": challenger}, test)
    margin = profit_margin(champion, challenger, test)
    wins = _wins(float(margin["margin"]), float(margin["low"]), LESSON_08["min_margin"], True)
    plan = {"thresholds": asdict(thresholds), "reference_month": LESSON_08["reference_month"],
            "holdout_share": LESSON_08["holdout_share"], "psi_bins": PSI_BINS, "psi_binning": PSI_BINNING,
            "psi_no_change_p99": float(psi_no_change(year).max()), "precision_gap_no_change_p99": gap_spread,
            "alerts_fired": alerts_in_words(alerts(health, thresholds)), "open_actions": _open_actions(year, health, gap)}
    profits = comparison["expected_profit"]
    retrain = {"decision": SHADOW if wins else KEEP, "margin_over_champion": float(profits["challenger"] - profits["champion"]),
               "margin_low": float(margin["low"]), "margin_high": float(margin["high"]), "customers": len(test),
               "months": f"{LESSON_08['test_from']}-{int(test['month'].max())}", "min_margin": LESSON_08["min_margin"],
               "champion_profit": float(profits["champion"]), "challenger_profit": float(profits["challenger"]),
               "alias_moved": False}
    return {"settings": {**LESSON_08, "split": list(LESSON_08["split"])}, "plan": plan, "retrain": retrain}


@cache
def _frozen() -> str:
    return RECORD_FILE.read_text(encoding="utf-8")


@course_function
def course_record() -> dict:
    """What lesson 08 computes with its default settings, read from the frozen record (no simulation): a new copy.

    The same keys as ``compute_course_record()``; lesson 09's brief shows it, labelled "computed by the course",
    where the learner's runs lack lesson 08's monitoring plan or retraining decision.
    """
    return json.loads(_frozen())
