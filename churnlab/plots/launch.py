"""Charts of the launch lessons (06-08): fairness gaps and explanations, the simulated months, A/B tests, model health."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.abtest import PeekingResult
from churnlab.fairness import GROUPS
from churnlab.monitoring import drift, health
from churnlab.plots.alt_text import describe
from churnlab.plots.basics import _listed, _words
from churnlab.plots.kept import shown_once
from churnlab.plots.style import (
    CHURN_COLOUR,
    NEUTRAL_COLOUR,
    STAY_COLOUR,
    WIDE_FIGURE_SIZE,
    _checked_axes,
    _checked_table,
    _dollar_axis,
    _plain_text,
    label,
    new_axes,
)
from churnlab.world import _checked_simulation

# --- lesson 08: the model-health page ------------------------------------------------------------

MONTH_AXIS_LABEL = "month after launch (1 = January 2027)"
PSI_AXIS_TOP = 1.0  # panel 5's scale: PSIs up to 1 readable on a plain axis; a larger one is drawn on the edge, its value written


def _month_axis(ax):
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(MONTH_AXIS_LABEL)


def _alert_dots(ax, months, values, alert_months, label="alert"):
    chosen = [(m, v) for m, v in zip(months, values) if m in alert_months and v == v]
    if chosen:
        ax.scatter([m for m, _ in chosen], [v for _, v in chosen], s=70, facecolors="none", edgecolors=CHURN_COLOUR,
                   linewidths=2, zorder=5, label=label)


def _business_panels(axes, table, months, reference, base, limits, by_panel):
    """The health page's panels 1-2: customers leaving and the campaign's profit."""
    percent = PercentFormatter(1.0, decimals=0)

    ax = axes[0]  # outcomes
    ax.plot(months, table["leaving_rate"], marker="o", color=CHURN_COLOUR, label="customers leaving that month")
    ax.axhline(base["leaving_rate"] * (1 + limits.leaving_rate_rise), color="black", linestyle="--", linewidth=1,
               label=f"alert: {limits.leaving_rate_rise:.0%} above month {reference}")
    _alert_dots(ax, months, table["leaving_rate"], by_panel.get("outcomes", set()))
    ax.set_ylim(0, max(0.1, float(table["leaving_rate"].max()) * 1.3))
    ax.yaxis.set_major_formatter(percent)
    label(ax, "1. Outcome: customers leaving", MONTH_AXIS_LABEL, "customers who left that month (%)")

    ax = axes[1]  # profit
    ax.plot(months, table["estimated_profit"], marker="o", linestyle=":", color=NEUTRAL_COLOUR, label="estimated (from scores)")
    ax.plot(months, table["realised_profit"], marker="o", color=STAY_COLOUR, label="realised (hold-out, 3 months late)")
    ax.axhline(0, color="black", linestyle="--", linewidth=1, label="alert: below $0")
    _dollar_axis(ax.yaxis)
    label(ax, "2. Business: campaign profit per month", MONTH_AXIS_LABEL, "expected profit (US dollars)")


def _model_panels(axes, table, months, reference, base, limits, by_panel, top_inputs, psi_bands):
    """Panels 3-5: precision, the scores and share flagged, input drift (PSI)."""
    percent = PercentFormatter(1.0, decimals=0)

    ax = axes[2]  # precision
    ax.plot(months, table["estimated_precision"], marker="o", linestyle=":", color=NEUTRAL_COLOUR,
            label="estimated (mean score of the flagged)")
    ax.plot(months, table["realised_precision"], marker="o", color=STAY_COLOUR, label="realised (hold-out, 3 months late)")
    ax.fill_between(months, table["estimated_precision"] - limits.precision_gap, table["estimated_precision"] + limits.precision_gap,
                    color=NEUTRAL_COLOUR, alpha=0.2, label=f"alert outside the estimate ±{limits.precision_gap * 100:.0f} points")
    _alert_dots(ax, months, table["realised_precision"], by_panel.get("precision", set()))
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(percent)
    label(ax, "3. Model: precision of the flagged", MONTH_AXIS_LABEL, "flagged customers who leave (%)")

    ax = axes[3]  # score distribution
    ax.fill_between(months, table["score_p10"], table["score_p90"], color=STAY_COLOUR, alpha=0.2,
                    label="scores: middle 80 % of customers")
    ax.plot(months, table["score_p50"], color=STAY_COLOUR, label="median score")
    ax.plot(months, table["share_flagged"], marker="o", color="black", label="share flagged")
    ax.fill_between(months, base["share_flagged"] - limits.flagged_change, base["share_flagged"] + limits.flagged_change,
                    color=NEUTRAL_COLOUR, alpha=0.15, label=f"alert outside month {reference} ±{limits.flagged_change * 100:.0f} points")
    _alert_dots(ax, months, table["share_flagged"], by_panel.get("scores", set()))
    ax.set_ylim(0, 1)
    label(ax, "4. Output drift: scores and share flagged", MONTH_AXIS_LABEL, "score or share (0–1)")

    ax = axes[4]  # input drift
    top = PSI_AXIS_TOP
    for position, column in enumerate(top_inputs):  # a marker of its own each: the lines differ in shape, not colour only
        shown = table[f"psi_{column}"].clip(upper=top)  # a PSI past the top is drawn on the top edge and labelled
        ax.plot(months, shown, marker="osD^v<>p"[position % 8], markersize=4, color=f"C{position}",
                label=column.replace("_", " "), clip_on=False)
        off = table[f"psi_{column}"] > top
        if off.any():
            values = table.loc[off, f"psi_{column}"]
            low, high = f"{values.min():.1f}", f"{values.max():.1f}"
            ax.annotate(f"{column.replace('_', ' ')}: PSI {low if low == high else f'{low} to {high}'}, off the scale",
                        (off.idxmax(), top), xytext=(6, -12), textcoords="offset points", fontsize=7, color=f"C{position}")
    circled = False
    for column in top_inputs:  # a circle on each input's own line, in each month its PSI alerts (as the alert list says)
        alert_months = by_panel.get(f"PSI of {column}", set())
        _alert_dots(ax, months, table[f"psi_{column}"].clip(upper=top), alert_months, label=None if circled else "alert")
        circled = circled or bool(alert_months)
    ax.axhline(psi_bands[0], color=NEUTRAL_COLOUR, linestyle=":", linewidth=1, label="0.10: moderate")
    ax.axhline(limits.psi, color="black", linestyle="--", linewidth=1, label=f"alert: {limits.psi:g}")
    ax.set_ylim(0, top)
    label(ax, f"5. Input drift: PSI against month {reference}", MONTH_AXIS_LABEL, "PSI (0 = no change; empty values left out)")


def _data_and_system_panels(axes, table, months, reference, base, limits, by_panel):
    """Panels 6-8: empty inputs, customers scored, scoring latency."""
    percent = PercentFormatter(1.0, decimals=0)

    ax = axes[5]  # data quality
    ax.plot(months, table["empty_share"], marker="o", color=CHURN_COLOUR, label="rows with an empty input")
    ax.axhline(limits.empty_share, color="black", linestyle="--", linewidth=1, label=f"alert: {limits.empty_share:.0%}")
    _alert_dots(ax, months, table["empty_share"], by_panel.get("data quality", set()))
    ax.set_ylim(0, max(0.05, float(table["empty_share"].max()) * 1.3))
    ax.yaxis.set_major_formatter(percent)
    label(ax, "6. Data quality: empty inputs", MONTH_AXIS_LABEL, "rows with an empty input (%)")

    ax = axes[6]  # volume
    ax.plot(months, table["customers_scored"], marker="o", color=STAY_COLOUR, label="customers scored")
    ax.fill_between(months, base["customers_scored"] * (1 - limits.volume_change), base["customers_scored"] * (1 + limits.volume_change),
                    color=NEUTRAL_COLOUR, alpha=0.15, label=f"alert outside month {reference} ±{limits.volume_change:.0%}")
    _alert_dots(ax, months, table["customers_scored"], by_panel.get("volume", set()))
    ax.set_ylim(0, float(table["customers_scored"].max()) * 1.35)
    ax.yaxis.set_major_formatter(lambda value, _position: f"{value:,.0f}")
    label(ax, "7. Volume: customers scored", MONTH_AXIS_LABEL, "customers scored")

    ax = axes[7]  # system
    ax.plot(months, table["latency_p50_ms"], marker="o", color=STAY_COLOUR, label="median latency")
    ax.plot(months, table["latency_p99_ms"], marker="o", color=CHURN_COLOUR, label="99th percentile")
    ax.axhline(limits.latency_p99_ms, color="black", linestyle="--", linewidth=1, label=f"alert: {limits.latency_p99_ms:g} ms")
    _alert_dots(ax, months, table["latency_p99_ms"], by_panel.get("system", set()))
    ax.set_ylim(0, max(limits.latency_p99_ms, float(table["latency_p99_ms"].max())) * 1.3)
    label(ax, "8. System: scoring latency", MONTH_AXIS_LABEL, "latency (milliseconds)")


@course_function
@shown_once
def model_health(table: pd.DataFrame, thresholds=None):
    """The model-health page as one figure: eight monthly panels with their alert thresholds and alerts.

    ``table``: ``churnlab.monitoring.health_table(year)``. Panels, most valuable first:
    customers leaving, campaign profit, precision (estimated vs realised), the score
    distribution and share flagged, input drift (PSI), data quality, volume, latency.
    Dashed lines are alert thresholds; red circles mark alerts. Returns the first axes
    (``.figure`` is the whole page); end the cell with ``plt.show()``.
    """
    table = health._checked_health(table)
    limits = health._checked_thresholds(thresholds)
    found = health.alerts(table, limits)
    by_panel = {panel: set(group["month"]) for panel, group in found.groupby("panel")}
    by_panel.update({signal: set(group["month"]) for signal, group in found.groupby("signal")})  # panel 5 circles each input
    months = table.index.to_numpy()
    reference = int(table.attrs.get("reference_month", months.min()))
    base = table.loc[reference]
    # Fixed margins rather than a layout engine: the eight panels' layout costs more than drawing them, and it
    # would run again for the notebook's picture (twice, for a tight bounding box) and for the page's SVG.
    figure, grid = plt.subplots(4, 2, figsize=(11, 13))
    figure.subplots_adjust(left=0.075, right=0.985, top=0.955, bottom=0.04, hspace=0.42, wspace=0.2)
    axes = grid.ravel()
    shared = (months, reference, base, limits, by_panel)
    _business_panels(axes, table, *shared)
    _model_panels(axes, table, *shared, drift.TOP_INPUTS, drift.PSI_BANDS)
    _data_and_system_panels(axes, table, *shared)

    for ax in axes:
        _month_axis(ax)
        ax.set_xlim(months.min() - 0.5, months.max() + 0.5)
        ax.legend(fontsize=7, loc="center left" if ax is axes[4] else "upper left", ncols=2 if ax is axes[4] else 1)
    figure.suptitle(f"Model health, simulated months {months.min()}–{months.max()} (not real customers)", fontweight="bold",
                    y=0.99)
    if found.empty:
        verdict = "No panel crosses its alert threshold in any month."
    else:
        months_of = found.groupby("panel", sort=False)["month"].apply(lambda m: _listed([str(v) for v in sorted(set(m))]))
        verdict = "Alerts: " + "; ".join(f"{panel} in month{'s' if ' ' in text else ''} {text}"
                                         for panel, text in months_of.items()) + "."
    describe(figure, f"Model-health page, simulated months {months.min()} to {months.max()}: eight line charts by month "
                     f"(customers leaving, campaign profit, precision, scores and share flagged, input drift, empty inputs, "
                     f"customers scored, latency), each with its alert threshold. {verdict}")
    health._stamp_health_figure(figure, table, limits)  # the health page reuses its kept drawing while the figure is as drawn
    return axes[0]


# --- lesson 07: testing in production (simulated A/B and A/A tests) ---------------------------------------


@course_function
@shown_once
def plot_truth(simulation, ax=None):
    """Line chart of the simulated truth by month: churn within the horizon with and without the campaign.

    Dashed vertical lines mark where each incident (knob) starts. The title says
    "Simulated". Returns the axes; end the cell with ``plt.show()``.
    """
    simulation = _checked_simulation(simulation)
    truth = simulation.truth
    ax = new_axes(ax)
    ax.plot(truth["month"], truth["churn_rate_without_campaign"], marker="o", color=CHURN_COLOUR,
            label="would have left without the campaign")
    ax.plot(truth["month"], truth["churn_rate"], marker="o", color=STAY_COLOUR, label="left (with the campaign)")
    ax.plot(truth["month"], truth["true_churn_probability"], linestyle=":", color="black",
            label="true churn probability (mean)")
    for _, incident in simulation.incidents.iterrows():
        ax.axvline(incident["from_month"], color=NEUTRAL_COLOUR, linestyle="--", linewidth=1)
        ax.annotate(incident["incident"].split(" (")[0], (incident["from_month"], 0.02), xycoords=("data", "axes fraction"),
                    rotation=90, va="bottom", ha="right", fontsize=8, color="dimgray")
    ax.set_ylim(0, max(0.5, float(truth[["churn_rate_without_campaign", "churn_rate"]].max().max()) + 0.15))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8, loc="upper left")
    horizon = simulation.settings["horizon_months"]
    incidents = list(simulation.incidents["incident"].str.split(" (", regex=False).str[0]) if len(simulation.incidents) else []
    describe(ax, f"Line chart of the simulated share of customers who leave within {horizon} months, by month "
                 f"{int(truth['month'].min())} to {int(truth['month'].max())}: without the campaign "
                 f"{truth['churn_rate_without_campaign'].min():.0%} to {truth['churn_rate_without_campaign'].max():.0%}, "
                 f"with it {truth['churn_rate'].min():.0%} to {truth['churn_rate'].max():.0%}."
                 + (f" Incidents start at the dashed lines: {_listed(incidents)}." if incidents else " No incident."))
    return label(ax, "Simulated months: who really left (the truth)", MONTH_AXIS_LABEL,
                       f"customers who leave within {horizon} months (%)")


@course_function
@shown_once
def ab_test_effects(table: pd.DataFrame, truth: dict | None = None, ax=None, break_even_drop: float | None = None,
                    title: str = "Simulated A/B test: effect on churn with 95 % intervals", ylabel: str = "comparison"):
    """Each comparison's effect on churn, in percentage points, with its 95 % interval (a simulated A/B test).

    ``table``: ``abtest.comparison_table({...})``. An interval that does not cross the
    zero line is a difference the test can tell from chance. ``truth``: optionally,
    comparison name -> the simulator's true effect (``abtest.true_effect``), drawn as a
    black cross: what no real team sees. ``break_even_drop``: optionally, the drop in churn (a share, 0.004 for
    0.4 points) a change must bring to pay for itself, drawn as a dotted line at minus that many points. ``title``
    and ``ylabel`` name the chart and its rows (the comparisons, or the simulated quarters of a replay).
    """
    table = validate.dataframe(table, "table", needs=("effect", "effect low", "effect high"),
                                example="abtest.comparison_table({'campaign': comparison})")
    if truth is not None and not isinstance(truth, dict):
        raise CourseError(f"truth should be a dictionary of comparison name -> true effect, or None, not {validate.kind_of(truth)}.")
    unknown = [name for name in (truth or {}) if name not in table.index]
    if unknown:
        raise CourseError(f"truth has {unknown[0]!r}, which is not a comparison of the table ({', '.join(map(repr, table.index))}).")
    ax = new_axes(ax)
    positions = list(range(len(table)))[::-1]
    meanings = {STAY_COLOUR: "interval below 0: fewer leave", NEUTRAL_COLOUR: "interval crosses 0: not certain",
                CHURN_COLOUR: "interval above 0: more leave"}
    shown = set()
    for y, (name, row) in zip(positions, table.iterrows()):
        colour = STAY_COLOUR if row["effect high"] < 0 else CHURN_COLOUR if row["effect low"] > 0 else NEUTRAL_COLOUR
        ax.plot([100 * row["effect low"], 100 * row["effect high"]], [y, y], color=colour, linewidth=3, solid_capstyle="butt",
                label=None if colour in shown else meanings[colour])
        shown.add(colour)
        ax.plot(100 * row["effect"], y, "o", color=colour, markersize=8)
        ax.annotate(f"{100 * row['effect']:+.1f}", (100 * row["effect"], y), xytext=(0, 8), textcoords="offset points",
                    ha="center", fontsize=9)
    for name, value in (truth or {}).items():
        y = positions[list(table.index).index(name)]
        number = validate.number(value, f"truth[{name!r}]", example="-0.1")
        ax.plot(100 * number, y, "x", color="black", markersize=9, markeredgewidth=2,
                label="true effect (known only in a simulation)" if name == next(iter(truth)) else None)
    ax.axvline(0, color="black", linewidth=1, linestyle="--")
    if break_even_drop is not None:
        drop = validate.number(break_even_drop, "break_even_drop", example="0.004")
        ax.axvline(-100 * drop, color="grey", linestyle=":", label="break-even rise")
    ax.set_yticks(positions, [_plain_text(name) for name in table.index])
    ax.set_ylim(-0.7, len(table) - 0.3)
    if break_even_drop is None:
        ax.legend(fontsize=8, loc="lower right")
    else:  # one entry more: below the chart, where it hides no interval
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    rows = [f"{_words(name)}: {100 * row['effect']:+.1f} points ({100 * row['effect low']:+.1f} to {100 * row['effect high']:+.1f}), "
            + ("fewer leave" if row["effect high"] < 0 else "more leave" if row["effect low"] > 0 else "not certain (the interval crosses 0)")
            for name, row in table.iterrows()]
    describe(ax, "Simulated A/B test: each comparison's effect on churn in percentage points with its 95 % interval, "
                 f"treatment minus control. {'; '.join(rows)}." + (" Black crosses: the true effects." if truth else ""))
    return label(ax, title, "change in churn, treatment minus control (percentage points; < 0: fewer leave)", ylabel)


@course_function
@shown_once
def aa_peeking(result, ax=None):
    """Two panels for ``abtest.aa_peeking(...)``: one A/A test's p-value day by day, and how often peeking "finds a winner".

    Left: the p-value of the first split that crossed 0.05 on some day, checked daily.
    Right: among all the A/A tests, the share that crossed 0.05 on at least one day so
    far (stop at the first "winner") and the share below 0.05 on that day alone.
    """
    if not isinstance(result, PeekingResult):
        raise CourseError(f"result should be the result of abtest.aa_peeking(...), not {validate.kind_of(result)}.")
    if ax is not None:
        raise CourseError("aa_peeking draws two charts side by side on a figure of its own: call it without ax.")
    days = result.by_day
    # Fixed margins rather than a layout engine (as model_health): the layout would cost more than the drawing, and
    # the notebook's picture is cut to its contents anyway.
    figure, (left, right) = plt.subplots(1, 2, figsize=WIDE_FIGURE_SIZE)
    figure.subplots_adjust(left=0.06, right=0.99, top=0.84, bottom=0.13, wspace=0.2)
    left.plot(days["day"], days["example p-value"], color=NEUTRAL_COLOUR, linewidth=1.5)
    below = days["example p-value"] < result.alpha
    left.plot(days.loc[below, "day"], days.loc[below, "example p-value"], "o", color=CHURN_COLOUR,
              label=f"days it looks like a winner (p < {result.alpha:g})")
    left.axhline(result.alpha, color=CHURN_COLOUR, linestyle="--", linewidth=1)
    left.set_ylim(0, 1)
    left.legend(fontsize=8, loc="upper right")
    label(left, "One simulated A/A test, checked every day", "day of the test (days since the 1st of the month)",
          "p-value (0–1; below the line: 'significant')")
    right.plot(days["day"], days["found a winner by then"], color=CHURN_COLOUR, linewidth=2,
               label="stopped at the first p < 0.05 (peeking)")
    right.plot(days["day"], days["significant that day"], color=STAY_COLOUR, linewidth=2,
               label="p < 0.05 on that day alone (one planned look)")
    right.axhline(result.alpha, color="black", linestyle="--", linewidth=1, label=f"the {result.alpha:.0%} we signed up for")
    right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.set_ylim(0, max(0.1, float(days["found a winner by then"].max()) + 0.05))
    right.legend(fontsize=8, loc="center right")
    label(right, f"{result.tests:,} simulated A/A tests: share with a 'winner'", "day of the test (days since the 1st of the month)",
          "A/A tests (%)")
    figure.suptitle("Simulated A/A tests: both arms get the same treatment", fontweight="bold")
    last = days.iloc[-1]
    describe(figure, f"Two line charts of simulated A/A tests, where both arms get the same treatment. Left: one test's "
                     f"p-value day by day, below {result.alpha:g} on {int(below.sum())} of {len(days)} days. Right: of "
                     f"{result.tests:,} tests, peeking daily finds a 'winner' by the last day in {last['found a winner by then']:.0%}, "
                     f"against {last['significant that day']:.0%} with one look on that day, and the "
                     f"{result.alpha:.0%} signed up for.")
    return left, right


@course_function
@shown_once
def power_curves(curves: dict, months_available: float | None = None, target: float = 0.8, ax=None):
    """The power of each decision rule (the chance it fires if the hoped-for gain is real) against the test's months.

    ``curves``: {test name: ``abtest.power_curve(...)``}, one line each; ``months_available``:
    how long the business can wait, a dashed vertical line with each rule's power there marked
    by a dot; ``target``: the power the plan asks for (80 %), a dashed horizontal line.
    """
    if not isinstance(curves, dict) or not curves:
        raise CourseError("curves should be a dict {test name: abtest.power_curve(...)}, with at least one test.")
    goal = validate.fraction(target, "target", example="0.8")
    ax = new_axes(ax)
    colours = [CHURN_COLOUR, STAY_COLOUR, NEUTRAL_COLOUR, "black"]
    available = None if months_available is None else validate.number(months_available, "months_available", example="3")
    if available is not None and available <= 0:
        raise CourseError(f"months_available is {available:g}; it is how many months the business can wait, above 0, like 3.")
    at_available = []
    for (name, curve), colour in zip(curves.items(), colours * len(curves)):
        table = _checked_table(curve, f"curves[{name!r}]", ("power",), "abtest.power_curve(...)")
        ax.plot(table.index, table["power"], color=colour, linewidth=2, label=_plain_text(str(name)))
        if available is not None:
            power = float(np.interp(available, table.index, table["power"]))
            at_available.append(f"{_plain_text(str(name))} {power:.0%}")
            ax.plot([available], [power], "o", color=colour, markersize=8)
            ax.annotate(f"{power:.0%}", (available, power), xytext=(6, -10), textcoords="offset points", fontsize=8,
                        color=colour)
    ax.axhline(goal, color="black", linestyle=":", linewidth=1, label=f"the {goal:.0%} power the plan asks for")
    if available is not None:
        ax.axvline(available, color="black", linestyle="--", linewidth=1, label=f"{available:g} months we can wait")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(fontsize=8, loc="lower right")
    label(ax, "Simulated launch: the power of each decision rule, month by month",
          "months the test runs (reviews at January's pace)", "power: chance the rule acts (%)")
    describe(ax, "Line chart of power against months of testing, one line per decision rule, each testing against "
                 "its break-even margin" + (f"; at {available:g} months: " + ", ".join(at_available) if at_available else "")
                 + f"; the dotted line marks the {goal:.0%} the plan asks for.")
    return ax


@course_function
@shown_once
def detectable_effects(curves: dict, references: dict | None = None, months_available: float | None = None, ax=None):
    """The smallest true drop in churn each test catches 80 % of the time, against the months it runs.

    ``curves``: {test name: ``abtest.power_curve(...)``} (its column ``smallest drop caught 80 %
    of the time``), one solid line each, in percentage points. ``references``: {test name:
    {"break-even": share, "expected": share}}: for each test, the drop that pays for it (dashed)
    and the drop we expect (dotted), in the test's colour; a test is feasible where its solid line
    falls below the expected drop. ``months_available``: how long the business can wait (a
    vertical line).
    """
    if not isinstance(curves, dict) or not curves:
        raise CourseError("curves should be a dict {test name: abtest.power_curve(...)}, with at least one test.")
    references = {} if references is None else references
    if not isinstance(references, dict):
        raise CourseError("references should be a dict {test name: {'break-even': 0.02, 'expected': 0.012}}.")
    ax = new_axes(ax)
    colours = [CHURN_COLOUR, STAY_COLOUR, NEUTRAL_COLOUR, "black"]
    column = "smallest drop caught 80 % of the time"
    lowest = 0.0
    for (name, curve), colour in zip(curves.items(), colours * len(curves)):
        table = _checked_table(curve, f"curves[{name!r}]", (column,), "abtest.power_curve(...)")
        ax.plot(table.index, 100 * table[column], color=colour, linewidth=2, label=f"{_plain_text(str(name))}: caught 80 % of the time")
        for key, style in (("break-even", "--"), ("expected", ":")):
            value = references.get(name, {}).get(key)
            if value is not None:
                level = 100 * validate.number(value, f"references[{name!r}][{key!r}]", example="0.02")
                lowest = min(lowest, level)
                ax.axhline(level, color=colour, linestyle=style, linewidth=1.2, label=f"{_plain_text(str(name))}: {key} drop")
    if months_available is not None:
        available = validate.number(months_available, "months_available", low=0, example="3")
        ax.axvline(available, color="black", linestyle="-", linewidth=0.8, alpha=0.5, label=f"{available:g} months we can wait")
    ax.set_ylim(bottom=1.15 * lowest if lowest < 0 else 0)  # a negative break-even (a change that saves) stays in view
    if lowest < 0:
        ax.axhline(0, color="black", linewidth=0.6)
    ax.legend(fontsize=7, loc="upper right")
    label(ax, "Simulated launch plan: the smallest drop in churn each test can catch",
          "months of reviews the test runs (the last labels arrive 3 months later)",
          "true drop in churn caught 80 % of the time (points)")
    describe(ax, "Line chart of the smallest true drop in churn each test catches 80 % of the time against the months it "
                 "runs, falling as customers accumulate, with each test's break-even drop dashed and expected drop dotted.")
    return ax


@course_function
@shown_once
def recall_gaps(gap_table: pd.DataFrame, ax=None):
    """Each group's recall gap (group minus others, in percentage points) with its 95 % interval, one row per group.

    ``gap_table`` comes from ``churnlab.fairness.gaps``; one marker per threshold
    reviewed. An interval that crosses the zero line is a gap the data cannot tell from noise.
    """

    gap_table = _checked_table(gap_table, "gap_table", ("group", "threshold", "recall gap", "recall gap low", "recall gap high"),
                               "fairness.gaps(fairness.group_metrics(y_test, churn_scores, groups, [0.5, 1/6]))")
    ax = new_axes(_checked_axes(ax))
    columns = list(dict.fromkeys(gap_table["group"]))
    thresholds = list(dict.fromkeys(gap_table["threshold"]))
    step = 0.6 / max(len(thresholds), 1)
    for offset, (threshold, colour, marker) in enumerate(zip(thresholds, (NEUTRAL_COLOUR, CHURN_COLOUR, STAY_COLOUR), "os^")):
        rows = gap_table[gap_table["threshold"] == threshold].set_index("group").reindex(columns)
        positions = np.arange(len(columns)) + (offset - (len(thresholds) - 1) / 2) * step
        gap = rows["recall gap"].to_numpy() * 100
        low, high = rows["recall gap low"].to_numpy() * 100, rows["recall gap high"].to_numpy() * 100
        ax.errorbar(gap, positions, xerr=[gap - low, high - gap], fmt=marker, color=colour, capsize=3,
                    label=f"threshold {threshold:.3g}")
    names = [f"{GROUPS[c].members}\nvs {GROUPS[c].others}" if c in GROUPS else str(c) for c in columns]
    ax.set_yticks(np.arange(len(columns)), names)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.legend(fontsize=8, loc="lower right")
    rows = []
    for _, row in gap_table.iterrows():
        low, high = 100 * row["recall gap low"], 100 * row["recall gap high"]
        who = f"{GROUPS[row['group']].members} vs {GROUPS[row['group']].others}" if row["group"] in GROUPS else str(row["group"])
        rows.append(f"{_words(who)} at threshold {row['threshold']:.3g}: {100 * row['recall gap']:+.0f} points "
                    f"({low:+.0f} to {high:+.0f}, " + ("within noise" if low <= 0 <= high else "a real gap") + ")")
    describe(ax, "Chart of each group's recall gap (share of churners reached, group minus others, in percentage points) "
                 f"with 95 % intervals: {'; '.join(rows)}.")
    return label(ax, "Recall gap by group, with 95 % intervals",
                 "recall gap (% of churners reached: group minus others, percentage points)", "group")


@course_function
@shown_once
def calibration_by_group(table: pd.DataFrame, ax=None):
    """A reliability chart: in each score band, the share who churned against the average score, one line per side of a group.

    ``table`` comes from ``churnlab.fairness.calibration_by_group``; each point's
    vertical line is the 95 % interval of the share who churned. On the
    diagonal, a score means what it says ("scored 0.3, 30 % churn").
    """
    table = _checked_table(table, "table", ("who", "average score", "churned", "low", "high"),
                           "fairness.calibration_by_group(y_test, churn_scores, groups['senior_citizen'])")
    ax = new_axes(_checked_axes(ax))
    ax.plot([0, 1], [0, 1], color="black", linewidth=0.8, linestyle="--", label="perfectly calibrated")
    for (who, rows), colour, marker in zip(table.groupby("who", sort=False), (CHURN_COLOUR, STAY_COLOUR, NEUTRAL_COLOUR), "os^"):
        x, y = rows["average score"].to_numpy(), rows["churned"].to_numpy()
        ax.errorbar(x, y, yerr=[y - rows["low"].to_numpy(), rows["high"].to_numpy() - y], fmt=f"{marker}-", color=colour,
                    capsize=3, label=f"{who} ({rows['customers'].sum():,} customers)" if "customers" in rows else who)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(fontsize=8, loc="upper left")
    sides = []
    for who, rows in table.groupby("who", sort=False):
        gap = (rows["churned"] - rows["average score"]).to_numpy(float)
        worst = int(np.argmax(np.abs(gap)))
        sides.append(f"{_words(who)}: largest gap {abs(gap[worst]) * 100:.0f} points "
                     f"({'more' if gap[worst] > 0 else 'fewer'} churned than scored)")
    describe(ax, "Calibration chart by group: in each score band, the share who churned against the average score, one "
                 f"line per side of the group, with 95 % intervals; on the diagonal a score means what it says. {'; '.join(sides)}.")
    return label(ax, "Does a score mean the same churn chance in both groups?",
                 "average churn score in the band (%)", "share who churned, with 95 % interval (%)")


@course_function
@shown_once
def global_explanations(importance: pd.DataFrame, dependence: pd.DataFrame, top: int = 8, observed: pd.Series | None = None):
    """Two panels: which inputs the model leans on (permutation importance) and how risk moves with one input.

    ``importance`` from ``churnlab.explain.permutation_importance`` (the ``top``
    largest, with their spread over repeats); ``dependence`` from
    ``churnlab.explain.partial_dependence``; ``observed`` (optional): the real churn
    rate at some values of the same input, drawn as points for comparison.
    """
    importance = _checked_table(importance, "importance", ("importance", "spread"),
                                "explain.permutation_importance(model, X_test, y_test)")
    dependence = _checked_table(dependence, "dependence", ("average churn probability",),
                                'explain.partial_dependence(model, X_test, "tenure")')
    top = validate.whole_number(top, "top", low=1, example="8")
    if observed is not None and not isinstance(observed, pd.Series):
        raise CourseError(f"observed should be a churn rate per value (a Series), like y_test.groupby(X_test['tenure']).mean(), "
                          f"not {validate.kind_of(observed)}.")
    figure, (left, right) = plt.subplots(1, 2, figsize=WIDE_FIGURE_SIZE, layout="constrained")
    strongest = importance.head(top)[::-1]
    left.barh([str(c).replace("_", " ") for c in strongest.index], strongest["importance"].to_numpy(),
              xerr=strongest["spread"].to_numpy(), color=STAY_COLOUR, capsize=2)
    label(left, "Which inputs the model leans on", "ROC-AUC lost when the input is shuffled (0–1)", "input")
    column = dependence.columns[0]
    pretty = str(column).replace("_", " ")
    right.plot(dependence[column], dependence["average churn probability"], color=CHURN_COLOUR, marker="o",
               label="model (partial dependence)")
    if observed is not None:
        right.scatter(observed.index, observed.to_numpy(), color="black", marker="x", zorder=3,
                      label="real churn rate (test customers)")
    right.set_ylim(0, max(0.6, float(dependence["average churn probability"].max()) + 0.05))
    right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.legend(fontsize=8, loc="upper right")
    unit = "months" if column == "tenure" else "US dollars" if "charges" in str(column) else "value"
    label(right, f"Average churn risk as {pretty} changes", f"{pretty} ({unit})", "average churn probability (%)")
    risk = dependence["average churn probability"].to_numpy(float)
    describe(figure, f"Two charts. Left: the {len(strongest)} inputs the model leans on most, by ROC-AUC lost when shuffled; "
                     f"most: {_listed([str(c).replace('_', ' ') for c in strongest.index[::-1][:3]])}. Right: the model's average "
                     f"churn probability as {pretty} goes from {dependence[column].iloc[0]:g} to {dependence[column].iloc[-1]:g} "
                     f"{unit}: from {risk[0]:.0%} to {risk[-1]:.0%}."
                     + (" Crosses: the real churn rate of test customers." if observed is not None else ""))
    return left, right


@course_function
@shown_once
def reason_codes(codes: pd.DataFrame, churn_scores: pd.Series, customers: list):
    """One panel per customer: the reasons that raise their churn score, in points of churn probability; blue = we control it.

    ``codes`` from ``churnlab.explain.reason_codes``; ``churn_scores``: a score per
    customer id (for the panel titles); ``customers``: the ids to draw (one to four).
    """
    codes = _checked_table(codes, "codes", ("reason", "points", "actionable"), "explain.reason_codes(model, X_train, X_test)")
    if not isinstance(churn_scores, pd.Series):
        raise CourseError("churn_scores should be a score per customer id (a Series), like "
                          f"pd.Series(churn_scores, index=X_test.index), not {validate.kind_of(churn_scores)}.")
    if isinstance(customers, str) or not isinstance(customers, (list, tuple, pd.Index)) or not 1 <= len(customers) <= 4:
        raise CourseError(f"customers should be a list of one to four customer ids, like ['C3381', 'C2489'], not {validate.kind_of(customers)}.")
    listed = set(codes.index.get_level_values(0))
    missing = [c for c in customers if c not in listed or c not in churn_scores.index]
    if missing:
        raise CourseError(f"customer {missing[0]!r} has no reason codes or no score here: make codes and churn_scores "
                          "for the customers you draw (e.g. X_test), and check the id.")
    figure, axes = plt.subplots(1, len(customers), figsize=(WIDE_FIGURE_SIZE[0], 3.2), layout="constrained", sharex=True)
    axes = list(axes) if len(customers) > 1 else [axes]
    for ax, customer in zip(axes, customers):
        reasons = codes.loc[customer].iloc[::-1]
        colours = [STAY_COLOUR if act else NEUTRAL_COLOUR for act in reasons["actionable"]]
        ax.barh([_plain_text(r) for r in reasons["reason"]], reasons["points"].to_numpy(), color=colours)
        label(ax, f"{customer}: score {float(churn_scores[customer]):.2f}", "adds to churn probability (points)", "reason")
    figure.legend(handles=[Patch(color=STAY_COLOUR, label="the company controls it"), Patch(color=NEUTRAL_COLOUR, label="it does not")],
                  fontsize=8, loc="outside lower center", ncols=2)
    baseline = codes.attrs.get("baseline_probability")
    start = f" (each bar: from the baseline customer's {baseline:.0%})" if baseline is not None else ""
    figure.suptitle(f"Why these customers are on the call list: their top reasons{start}", fontweight="bold")
    each = [f"{customer} (score {float(churn_scores[customer]):.2f}): {_words(codes.loc[customer]['reason'].iloc[0])}, "
            f"+{codes.loc[customer]['points'].iloc[0]:.0f} points" for customer in customers]
    describe(figure, f"Bar charts of the top reasons raising {len(customers)} customers' churn scores, in points of churn "
                     f"probability, blue where the company controls the reason. Top reason: {'; '.join(each)}.")
    return axes
