"""Whiteboard churn rules: hand-made customers, then the real test set."""
import pandas as pd
import pytest

from churnlab.errors import CourseError
from churnlab.rules import (
    RISK_SIGNALS,
    RULE_DESCRIPTIONS,
    RULES,
    flag_risk_points,
    month_to_month,
    month_to_month_and_new,
    risk_points,
    risk_signals,
)


def customers_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contract": ["Month-to-month", "Month-to-month", "One year", "Two year", "Month-to-month"],
            "tenure": [3, 12, 2, 60, 11],
            "payment_method": ["Electronic check", "Mailed check", "Electronic check", "Credit card (automatic)", "Bank transfer (automatic)"],
            "internet_service": ["Fiber optic", "DSL", "No", "Fiber optic", "DSL"],
            "tech_support": ["No", "No", "No internet service", "Yes", "Yes"],
            "monthly_charges": [90.0, 50.0, 20.0, 100.0, 45.0],
        },
        index=pd.Index(["A", "B", "C", "D", "E"], name="customer_id"),
    )


def test_month_to_month():
    flags = month_to_month(customers_table())
    assert flags.tolist() == [1, 1, 0, 0, 1]
    assert flags.index.equals(customers_table().index)
    assert flags.dtype == "int64"


def test_month_to_month_and_new_is_strictly_below_months():
    X = customers_table()
    assert month_to_month_and_new(X).tolist() == [1, 0, 0, 0, 1]  # tenure 12 is not "new"
    assert month_to_month_and_new(X, months=13).tolist() == [1, 1, 0, 0, 1]
    assert month_to_month_and_new(X, months=0).tolist() == [0, 0, 0, 0, 0]


def test_risk_points_by_hand():
    X = customers_table()
    # A: m2m, new, e-check, fiber, no support = 5; B: m2m, no support = 2; C: new, e-check = 2
    # (no internet, so no tech-support point); D: fiber = 1; E: m2m, new = 2.
    assert risk_points(X).tolist() == [5, 2, 2, 1, 2]
    assert risk_points(X).index.equals(X.index)
    assert list(risk_signals(X).columns) == list(RISK_SIGNALS)
    assert risk_signals(X).sum(axis=1).tolist() == risk_points(X).tolist()


def test_flag_risk_points():
    X = customers_table()
    assert flag_risk_points(X).tolist() == [1, 0, 0, 0, 0]
    assert flag_risk_points(X, at_least=2).tolist() == [1, 1, 1, 0, 1]
    assert flag_risk_points(X, at_least=0).tolist() == [1] * 5
    assert flag_risk_points(X, at_least=6).tolist() == [0] * 5


def test_rules_registry():
    X = customers_table()
    assert set(RULES) == set(RULE_DESCRIPTIONS)
    for name, rule in RULES.items():
        result = rule(X)
        assert isinstance(result, pd.Series), name
        assert result.index.equals(X.index), name
    assert RULES["risk_points_at_least_3"](X).tolist() == [1, 0, 0, 0, 0]


@pytest.mark.parametrize(
    "call, phrase",
    [
        (lambda: month_to_month([1, 2, 3]), "should be a table of customers"),
        (lambda: month_to_month(customers_table().drop(columns="contract")), "no column 'contract'"),
        (lambda: risk_points(customers_table().drop(columns="tech_support")), "no column 'tech_support'"),
        (lambda: month_to_month_and_new(customers_table(), months="12"), "Remove the quotes"),
        (lambda: month_to_month_and_new(customers_table(), months=-1), "0 or more"),
        (lambda: flag_risk_points(customers_table(), at_least=2.5), "whole number"),
    ],
)
def test_bad_inputs(call, phrase):
    with pytest.raises(CourseError) as error:
        call()
    assert phrase in str(error.value)


def test_rules_on_the_course_test_set():
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    from churnlab.data import load_churn
    from churnlab.model import split_customers

    split = split_customers(load_churn())
    X, y = split.X_test, split.y_test
    assert precision_score(y, month_to_month(X)) == pytest.approx(0.426, abs=5e-4)
    assert recall_score(y, month_to_month(X)) == pytest.approx(0.880, abs=5e-4)
    assert f1_score(y, month_to_month_and_new(X)) == pytest.approx(0.541, abs=5e-4)
    assert roc_auc_score(y, risk_points(X)) == pytest.approx(0.815, abs=5e-4)
    assert f1_score(y, flag_risk_points(X)) == pytest.approx(0.603, abs=5e-4)
    # The full customers table works too (it has the same columns).
    assert len(month_to_month(load_churn())) == 7043


# --- campaigns_to_compare (lesson 04, section 3) --------------------------------------------------


def test_campaigns_to_compare_lines_up_lesson_04s_campaigns():
    from churnlab.model import course_model, course_split
    from churnlab.rules import (
        campaigns_to_compare,
        month_to_month,
        month_to_month_and_new,
        risk_points,
    )

    split = course_split()
    scores = pd.Series(course_model().predict_proba(split.X_test)[:, 1], index=split.X_test.index)
    campaigns, ranking = campaigns_to_compare(split.X_test, scores, scorecard_cut_offs=(3, 2), model_thresholds=(0.1667, 0.5))
    assert list(campaigns) == ["contact everyone", "rule: month-to-month", "rule: month-to-month & new",
                               "scorecard ≥ 3 points", "scorecard ≥ 2 points", "model ≥ 0.167", "model ≥ 0.500"]
    assert campaigns["contact everyone"].eq(1).all() and campaigns["contact everyone"].index.equals(split.X_test.index)
    assert campaigns["rule: month-to-month"].equals(month_to_month(split.X_test))
    assert campaigns["rule: month-to-month & new"].equals(month_to_month_and_new(split.X_test))
    points = risk_points(split.X_test)
    assert campaigns["scorecard ≥ 2 points"].tolist() == points.ge(2).astype(int).tolist()
    assert campaigns["model ≥ 0.500"].tolist() == scores.ge(0.5).astype(int).tolist()
    # Only what ranks customers gets a ranking score: the scorecard its points, the model its probabilities.
    assert set(ranking) == {"scorecard ≥ 3 points", "scorecard ≥ 2 points", "model ≥ 0.167", "model ≥ 0.500"}
    assert ranking["scorecard ≥ 3 points"].equals(points) and ranking["model ≥ 0.167"].equals(scores)
    one, _ = campaigns_to_compare(split.X_test, scores, scorecard_cut_offs=4, model_thresholds=0.3)  # one value each works
    assert list(one)[-2:] == ["scorecard ≥ 4 points", "model ≥ 0.300"]


def test_campaigns_to_compare_needs_scores_for_the_same_customers():
    from churnlab.model import course_model, course_split
    from churnlab.rules import campaigns_to_compare

    split = course_split()
    scores = course_model().predict_proba(split.X_test)[:, 1]
    with pytest.raises(CourseError, match="5,634"):
        campaigns_to_compare(split.X_train, scores)
    with pytest.raises(CourseError, match="0.167"):
        campaigns_to_compare(split.X_test, scores, model_thresholds=16.7)
