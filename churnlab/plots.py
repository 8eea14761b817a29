"""Charts for the lessons: each one titled, with labelled axes and units.

Every function draws on a new figure (or the ``ax`` you give) and returns the
axes; the notebook ends the cell with ``plt.show()``. Each one checks its
arguments first, so a natural mistake (``"Contract"`` for ``"contract"``, the
model where its weights belong) gives a one-line ``CourseError`` that says what
to fix.
"""
from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from churnlab import validate
from churnlab.errors import CourseError
from churnlab.validate import course_function

__all__ = [
    "aa_peeking",
    "ab_test_effects",
    "campaign_comparison",
    "campaign_confusion_matrix",
    "churn_rate_by",
    "churn_rate_by_bins",
    "confusion_in_customer_words",
    "confusion_small_multiples",
    "feature_weights",
    "global_explanations",
    "label",
    "metrics_by_threshold",
    "model_health",
    "new_axes",
    "plot_truth",
    "profit_by_threshold",
    "profit_curves_by_threshold",
    "reason_codes",
    "recall_gaps",
    "runs_by_profit",
]

FIGURE_SIZE = (7, 4)
WIDE_FIGURE_SIZE = (11, 4)  # two or three charts side by side
# The four cells of a campaign's confusion matrix, in customer words: rows = what happened, columns = what we did.
CUSTOMER_WORDS = (
    ("loyal customers\nwe leave alone", "loyal customers\nwe bother"),
    ("churners\nwe miss", "churners\nwe call"),
)
CHURN_COLOUR, STAY_COLOUR, NEUTRAL_COLOUR = "#d1495b", "#00798c", "#8d99ae"
MOST_BARS = 30  # a category column with more values than this is a number: use churn_rate_by_bins
MOST_SIDE_BY_SIDE = 4

# The model's prepared columns in a PM's words (lesson 02's weight chart). A one-hot column is "column_value".
TRAIT_WORDS = {
    "senior_citizen": "senior citizen (65+)",
    "partner": "has a partner",
    "dependents": "has dependents",
    "tenure": "months with us (tenure)",
    "phone_service": "has a phone line",
    "paperless_billing": "paperless billing (bills online only)",
    "monthly_charges": "monthly charges",
    "total_charges": "total charges so far",
    "contract_Month-to-month": "month-to-month contract",
    "contract_One year": "one-year contract",
    "contract_Two year": "two-year contract",
    "internet_service_DSL": "DSL internet",
    "internet_service_Fiber optic": "fibre-optic internet",
    "internet_service_No": "no internet service",
    "multiple_lines_No": "a single phone line",
    "multiple_lines_Yes": "several phone lines",
    "multiple_lines_No phone service": "no phone line (multiple-lines column)",
    "payment_method_Electronic check": "pays by electronic check",
    "payment_method_Mailed check": "pays by mailed check",
    "payment_method_Bank transfer (automatic)": "pays by automatic bank transfer",
    "payment_method_Credit card (automatic)": "pays by automatic credit card",
}
ADD_ON_WORDS = {
    "online_security": ("online security", "has", "no"),
    "online_backup": ("online backup", "has", "no"),
    "device_protection": ("device protection", "has", "no"),
    "tech_support": ("tech support", "has", "no"),
    "streaming_tv": ("TV", "streams", "does not stream"),
    "streaming_movies": ("movies", "streams", "does not stream"),
}


def trait_in_words(name: str) -> str:
    """A prepared column's name as a PM reads it: "contract_Two year" → "two-year contract"."""
    if name in TRAIT_WORDS:
        return TRAIT_WORDS[name]
    for column, (thing, has, has_not) in ADD_ON_WORDS.items():
        if name.startswith(column + "_"):
            value = name[len(column) + 1:]
            if value == "Yes":
                return f"{has} {thing}"
            if value == "No":
                return f"{has_not} {thing}"
            if value == "No internet service":
                return f"no internet service ({thing} column)"
    return name.replace("_", " ")


# --- checking what a learner passes -----------------------------------------------------------------


def _checked_axes(ax, name: str = "ax", may_be_none: bool = True):
    if ax is None and may_be_none:
        return None
    if isinstance(ax, Axes):
        return ax
    if isinstance(ax, np.ndarray) and ax.size and all(isinstance(a, Axes) for a in ax.flat):
        raise CourseError(f"{name} holds several charts; pass one of them, e.g. {name}[0].")
    if ax is plt or getattr(ax, "__name__", "") == "matplotlib.pyplot":
        raise CourseError(f"{name} should be one chart's axes, not the plt module. Make one with ax = plots.new_axes().")
    if hasattr(ax, "add_subplot"):
        raise CourseError(f"{name} should be one chart's axes, but it is a whole figure. Use figure.axes[0], "
                          "or make axes with ax = plots.new_axes().")
    if callable(ax):
        raise CourseError(f"{name} is a function, not a chart's axes: add the brackets, e.g. ax = plots.new_axes().")
    needed = "one chart's axes, e.g. ax = plots.new_axes()" + (", or nothing (a new chart is drawn)" if may_be_none else "")
    raise CourseError(f"{name} should be {needed}, not {validate.kind_of(ax)}.")


def _checked_customers(customers, column):
    customers = validate.dataframe(customers, "customers", needs=("churn",))
    column = validate.column(customers, column, "column", "customers")
    if column == "churn":
        raise CourseError("column is 'churn', the outcome itself: pick a column that describes customers, like 'contract'.")
    churn = customers["churn"]
    if not churn.isin(["Yes", "No"]).all():
        raise CourseError("customers['churn'] should hold 'Yes' and 'No', as in customers = load_churn(). "
                          "Was the column changed in an earlier cell?")
    return customers, column


def _checked_title(value, name: str) -> str:
    return _plain_text(validate.text(value, name, example="'Churn rate by contract'"))


def _checked_thresholds(thresholds) -> list[float]:
    if isinstance(thresholds, (str, bytes)) or np.ndim(thresholds) == 0:
        raise CourseError("thresholds should be a list of thresholds, one chart each, like [0.17, 0.3, 0.5], "
                          f"not {validate.kind_of(thresholds)}.")
    values = [validate.fraction(t, "each threshold", example="0.3") for t in list(thresholds)]
    if not values:
        raise CourseError("thresholds is empty; give one or more thresholds, like [0.17, 0.3, 0.5].")
    if len(values) > MOST_SIDE_BY_SIDE:
        raise CourseError(f"thresholds has {len(values)} values; at most {MOST_SIDE_BY_SIDE} charts fit side by side.")
    return values


def _checked_marks(marks) -> dict:
    if marks is None:
        return {}
    if not isinstance(marks, dict):
        raise CourseError("marks should be a dictionary of names and thresholds, like {'break-even': 0.167}, "
                          f"not {validate.kind_of(marks)}.")
    return {_plain_text(str(name)): validate.fraction(value, f"the threshold of mark {name!r}", example="0.167")
            for name, value in marks.items()}


def _checked_profit_curve(curve, name: str = "curve") -> pd.DataFrame:
    if isinstance(curve, pd.Series) or not isinstance(curve, pd.DataFrame):
        raise CourseError(f"{name} should be the table profit_curve(y_test, churn_scores, economics) returns, "
                          f"not {validate.kind_of(curve)}.")
    return validate.dataframe(curve, name, needs=("threshold", "expected_profit"),
                              example="profit_curve(y_test, churn_scores, economics)")


def _decisions(y_true, contacted):
    outcomes = validate.outcomes(y_true, "y_true")
    chosen = validate.flags(contacted, "contacted")
    validate.same_customers(outcomes, chosen, "y_true", "contacted")
    return outcomes, chosen.astype(int)


def _outcomes_and_scores(y_true, churn_scores):
    outcomes = validate.outcomes(y_true, "y_true")
    scores = validate.scores(churn_scores, "churn_scores")
    validate.same_customers(outcomes, scores, "y_true", "churn_scores")
    if len(np.unique(outcomes)) < 2:
        raise CourseError("y_true holds only one outcome (all churned or all stayed); these charts need both, "
                          "like the 1,409 test customers in y_test.")
    return outcomes, scores


# --- the charts -------------------------------------------------------------------------------------


@course_function
def new_axes(ax=None):
    """The axes to draw on: yours, or a fresh figure of the course's size."""
    ax = _checked_axes(ax)
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
    return ax


@course_function
def label(ax, title: str, xlabel: str, ylabel: str):
    """Give a chart its title and axis labels (with units) in one call. A $ sign shows as typed."""
    ax = _checked_axes(ax, may_be_none=False)
    ax.set_title(_checked_title(title, "title"), loc="left", fontweight="bold")
    ax.set_xlabel(_checked_title(xlabel, "xlabel"))
    ax.set_ylabel(_checked_title(ylabel, "ylabel"))
    return ax


@course_function
def churn_rate_by(customers: pd.DataFrame, column: str, ax=None, overall_line: bool = True):
    """Bar chart: the share of customers who churned, for each value of ``column``."""
    customers, column = _checked_customers(customers, column)
    ax = _checked_axes(ax)
    values = customers[column].nunique()
    if values > MOST_BARS:
        raise CourseError(f"{column!r} has {values} different values, too many bars. For a number, group it into "
                          f"ranges: plots.churn_rate_by_bins(customers, {column!r}, bins=[...], unit='...').")
    rates = customers["churn"].eq("Yes").groupby(customers[column]).mean().sort_values(ascending=False)
    ax = new_axes(ax)
    ax.barh([_plain_text(v) for v in rates.index.astype(str)], rates.to_numpy(), color=CHURN_COLOUR)
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


@course_function
def feature_weights(weights: pd.Series, top: int = 10, ax=None):
    """Horizontal bars: the ``top`` largest weights by size, named in plain words; red raises churn risk, teal lowers it.

    ``weights``: ``churnlab.model.feature_weights(model)``, one weight per prepared column.
    """
    if hasattr(weights, "predict_proba") or hasattr(weights, "fit"):
        raise CourseError("weights should be the model's weights, not the model: "
                          "plots.feature_weights(feature_weights(model)), with feature_weights from churnlab.model.")
    if isinstance(weights, pd.DataFrame) and weights.shape[1] == 1:
        weights = weights.iloc[:, 0]
    if not isinstance(weights, pd.Series):
        raise CourseError("weights should be one weight per trait, as churnlab.model.feature_weights(model) gives, "
                          f"not {validate.kind_of(weights)}.")
    if not pd.api.types.is_numeric_dtype(weights) or weights.isna().any() or weights.empty:
        raise CourseError("weights should hold one number per trait, as churnlab.model.feature_weights(model) gives.")
    top = validate.whole_number(top, "top", low=1, example="10")
    from matplotlib.patches import Patch

    own_figure = _checked_axes(ax) is None
    order = weights.abs().sort_values(ascending=False, kind="stable").index
    strongest = weights.reindex(order).head(top)[::-1]
    ax = new_axes(ax)
    colours = [CHURN_COLOUR if w > 0 else STAY_COLOUR for w in strongest.to_numpy()]
    ax.barh([_plain_text(trait_in_words(str(name))) for name in strongest.index], strongest.to_numpy(), color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    meaning = [Patch(color=CHURN_COLOUR, label="red: raises churn risk"), Patch(color=STAY_COLOUR, label="teal: lowers churn risk")]
    if own_figure:  # under the chart, where it covers no bar
        ax.figure.legend(handles=meaning, loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    else:
        ax.legend(handles=meaning, loc="best", fontsize=9)
    return label(ax, f"The {len(strongest)} traits the model leans on most",
                 "weight (log-odds: > 0 raises churn risk, < 0 lowers it)", "customer trait")


@course_function
def churn_rate_by_bins(customers: pd.DataFrame, column: str, bins, unit: str, ax=None):
    """Line chart: churn rate for ranges of a number (tenure in months, charges in dollars).

    ``bins`` are the edges of the ranges, lowest first: [0, 12, 24, 73] gives 0–11, 12–23 and 24–72.
    """
    customers, column = _checked_customers(customers, column)
    if not pd.api.types.is_numeric_dtype(customers[column]):
        raise CourseError(f"{column!r} holds categories, not numbers: draw it with plots.churn_rate_by(customers, {column!r}).")
    if isinstance(bins, (str, bytes)) or np.ndim(bins) != 1:
        raise CourseError("bins should be a list of range edges, lowest first, like [0, 12, 24, 73], "
                          f"not {validate.kind_of(bins)}.")
    edges = [validate.number(edge, "each edge in bins", example="12") for edge in list(bins)]
    if len(edges) < 2 or any(low >= high for low, high in zip(edges, edges[1:])):
        raise CourseError(f"bins should go up, lowest first, with at least two edges, like [0, 12, 24, 73]; got {edges}.")
    unit = validate.text(unit, "unit", example="'months with us'")
    ax = _checked_axes(ax)
    groups = pd.cut(customers[column], bins=edges, right=False)
    churned = customers["churn"].eq("Yes")
    rates = churned.groupby(groups, observed=True).mean()
    if rates.empty:
        raise CourseError(f"no customer's {column} falls in the ranges {edges}: widen the bins "
                          f"({column} goes from {customers[column].min():g} to {customers[column].max():g}).")
    ax = new_axes(ax)
    labels = [f"{b.left:g}–{b.right - 1:g}" if float(b.left).is_integer() and float(b.right).is_integer()
              else f"{b.left:g}–{b.right:g}" for b in rates.index]
    ax.plot(labels, rates.to_numpy(), marker="o", color=CHURN_COLOUR)
    overall = churned.mean()
    ax.axhline(overall, color="black", linestyle="--", linewidth=1, label=f"all customers: {overall:.1%}")
    ax.legend(loc="upper right", frameon=False)
    ax.set_ylim(0, max(0.6, float(rates.max()) + 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    pretty = column.replace("_", " ")
    return label(ax, f"Churn rate by {pretty}", f"{pretty} ({unit})", "customers who churned (%)")


# --- lesson 05: charts logged with each run, and the run comparison -----------------------------


@course_function
def campaign_confusion_matrix(y_true, contacted, ax=None):
    """The campaign in customers: who was contacted (or not) against who churned (or stayed)."""
    from sklearn.metrics import ConfusionMatrixDisplay

    outcomes, chosen = _decisions(y_true, contacted)
    ax = new_axes(_checked_axes(ax))
    ConfusionMatrixDisplay.from_predictions(
        outcomes, chosen, labels=[0, 1], display_labels=["stayed", "churned"],
        cmap="Blues", colorbar=False, ax=ax,
    )
    ax.set_xticks([0, 1], ["not contacted", "contacted"])
    return label(ax, "Campaign outcome (customers)", "what the campaign did", "what the customer did")


@course_function
def profit_by_threshold(curve: pd.DataFrame, chosen_threshold: float, ax=None):
    """Expected profit (dollars) for every threshold of a profit curve, with the chosen one marked."""
    curve = _checked_profit_curve(curve)
    chosen_threshold = validate.number(chosen_threshold, "chosen_threshold", example="0.167")
    ax = new_axes(_checked_axes(ax))
    ax.plot(curve["threshold"], curve["expected_profit"], color=STAY_COLOUR)
    ax.axvline(chosen_threshold, color="black", linestyle="--", linewidth=1)
    ax.axhline(0, color=NEUTRAL_COLOUR, linewidth=0.8)
    ax.annotate(f"chosen threshold: {chosen_threshold:.3g}", (chosen_threshold, 1.0), xycoords=("data", "axes fraction"),
                xytext=(4, -12), textcoords="offset points", fontsize=9)
    _dollar_axis(ax.yaxis)
    return label(ax, "Expected campaign profit by threshold",
                 "threshold (churn score, 0–1: contact customers scoring at or above it)", "expected profit (US dollars)")


@course_function
def runs_by_profit(profit_by_run: pd.Series, ax=None):
    """Horizontal bars: expected profit (dollars) per run, best on top; runs named "rule…" grey, models teal."""
    if isinstance(profit_by_run, pd.DataFrame):
        hint = " e.g. run_table['profit ($)']" if "profit ($)" in profit_by_run.columns else ""
        raise CourseError(f"profit_by_run should be one column of profits, one per run,{hint}; not the whole table.")
    if not isinstance(profit_by_run, pd.Series):
        raise CourseError("profit_by_run should be one column of profits with the runs' names as its index, "
                          f"e.g. run_table['profit ($)'], not {validate.kind_of(profit_by_run)}.")
    if profit_by_run.empty:
        raise CourseError("profit_by_run is empty: no runs to draw. Did the search find any runs?")
    if not pd.api.types.is_numeric_dtype(profit_by_run) or profit_by_run.isna().any():
        raise CourseError("profit_by_run should hold one profit in dollars (a number) per run, with no empty values.")
    ordered = profit_by_run.sort_values(ascending=True)
    names = [str(name) for name in ordered.index]
    ax = new_axes(_checked_axes(ax))
    colours = [NEUTRAL_COLOUR if name.startswith("rule") else STAY_COLOUR for name in names]
    ax.barh([_plain_text(name) for name in names], ordered.to_numpy(), color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    for y, profit in enumerate(ordered.to_numpy()):
        ax.annotate(_plain_text(_exact_dollars(profit)), (max(profit, 0.0), y), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=9)
    ax.set_xlim(min(float(ordered.min()), 0.0) * 1.18, max(float(ordered.max()), 0.0) * 1.22 + 1.0)
    _dollar_axis(ax.xaxis)
    return label(ax, "Expected profit of each run (models teal, rules grey)", "expected campaign profit (US dollars)", "run")


@course_function
def confusion_in_customer_words(y_true, contacted, ax=None, title: str = "Who the campaign contacts", most_customers=None):
    """scikit-learn's confusion matrix, each cell labelled with its count and what it means in customers.

    Rows: what really happened (stayed / churned). Columns: what we decided
    (leave alone / contact). ``most_customers`` fixes the count drawn darkest,
    so several matrices share one colour scale (``confusion_small_multiples``).
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    outcomes, chosen = _decisions(y_true, contacted)
    title = _checked_title(title, "title")
    ax = new_axes(_checked_axes(ax))
    image_options = {}
    if most_customers is not None:
        image_options = {"vmin": 0, "vmax": validate.whole_number(most_customers, "most_customers", low=1, example="1000")}
    display = ConfusionMatrixDisplay.from_predictions(
        outcomes, chosen, labels=[0, 1], display_labels=["stayed", "churned"], colorbar=False, cmap="Blues", ax=ax,
        im_kw=image_options,
    )
    image = display.im_
    for (row, column), text in _cells(display.text_):
        count = int(display.confusion_matrix[row, column])
        text.set_text(f"{count:,}\n{CUSTOMER_WORDS[row][column]}")
        text.set_fontsize(9)
        # Dark cells get white text: decided on the shared scale, not on this matrix alone.
        text.set_color("white" if image.norm(count) > 0.6 else "black")
    ax.set_xticks([0, 1], ["leave alone", "contact"])
    return label(ax, title, "what we decide (customers)", "what really happened (customers)")


def _cells(texts):
    for row in range(texts.shape[0]):
        for column in range(texts.shape[1]):
            yield (row, column), texts[row, column]


@course_function
def confusion_small_multiples(y_true, churn_scores, thresholds):
    """One confusion matrix in customer words per threshold, side by side, on one colour scale.

    The same number of customers has the same colour in every matrix, so the
    cells can be compared across thresholds by colour as well as by count.
    """
    outcomes, scores = _outcomes_and_scores(y_true, churn_scores)
    thresholds = _checked_thresholds(thresholds)
    # The largest cell of any matrix is the darkest colour of all of them.
    most = max(max(int(((scores >= t) == contact)[outcomes == outcome].sum()) for outcome in (0, 1) for contact in (False, True))
               for t in thresholds)
    figure, axes = plt.subplots(1, len(thresholds), figsize=WIDE_FIGURE_SIZE, layout="constrained")
    axes = np.atleast_1d(axes)
    for ax, threshold in zip(axes, thresholds):
        confusion_in_customer_words(outcomes, (scores >= threshold).astype(int), ax=ax, title=f"threshold {threshold:.2f}",
                                    most_customers=most)
    figure.colorbar(axes[0].images[0], ax=list(axes), shrink=0.8, label="customers in the cell (same scale for all)")
    figure.suptitle("Moving the threshold trades missed churners for bothered customers", fontweight="bold")
    return axes


def _mark_thresholds(ax, marks: dict):
    colours = ("black", "#edae49", "#66a182", "#8d96a3")
    for (name, value), colour in zip(marks.items(), colours):
        ax.axvline(value, color=colour, linestyle="--", linewidth=1.2, label=f"{name} ({value:.3f})")


@course_function
def metrics_by_threshold(y_true, churn_scores, ax=None, marks: dict | None = None):
    """Precision, recall and F1 at every threshold, with optional dashed lines at named thresholds."""
    from sklearn.metrics import precision_recall_curve

    outcomes, scores = _outcomes_and_scores(y_true, churn_scores)
    marks = _checked_marks(marks)
    ax = new_axes(_checked_axes(ax))
    precision, recall, thresholds = precision_recall_curve(outcomes, scores)
    precision, recall = precision[:-1], recall[:-1]  # the last point has no threshold
    denominator = precision + recall
    f1 = 2 * precision * recall / np.where(denominator > 0, denominator, 1)
    ax.plot(thresholds, precision, color=STAY_COLOUR, label="precision: share of contacts who are churners")
    ax.plot(thresholds, recall, color=CHURN_COLOUR, label="recall: share of churners we contact")
    ax.plot(thresholds, f1, color="black", linewidth=2, label="F1: balance of the two")
    _mark_thresholds(ax, marks)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower left")
    return label(ax, "Raising the threshold: fewer, surer contacts", "threshold (churn probability, 0–1)", "metric (0–1)")


@course_function
def profit_curves_by_threshold(curves: dict, ax=None, marks: dict | None = None):
    """Expected campaign profit against the threshold, one line per set of economics.

    ``curves``: label -> a table from ``churnlab.economics.profit_curve``.
    """
    if isinstance(curves, pd.DataFrame):
        raise CourseError("curves should be a dictionary of names and profit curves, like "
                          "{'$10 per contact': profit_curve(y_test, churn_scores, economics)}, even for one curve.")
    if not isinstance(curves, dict) or not curves:
        raise CourseError("curves should be a dictionary of names and profit curves, like "
                          f"{{'$10 per contact': profit_curve(y_test, churn_scores, economics)}}, not {validate.kind_of(curves)}.")
    if len(curves) > 3:
        raise CourseError(f"curves has {len(curves)} curves; draw at most 3 on one chart so they can be told apart.")
    curves = {str(name): _checked_profit_curve(curve, f"the curve {name!r}") for name, curve in curves.items()}
    marks = _checked_marks(marks)
    ax = new_axes(_checked_axes(ax))
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


def _exact_dollars(value) -> str:
    """$12,650 and -$3,450: a bar's label, to the dollar."""
    return f"-${abs(value):,.0f}" if value < 0 else f"${value:,.0f}"


def _dollar_axis(axis):
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=6))
    axis.set_major_formatter(FuncFormatter(_dollar_text))


def _plain_text(text: str) -> str:
    """Text shown as typed: a pair of $ signs would otherwise start matplotlib's maths mode."""
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))


# --- lesson 04: rules against the model --------------------------------------------------------------


@course_function
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
    left.scatter(table["recall"], table["precision"], s=40, color="black", zorder=3)
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
    return left, right


# Where a point's name may go, in points from the point: beside, above, below, then further out.
LABEL_SPOTS = [(7, 0, "left", "center"), (-7, 0, "right", "center"), (0, 7, "center", "bottom"), (0, -7, "center", "top"),
               (6, 6, "left", "bottom"), (-6, 6, "right", "bottom"), (6, -6, "left", "top"), (-6, -6, "right", "top")]
LABEL_SPOTS += [(dx * 3, dy * 3, ha, va) for dx, dy, ha, va in LABEL_SPOTS if dx or dy]
LABEL_SPOTS += [(dx * 6, dy * 6, ha, va) for dx, dy, ha, va in LABEL_SPOTS[:8]]


def _label_points(ax, x, y, names) -> list:
    """Write each point's name next to it where it overlaps no other name, no point and stays inside the axes."""
    figure = ax.figure
    figure.canvas.draw()  # lay the figure out first: the labels are placed in its final pixels
    renderer = figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    markers = [ax.transData.transform((px, py)) for px, py in zip(x, y)]
    radius = 5 * figure.dpi / 72
    taken = []
    labels = []
    # The most crowded points choose first, while there is still room around them.
    crowding = [sum(np.hypot(*(m - other)) < 60 for other in markers) for m in markers]
    for index in sorted(range(len(names)), key=lambda i: (-crowding[i], i)):
        best = None
        for dx, dy, ha, va in LABEL_SPOTS:
            text = ax.annotate(names[index], (x[index], y[index]), xytext=(dx, dy), textcoords="offset points",
                               ha=ha, va=va, fontsize=8, annotation_clip=False)
            box = text.get_window_extent(renderer).expanded(1.04, 1.15)
            inside = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1 and box.y0 >= axes_box.y0 and box.y1 <= axes_box.y1)
            clash = sum(_overlap(box, other) for other in taken)
            clash += sum(_overlap(box, _marker_box(m, radius)) for k, m in enumerate(markers))
            cost = clash + (0 if inside else 1e6)
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, text, box, abs(dx) + abs(dy) > 12)
            else:
                text.remove()
            if cost == 0:
                break
        _, text, box, far = best
        if far:  # a label moved away from its point gets a thin line back to it
            text.remove()
            text = ax.annotate(text.get_text(), (x[index], y[index]), xytext=text.xyann, textcoords="offset points",
                               ha=text.get_ha(), va=text.get_va(), fontsize=8, annotation_clip=False,
                               arrowprops={"arrowstyle": "-", "color": NEUTRAL_COLOUR, "linewidth": 0.8, "shrinkA": 0, "shrinkB": 4})
        text.set_in_layout(False)
        taken.append(box)
        labels.append(text)
    return labels


def _marker_box(centre, radius):
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius)


def _overlap(first, second) -> float:
    width = min(first.x1, second.x1) - max(first.x0, second.x0)
    height = min(first.y1, second.y1) - max(first.y0, second.y0)
    return max(width, 0.0) * max(height, 0.0)


# --- lesson 08: the model-health page ------------------------------------------------------------

MONTH_AXIS_LABEL = "month after launch (1 = January 2027)"


def _month_axis(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(MONTH_AXIS_LABEL)


def _alert_dots(ax, months, values, alert_months):
    chosen = [(m, v) for m, v in zip(months, values) if m in alert_months and v == v]
    if chosen:
        ax.scatter([m for m, _ in chosen], [v for _, v in chosen], s=70, facecolors="none", edgecolors="#d1495b",
                   linewidths=2, zorder=5, label="alert")


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
    for position, column in enumerate(top_inputs):
        ax.plot(months, table[f"psi_{column}"], marker="o", markersize=3, color=f"C{position}", label=column.replace("_", " "))
    worst = table[[f"psi_{c}" for c in top_inputs]].max(axis=1)
    _alert_dots(ax, months, worst, by_panel.get("input drift", set()))
    ax.axhline(psi_bands[0], color=NEUTRAL_COLOUR, linestyle=":", linewidth=1, label="0.10: moderate")
    ax.axhline(limits.psi, color="black", linestyle="--", linewidth=1, label=f"alert: {limits.psi:g}")
    ax.set_yscale("symlog", linthresh=0.1)
    ax.set_ylim(0, max(1.0, float(worst.max()) * 2))
    label(ax, f"5. Input drift: PSI against month {reference}", MONTH_AXIS_LABEL, "PSI (0 = no change; log scale above 0.1)")


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
def model_health(table: pd.DataFrame, thresholds=None):
    """The model-health page as one figure: eight monthly panels with their alert thresholds and alerts.

    ``table``: ``churnlab.monitoring.health_table(year)``. Panels, most valuable first:
    customers leaving, campaign profit, precision (estimated vs realised), the score
    distribution and share flagged, input drift (PSI), data quality, volume, latency.
    Dashed lines are alert thresholds; red circles mark alerts. Returns the first axes
    (``.figure`` is the whole page); end the cell with ``plt.show()``.
    """
    from churnlab.monitoring import drift, health  # not the package: its page module draws with this chart

    table = health._checked_health(table)
    limits = health._checked_thresholds(thresholds)
    found = health.alerts(table, limits)
    by_panel = {panel: set(group["month"]) for panel, group in found.groupby("panel")}
    months = table.index.to_numpy()
    reference = int(table.attrs.get("reference_month", months.min()))
    base = table.loc[reference]
    figure, grid = plt.subplots(4, 2, figsize=(11, 13), layout="constrained")
    axes = grid.ravel()
    shared = (months, reference, base, limits, by_panel)
    _business_panels(axes, table, *shared)
    _model_panels(axes, table, *shared, drift.TOP_INPUTS, drift.PSI_BANDS)
    _data_and_system_panels(axes, table, *shared)

    for ax in axes:
        _month_axis(ax)
        ax.set_xlim(months.min() - 0.5, months.max() + 0.5)
        ax.legend(fontsize=7, loc="upper left", ncols=2 if ax is axes[4] else 1)
    figure.suptitle(f"Model health, simulated months {months.min()}–{months.max()} (not real customers)", fontweight="bold")
    return axes[0]


# --- lesson 07: testing in production (simulated A/B and A/A tests) ---------------------------------------



@course_function
def plot_truth(simulation, ax=None):
    """Line chart of the simulated truth by month: churn within the horizon with and without the campaign.

    Dashed vertical lines mark where each incident (knob) starts. The title says
    "Simulated". Returns the axes; end the cell with ``plt.show()``.
    """
    from matplotlib.ticker import MaxNLocator

    from churnlab.world import _checked_simulation  # lazy: lessons 01-05 draw charts without loading the simulator

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
    return label(ax, "Simulated months: who really left (the truth)", MONTH_AXIS_LABEL,
                       f"customers who leave within {horizon} months (%)")


@course_function
def ab_test_effects(table: pd.DataFrame, truth: dict | None = None, ax=None):
    """Each comparison's effect on churn, in percentage points, with its 95 % interval (a simulated A/B test).

    ``table``: ``abtest.comparison_table({...})``. An interval that does not cross the
    zero line is a difference the test can tell from chance. ``truth``: optionally,
    comparison name -> the simulator's true effect (``abtest.true_effect``), drawn as a
    black cross: what no real team sees.
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
        number = validate.number(value, f"truth[{name!r}]", example="-0.1")
        ax.plot(100 * number, y, "x", color="black", markersize=9, markeredgewidth=2,
                label="true effect (known only in a simulation)" if name == next(iter(truth)) else None)
    ax.axvline(0, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(positions, [_plain_text(name) for name in table.index])
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.legend(fontsize=8, loc="lower right")
    return label(ax, "Simulated A/B test: effect on churn with 95 % intervals",
                 "change in churn, treatment minus control (percentage points; < 0: fewer leave)", "comparison")


@course_function
def aa_peeking(result, ax=None):
    """Two panels for ``abtest.aa_peeking(...)``: one A/A test's p-value day by day, and how often peeking "finds a winner".

    Left: the p-value of the first split that crossed 0.05 on some day, checked daily.
    Right: among all the A/A tests, the share that crossed 0.05 on at least one day so
    far (stop at the first "winner") and the share below 0.05 on that day alone.
    """
    from churnlab.abtest import PeekingResult

    if not isinstance(result, PeekingResult):
        raise CourseError(f"result should be the result of abtest.aa_peeking(...), not {validate.kind_of(result)}.")
    if ax is not None:
        raise CourseError("aa_peeking draws two charts side by side on a figure of its own: call it without ax.")
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
