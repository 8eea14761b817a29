"""Why the model scores a customer the way it does (lesson 06): reason codes and global explanations.

The course model is a logistic regression on prepared columns (numbers scaled,
categories one-hot encoded). Its score in log-odds is a sum, one term per
prepared column: ``weight × value``. Measured from the average training
customer, each term is ``weight × (value − training mean)``: how much this
customer's value moves their risk away from the average customer's. For a
linear model that is exactly the customer's SHAP value in log-odds (what
shap's ``LinearExplainer`` computes, with independent features), so no extra
library is needed.

One pitfall: a one-hot encoded column such as ``contract`` becomes three
prepared columns, and a customer gets a term from each, even from the
categories they do *not* have (not being on a two-year contract raises the
risk of a month-to-month customer). ``contributions`` therefore adds the terms
up per original column before anything is ranked.

- ``contributions(model, X_train, X)``: one log-odds contribution per customer and column;
- ``reason_codes(model, X_train, X, top=3)``: the top reasons in plain words, tagged
  with whether the company can act on them;
- ``permutation_importance(model, X, y)``: scikit-learn's permutation importance (ROC-AUC lost when a
  column is shuffled), computed on the contributions so it takes a fraction of a second;
- ``partial_dependence(model, X, column)``: scikit-learn's average churn probability as one column moves.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.inspection import partial_dependence as _sklearn_partial_dependence
from sklearn.inspection import permutation_importance as _sklearn_permutation_importance

from churnlab import validate
from churnlab._base.html import dollar_safe_html
from churnlab.errors import CourseError
from churnlab.kept_results import computed_once
from churnlab.validate import course_function

__all__ = [
    "ACTIONABLE",
    "STRENGTH_WORDS",
    "DollarSafeTable",
    "baseline_probability",
    "contributions",
    "in_plain_words",
    "partial_dependence",
    "permutation_importance",
    "reason_codes",
    "reasons_of",
]

# Columns the company controls and an agent can offer to change in a retention call: a longer
# contract, an automatic payment, an add-on (the four services and the two streaming ones), the price.
# The rest describe the customer or their history: true, but nothing an agent should act on. The
# internet type is left out although the company sells it: "fiber optic" is an association the model
# found (perhaps the price, perhaps competitors), and moving a customer off fiber is not a retention offer.
ACTIONABLE: frozenset[str] = frozenset(
    {"contract", "payment_method", "online_security", "online_backup", "device_protection", "tech_support",
     "streaming_tv", "streaming_movies", "monthly_charges"}
)

# How a reason's size is said in words, by the probability points it adds to the baseline customer.
STRENGTH_WORDS = ((10.0, "raises the risk a lot"), (3.0, "raises the risk somewhat"), (0.0, "raises the risk a little"))

_ADD_ONS = {
    "online_security": "online security",
    "online_backup": "online backup",
    "device_protection": "device protection",
    "tech_support": "tech support",
}
_STREAMING = {"streaming_tv": "TV", "streaming_movies": "movies"}
_FLAGS = {
    "senior_citizen": ("senior citizen (65 or older)", "under 65"),
    "partner": ("has a partner", "no partner"),
    "dependents": ("has dependents", "no dependents"),
    "phone_service": ("has a phone line", "no phone line"),
    "paperless_billing": ("paperless billing", "paper bills"),
    "female": ("woman", "man"),
}
_CATEGORY_WORDS = {
    "contract": {"Month-to-month": "month-to-month contract", "One year": "one-year contract",
                 "Two year": "two-year contract"},
    "payment_method": {"Electronic check": "pays by electronic check", "Mailed check": "pays by mailed check",
                       "Bank transfer (automatic)": "pays by automatic bank transfer",
                       "Credit card (automatic)": "pays by automatic credit card"},
    "internet_service": {"Fiber optic": "fiber optic internet", "DSL": "DSL internet", "No": "no internet service"},
    "multiple_lines": {"Yes": "several phone lines", "No": "one phone line", "No phone service": "no phone service"},
}


# --- the model's arithmetic ---------------------------------------------------------------------


@dataclass(frozen=True)
class _LinearPieces:
    """A fitted course pipeline taken apart: its preparation step, weights and column blocks."""

    prepare: object
    weights: np.ndarray  # one per prepared column
    intercept: float
    columns: tuple[str, ...]  # original columns, in the order the model reads them
    owner: np.ndarray  # for each prepared column, the position of its original column
    blocks: tuple  # (transformer, its original columns, its slice of prepared columns), one per transformer


def _pieces(model) -> _LinearPieces:
    model = validate.fitted_model(model)
    steps = getattr(model, "steps", None)
    prepare, last = (model[0], model[-1]) if steps and len(steps) >= 2 else (None, model)
    if prepare is None or not hasattr(prepare, "transformers_") or not hasattr(last, "coef_"):
        raise CourseError("model should be the course's churn model: make_churn_model().fit(X_train, y_train) "
                          "(scaled numbers and one-hot categories feeding a logistic regression).")
    weights = np.asarray(last.coef_, dtype=float)
    if weights.ndim != 2 or weights.shape[0] != 1:
        raise CourseError("model should predict one outcome (churn or not); this one predicts several.")
    columns, owner, blocks = [], np.empty(weights.shape[1], dtype=np.int64), []
    for name, transformer, used in prepare.transformers_:
        if name == "remainder" or isinstance(transformer, str):
            continue
        block, used = prepare.output_indices_[name], list(used)
        blocks.append((transformer, used, block))
        widths = [len(c) for c in transformer.categories_] if hasattr(transformer, "categories_") else [1] * len(used)
        start = block.start
        for column, width in zip(used, widths):
            owner[start: start + width] = len(columns)
            columns.append(column)
            start += width
        if start != block.stop:  # e.g. a one-hot step that drops or groups categories: not the course's recipe
            raise CourseError("model should be the course's churn model (make_churn_model()): its preparation step "
                              "does not give one column per category.")
    return _LinearPieces(prepare, weights[0], float(np.ravel(last.intercept_)[0]), tuple(columns), owner, tuple(blocks))


def _average_prepared(pieces: _LinearPieces, X: pd.DataFrame) -> np.ndarray:
    """The mean of each prepared column over ``X``, without preparing every row.

    A one-hot column's mean is the share of customers in its category; the
    number columns go through their own (cheap) scaling step. Same result as
    ``prepare.transform(X).mean(axis=0)``, several times faster.
    """
    average = np.zeros(len(pieces.weights))
    for transformer, used, block in pieces.blocks:
        if hasattr(transformer, "categories_"):
            shares = [X[column].value_counts(normalize=True).reindex(categories, fill_value=0.0).to_numpy()
                      for column, categories in zip(used, transformer.categories_)]
            average[block] = np.concatenate(shares)
        else:
            prepared = transformer.transform(X[used])
            average[block] = np.asarray(prepared.mean(axis=0)).ravel()
    return average


def _prepared(pieces: _LinearPieces, X: pd.DataFrame) -> np.ndarray:
    prepared = pieces.prepare.transform(X)
    return prepared.toarray() if hasattr(prepared, "toarray") else np.asarray(prepared, dtype=float)


def _per_column(pieces: _LinearPieces, terms: np.ndarray) -> np.ndarray:
    """Add the prepared columns' terms up per original column (the one-hot fix)."""
    membership = np.zeros((len(pieces.owner), len(pieces.columns)))
    membership[np.arange(len(pieces.owner)), pieces.owner] = 1.0
    return terms @ membership


def _customers(X, name: str, pieces: _LinearPieces) -> pd.DataFrame:
    example = "X_test (from split_customers)"
    if isinstance(X, pd.Series) and set(pieces.columns) <= set(X.index):
        raise CourseError(f"{name} is one customer's row (a Series). For one customer, keep the table with double "
                          f"brackets: X_test.loc[['{X.name}']].")
    X = validate.dataframe(X, name, needs=pieces.columns, example=example)
    if X.empty:
        raise CourseError(f"{name} has no customers (0 rows). Pass at least one, e.g. X_test.loc[['C0001']] or X_test.")
    return X


@course_function
@computed_once
def contributions(model, X_train, X, combine_one_hot: bool = True) -> pd.DataFrame:
    """Each customer's score, split into one log-odds contribution per column (customers × columns).

    A contribution is ``weight × (value − average training value)`` added up over
    the prepared columns of one original column: how far this customer's value
    moves their churn risk (in log-odds) from the average training customer's.
    Positive raises the risk, negative lowers it. For every customer,
    ``contributions.sum(axis=1) + baseline`` is exactly the model's log-odds
    (``model.decision_function(X)``), where ``baseline`` is stored in
    ``result.attrs["baseline_log_odds"]``: the log-odds of a customer with
    average prepared values. For a linear model these are its SHAP values.

    ``X_train``: the customers the model learned from (the reference point);
    ``X``: the customers to explain, e.g. ``X_test``. ``combine_one_hot=False``
    keeps one column per prepared column (``contract_Two year``...), to see the
    one-hot pitfall: terms from categories the customer does not have.
    """
    if not isinstance(combine_one_hot, (bool, np.bool_)):
        raise CourseError(f"combine_one_hot should be True or False, not {validate.kind_of(combine_one_hot)}.")
    pieces = _pieces(model)
    X_train = _customers(X_train, "X_train", pieces)
    X = _customers(X, "X", pieces)
    average = _average_prepared(pieces, X_train)
    terms = (_prepared(pieces, X) - average) * pieces.weights
    if combine_one_hot:
        table = pd.DataFrame(_per_column(pieces, terms), index=X.index, columns=list(pieces.columns))
    else:
        names = [name.split("__", 1)[-1] for name in pieces.prepare.get_feature_names_out()]
        table = pd.DataFrame(terms, index=X.index, columns=names)
    table.attrs["baseline_log_odds"] = float(pieces.intercept + average @ pieces.weights)
    return table


# --- reasons in words ----------------------------------------------------------------------------


def _months(tenure: pd.Series) -> pd.Series:
    words = tenure.map(lambda n: "new this month" if n == 0 else f"{int(n)} month{'s' if n != 1 else ''} with us")
    return words.astype(object)


def _words_for(column: str, values: pd.Series) -> pd.Series:
    if column == "tenure":
        return _months(values)
    if column == "monthly_charges":
        return values.map(lambda v: f"pays ${v:,.0f} a month").astype(object)
    if column == "total_charges":
        return values.map(lambda v: "not billed yet" if pd.isna(v) or v == 0 else f"${v:,.0f} billed so far").astype(object)
    if column in _FLAGS:
        yes, no = _FLAGS[column]
        return values.map({1: yes, 0: no}).astype(object)
    if column in _ADD_ONS:
        add_on = _ADD_ONS[column]
        return values.map({"Yes": f"has {add_on}", "No": f"no {add_on}", "No internet service": "no internet service"}).astype(object)
    if column in _STREAMING:
        what = _STREAMING[column]
        return values.map({"Yes": f"streams {what}", "No": f"does not stream {what}",
                           "No internet service": "no internet service"}).astype(object)
    if column in _CATEGORY_WORDS:
        return values.map(_CATEGORY_WORDS[column]).astype(object)
    return (column.replace("_", " ") + ": " + values.astype(str)).astype(object)


@course_function
def in_plain_words(X) -> pd.DataFrame:
    """Each customer's value of each column, as words an agent can read ("month-to-month contract", "2 months with us")."""
    X = validate.dataframe(X, "X", example="X_test (from split_customers)")
    words = {column: _words_for(column, X[column]) for column in X.columns}
    return pd.DataFrame(words, index=X.index)


@course_function
@computed_once
def reason_codes(model, X_train, X, top: int = 3) -> pd.DataFrame:
    """The ``top`` reasons that raise each customer's churn score most, in plain words.

    One row per customer and reason (index: customer, rank 1 = strongest),
    with the column it comes from, the reason in words, its contribution
    in log-odds (see ``contributions``), the same in **points of churn
    probability** (``points``: how far this reason alone moves the *baseline
    customer*, the customer with average training values, whose probability is
    ``baseline_probability(model, X_train)``: from 15 % to 15 % + points), its
    ``strength`` in words (``STRENGTH_WORDS``: a lot from 10 points, somewhat
    from 3) and whether the company controls it (``actionable``, ``ACTIONABLE``). Only reasons that *raise* the risk are listed, so a
    customer with fewer than ``top`` such reasons gets fewer rows. Vectorised:
    the whole test set (1,409 customers) takes a few hundredths of a second.
    """
    top = validate.whole_number(top, "top", low=1, example="3")
    effects = contributions(model, X_train, X)
    values = effects.to_numpy()
    top = min(top, values.shape[1])
    order = np.argsort(-values, axis=1, kind="stable")[:, :top]
    rows = np.repeat(np.arange(len(values)), top)
    ranks = np.tile(np.arange(1, top + 1), len(values))
    picked = order.ravel()
    log_odds = values[rows, picked]
    raises = log_odds > 0  # a reason for being on the call list raises the risk
    rows, ranks, picked, log_odds = rows[raises], ranks[raises], picked[raises], log_odds[raises]
    columns = np.asarray(effects.columns, dtype=object)[picked]
    words = np.empty(len(rows), dtype=object)
    for position in np.unique(picked):  # words only for the customers and columns picked
        here = picked == position
        column = effects.columns[position]
        words[here] = _words_for(column, X[column].iloc[rows[here]]).to_numpy()
    index = pd.MultiIndex.from_arrays([effects.index.to_numpy()[rows], ranks],
                                      names=[effects.index.name or "customer", "rank"])
    baseline = effects.attrs["baseline_log_odds"]
    points = 100 * (_probability(baseline + log_odds) - _probability(baseline))
    strength = np.select([points >= cut for cut, _ in STRENGTH_WORDS], [words for _, words in STRENGTH_WORDS],
                         default=STRENGTH_WORDS[-1][1]).astype(object)
    table = pd.DataFrame(
        {"column": columns, "reason": words, "log_odds": log_odds, "points": points, "strength": strength,
         "actionable": np.isin(columns, list(ACTIONABLE))},
        index=index,
    )
    table.attrs["baseline_probability"] = float(_probability(baseline))
    return table


class DollarSafeTable:
    """A table that shows itself as pandas does, with its HTML's dollar amounts kept out of maths typesetting.

    Plain text (``repr``, ``print``) is the DataFrame's own, "pays $107 a month"
    as typed; the HTML a notebook shows is the DataFrame's, through
    ``dollar_safe_html``. ``.table`` is the DataFrame itself.
    """

    def __init__(self, table: pd.DataFrame):
        self.table = table

    def __repr__(self) -> str:
        return repr(self.table)

    def _repr_html_(self) -> str:
        return dollar_safe_html(self.table._repr_html_())


@course_function
def reasons_of(codes, customers, columns=("reason", "points", "strength", "actionable")) -> DollarSafeTable:
    """The reason codes of a few ``customers`` (their ids), ready to show: points rounded to one decimal.

    ``codes`` comes from ``reason_codes``. Reasons name amounts ("pays $107 a
    month", "$7,133 billed so far"), so the table comes as a ``DollarSafeTable``:
    the same text, and HTML in which JupyterLab typesets no dollar as maths.
    """
    codes = validate.dataframe(codes, "codes", needs=tuple(columns),
                               example="explain.reason_codes(model, X_train, X_test, top=3)")
    if isinstance(customers, str):
        customers = [customers]
    wanted = list(pd.Index(customers))
    known = codes.index.get_level_values(0)
    unknown = [customer for customer in wanted if customer not in set(known)]
    if unknown:
        raise CourseError(f"customers has ids without reasons in codes, such as {unknown[0]!r}: pass ids from the "
                          "index of the customers given to reason_codes (e.g. X_test.index).")
    shown = codes.loc[wanted, list(columns)]
    return DollarSafeTable(shown.round({"points": 1}) if "points" in shown else shown)


def _probability(log_odds):
    return 1.0 / (1.0 + np.exp(-np.asarray(log_odds, dtype=float)))


@course_function
@computed_once
def baseline_probability(model, X_train) -> float:
    """The churn probability of the *baseline customer*, from whom contributions and reason codes are measured.

    The baseline customer has the average training value of every prepared
    column (the average tenure, the average share on each contract...): a
    customer who does not exist. Their probability is not the average churn
    score (averaging the inputs is not averaging the scores).
    """
    pieces = _pieces(model)
    X_train = _customers(X_train, "X_train", pieces)
    return float(_probability(pieces.intercept + _average_prepared(pieces, X_train) @ pieces.weights))


# --- the model as a whole ------------------------------------------------------------------------


class _SumOfContributions(ClassifierMixin, BaseEstimator):
    """The model rewritten as a sum: its input is the table of per-column contributions.

    Shuffling one column of that table is exactly shuffling the original column
    (a contribution depends only on the customer's own value of that column), so
    scikit-learn's permutation importance on it equals permutation importance on
    the whole pipeline, at the cost of a sum instead of a pipeline run per shuffle.
    """

    def __init__(self, baseline: float = 0.0):
        self.baseline = baseline

    def fit(self, X, y=None):
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=float).sum(axis=1) + self.baseline

    def predict_proba(self, X):
        churn = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - churn, churn])

    def predict(self, X):
        return (self.decision_function(X) > 0).astype(int)


_SCORINGS = ("roc_auc", "average_precision")


def _roc_auc(estimator, X, y) -> float:
    """ROC-AUC through the Mann-Whitney U statistic: U / (churners × stayers) is the ROC-AUC, ties counting half.

    The same number as ``sklearn.metrics.roc_auc_score`` (tested), a few times faster; permutation
    importance scores the model about a hundred times, so it matters.
    """
    scores = estimator.decision_function(X)
    churned = np.asarray(y) == 1
    statistic = mannwhitneyu(scores[churned], scores[~churned], alternative="two-sided").statistic
    return float(statistic / (churned.sum() * (~churned).sum()))


@course_function
@computed_once
def permutation_importance(model, X, y, n_repeats: int = 5, random_state: int = 0, scoring: str = "roc_auc") -> pd.DataFrame:
    """How much the model's ranking suffers when one column is shuffled: scikit-learn's permutation importance.

    For each column, the customers' values are shuffled ``n_repeats`` times
    and the drop in ``scoring`` (ROC-AUC by default, or "average_precision")
    is recorded: a large drop means the model leans on that column. Returns
    one row per column, largest first: ``importance`` (mean drop) and ``spread``
    (its standard deviation over the repeats).

    The shuffling is ``sklearn.inspection.permutation_importance`` itself; the
    package hands it the model's per-column contributions instead of the raw
    columns, and scores ROC-AUC through scipy's Mann-Whitney U, which gives the
    same numbers as running it on the whole pipeline with the same
    ``random_state`` (tested) in a fraction of the time.
    Columns that move together (tenure and total charges) share credit: shuffling
    one leaves its information in the other, so both look less important than they are.
    """
    scoring = validate.one_of(scoring, "scoring", _SCORINGS)
    n_repeats = validate.whole_number(n_repeats, "n_repeats", low=1, example="5")
    random_state = validate.whole_number(random_state, "random_state", low=0, example="0")
    pieces = _pieces(model)
    X = _customers(X, "X", pieces)
    outcomes = validate.outcomes(y, "y")
    validate.same_customers(X, y, "X", "y")
    if outcomes.min() == outcomes.max():
        raise CourseError("y needs both churners and customers who stayed to measure a ranking. Use y_test.")
    terms = _per_column(pieces, _prepared(pieces, X) * pieces.weights)
    result = _sklearn_permutation_importance(
        _SumOfContributions(pieces.intercept).fit(terms), terms, outcomes,
        scoring=_roc_auc if scoring == "roc_auc" else scoring, n_repeats=n_repeats, random_state=random_state,
    )
    table = pd.DataFrame({"importance": result.importances_mean, "spread": result.importances_std},
                         index=pd.Index(pieces.columns, name="column"))
    return table.sort_values("importance", ascending=False, kind="stable")


@course_function
@computed_once
def partial_dependence(model, X, column: str = "tenure", points: int = 13) -> pd.DataFrame:
    """The model's average churn probability as one number column moves across its range (scikit-learn's partial dependence).

    Every customer in ``X`` is given the same value of ``column``, the others
    kept as they are, and the churn probabilities are averaged; repeated for
    ``points`` evenly spaced values from the column's minimum to its maximum
    (13 points on tenure 0–72 months: every 6 months). Returns a table with the
    column's values and ``average churn probability``.

    The same numbers as ``sklearn.inspection.partial_dependence`` (tested), computed from the model's
    log-odds terms: the pipeline runs twice (customers, grid) instead of once per point.
    It moves one column alone: for tenure, total charges stay where they were,
    so some of the customers it imagines cannot exist (72 months, a few dollars billed).
    """
    pieces = _pieces(model)
    X = _customers(X, "X", pieces)
    column = validate.column(X, column, "column", "X")
    if not pd.api.types.is_numeric_dtype(X[column]) or X[column].nunique() <= 2:
        numeric = ", ".join(c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and X[c].nunique() > 2)
        raise CourseError(f"{column!r} is not a number column with a range; partial dependence here takes one of: {numeric}.")
    points = validate.whole_number(points, "points", low=2, example="13")
    # scikit-learn refuses integer columns (it would round the grid): give it floats. An empty value is
    # what the course model reads as 0 (total charges of a customer not billed yet), so the grid skips none.
    as_float = X.astype({column: float}).fillna({column: 0.0})
    moved = np.flatnonzero(pieces.owner == pieces.columns.index(column))
    if len(moved) != 1:  # not one prepared column of its own: let scikit-learn run the pipeline at every point
        result = _sklearn_partial_dependence(model, as_float, [column], grid_resolution=points, percentiles=(0.0, 1.0),
                                             kind="average")
        return pd.DataFrame({column: result["grid_values"][0], "average churn probability": result["average"][0]})
    # scikit-learn's grid: the distinct values when there are fewer than ``points``, else evenly spaced from min to max.
    values = as_float[column].to_numpy(dtype=float)
    distinct = np.unique(values)
    grid = distinct if len(distinct) < points else np.linspace(values.min(), values.max(), points)
    # The model's log-odds are a sum, and setting one column to a value moves only its own term: prepare the customers
    # once and the grid once, instead of running the whole pipeline over every customer at every point (same numbers).
    at, weight = moved[0], pieces.weights[moved[0]]
    prepared = _prepared(pieces, as_float)
    others = prepared @ pieces.weights + pieces.intercept - weight * prepared[:, at]
    at_grid = as_float.iloc[np.zeros(len(grid), dtype=np.int64)].assign(**{column: grid})
    grid_term = weight * _prepared(pieces, at_grid)[:, at]
    average = _probability(others[np.newaxis, :] + grid_term[:, np.newaxis]).mean(axis=1)
    return pd.DataFrame({column: grid, "average churn probability": average})
