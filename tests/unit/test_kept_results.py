"""kept_results: a call named exactly as an earlier one reads its result back; anything else computes again."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from churnlab import kept_results
from churnlab.kept_results import call_name, computed_once


@pytest.fixture(scope="module")
def course_split():
    from churnlab.model import course_split

    return course_split()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(kept_results, "_folder", tmp_path)
    return tmp_path


def counted(function):
    calls = []

    def wrapped(*args, **kwargs):
        calls.append(1)
        return function(*args, **kwargs)

    wrapped.__name__ = wrapped.__qualname__ = function.__name__
    wrapped.__module__ = function.__module__
    wrapped.__signature__ = __import__("inspect").signature(function)
    return computed_once(wrapped), calls


def share_above(table: pd.DataFrame, column: str, cut: float = 0.5) -> pd.Series:
    return (table[column] > cut).groupby(table["group"]).mean()


def test_the_same_call_computes_once_and_reads_back_a_copy(folder):
    kept_share, calls = counted(share_above)
    table = pd.DataFrame({"group": ["a", "b", "a", "b"], "score": [0.1, 0.7, 0.9, 0.2]})
    first = kept_share(table, "score")
    again = kept_share(table.copy(), "score", cut=0.5)  # the default, said out loud: the same call
    assert calls == [1]
    pd.testing.assert_series_equal(first, again)
    again.iloc[0] = 99.0  # a learner's change to the result changes nothing kept
    pd.testing.assert_series_equal(kept_share(table, "score"), first)
    assert len(list(folder.iterdir())) == 1


def test_one_bit_of_difference_computes_again(folder):
    kept_share, calls = counted(share_above)
    table = pd.DataFrame({"group": ["a", "b", "a", "b"], "score": [0.1, 0.7, 0.9, 0.2]})
    kept_share(table, "score")
    nudged = table.assign(score=table["score"].to_numpy() + np.array([0, 0, 0, np.spacing(0.2)]))
    kept_share(nudged, "score")
    kept_share(table.assign(group=["a", "b", "b", "b"]), "score")
    kept_share(table, "score", cut=0.8)
    assert len(calls) == 4


def test_a_new_version_of_the_code_or_data_computes_again(folder, monkeypatch):
    kept_share, calls = counted(share_above)
    table = pd.DataFrame({"group": ["a"], "score": [0.6]})
    kept_share(table, "score")
    monkeypatch.setattr(kept_results, "code_version", lambda: "the package edited")
    kept_share(table, "score")
    assert len(calls) == 2


def test_an_argument_that_cannot_be_named_is_computed_every_time(folder):
    def apply(function, value):
        return function(value)

    kept_apply, calls = counted(apply)
    assert kept_apply(lambda x: x + 1, 1) == 2
    assert kept_apply(lambda x: x + 2, 1) == 3  # a function is never named: the same name would hide its new body
    assert len(calls) == 2 and list(folder.iterdir()) == []


def test_a_call_that_raises_keeps_nothing(folder):
    def fails(value):
        raise ValueError(value)

    kept_fails, calls = counted(fails)
    for _ in range(2):
        with pytest.raises(ValueError):
            kept_fails(1)
    assert len(calls) == 2 and list(folder.iterdir()) == []


def test_models_are_named_by_their_recipe_and_what_they_learnt(course_split):
    from churnlab.model import make_churn_model

    X, y = course_split.X_train, course_split.y_train

    def name(model):
        return call_name(share_above, (model, "score"), {})

    assert name(make_churn_model()) == name(make_churn_model())
    assert name(make_churn_model()) != name(make_churn_model(C=0.1))
    fitted = make_churn_model().fit(X, y)
    assert name(fitted) == name(make_churn_model().fit(X, y))  # same recipe, same customers: the same model
    assert name(fitted) != name(make_churn_model())
    assert name(fitted) != name(make_churn_model().fit(X.iloc[1:], y.iloc[1:]))
    changed = make_churn_model().fit(X, y)
    changed[-1].coef_[0, 0] += 1e-12
    assert name(changed) != name(fitted)


def test_a_model_holding_what_cannot_be_named_is_not_named(course_split):
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(course_split.X_train[["tenure"]], course_split.y_train)
    assert call_name(share_above, (tree, "score"), {}) is None  # its fitted tree is a compiled object
    assert call_name(share_above, (FunctionTransformer(np.log1p), "score"), {}) is None  # a function inside


def test_fold_scores_are_scikit_learns_cross_val_score(folder, course_split):
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    from churnlab.model import fold_scores, make_churn_model

    X, y = course_split.X_train, course_split.y_train
    expected = cross_val_score(make_churn_model(), X, y, scoring="roc_auc",
                               cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=42))
    first = fold_scores(make_churn_model(), X, y)
    assert list(folder.iterdir())  # kept
    np.testing.assert_array_equal(first, expected)
    np.testing.assert_array_equal(fold_scores(make_churn_model(), X, y), expected)  # read back, to the bit


def test_a_kept_table_keeps_its_attributes(folder, course_split):
    from churnlab import explain
    from churnlab.model import course_model

    model = course_model()
    first = explain.contributions(model, course_split.X_train, course_split.X_test.head(5))
    again = explain.contributions(model, course_split.X_train, course_split.X_test.head(5))
    pd.testing.assert_frame_equal(first, again)
    assert again.attrs == first.attrs and "baseline_log_odds" in again.attrs


def test_the_data_is_kept_by_its_bytes_and_loaded_again_when_they_change(folder, tmp_path):
    from churnlab.data import CHURN_CSV, _loaded, load_churn

    pd.testing.assert_frame_equal(load_churn(), _loaded(CHURN_CSV))
    pd.testing.assert_frame_equal(load_churn(), _loaded(CHURN_CSV))  # read back, the same table
    copy = tmp_path / "telco_copy.csv"
    text = CHURN_CSV.read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    pd.testing.assert_frame_equal(load_churn(copy), load_churn())
    lines = text.splitlines(keepends=True)
    customer, churned, rest = lines[1].split(",", 2)  # churn is the second column
    lines[1] = f"{customer},{'No' if churned == 'Yes' else 'Yes'},{rest}"
    copy.write_text("".join(lines), encoding="utf-8")
    edited = load_churn(copy)
    assert edited["churn"].iloc[0] != load_churn()["churn"].iloc[0]  # the edit is seen, not the kept table


def test_classes_of_your_own_are_not_named():
    import dataclasses

    from sklearn.linear_model import LogisticRegression

    @dataclasses.dataclass
    class Offer:  # its methods could change in the notebook under the same name
        discount: float

    class MyModel(LogisticRegression):
        pass

    Offer.__module__ = MyModel.__module__ = "__main__"
    for value in (Offer(0.1), MyModel(), Offer):
        assert call_name(share_above, (value, "score"), {}) is None
    from churnlab.economics import CampaignEconomics

    assert call_name(share_above, (CampaignEconomics(), "score"), {}) is not None
    assert call_name(share_above, (np.float64, "score"), {}) is not None
