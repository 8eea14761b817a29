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


# --- lesson 08: the model-health page ------------------------------------------------------------

from churnlab.validate import course_function  # noqa: E402  (this section's public function checks its arguments)


def _month_axis(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("month after launch (1 = January 2027)")


def _alert_dots(ax, months, values, alert_months):
    chosen = [(m, v) for m, v in zip(months, values) if m in alert_months and v == v]
    if chosen:
        ax.scatter([m for m, _ in chosen], [v for _, v in chosen], s=70, facecolors="none", edgecolors="#d1495b",
                   linewidths=2, zorder=5, label="alert")


@course_function
def model_health(table: pd.DataFrame, thresholds=None):
    """The model-health page as one figure: eight monthly panels with their alert thresholds and alerts.

    ``table``: ``churnlab.monitoring.health_table(year)``. Panels, most valuable first:
    customers leaving, campaign profit, precision (estimated vs realised), the score
    distribution and share flagged, input drift (PSI), data quality, volume, latency.
    Dashed lines are alert thresholds; red circles mark alerts. Returns the first axes
    (``.figure`` is the whole page); end the cell with ``plt.show()``.
    """
    from churnlab import monitoring

    table = monitoring._checked_health(table)
    limits = monitoring._checked_thresholds(thresholds)
    found = monitoring.alerts(table, limits)
    by_panel = {panel: set(group["month"]) for panel, group in found.groupby("panel")}
    months = table.index.to_numpy()
    reference = int(table.attrs.get("reference_month", months.min()))
    base = table.loc[reference]
    figure, grid = plt.subplots(4, 2, figsize=(11, 13), layout="constrained")
    axes = grid.ravel()
    percent = PercentFormatter(1.0, decimals=0)

    ax = axes[0]  # outcomes
    ax.plot(months, table["leaving_rate"], marker="o", color=CHURN_COLOUR, label="customers leaving that month")
    ax.axhline(base["leaving_rate"] * (1 + limits.leaving_rate_rise), color="black", linestyle="--", linewidth=1,
               label=f"alert: {limits.leaving_rate_rise:.0%} above month {reference}")
    _alert_dots(ax, months, table["leaving_rate"], by_panel.get("outcomes", set()))
    ax.set_ylim(0, max(0.1, float(table["leaving_rate"].max()) * 1.3))
    ax.yaxis.set_major_formatter(percent)
    label(ax, "1. Outcome: customers leaving", "", "customers who left that month (%)")

    ax = axes[1]  # profit
    ax.plot(months, table["estimated_profit"], marker="o", linestyle=":", color=NEUTRAL_COLOUR, label="estimated (from scores)")
    ax.plot(months, table["realised_profit"], marker="o", color=STAY_COLOUR, label="realised (hold-out, 3 months late)")
    ax.axhline(0, color="black", linestyle="--", linewidth=1, label="alert: below $0")
    _dollar_axis(ax.yaxis)
    label(ax, "2. Business: campaign profit per month", "", "expected profit (US dollars)")

    ax = axes[2]  # precision
    ax.plot(months, table["estimated_precision"], marker="o", linestyle=":", color=NEUTRAL_COLOUR,
            label="estimated (mean score of the flagged)")
    ax.plot(months, table["realised_precision"], marker="o", color=STAY_COLOUR, label="realised (hold-out, 3 months late)")
    ax.fill_between(months, table["estimated_precision"] - limits.precision_gap, table["estimated_precision"] + limits.precision_gap,
                    color=NEUTRAL_COLOUR, alpha=0.2, label=f"alert outside ±{limits.precision_gap:.0%} of the estimate")
    _alert_dots(ax, months, table["realised_precision"], by_panel.get("precision", set()))
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(percent)
    label(ax, "3. Model: precision of the flagged", "", "flagged customers who leave (%)")

    ax = axes[3]  # score distribution
    ax.fill_between(months, table["score_p10"], table["score_p90"], color=STAY_COLOUR, alpha=0.2,
                    label="scores: middle 80 % of customers")
    ax.plot(months, table["score_p50"], color=STAY_COLOUR, label="median score")
    ax.plot(months, table["share_flagged"], marker="o", color="black", label="share flagged")
    ax.fill_between(months, base["share_flagged"] - limits.flagged_change, base["share_flagged"] + limits.flagged_change,
                    color=NEUTRAL_COLOUR, alpha=0.15, label=f"alert outside month {reference} ±{limits.flagged_change * 100:.0f} points")
    _alert_dots(ax, months, table["share_flagged"], by_panel.get("scores", set()))
    ax.set_ylim(0, 1)
    label(ax, "4. Output drift: scores and share flagged", "", "score or share (0–1)")

    ax = axes[4]  # input drift
    for position, column in enumerate(monitoring.TOP_INPUTS):
        ax.plot(months, table[f"psi_{column}"], marker="o", markersize=3, color=f"C{position}", label=column.replace("_", " "))
    worst = table[[f"psi_{c}" for c in monitoring.TOP_INPUTS]].max(axis=1)
    _alert_dots(ax, months, worst, by_panel.get("input drift", set()))
    ax.axhline(monitoring.PSI_BANDS[0], color=NEUTRAL_COLOUR, linestyle=":", linewidth=1, label="0.10: moderate")
    ax.axhline(limits.psi, color="black", linestyle="--", linewidth=1, label=f"alert: {limits.psi:g}")
    ax.set_yscale("symlog", linthresh=0.1)
    ax.set_ylim(0, max(1.0, float(worst.max()) * 2))
    label(ax, f"5. Input drift: PSI against month {reference}", "", "PSI (0 = no change; log scale above 0.1)")

    ax = axes[5]  # data quality
    ax.plot(months, table["empty_share"], marker="o", color=CHURN_COLOUR, label="rows with an empty input")
    ax.axhline(limits.empty_share, color="black", linestyle="--", linewidth=1, label=f"alert: {limits.empty_share:.0%}")
    _alert_dots(ax, months, table["empty_share"], by_panel.get("data quality", set()))
    ax.set_ylim(0, max(0.05, float(table["empty_share"].max()) * 1.3))
    ax.yaxis.set_major_formatter(percent)
    label(ax, "6. Data quality: empty inputs", "", "rows with an empty input (%)")

    ax = axes[6]  # volume
    ax.plot(months, table["customers_scored"], marker="o", color=STAY_COLOUR, label="customers scored")
    ax.fill_between(months, base["customers_scored"] * (1 - limits.volume_change), base["customers_scored"] * (1 + limits.volume_change),
                    color=NEUTRAL_COLOUR, alpha=0.15, label=f"alert outside month {reference} ±{limits.volume_change:.0%}")
    _alert_dots(ax, months, table["customers_scored"], by_panel.get("volume", set()))
    ax.set_ylim(0, float(table["customers_scored"].max()) * 1.35)
    ax.yaxis.set_major_formatter(lambda value, _position: f"{value:,.0f}")
    label(ax, "7. Volume: customers scored", "", "customers scored")

    ax = axes[7]  # system
    ax.plot(months, table["latency_p50_ms"], marker="o", color=STAY_COLOUR, label="median latency")
    ax.plot(months, table["latency_p99_ms"], marker="o", color=CHURN_COLOUR, label="99th percentile")
    ax.axhline(limits.latency_p99_ms, color="black", linestyle="--", linewidth=1, label=f"alert: {limits.latency_p99_ms:g} ms")
    _alert_dots(ax, months, table["latency_p99_ms"], by_panel.get("system", set()))
    ax.set_ylim(0, max(limits.latency_p99_ms, float(table["latency_p99_ms"].max())) * 1.3)
    label(ax, "8. System: scoring latency", "", "latency (milliseconds)")

    for ax in axes:
        _month_axis(ax)
        ax.set_xlim(months.min() - 0.5, months.max() + 0.5)
        ax.legend(fontsize=7, loc="upper left", ncols=2 if ax is axes[4] else 1)
    figure.suptitle(f"Model health, simulated months {months.min()}–{months.max()} (not real customers)", fontweight="bold")
    return axes[0]
