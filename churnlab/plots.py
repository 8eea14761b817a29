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


# --- lesson 06: fairness and explanations ------------------------------------------------------------
# Public (course functions, with their mistakes listed in tests/mistakes_fairness.py and tests/mistakes_explain.py):
# recall_gaps, global_explanations, reason_codes.

from churnlab.errors import CourseError  # noqa: E402  (this section's own imports: it is appended to the module)
from churnlab.validate import course_function  # noqa: E402


def _checked_table(table, name: str, needs: tuple[str, ...], made_by: str) -> pd.DataFrame:
    from churnlab import validate

    return validate.dataframe(table, name, needs=needs, example=made_by)


@course_function
def recall_gaps(gap_table: pd.DataFrame, ax=None):
    """Each group's recall gap (group minus others, in percentage points) with its 95 % interval, one row per group.

    ``gap_table`` comes from ``churnlab.fairness.gaps``; one marker per threshold
    reviewed. An interval that crosses the zero line is a gap the data cannot tell from noise.
    """
    import numpy as np

    from churnlab.fairness import GROUPS

    gap_table = _checked_table(gap_table, "gap_table", ("group", "threshold", "recall gap", "recall gap low", "recall gap high"),
                               "fairness.gaps(fairness.group_metrics(y_test, churn_scores, groups, [0.5, 1/6]))")
    ax = new_axes(_checked_ax(ax))
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
    return label(ax, "Recall gap by group, with 95 % intervals",
                 "recall gap (% of churners reached: group minus others, percentage points)", "group")


@course_function
def global_explanations(importance: pd.DataFrame, dependence: pd.DataFrame, top: int = 8, observed: pd.Series | None = None):
    """Two panels: which inputs the model leans on (permutation importance) and how risk moves with one input.

    ``importance`` from ``churnlab.explain.permutation_importance`` (the ``top``
    largest, with their spread over repeats); ``dependence`` from
    ``churnlab.explain.partial_dependence``; ``observed`` (optional): the real churn
    rate at some values of the same input, drawn as points for comparison.
    """
    from churnlab import validate

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
    return left, right


@course_function
def reason_codes(codes: pd.DataFrame, churn_scores: pd.Series, customers: list):
    """One panel per customer: the reasons that raise their churn score, in log-odds; teal = we can act on it.

    ``codes`` from ``churnlab.explain.reason_codes``; ``churn_scores``: a score per
    customer id (for the panel titles); ``customers``: the ids to draw (one to four).
    """
    from matplotlib.patches import Patch

    from churnlab import validate

    codes = _checked_table(codes, "codes", ("reason", "log_odds", "actionable"), "explain.reason_codes(model, X_train, X_test)")
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
        ax.barh([_plain_text(r) for r in reasons["reason"]], reasons["log_odds"].to_numpy(), color=colours)
        label(ax, f"{customer}: score {float(churn_scores[customer]):.2f}", "raises churn risk by (log-odds)", "reason")
    axes[-1].legend(handles=[Patch(color=STAY_COLOUR, label="we can act on it"), Patch(color=NEUTRAL_COLOUR, label="we cannot")],
                    fontsize=8, loc="lower right")
    figure.suptitle("Why these customers are on the call list: their top reasons", fontweight="bold")
    return axes


def _checked_ax(ax):
    if ax is not None and not hasattr(ax, "barh"):
        from churnlab import validate

        raise CourseError(f"ax should be a matplotlib chart (axes), like plots.new_axes(), or left out; not {validate.kind_of(ax)}.")
    return ax
