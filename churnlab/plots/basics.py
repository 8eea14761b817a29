"""Charts of lessons 01-05: churn by segment, the model's weights, confusion matrices, profit by threshold, runs."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.plots.alt_text import describe
from churnlab.plots.kept import shown_once
from churnlab.plots.style import (
    CHURN_COLOUR,
    CUSTOMER_WORDS,
    MOST_BARS,
    MOST_SIDE_BY_SIDE,
    NEUTRAL_COLOUR,
    OKABE_ITO,
    STAY_COLOUR,
    WIDE_FIGURE_SIZE,
    _checked_axes,
    _checked_title,
    _dollar_axis,
    _exact_dollars,
    _plain_text,
    label,
    new_axes,
)

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


def _words(text) -> str:
    """A chart's text as a screen reader should read it: $ signs unescaped, no line breaks."""
    return " ".join(str(text).replace("\\$", "$").split())


def _listed(parts) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


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


@course_function
@shown_once
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
    overall_words = f" All customers together: {customers['churn'].eq('Yes').mean():.1%}." if overall_line else ""
    describe(ax, f"Bar chart of the share of customers who churned, by {pretty}, {len(rates)} bars. "
                 f"Highest: {_words(rates.index[0])}, {rates.iloc[0]:.0%}; lowest: {_words(rates.index[-1])}, "
                 f"{rates.iloc[-1]:.0%}.{overall_words}")
    return label(ax, f"Churn rate by {pretty}", "customers who churned (%)", pretty)


@course_function
@shown_once
def feature_weights(weights: pd.Series, top: int = 10, ax=None):
    """Horizontal bars: the ``top`` largest weights by size, named in plain words; red raises churn risk, blue lowers it.

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
    meaning = [Patch(color=CHURN_COLOUR, label="red: raises churn risk"), Patch(color=STAY_COLOUR, label="blue: lowers churn risk")]
    if own_figure:  # under the chart, where it covers no bar
        ax.figure.legend(handles=meaning, loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    else:
        ax.legend(handles=meaning, loc="best", fontsize=9)
    raising, lowering = strongest[strongest > 0][::-1], strongest[strongest < 0][::-1]
    sides = [f"raise it most: {_listed([trait_in_words(str(n)) for n in raising.index[:3]])}" if len(raising) else "",
             f"lower it most: {_listed([trait_in_words(str(n)) for n in lowering.index[:3]])}" if len(lowering) else ""]
    describe(ax, f"Bar chart of the {len(strongest)} customer traits the model leans on most, by weight (log-odds). "
                 f"Traits that {'; traits that '.join(side for side in sides if side)}.")
    return label(ax, f"The {len(strongest)} traits the model leans on most",
                 "weight (log-odds: > 0 raises churn risk, < 0 lowers it)", "customer trait")


@course_function
@shown_once
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
    rate_of = dict(zip(labels, rates.to_numpy()))
    high, low = max(rate_of, key=rate_of.get), min(rate_of, key=rate_of.get)
    describe(ax, f"Line chart of the share of customers who churned, by {pretty} ({_words(unit)}), {len(labels)} ranges. "
                 f"Highest at {high}: {rate_of[high]:.0%}; lowest at {low}: {rate_of[low]:.0%}; "
                 f"from {rates.iloc[0]:.0%} in the first range to {rates.iloc[-1]:.0%} in the last. All customers: {overall:.1%}.")
    return label(ax, f"Churn rate by {pretty}", f"{pretty} ({unit})", "customers who churned (%)")


# --- lesson 05: charts logged with each run, and the run comparison -----------------------------


@course_function
@shown_once
def campaign_confusion_matrix(y_true, contacted, ax=None):
    """The campaign in customers: who was contacted (or not) against who churned (or stayed)."""
    from sklearn.metrics import (
        ConfusionMatrixDisplay,  # on first use: lesson 01 draws without scikit-learn
    )

    outcomes, chosen = _decisions(y_true, contacted)
    ax = new_axes(_checked_axes(ax))
    ConfusionMatrixDisplay.from_predictions(
        outcomes, chosen, labels=[0, 1], display_labels=["stayed", "churned"],
        cmap="Blues", colorbar=False, ax=ax,
    )
    ax.set_xticks([0, 1], ["not contacted", "contacted"])
    describe(ax, _confusion_words("Campaign outcome", outcomes, chosen))
    return label(ax, "Campaign outcome (customers)", "what the campaign did", "what the customer did")


@course_function
@shown_once
def roc_curve(y_true, churn_scores, name: str = "churn model", ax=None):
    """The ROC curve: churners caught (up) against loyal customers wrongly flagged (right) as the threshold falls.

    scikit-learn's ``RocCurveDisplay.from_predictions(y_true, churn_scores, name=name, plot_chance_level=True)``,
    titled, labelled and described; the area under the curve (the ROC-AUC) is in the legend and the title.
    """
    from sklearn.metrics import RocCurveDisplay  # on first use: lesson 01 draws without scikit-learn

    outcomes, scores = _outcomes_and_scores(y_true, churn_scores)
    name = validate.text(name, "name", example="'churn model'")
    ax = new_axes(_checked_axes(ax))
    curve = RocCurveDisplay.from_predictions(outcomes, scores, name=name, ax=ax, plot_chance_level=True)
    describe(ax, f"ROC curve of the {name}: the share of churners caught against the share of loyal customers "
                 f"wrongly flagged, as the threshold falls. Area under it {curve.roc_auc:.2f}; the dashed chance line's: 0.50.")
    return label(ax, f"How well the {name} ranks churners (ROC-AUC {curve.roc_auc:.2f})",
                 "loyal customers wrongly flagged (false positive rate)", "churners caught (true positive rate)")


@course_function
@shown_once
def saved_chart(picture, alt_text: str, ax=None):
    """A chart saved as a picture (a run's PNG from MLflow, say), shown as saved, without axes, with its alt text.

    ``picture``: what ``mlflow.artifacts.load_image`` returns (or an array of pixels); ``alt_text``: one or two sentences
    saying what the chart shows, for screen readers (the saved picture carries none).
    """
    pixels = np.asarray(picture)
    if pixels.ndim not in (2, 3) or pixels.size == 0 or pixels.dtype.kind not in "uif":
        raise CourseError(f"picture should be a saved chart, as mlflow.artifacts.load_image(...) returns it, "
                          f"not {validate.kind_of(picture)}.")
    alt_text = validate.text(alt_text, "alt_text", example="'The champion run's saved chart: ...'")
    ax = new_axes(_checked_axes(ax))
    ax.imshow(pixels)
    ax.set_axis_off()
    describe(ax, alt_text)
    return ax


def _confusion_words(title, outcomes, chosen) -> str:
    outcomes, chosen = np.asarray(outcomes), np.asarray(chosen)
    caught, missed = int(((outcomes == 1) & (chosen == 1)).sum()), int(((outcomes == 1) & (chosen == 0)).sum())
    bothered, alone = int(((outcomes == 0) & (chosen == 1)).sum()), int(((outcomes == 0) & (chosen == 0)).sum())
    return (f"{_words(title)}: a two-by-two table of customers, what we decide against what really happened. "
            f"Of {caught + missed:,} churners we contact {caught:,} and miss {missed:,}; "
            f"of {bothered + alone:,} loyal customers we bother {bothered:,} and leave {alone:,} alone.")


@course_function
@shown_once
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
    best = curve.loc[curve["expected_profit"].idxmax()]
    at_chosen = curve.iloc[(curve["threshold"] - chosen_threshold).abs().argmin()]
    describe(ax, f"Line chart of expected campaign profit in dollars at each threshold. It peaks at "
                 f"{_exact_dollars(best['expected_profit'])} at threshold {best['threshold']:.2f}; the chosen threshold "
                 f"{chosen_threshold:.3g} gives {_exact_dollars(at_chosen['expected_profit'])}.")
    return label(ax, "Expected campaign profit by threshold",
                 "threshold (churn score, 0–1: contact customers scoring at or above it)", "expected profit (US dollars)")


@course_function
@shown_once
def runs_by_profit(profit_by_run: pd.Series, ax=None):
    """Horizontal bars: expected profit (dollars) per run, best on top; runs named "rule…" grey, models blue."""
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
    describe(ax, f"Bar chart of the expected campaign profit of {len(names)} runs, models blue, rules grey. "
                 f"Best: {names[-1]}, {_exact_dollars(ordered.iloc[-1])}; worst: {names[0]}, {_exact_dollars(ordered.iloc[0])}.")
    return label(ax, "Expected profit of each run (models blue, rules grey)", "expected campaign profit (US dollars)", "run")


@course_function
@shown_once
def confusion_in_customer_words(y_true, contacted, ax=None, title: str = "Who the campaign contacts", most_customers=None):
    """scikit-learn's confusion matrix, each cell labelled with its count and what it means in customers.

    Rows: what really happened (stayed / churned). Columns: what we decided
    (leave alone / contact). ``most_customers`` fixes the count drawn darkest,
    so several matrices share one colour scale (``confusion_small_multiples``).
    """
    from sklearn.metrics import (
        ConfusionMatrixDisplay,  # on first use: lesson 01 draws without scikit-learn
    )

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
    describe(ax, _confusion_words(title, outcomes, chosen))
    return label(ax, title, "what we decide (customers)", "what really happened (customers)")


def _cells(texts):
    for row in range(texts.shape[0]):
        for column in range(texts.shape[1]):
            yield (row, column), texts[row, column]


@course_function
@shown_once
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
    churners, loyal = int((outcomes == 1).sum()), int((outcomes == 0).sum())
    each = [f"at {t:.2f} we contact {int(((scores >= t) & (outcomes == 1)).sum()):,} of {churners:,} churners and bother "
            f"{int(((scores >= t) & (outcomes == 0)).sum()):,} of {loyal:,} loyal customers" for t in thresholds]
    describe(figure, f"{len(thresholds)} two-by-two tables of customers side by side, one per threshold, on one colour "
                     f"scale: {'; '.join(each)}.")
    return axes


def _mark_thresholds(ax, marks: dict):
    # Each mark its own colour and line style: told apart without colour too.
    colours = ("black", OKABE_ITO["sky blue"], OKABE_ITO["reddish purple"], OKABE_ITO["orange"])
    styles = ("--", "-.", ":", (0, (6, 2, 1, 2, 1, 2)))
    for (name, value), colour, style in zip(marks.items(), colours, styles):
        ax.axvline(value, color=colour, linestyle=style, linewidth=1.4, label=f"{name} ({value:.3f})")


def _marks_words(marks: dict) -> str:
    return (" Vertical lines mark " + _listed([f"{_words(name)} at {value:.3f}" for name, value in marks.items()]) + ".") if marks else ""


@course_function
@shown_once
def metrics_by_threshold(y_true, churn_scores, ax=None, marks: dict | None = None):
    """Precision, recall and F1 at every threshold, with optional dashed lines at named thresholds."""
    from sklearn.metrics import (
        precision_recall_curve,  # on first use: lesson 01 draws without scikit-learn
    )

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
    best = int(np.argmax(f1))
    describe(ax, f"Line chart of precision (blue), recall (red) and F1 (black) at each threshold from 0 to 1. As the threshold "
                 f"rises, recall falls from {recall[0]:.2f} to {recall[-1]:.2f} and precision rises from {precision[0]:.2f} "
                 f"to {precision[-1]:.2f}; F1 is highest, {f1[best]:.2f}, at threshold {thresholds[best]:.2f}."
                 + _marks_words(marks))
    return label(ax, "Raising the threshold: fewer, surer contacts", "threshold (churn probability, 0–1)", "metric (0–1)")


@course_function
@shown_once
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
    # First economics blue, second red: the same order as campaign_comparison's bars (lesson 04).
    for (name, curve), colour in zip(curves.items(), (STAY_COLOUR, CHURN_COLOUR, NEUTRAL_COLOUR)):
        ax.plot(curve["threshold"], curve["expected_profit"], color=colour, label=_plain_text(name))
    ax.axhline(0, color="grey", linewidth=0.8)
    _mark_thresholds(ax, marks)
    ax.set_xlim(0, 1)
    _dollar_axis(ax.yaxis)
    ax.legend(fontsize=8, loc="upper right")
    peaks = []
    for (name, curve), colour in zip(curves.items(), ("blue", "red", "grey")):
        best = curve.loc[curve["expected_profit"].idxmax()]
        peaks.append(f"{_words(name)} ({colour}) peaks at {_exact_dollars(best['expected_profit'])} at threshold "
                     f"{best['threshold']:.2f}")
    describe(ax, f"Line chart of expected campaign profit in dollars at each threshold, {len(curves)} "
                 f"{'curve' if len(curves) == 1 else 'curves'}: {'; '.join(peaks)}." + _marks_words(marks))
    return label(ax, "Expected campaign profit at each threshold", "threshold (churn probability, 0–1)", "expected profit (US dollars)")


# The colours profit_gaps (plots/comparisons.py, lessons 03-04) gives each verdict.
VERDICT_COLOURS = {"clear": STAY_COLOUR, "likely but not certain": OKABE_ITO["orange"], "a tie within noise": NEUTRAL_COLOUR}
