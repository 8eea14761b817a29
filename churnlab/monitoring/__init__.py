"""Monitoring a live churn model (lesson 08): drift, delayed labels, a model-health page, SQL over the logs.

A live model decays, whatever its A/B test said: customers change, prices change,
competitors move, pipelines break, and churn labels arrive three months late.
This module holds what a team would build once and read every month:

- ``what_to_watch()``: what to monitor, in order of value (Full Stack Deep Learning,
  2022, lecture 6), and when each signal is visible.
- Drift: ``psi`` (the population stability index, one binning, ``PSI_BINNING``: 10 bins cut
  at the reference month's deciles, empty values left out and counted as data quality),
  ``psi_verdict`` (the common bands < 0.10 / 0.10-0.25 / > 0.25: rules of thumb, not tests),
  ``psi_by_month``, ``psi_no_change`` (what PSI reads with no change, per watched column), and ``drift_at_sizes`` (PSI's spread over many samples, under no change
  or a small shift, and why a KS test's p-value alarms on tiny shifts at large volumes).
- ``expected_precision``: the label-free estimate of precision, the mean score of the
  flagged customers. It holds while the model stays calibrated; it cannot see a change
  of behaviour that leaves the inputs where they were. ``precision_gap_noise``: each cohort's
  gap between realised and estimated precision with its interval and its no-change spread;
  ``precision_gap_no_change``: that spread at one month's volume, from the scores alone (the gap's
  alert threshold is derived from it, as the PSI threshold is set against ``psi_no_change``).
- ``health_table``, ``alerts``, ``write_health_page``: one row per month of what a PM
  checks in thirty seconds, the alerts against ``AlertThresholds``, and a small
  self-contained HTML page (inline SVG, no script, no external request) in the work folder.
- ``sql``: DuckDB over the logs, with a friendly message for a syntax error, a misspelt
  column or table (the tables' columns listed), and DuckDB's common traps.
- Retraining: ``repair_total_charges`` (the data bug fixed before any retraining),
  ``labelled_rows``, ``split_by_time`` (out of time) and ``split_by_seat``, ``compare_models``,
  ``profit_margin`` (the margin in dollars with a bootstrap interval clustered by customer);
  in MLflow: ``ensure_champion``, ``log_monitoring_plan`` (with what monitoring found: tags ``alerts_fired``
  and ``open_actions``, words from ``alerts_in_words``), ``log_retrain`` (never moves
  ``champion``: a winner goes to a shadow month, then an A/B test), and the readers
  ``latest_monitoring_plan`` and ``latest_retrain`` (for lesson 09's brief).

``simulate_once`` is ``world.simulate`` kept in the work folder: a re-run reads the same year back (the
no-change spreads of ``psi_no_change`` and ``drift_at_sizes``, and the health page's drawing, are kept likewise).
``course_record`` is what lesson 08 computes with its default settings (plan, what it found, the retraining
decision), frozen by tools/freeze_lesson08_record.py: lesson 09's brief shows it where lesson 08's runs are missing.

Everything here reads the **logs** of a simulation (``customers``, ``predictions``,
``contacts``, ``outcomes``, ``assignments``), never its truth: what a team could compute.
Realised precision is read on a **hold-out** arm (customers the model scores but nobody
contacts): on contacted customers the offer itself changes the outcome.
"""
from __future__ import annotations

from churnlab.monitoring.drift import (  # noqa: F401
    EMPTY_BIN_SHARE,
    PSI_BANDS,
    PSI_BINNING,
    PSI_BINS,
    TOP_INPUTS,
    drift_at_sizes,
    psi,
    psi_by_month,
    psi_no_change,
    psi_verdict,
)
from churnlab.monitoring.health import (  # noqa: F401
    DEFAULT_THRESHOLDS,
    HOLDOUT_ARM,
    AlertThresholds,
    alerts,
    alerts_in_words,
    expected_precision,
    health_table,
    precision_gap_no_change,
    precision_gap_noise,
    what_to_watch,
)
from churnlab.monitoring.kept import simulate_once
from churnlab.monitoring.page import (  # noqa: F401
    HEALTH_PAGE_FILE,
    write_health_page,
)
from churnlab.monitoring.record import course_record
from churnlab.monitoring.retrain import (  # noqa: F401
    ALERTS_FIRED_TAG,
    OPEN_ACTIONS_TAG,
    compare_models,
    ensure_champion,
    labelled_rows,
    latest_monitoring_plan,
    latest_retrain,
    log_monitoring_plan,
    log_retrain,
    profit_margin,
    repair_total_charges,
    split_by_seat,
    split_by_time,
)
from churnlab.monitoring.sql import sql  # noqa: F401

__all__ = [
    "ALERTS_FIRED_TAG",
    "DEFAULT_THRESHOLDS",
    "EMPTY_BIN_SHARE",
    "HEALTH_PAGE_FILE",
    "HOLDOUT_ARM",
    "OPEN_ACTIONS_TAG",
    "PSI_BANDS",
    "PSI_BINNING",
    "PSI_BINS",
    "TOP_INPUTS",
    "AlertThresholds",
    "alerts",
    "alerts_in_words",
    "compare_models",
    "course_record",
    "drift_at_sizes",
    "ensure_champion",
    "expected_precision",
    "health_table",
    "labelled_rows",
    "latest_monitoring_plan",
    "latest_retrain",
    "log_monitoring_plan",
    "log_retrain",
    "precision_gap_no_change",
    "precision_gap_noise",
    "profit_margin",
    "psi",
    "psi_by_month",
    "psi_no_change",
    "psi_verdict",
    "repair_total_charges",
    "simulate_once",
    "split_by_seat",
    "split_by_time",
    "sql",
    "what_to_watch",
    "write_health_page",
]
