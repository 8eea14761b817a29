"""Charts for the lessons: each one titled, with labelled axes and units.

Every function draws on a new figure (or the ``ax`` you give) and returns the
axes; the notebook ends the cell with ``plt.show()``.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import PercentFormatter

FIGURE_SIZE = (7, 4)
WIDE_FIGURE_SIZE = (11, 4)  # two or three charts side by side
# The four cells of a campaign's confusion matrix, in customer words: rows = what happened, columns = what we did.
CUSTOMER_WORDS = (
    ("loyal customers\nwe leave alone", "loyal customers\nwe bother"),
    ("churners\nwe miss", "churners\nwe call"),
)
CHURN_COLOUR, STAY_COLOUR, NEUTRAL_COLOUR = "#d1495b", "#00798c", "#8d99ae"


def new_axes(ax=None):
    """The axes to draw on: yours, or a fresh figure of the course's size."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
    return ax


def label(ax, title: str, xlabel: str, ylabel: str):
    """Give a chart its title and axis labels (with units) in one call."""
    ax.set_title(title, loc="left", fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def churn_rate_by(customers: pd.DataFrame, column: str, ax=None, overall_line: bool = True):
    """Bar chart: the share of customers who churned, for each value of ``column``."""
    rates = customers["churn"].eq("Yes").groupby(customers[column]).mean().sort_values(ascending=False)
    ax = new_axes(ax)
    ax.barh(rates.index.astype(str), rates.to_numpy(), color=CHURN_COLOUR)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if overall_line:
        overall = customers["churn"].eq("Yes").mean()
        ax.axvline(overall, color="black", linestyle="--", linewidth=1, label=f"all customers: {overall:.1%}")
        ax.legend(loc="lower right", frameon=False)
    for y, rate in enumerate(rates.to_numpy()):
        ax.annotate(f"{rate:.0%}", (rate, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    pretty = column.replace("_", " ")
    return label(ax, f"Churn rate by {pretty}", "customers who churned (%)", pretty)


def feature_weights(weights: pd.Series, top: int = 10, ax=None):
    """Horizontal bars: the ``top`` largest weights by size; red raises churn risk, teal lowers it."""
    strongest = weights.reindex(weights.abs().sort_values(ascending=False).index).head(top)[::-1]
    ax = new_axes(ax)
    colours = [CHURN_COLOUR if w > 0 else STAY_COLOUR for w in strongest.to_numpy()]
    ax.barh(strongest.index, strongest.to_numpy(), color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    return label(ax, f"The {top} traits the model leans on most", "weight (log-odds: > 0 raises churn risk, < 0 lowers it)", "customer trait")

def churn_rate_by_bins(customers: pd.DataFrame, column: str, bins, unit: str, ax=None):
    """Line chart: churn rate for ranges of a number (tenure in months, charges in dollars)."""
    groups = pd.cut(customers[column], bins=bins, right=False)
    churned = customers["churn"].eq("Yes")
    rates = churned.groupby(groups, observed=True).mean()
    ax = new_axes(ax)
    labels = [f"{int(b.left)}–{int(b.right) - 1}" for b in rates.index]
    ax.plot(labels, rates.to_numpy(), marker="o", color=CHURN_COLOUR)
    overall = churned.mean()
    ax.axhline(overall, color="black", linestyle="--", linewidth=1, label=f"all customers: {overall:.1%}")
    ax.legend(loc="upper right", frameon=False)
    ax.set_ylim(0, max(0.6, float(rates.max()) + 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    pretty = column.replace("_", " ")
    return label(ax, f"Churn rate by {pretty}", f"{pretty} ({unit})", "customers who churned (%)")


# --- lesson 05: charts logged with each run, and the run comparison -----------------------------


def campaign_confusion_matrix(y_true, contacted, ax=None):
    """The campaign in customers: who was contacted (or not) against who churned (or stayed)."""
    from sklearn.metrics import ConfusionMatrixDisplay

    ax = new_axes(ax)
    ConfusionMatrixDisplay.from_predictions(
        y_true, [int(c) for c in contacted], labels=[0, 1], display_labels=["stayed", "churned"],
        cmap="Blues", colorbar=False, ax=ax,
    )
    ax.set_xticks([0, 1], ["not contacted", "contacted"])
    return label(ax, "Campaign outcome (customers)", "what the campaign did", "what the customer did")


def profit_by_threshold(curve: pd.DataFrame, chosen_threshold: float, ax=None):
    """Expected profit (dollars) for every threshold of a profit curve, with the chosen one marked."""
    ax = new_axes(ax)
    ax.plot(curve["threshold"], curve["expected_profit"], color=STAY_COLOUR)
    ax.axvline(chosen_threshold, color="black", linestyle="--", linewidth=1)
    ax.axhline(0, color=NEUTRAL_COLOUR, linewidth=0.8)
    ax.annotate(f"chosen threshold: {chosen_threshold:.3g}", (chosen_threshold, 1.0), xycoords=("data", "axes fraction"),
                xytext=(4, -12), textcoords="offset points", fontsize=9)
    _dollar_axis(ax.yaxis)
    return label(ax, "Expected campaign profit by threshold",
                 "threshold (churn score, 0–1: contact customers scoring at or above it)", "expected profit (US dollars)")


def runs_by_profit(profit_by_run: pd.Series, ax=None):
    """Horizontal bars: expected profit (dollars) per run, best on top; runs named "rule…" grey, models teal."""
    ordered = profit_by_run.sort_values(ascending=True)
    names = [str(name) for name in ordered.index]
    ax = new_axes(ax)
    colours = [NEUTRAL_COLOUR if name.startswith("rule") else STAY_COLOUR for name in names]
    ax.barh(names, ordered.to_numpy(), color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    for y, profit in enumerate(ordered.to_numpy()):
        ax.annotate(f"${profit:,.0f}", (profit, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_xlim(right=max(float(ordered.max()), 0.0) * 1.18 + 1.0)
    return label(ax, "Expected profit of each run (models teal, rules grey)", "expected campaign profit (US dollars)", "run")


def confusion_in_customer_words(y_true, contacted, ax=None, title: str = "Who the campaign contacts"):
    """scikit-learn's confusion matrix, each cell labelled with its count and what it means in customers.

    Rows: what really happened (stayed / churned). Columns: what we decided
    (leave alone / contact).
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    ax = new_axes(ax)
    display = ConfusionMatrixDisplay.from_predictions(
        y_true, contacted, labels=[0, 1], display_labels=["stayed", "churned"], colorbar=False, cmap="Blues", ax=ax
    )
    for (row, column), text in _cells(display.text_):
        text.set_text(f"{int(display.confusion_matrix[row, column]):,}\n{CUSTOMER_WORDS[row][column]}")
        text.set_fontsize(9)
    ax.set_xticks([0, 1], ["leave alone", "contact"])
    return label(ax, title, "what we decide (customers)", "what really happened (customers)")


def _cells(texts):
    for row in range(texts.shape[0]):
        for column in range(texts.shape[1]):
            yield (row, column), texts[row, column]


def confusion_small_multiples(y_true, churn_scores, thresholds):
    """One confusion matrix in customer words per threshold, side by side (a static threshold explorer)."""
    import numpy as np

    figure, axes = plt.subplots(1, len(thresholds), figsize=WIDE_FIGURE_SIZE, layout="constrained")
    scores = np.asarray(churn_scores)
    for ax, threshold in zip(np.atleast_1d(axes), thresholds):
        confusion_in_customer_words(y_true, (scores >= threshold).astype(int), ax=ax, title=f"threshold {threshold:.2f}")
    figure.suptitle("Moving the threshold trades missed churners for bothered customers", fontweight="bold")
    return axes


def _mark_thresholds(ax, marks: dict | None):
    colours = ("black", "#edae49", "#66a182", "#8d96a3")
    for (name, value), colour in zip((marks or {}).items(), colours):
        ax.axvline(value, color=colour, linestyle="--", linewidth=1.2, label=f"{name} ({value:.3f})")


def metrics_by_threshold(y_true, churn_scores, ax=None, marks: dict | None = None):
    """Precision, recall and F1 at every threshold, with optional dashed lines at named thresholds."""
    import numpy as np
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(y_true, churn_scores)
    precision, recall = precision[:-1], recall[:-1]  # the last point has no threshold
    denominator = precision + recall
    f1 = 2 * precision * recall / np.where(denominator > 0, denominator, 1)
    ax = new_axes(ax)
    ax.plot(thresholds, precision, color=STAY_COLOUR, label="precision: share of contacts who are churners")
    ax.plot(thresholds, recall, color=CHURN_COLOUR, label="recall: share of churners we contact")
    ax.plot(thresholds, f1, color="black", linewidth=2, label="F1: balance of the two")
    _mark_thresholds(ax, marks)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower left")
    return label(ax, "Raising the threshold: fewer, surer contacts", "threshold (churn probability, 0–1)", "metric (0–1)")


def profit_curves_by_threshold(curves: dict, ax=None, marks: dict | None = None):
    """Expected campaign profit against the threshold, one line per set of economics.

    ``curves``: label -> a table from ``churnlab.economics.profit_curve``.
    """
    ax = new_axes(ax)
    # First economics teal, second red: the same order as campaign_comparison's bars (lesson 04).
    for (name, curve), colour in zip(curves.items(), (STAY_COLOUR, CHURN_COLOUR, NEUTRAL_COLOUR)):
        ax.plot(curve["threshold"], curve["expected_profit"], color=colour, label=_plain_text(name))
    ax.axhline(0, color="grey", linewidth=0.8)
    _mark_thresholds(ax, marks)
    ax.set_xlim(0, 1)
    _dollar_axis(ax.yaxis)
    ax.legend(fontsize=8, loc="upper right")
    return label(ax, "Expected campaign profit at each threshold", "threshold (churn probability, 0–1)", "expected profit (US dollars)")


def _dollar_text(value, _position=None) -> str:
    amount = f"{abs(value) / 1000:,.4g}k" if abs(value) >= 1000 else f"{abs(value):,.0f}"
    return f"-${amount}" if value < 0 else f"${amount}"


def _dollar_axis(axis):
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=6))
    axis.set_major_formatter(FuncFormatter(_dollar_text))


def _plain_text(text: str) -> str:
    """Text shown as typed: a pair of $ signs would otherwise start matplotlib's maths mode."""
    return str(text).replace("$", r"\$")


# --- lesson 04: rules against the model --------------------------------------------------------------


def campaign_comparison(table: pd.DataFrame, profit_columns: list[str]):
    """Two panels for a ``churnlab.economics.compare_campaigns`` table.

    Left: each campaign's precision and recall (top right is best). Right: its
    expected profit under each set of economics (one bar per column in ``profit_columns``).
    """
    import numpy as np

    figure, (left, right) = plt.subplots(1, 2, figsize=WIDE_FIGURE_SIZE, layout="constrained")
    markers = "osD^vP*Xph"
    for position, (name, row) in enumerate(table.iterrows()):
        left.scatter(row["recall"], row["precision"], s=55, color=f"C{position}", marker=markers[position % len(markers)],
                     label=_plain_text(name), zorder=3)
    left.set_xlim(0, 1.02)
    left.set_ylim(0, 1)
    left.legend(fontsize=8, loc="lower left")
    label(left, "Precision and recall", "recall (share of churners contacted, 0–1)", "precision (share of contacts who churn, 0–1)")
    heights = 0.8 / len(profit_columns)
    positions = np.arange(len(table))
    for offset, (column, colour) in enumerate(zip(profit_columns, (STAY_COLOUR, CHURN_COLOUR, NEUTRAL_COLOUR))):
        right.barh(positions + offset * heights, table[column].to_numpy(), height=heights, color=colour, label=_plain_text(column))
    right.set_yticks(positions + heights * (len(profit_columns) - 1) / 2, table.index)
    right.invert_yaxis()
    right.axvline(0, color="grey", linewidth=0.8)
    _dollar_axis(right.xaxis)
    right.legend(fontsize=8, loc="lower left")
    label(right, "Expected campaign profit", "expected profit (US dollars)", "campaign")
    figure.suptitle("Same test customers, same metrics, same money", fontweight="bold")
    return left, right


# --- lesson 07: testing in production (simulated A/B and A/A tests) ---------------------------------------

from churnlab import validate as _validate  # noqa: E402  (this section's boundary checks)
from churnlab.errors import CourseError as _CourseError  # noqa: E402


@_validate.course_function
def ab_test_effects(table: pd.DataFrame, truth: dict | None = None, ax=None):
    """Each comparison's effect on churn, in percentage points, with its 95 % interval (a simulated A/B test).

    ``table``: ``abtest.comparison_table({...})``. An interval that does not cross the
    zero line is a difference the test can tell from chance. ``truth``: optionally,
    comparison name -> the simulator's true effect (``abtest.true_effect``), drawn as a
    black cross: what no real team sees.
    """
    table = _validate.dataframe(table, "table", needs=("effect", "effect low", "effect high"),
                                example="abtest.comparison_table({'campaign': comparison})")
    if truth is not None and not isinstance(truth, dict):
        raise _CourseError(f"truth should be a dictionary of comparison name -> true effect, or None, not {_validate.kind_of(truth)}.")
    unknown = [name for name in (truth or {}) if name not in table.index]
    if unknown:
        raise _CourseError(f"truth has {unknown[0]!r}, which is not a comparison of the table ({', '.join(map(repr, table.index))}).")
    ax = new_axes(ax)
    positions = list(range(len(table)))[::-1]
    meanings = {STAY_COLOUR: "interval below 0: fewer leave", NEUTRAL_COLOUR: "interval crosses 0: cannot tell",
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
        number = _validate.number(value, f"truth[{name!r}]", example="-0.1")
        ax.plot(100 * number, y, "x", color="black", markersize=9, markeredgewidth=2,
                label="true effect (known only in a simulation)" if name == next(iter(truth)) else None)
    ax.axvline(0, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(positions, [_plain_text(name) for name in table.index])
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.legend(fontsize=8, loc="lower right")
    return label(ax, "Simulated A/B test: effect on churn with 95 % intervals",
                 "change in churn, treatment minus control (percentage points; < 0: fewer leave)", "comparison")


@_validate.course_function
def aa_peeking(result, ax=None):
    """Two panels for ``abtest.aa_peeking(...)``: one A/A test's p-value day by day, and how often peeking "finds a winner".

    Left: the p-value of the first split that crossed 0.05 on some day, checked daily.
    Right: among all the A/A tests, the share that crossed 0.05 on at least one day so
    far (stop at the first "winner") and the share below 0.05 on that day alone.
    """
    from churnlab.abtest import PeekingResult

    if not isinstance(result, PeekingResult):
        raise _CourseError(f"result should be the result of abtest.aa_peeking(...), not {_validate.kind_of(result)}.")
    if ax is not None:
        raise _CourseError("aa_peeking draws two charts side by side on a figure of its own: call it without ax.")
    days = result.by_day
    figure, (left, right) = plt.subplots(1, 2, figsize=WIDE_FIGURE_SIZE, layout="constrained")
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
    return left, right
