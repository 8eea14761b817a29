"""Charts of lessons 03-04: rules against the model, and how sure we can be (profit gaps with intervals, calibration)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.plots.alt_text import describe
from churnlab.plots.kept import shown_once
from churnlab.plots.style import (
    CHURN_COLOUR,
    FIGURE_SIZE,
    NEUTRAL_COLOUR,
    STAY_COLOUR,
    WIDE_FIGURE_SIZE,
    _checked_axes,
    _dollar_axis,
    _exact_dollars,
    _label_points,
    _plain_text,
    label,
    new_axes,
)
from churnlab.plots.basics import VERDICT_COLOURS, _words

# --- lesson 04: rules against the model --------------------------------------------------------------


@course_function
@shown_once
def campaign_comparison(table: pd.DataFrame, profit_columns: list[str]):
    """Two panels for a ``churnlab.economics.compare_campaigns`` table.

    Left: each campaign's precision and recall (top right is best), each point
    labelled with its campaign's name. Right: its expected profit under each set
    of economics (one bar per column in ``profit_columns``).
    """
    if not isinstance(table, pd.DataFrame):
        raise CourseError("table should be the table compare_campaigns(y_test, campaigns, scores, economics) returns, "
                          f"not {validate.kind_of(table)}.")
    table = validate.dataframe(table, "table", needs=("precision", "recall"),
                               example="compare_campaigns(y_test, campaigns, scores, economics)")
    if isinstance(profit_columns, str):
        profit_columns = [profit_columns]
    if isinstance(profit_columns, (bytes, dict)) or np.ndim(profit_columns) != 1 or len(profit_columns) == 0:
        raise CourseError("profit_columns should be a list of the table's profit columns, like "
                          "['profit at $10 ($)', 'profit at $30 ($)'].")
    profit_columns = [validate.column(table, column, "each of profit_columns", "table") for column in profit_columns]
    if len(profit_columns) > 3:
        raise CourseError(f"profit_columns has {len(profit_columns)} columns; at most 3 sets of bars fit.")
    for column in ["precision", "recall", *profit_columns]:
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise CourseError(f"table[{column!r}] should hold numbers; is it the table compare_campaigns returned?")

    figure, (left, right) = plt.subplots(1, 2, figsize=(WIDE_FIGURE_SIZE[0], 5), layout="constrained",
                                         width_ratios=[1.25, 1])
    # Hollow markers, one shape per kind of campaign: two campaigns at nearly the same spot both stay visible.
    for prefix, marker, colour in (("model", "^", CHURN_COLOUR), ("scorecard", "s", STAY_COLOUR), ("", "o", "black")):
        kind = table.index.str.startswith(prefix) if prefix else ~table.index.str.startswith(("model", "scorecard"))
        left.scatter(table.loc[kind, "recall"], table.loc[kind, "precision"], s=46, marker=marker, facecolors="none",
                     edgecolors=colour, linewidths=1.4, zorder=3)
    left.set_xlim(0, 1.02)
    left.set_ylim(0, 1)
    label(left, "Precision and recall", "recall (share of churners contacted, 0–1)", "precision (share of contacts who churn, 0–1)")
    heights = 0.8 / len(profit_columns)
    positions = np.arange(len(table))
    for offset, (column, colour) in enumerate(zip(profit_columns, (STAY_COLOUR, CHURN_COLOUR, NEUTRAL_COLOUR))):
        right.barh(positions + offset * heights, table[column].to_numpy(), height=heights, color=colour, label=_plain_text(column))
    right.set_yticks(positions + heights * (len(profit_columns) - 1) / 2, [_plain_text(name) for name in table.index])
    right.invert_yaxis()
    right.axvline(0, color="grey", linewidth=0.8)
    _dollar_axis(right.xaxis)
    right.legend(fontsize=8, loc="lower left")
    label(right, "Expected campaign profit", "expected profit (US dollars)", "campaign")
    figure.suptitle("Same test customers, same metrics, same money", fontweight="bold")
    _label_points(left, table["recall"].to_numpy(float), table["precision"].to_numpy(float),
                  [_plain_text(name) for name in table.index])
    names = [_words(name) for name in table.index]
    best = [f"under {_words(column)}, {names[int(np.argmax(table[column]))]} earns most, "
            f"{_exact_dollars(table[column].max())}, and {names[int(np.argmin(table[column]))]} least, "
            f"{_exact_dollars(table[column].min())}" for column in profit_columns]
    describe(figure, f"Two charts of {len(table)} campaigns on the same test customers. Left, precision against recall: "
                     f"highest precision {names[int(np.argmax(table['precision']))]} ({table['precision'].max():.2f}), "
                     f"highest recall {names[int(np.argmax(table['recall']))]} ({table['recall'].max():.2f}). "
                     f"Right, expected profit: {'; '.join(best)}.")
    return left, right


# --- lessons 03 and 04: how sure we can be (intervals, calibration) -----------------------------------------
# VERDICT_COLOURS (each verdict's colour) is defined in basics, where the accessibility test reads it.


@course_function
@shown_once
def profit_gaps(gaps: dict, ax=None, title: str = "The model's edge in dollars, with 95 % intervals"):
    """One row per comparison: the gap in dollars (dot) and its interval (line), coloured by what a PM may conclude.

    ``gaps``: name -> an ``Interval`` in dollars from ``churnlab.uncertainty``
    (``profit_difference`` or ``paired_bootstrap``). The grey line at $0 is "no
    difference": an interval that crosses it cannot rule out a tie.
    """
    from churnlab.uncertainty import Interval

    if not isinstance(gaps, dict) or not gaps:
        raise CourseError("gaps should be a dictionary: name -> interval, like "
                          "{'at $10': profit_difference(y_test, model_flags, rule_flags, cheap)}.")
    for name, gap in gaps.items():
        if not isinstance(gap, Interval) or gap.kind != "dollars":
            raise CourseError(f"gaps[{name!r}] should be an interval in dollars from churnlab.uncertainty "
                              f"(profit_difference or paired_bootstrap), not {validate.kind_of(gap)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(FIGURE_SIZE[0] + 1, 1.2 + 0.9 * len(gaps)), layout="constrained")
    ax = _checked_axes(ax, may_be_none=False)
    rows = np.arange(len(gaps))[::-1]
    low = min(min(gap.low for gap in gaps.values()), 0)
    high = max(max(gap.high for gap in gaps.values()), 0)
    span = (high - low) or 1.0
    ax.set_xlim(low - 0.05 * span, high + 0.9 * span)  # room for the verdict on the right
    for row, (name, gap) in zip(rows, gaps.items()):
        colour = VERDICT_COLOURS[gap.verdict]
        ax.plot([gap.low, gap.high], [row, row], color=colour, linewidth=4, solid_capstyle="butt")
        ax.plot([gap.estimate], [row], "o", color="black", markersize=6, zorder=3)
        ax.annotate(_plain_text(name), (0, row), xytext=(5, 9), textcoords="offset points", xycoords=("axes fraction", "data"),
                    fontsize=9, fontweight="bold")
        ax.annotate(_plain_text(f"{gap}: {gap.verdict}"), (gap.high, row), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.axvline(0, color="grey", linewidth=1, linestyle="--")
    ax.set_yticks(rows, [""] * len(rows))
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(rows.min() - 0.6, rows.max() + 0.8)
    _dollar_axis(ax.xaxis)
    rows_words = [f"{_words(name)}: {_words(gap)}, {gap.verdict}" for name, gap in gaps.items()]
    describe(ax, f"{_words(title)}. One row per comparison, the gap in expected profit in dollars with its 95 % interval "
                 f"(a tie at $0): {'; '.join(rows_words)}.")
    return label(ax, _plain_text(title), "difference in expected profit (US dollars)", "comparison")


@course_function
@shown_once
def reliability(table: pd.DataFrame, ax=None):
    """Calibration chart: in each score band, the share who really churned (dot, with its 95 % interval) against the
    band's average score. On the dashed diagonal, a score of 0.3 means 30 % churn.

    ``table``: what ``churnlab.economics.calibration_table`` returns.
    """
    table = validate.dataframe(table, "table", needs=("average score", "share who churned", "low", "high", "customers"),
                               example="calibration_table(y_test, churn_scores)")
    ax = new_axes(ax)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfectly calibrated")
    x, y = table["average score"].to_numpy(float), table["share who churned"].to_numpy(float)
    ax.errorbar(x, y, yerr=[y - table["low"].to_numpy(float), table["high"].to_numpy(float) - y], fmt="o-",
                color=CHURN_COLOUR, ecolor=CHURN_COLOUR, elinewidth=1.2, capsize=3, markersize=5,
                label="test customers: share who churned, 95 % interval")
    for xi, yi, n in zip(x, y, table["customers"].to_numpy(int)):
        ax.annotate(f"{n:,}", (xi, yi), xytext=(-4, 6), textcoords="offset points", ha="right", fontsize=7,
                    color="dimgrey")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="upper left")
    gaps = y - x
    worst = int(np.argmax(np.abs(gaps)))
    inside = int(((table["low"].to_numpy(float) <= x) & (x <= table["high"].to_numpy(float))).sum())
    describe(ax, f"Calibration chart of {len(x)} score bands: the share who really churned against the band's average score, "
                 f"with 95 % intervals. {inside} of {len(x)} intervals cross the diagonal (a score means what it says); the "
                 f"largest gap is {abs(gaps[worst]) * 100:.0f} points, {'more' if gaps[worst] > 0 else 'fewer'} churned than "
                 f"scored, in the band scoring {x[worst]:.2f} on average.")
    return label(ax, "Calibration: does a score of 0.3 mean a 30 % chance?",
                 "average churn score in the band (0–1; small numbers: customers in the band)",
                 "share who really churned (0–1)")
