"""Leaving a column out: a model without the group inputs, and how well the other inputs still predict the groups (proxies)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from churnlab import validate
from churnlab.errors import CourseError
from churnlab.explain import _words_for
from churnlab.fairness.groups import (
    GROUP_INPUTS,
    GROUPS,
    _checked_groups,
    _checked_members,
    _member_words,
)
from churnlab.kept_results import computed_once
from churnlab.validate import course_function

# --- leaving a column out ------------------------------------------------------------------------------


@course_function
@computed_once
def model_without(X_train, y_train, columns, C: float | None = None):
    """The champion's recipe trained without ``columns`` (one name or a list): the same recipe, fewer inputs.

    For two questions: "if we leave the group's column out, is the model blind
    to the group?" (score the test customers and compare the groups again), and
    "what does using the group columns earn us?" (compare its campaign with the
    champion's). ``C`` defaults to the champion's setting (``model.CHAMPION_C``).
    """
    from churnlab.model import CHAMPION_C, make_churn_model

    X_train = validate.dataframe(X_train, "X_train", example="X_train (from split_customers)")
    names = [columns] if isinstance(columns, str) else columns
    if not isinstance(names, (list, tuple, pd.Index)) or not names:
        raise CourseError(f"columns should be a column's name or a list of names, like ['senior_citizen', 'partner'], "
                          f"not {validate.kind_of(columns)}.")
    if "female" in names and "female" not in X_train.columns:
        raise CourseError("The model never sees 'female' (lesson 02 left it out), so there is nothing to remove. "
                          "Compare women and men with fairness.group_metrics instead.")
    names = [validate.column(X_train, name, "column", "X_train") for name in names]
    outcomes = validate.outcomes(y_train, "y_train")
    validate.same_customers(X_train, y_train, "X_train", "y_train")
    recipe = make_churn_model(C=CHAMPION_C if C is None else C)
    prepare = recipe[0]
    prepare.transformers = [(name, step, [c for c in used if c not in names]) for name, step, used in prepare.transformers]
    return recipe.fit(X_train, outcomes)


def _auc_interval(auc: float, positives: int, negatives: int) -> tuple[float, float]:
    """95 % interval of a ROC-AUC by Hanley and McNeil's (1982) standard error: a formula, no random numbers."""
    q1, q2 = auc / (2 - auc), 2 * auc ** 2 / (1 + auc)
    variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc ** 2) + (negatives - 1) * (q2 - auc ** 2)) / (positives * negatives)
    half = 1.96 * math.sqrt(max(variance, 0.0))
    return max(0.0, auc - half), min(1.0, auc + half)


@course_function
@computed_once
def predictability(X_train, train_groups, X_test, test_groups, inputs=None) -> pd.DataFrame:
    """How well the model's inputs pick out each group: the strength of the proxies, in one number per group.

    For each group column of ``train_groups``, a logistic regression (the
    course's recipe) learns to tell the group's members from the others using
    ``inputs`` (default: every input of the model except the group columns it
    reads, ``GROUP_INPUTS``), on the training customers; its ROC-AUC on the test
    customers says how well those inputs stand in for the group: 0.5 = not at
    all (a coin), 1.0 = perfectly. ``low``/``high``: its 95 % interval (Hanley
    and McNeil's formula).
    """
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score

    from churnlab.model import make_churn_model

    X_train = validate.dataframe(X_train, "X_train", example="X_train (from split_customers)")
    X_test = validate.dataframe(X_test, "X_test", example="X_test (from split_customers)")
    train_groups = _checked_groups(train_groups, X_train.index.to_series(), "train_groups", "X_train")
    test_groups = _checked_groups(test_groups, X_test.index.to_series(), "test_groups", "X_test")
    if list(train_groups.columns) != list(test_groups.columns):
        raise CourseError("train_groups and test_groups should have the same group columns: make both with "
                          "fairness.customer_groups(customers, X_train.index) and (customers, X_test.index).")
    kept = [c for c in X_train.columns if c not in GROUP_INPUTS and c not in GROUPS] if inputs is None else list(inputs)
    recipe = make_churn_model()
    prepare = recipe[0]
    prepare.transformers = [(name, step, [c for c in used if c in kept]) for name, step, used in prepare.transformers]
    # the inputs are prepared once (the slow part); one logistic regression per group learns from them
    prepared_train, prepared_test = prepare.fit_transform(X_train), prepare.transform(X_test)
    rows = []
    for column in train_groups.columns:
        learner = clone(recipe[-1]).fit(prepared_train, train_groups[column].to_numpy())
        truth = test_groups[column].to_numpy()
        auc = float(roc_auc_score(truth, learner.predict_proba(prepared_test)[:, 1]))
        low, high = _auc_interval(auc, int(truth.sum()), int((1 - truth).sum()))
        rows.append({"group": column, "who": _member_words(column, 1), "ROC-AUC": auc, "low": low, "high": high})
    return pd.DataFrame(rows).set_index("group")


@course_function
def how_groups_differ(X, in_group, top: int = 4) -> pd.DataFrame:
    """The traits whose share differs most between a group and everyone else: candidate stand-ins (proxies).

    For every category of the text columns and every 0/1 column of ``X`` (the
    group's own column aside), the share of the group and of the others that
    has it; the ``top`` largest differences first, described in plain words.
    A model that never sees the group can still pick it out through these.
    """
    X = validate.dataframe(X, "X", example="X_train (from split_customers)")
    members = _checked_members(in_group, X.index.to_series(), "in_group", "X")
    top = validate.whole_number(top, "top", low=1, example="4")
    if members.all() or not members.any():
        raise CourseError("in_group should mark some customers (True) and not others (False): compare a group with the rest.")
    rows = []
    for column in X.columns:
        values = X[column]
        is_flag = pd.api.types.is_numeric_dtype(values) and values.isin((0, 1)).all()
        if pd.api.types.is_numeric_dtype(values) and not is_flag:
            continue  # numbers with a range (tenure, charges) have no share
        if is_flag and np.array_equal(values.to_numpy().astype(bool), members):
            continue  # the group's own column
        for level in ([1] if is_flag else sorted(values.dropna().unique())):
            has = (values == level).to_numpy()
            rows.append({"trait": _words_for(column, pd.Series([level])).iloc[0], "column": column,
                         "group": float(has[members].mean()), "others": float(has[~members].mean())})
    table = pd.DataFrame(rows, columns=["trait", "column", "group", "others"])
    table["difference"] = table["group"] - table["others"]
    order = table["difference"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].head(top).reset_index(drop=True)
