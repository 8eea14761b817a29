"""The train/test split and the churn model recipe every lesson shares.

Lesson 02 builds this recipe step by step; later lessons call
``make_churn_model()`` so they all score customers the same way.
"""
from __future__ import annotations

import warnings
from functools import cache
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.data import DATA_DICTIONARY, load_churn
from churnlab.kept_results import computed_once

__all__ = [
    "CATEGORICAL_FEATURES", "CHAMPION_C", "CustomerSplit", "FEATURES", "NUMERIC_FEATURES", "RANDOM_STATE", "TEST_SHARE",
    "champion_model", "churn_label", "feature_weights", "features_and_label", "fold_scores", "make_churn_model", "out_of_fold_scores",
    "score_customers",
    "split_customers",
]

# scikit-learn before 1.7 (Colab ships 1.6.1) passes an option, iprint, that SciPy 1.18 no longer
# knows, and SciPy then warns on every logistic-regression fit. The fit is unaffected and a learner
# can do nothing about it, so the course hides that one message (and only it) once churnlab is imported.
SCIPY_IPRINT_WARNING = "Unknown solver options: iprint"
warnings.filterwarnings("ignore", message=SCIPY_IPRINT_WARNING)

# The course's tables are small (7,043 customers, 39 prepared columns): spreading BLAS's tiny matrix sums over
# several threads costs more than it saves. With BLAS on one thread a logistic-regression fit takes a quarter of
# the CPU time (0.09 s against 0.33 s on a 2-core machine; 0.4 s against 1.8 s of waiting when the machine is busy)
# and gives the same weights, so the course keeps BLAS to one thread once churnlab.model is imported.
threadpool_limits(limits=1, user_api="blas")

RANDOM_STATE = 42
TEST_SHARE = 0.2
CHAMPION_C = 0.1  # the setting lesson 05 registers as champion (the lead's decision 1); lessons 02-04 keep C = 1.0

# Gender is left out on purpose: it should not decide who gets a retention offer.
EXCLUDED_FROM_FEATURES = ("customer_id", "churn", "female")
NUMERIC_FEATURES: tuple[str, ...] = tuple(
    c.name for c in DATA_DICTIONARY if c.kind in ("flag", "count", "money") and c.name not in EXCLUDED_FROM_FEATURES
)
CATEGORICAL_FEATURES: tuple[str, ...] = tuple(c.name for c in DATA_DICTIONARY if c.kind == "category")
FEATURES: tuple[str, ...] = NUMERIC_FEATURES + CATEGORICAL_FEATURES


class CustomerSplit(NamedTuple):
    """Customers the model learns from (train) and customers kept aside to judge it (test)."""

    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: pd.Series
    y_test: pd.Series


def _customers(customers, needs=("customer_id", "churn", *FEATURES)) -> pd.DataFrame:
    return validate.dataframe(customers, "customers", needs=needs, example="customers = load_churn()")


@course_function
def churn_label(customers: pd.DataFrame) -> pd.Series:
    """1 for a customer who churned, 0 for one who stayed."""
    customers = _customers(customers, needs=("churn",))
    return customers["churn"].eq("Yes").astype(int).rename("churned")


@course_function
def features_and_label(customers: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """What the model sees (X: one row per customer) and what it predicts (y: churned or not).

    Rows are indexed by ``customer_id``, so any row can be traced to its customer.
    """
    customers = _customers(customers)
    ids = customers["customer_id"]
    X = customers.loc[:, list(FEATURES)].set_axis(ids, axis=0)
    y = churn_label(customers).set_axis(ids, axis=0)
    return X, y


@course_function
def split_customers(customers: pd.DataFrame) -> CustomerSplit:
    """The course's stratified 80/20 split (seed 42): 5,634 train and 1,409 test customers.

    Stratified means both parts keep the same churn rate (26.5 %), so the
    test customers look like the real customer base.
    """
    X, y = features_and_label(_customers(customers))
    parts = train_test_split(X, y, test_size=TEST_SHARE, stratify=y, random_state=RANDOM_STATE)
    return CustomerSplit(*parts)


@course_function
def make_churn_model(C: float = 1.0):
    """Scaling for numbers + one-hot for categories + logistic regression, as one pipeline.

    ``C`` is the regularisation strength's inverse: smaller C, simpler model.
    Empty ``total_charges`` (customers not billed yet) become 0, which is the truth.
    """
    C = validate.number(C, "C", example="0.1")
    if C <= 0:
        raise CourseError(f"C is {C:g}; it must be above 0 (smaller C, simpler model: try 0.1 or 1.0).")
    preprocess = ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(strategy="constant", fill_value=0), StandardScaler()), list(NUMERIC_FEATURES)),
            ("categories", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL_FEATURES)),
        ]
    )
    return make_pipeline(preprocess, LogisticRegression(C=C, max_iter=1000))


@course_function
def score_customers(model, X: pd.DataFrame) -> pd.Series:
    """Each customer's churn probability from a fitted model, as a Series on the customers' own index.

    The same numbers as ``model.predict_proba(X)[:, 1]``, kept next to the customer ids, so they line
    up with ``y_test`` and with the rules applied to ``X``.
    """
    model = validate.fitted_model(model)
    X = validate.dataframe(X, "X", example="X_test from split_customers(customers)")
    return pd.Series(model.predict_proba(X)[:, 1], index=X.index)


@course_function
def feature_weights(model) -> pd.Series:
    """The fitted model's weight for each prepared column, named in plain column terms.

    ``contract_Two year`` is the one-hot column "contract is Two year"; a
    positive weight raises the churn probability, a negative one lowers it.
    """
    model = validate.fitted_model(model)
    if not (hasattr(model, "steps") and hasattr(model[-1], "coef_") and hasattr(model[0], "get_feature_names_out")):
        raise CourseError("feature_weights reads the weights of the course's logistic-regression model "
                          "(make_churn_model().fit(X_train, y_train)); this model has no weights per column.")
    names = model[0].get_feature_names_out()
    return pd.Series(model[-1].coef_[0], index=[name.split("__")[-1] for name in names], name="weight")


@course_function
@computed_once
def fold_scores(model, X_train, y_train, folds: int = 5, scoring: str = "roc_auc") -> np.ndarray:
    """Cross-validation: one score per part of the training customers, each from the recipe trained on the other parts.

    The training customers are cut into ``folds`` parts (stratified: each part keeps their churn rate; shuffled with
    seed 42); ``model`` (a recipe such as ``make_churn_model()``) is trained on all parts but one and scored on that
    one (``scoring``: ``"roc_auc"``, ``"accuracy"``, ``"recall"``, any name scikit-learn knows), once per part.
    The same numbers as scikit-learn's ``cross_val_score(model, X_train, y_train, cv=StratifiedKFold(folds,
    shuffle=True, random_state=42), scoring=scoring)``. Computed once and kept in the work folder: a re-run with the
    same recipe and customers reads the scores back (``churnlab.kept_results``).
    """
    from sklearn.base import is_classifier
    from sklearn.metrics import get_scorer_names
    from sklearn.model_selection import cross_val_score

    if not (hasattr(model, "get_params") and hasattr(model, "fit") and is_classifier(model)):
        raise CourseError(f"model should be a recipe to train, such as make_churn_model(), not {validate.kind_of(model)}.")
    X, y, splitter = _folds_of(X_train, y_train, folds)
    scoring = validate.text(scoring, "scoring", example="'roc_auc'")
    if scoring not in get_scorer_names():
        raise CourseError(f"scoring is {scoring!r}, a score scikit-learn does not know: use 'roc_auc', 'accuracy', "
                          "'precision', 'recall' or 'f1'.")
    return cross_val_score(model, X, y, cv=splitter, scoring=scoring)


@course_function
@computed_once
def out_of_fold_scores(X_train, y_train, C: float = 1.0, folds: int = 5) -> np.ndarray:
    """A churn score for every training customer from a model that never saw them (cross-validation).

    The training customers are cut into ``folds`` parts (stratified, seed 42);
    each part is scored by ``make_churn_model(C)`` trained on the other parts.
    So every customer's score is as honest as a test customer's, and a
    threshold can be *chosen* on the training customers (the F1-best or the
    profit-best) and only then *judged* on the test customers: choosing it on
    the test customers and reporting it on them flatters it (lesson 03).
    Returns one score per row of ``X_train``, in its order.
    """
    X, y, splitter = _folds_of(X_train, y_train, folds)
    return _scores_of_each_fold(X, y, C, splitter)


def _folds_of(X_train, y_train, folds) -> tuple[pd.DataFrame, np.ndarray, StratifiedKFold]:
    """The training customers and their outcomes, checked, and the course's ``folds`` stratified parts of them."""
    X = validate.dataframe(X_train, "X_train", needs=FEATURES, example="X_train from split_customers(load_churn())")
    y = validate.outcomes(y_train, "y_train")
    validate.same_customers(X_train, y_train, "X_train", "y_train")
    folds = validate.whole_number(folds, "folds", low=2, example="5")
    if folds > min(int(y.sum()), int((1 - y).sum())):
        raise CourseError(f"folds is {folds}, more than the churners or the loyal customers in y_train: "
                          "each fold needs some of both. Use 5.")
    return X, y, StratifiedKFold(n_splits=folds, shuffle=True, random_state=RANDOM_STATE)


def _scores_of_each_fold(X: pd.DataFrame, y: np.ndarray, C: float, splitter) -> np.ndarray:
    """``cross_val_predict(make_churn_model(C), X, y, cv=splitter, method="predict_proba")[:, 1]``, the same numbers,
    with the text columns one-hot encoded once instead of once per fold.

    The one-hot encoding learns nothing from the customers but which categories exist: a fold whose training part holds
    every category gets exactly the columns the whole table gets, so it takes its rows of the table encoded once. The
    scaling of the numbers does learn (each fold's means and spreads), so it is fitted per fold as in the pipeline, as
    is the logistic regression. A fold whose training part misses a category is fitted with the whole pipeline.
    About a third of the time of running the pipeline on each fold, on the course data.
    """
    recipe = make_churn_model(C=C)
    # The same text as plain Python strings: the one-hot encoder reads them about a quarter faster than pandas'
    # Arrow-backed text, and encodes them to the same columns.
    X = X.astype({name: object for name in CATEGORICAL_FEATURES if pd.api.types.is_string_dtype(X[name].dtype)})
    numbers = SimpleImputer(strategy="constant", fill_value=0).fit_transform(X[list(NUMERIC_FEATURES)])
    encoder = clone({name: step for name, step, _ in recipe[0].transformers}["categories"])
    one_hot = encoder.fit_transform(X[list(CATEGORICAL_FEATURES)])
    one_hot = one_hot.toarray() if hasattr(one_hot, "toarray") else np.asarray(one_hot)
    scores = np.empty(len(X))
    for kept, held_out in splitter.split(X, y):
        if one_hot[kept].any(axis=0).all():  # every category is among this fold's training customers
            # in the memory order the pipeline's imputer hands the scaler: its sums, so its means, to the last bit
            kept_numbers = np.asarray(numbers[kept], order="F" if numbers.flags.f_contiguous else "C")
            scaler = StandardScaler().fit(kept_numbers)
            model = clone(recipe[-1]).fit(np.hstack([scaler.transform(kept_numbers), one_hot[kept]]), y[kept])
            scores[held_out] = model.predict_proba(np.hstack([scaler.transform(numbers[held_out]), one_hot[held_out]]))[:, 1]
        else:
            model = clone(recipe).fit(X.iloc[kept], y[kept])
            scores[held_out] = model.predict_proba(X.iloc[held_out])[:, 1]
    return scores


# --- the lessons' shared split and model, made once per session ------------------------------------------------
# Not course functions: the exercise checks, the simulator and monitoring reuse them, so every part of the
# course judges the same customers with the same model.


@cache
@computed_once
def course_split() -> CustomerSplit:
    """The lessons' train/test split of the course data, made once per session for every check."""
    return split_customers(load_churn())


@cache
@computed_once
def course_model(C: float = 1.0):
    """The lessons' churn model (regularisation ``C``), fitted once on the course split's training part."""
    split = course_split()
    return make_churn_model(C=C).fit(split.X_train, split.y_train)


@cache
@computed_once
def champion_model():
    """The champion of lesson 05: ``make_churn_model(C=0.1)`` fitted on the course split's training customers.

    Exactly the model lesson 05 registers as ``churn-model@champion`` (same
    recipe, same customers, same seed: the same scores), fitted once per
    session. Lessons 06-08 review and use it. Do not refit the returned model:
    it is shared by every caller in the session.
    """
    split = course_split()
    return make_churn_model(C=CHAMPION_C).fit(split.X_train, split.y_train)
