"""churnlab.model: the course's split and model recipe are fixed, fair and quiet."""
from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from churnlab.data import DATA_DICTIONARY, load_churn
from churnlab.model import (
    CATEGORICAL_FEATURES,
    FEATURES,
    NUMERIC_FEATURES,
    SCIPY_IPRINT_WARNING,
    churn_label,
    features_and_label,
    make_churn_model,
    split_customers,
)


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_churn()


@pytest.fixture(scope="module")
def split(customers):
    return split_customers(customers)


@pytest.fixture(scope="module")
def fitted(split):
    return make_churn_model().fit(split.X_train, split.y_train)


def test_split_sizes(split):
    assert len(split.X_train) == len(split.y_train) == 5634
    assert len(split.X_test) == len(split.y_test) == 1409


def test_split_is_stratified(split):
    assert int(split.y_test.sum()) == 374
    assert int(split.y_train.sum()) == 1869 - 374
    assert abs(split.y_test.mean() - split.y_train.mean()) < 0.001


def test_split_is_the_same_every_time(customers, split):
    again = split_customers(customers)
    assert again.X_test.index.equals(split.X_test.index)
    assert again.y_train.index.equals(split.y_train.index)
    pd.testing.assert_frame_equal(again.X_train, split.X_train)


def test_no_customer_is_in_both_parts(split):
    train_ids, test_ids = set(split.X_train.index), set(split.X_test.index)
    assert not train_ids & test_ids
    assert len(train_ids | test_ids) == 7043
    assert split.X_train.index.equals(split.y_train.index)
    assert split.X_test.index.equals(split.y_test.index)


def test_features_and_label(customers):
    X, y = features_and_label(customers)
    assert X.index.name == y.index.name == "customer_id"
    assert X.index[0] == "C0001"
    assert list(X.columns) == list(FEATURES)
    assert y.name == "churned"
    assert set(y.unique()) == {0, 1}
    assert y.sum() == 1869
    assert (churn_label(customers).to_numpy() == y.to_numpy()).all()


def test_gender_and_ids_are_not_features():
    assert "female" not in FEATURES
    assert "customer_id" not in FEATURES
    assert "churn" not in FEATURES
    # Every other column of the data dictionary is used exactly once.
    others = {c.name for c in DATA_DICTIONARY} - {"female", "customer_id", "churn"}
    assert sorted(FEATURES) == sorted(others)
    assert len(FEATURES) == len(set(FEATURES)) == 18
    assert set(NUMERIC_FEATURES).isdisjoint(CATEGORICAL_FEATURES)


def test_model_ranks_test_customers_well(split, fitted):
    churn_scores = fitted.predict_proba(split.X_test)[:, 1]
    test_auc = roc_auc_score(split.y_test, churn_scores)
    assert 0.835 <= test_auc <= 0.85


def test_empty_total_charges_are_handled(customers, fitted):
    new_customers = customers[customers["total_charges"].isna()]
    X_new, _ = features_and_label(new_customers)
    scores = fitted.predict_proba(X_new)[:, 1]
    assert len(scores) == 11
    assert ((scores > 0) & (scores < 1)).all()


def test_smaller_C_is_a_simpler_model(split):
    strong = make_churn_model(C=0.01).fit(split.X_train, split.y_train)
    weak = make_churn_model(C=1.0).fit(split.X_train, split.y_train)
    assert abs(strong[-1].coef_).sum() < abs(weak[-1].coef_).sum()


def test_fitting_and_predicting_on_dataframes_gives_no_warning(split):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # convergence, feature-name or future warnings fail the test...
        # ...except scipy's own DeprecationWarning raised inside sklearn 1.6.1 (Colab's) with newer scipy:
        # hidden by default, and not ours to fix.
        warnings.filterwarnings("ignore", message="scipy.optimize", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=SCIPY_IPRINT_WARNING)  # the same pair with SciPy >= 1.18
        model = make_churn_model().fit(split.X_train, split.y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # predictions: no warning at all
        model.predict_proba(split.X_test)
        model.predict(split.X_test)
        model.predict_proba(split.X_test.head(1))


def test_only_scipys_iprint_message_is_hidden():
    # Colab's scikit-learn with SciPy >= 1.18 warns on every fit; other warnings must still show.
    # A fresh process: pytest resets warning filters around each test.
    code = ("import warnings, churnlab.model\n"
            f"warnings.warn({SCIPY_IPRINT_WARNING!r}, UserWarning)\n"
            "warnings.warn('Unknown solver options: maxiter_typo (a real problem)', UserWarning)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "maxiter_typo" in result.stderr and "iprint" not in result.stderr


def test_the_champion_is_exactly_the_model_lesson_05_registers():
    from churnlab.data import load_churn
    from churnlab.model import CHAMPION_C, champion_model, make_churn_model, split_customers

    split = split_customers(load_churn())
    registered = make_churn_model(C=0.1).fit(split.X_train, split.y_train)  # lesson 05's "model C=0.1" run
    assert CHAMPION_C == 0.1 and champion_model() is champion_model()  # fitted once per session
    np.testing.assert_array_equal(champion_model().predict_proba(split.X_test), registered.predict_proba(split.X_test))


def test_blas_runs_on_one_thread_once_the_model_module_is_imported():
    # Several BLAS threads made each fit of the course's small tables 4 times as costly (churnlab/model.py).
    from threadpoolctl import threadpool_info

    import churnlab.model  # noqa: F401

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas), blas


def test_out_of_fold_scores_come_from_models_that_never_saw_the_customer(split):
    from sklearn.model_selection import StratifiedKFold

    from churnlab.model import out_of_fold_scores

    scores = out_of_fold_scores(split.X_train, split.y_train)
    assert scores.shape == (len(split.X_train),) and ((scores > 0) & (scores < 1)).all()
    assert np.array_equal(scores, out_of_fold_scores(split.X_train, split.y_train))  # seeded: the same every time
    # each fold's scores are those of a model trained on the other folds only
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42).split(split.X_train, split.y_train)
    kept, held_out = next(folds)
    alone = make_churn_model().fit(split.X_train.iloc[kept], split.y_train.iloc[kept])
    # exactly: the text columns are read as plain strings inside, the same one-hot columns as the learner's table gives
    assert np.array_equal(scores[held_out], alone.predict_proba(split.X_train.iloc[held_out])[:, 1])
    # honest scores rank the training customers less well than a model that saw them, about as well as test customers
    seen = make_churn_model().fit(split.X_train, split.y_train).predict_proba(split.X_train)[:, 1]
    assert roc_auc_score(split.y_train, scores) < roc_auc_score(split.y_train, seen)
    assert 0.82 < roc_auc_score(split.y_train, scores) < 0.87


@pytest.mark.parametrize("C", [1.0, 0.1])
def test_out_of_fold_scores_are_the_pipelines_cross_validated_scores_to_the_last_bit(split, C):
    # out_of_fold_scores one-hot encodes once instead of once per fold (lesson 03 waits less): the numbers stay
    # exactly those of running the whole pipeline on each fold.
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from churnlab.model import out_of_fold_scores

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
    pipeline = cross_val_predict(make_churn_model(C=C), split.X_train, split.y_train, cv=folds, method="predict_proba")[:, 1]
    assert np.array_equal(out_of_fold_scores(split.X_train, split.y_train, C=C), pipeline)


def test_out_of_fold_scores_fit_the_whole_pipeline_on_a_fold_that_misses_a_category(split):
    # one customer with a contract nobody else has: the fold that holds them out learns no column for it
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from churnlab.model import out_of_fold_scores

    X, y = split.X_train.iloc[:800].copy(), split.y_train.iloc[:800]
    X.loc[X.index[0], "contract"] = "Three year"
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
    pipeline = cross_val_predict(make_churn_model(), X, y, cv=folds, method="predict_proba")[:, 1]
    assert np.array_equal(out_of_fold_scores(X, y), pipeline)


def test_score_customers_keeps_each_probability_next_to_its_customer():
    from churnlab.model import course_model, course_split, score_customers

    split, model = course_split(), course_model()
    scores = score_customers(model, split.X_test)
    assert scores.index.equals(split.X_test.index)
    assert np.array_equal(scores.to_numpy(), model.predict_proba(split.X_test)[:, 1])
    shuffled = split.X_test.sample(frac=1, random_state=0)
    assert score_customers(model, shuffled).loc[split.X_test.index].equals(scores)  # follows the customers, not the rows
