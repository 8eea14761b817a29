"""Lesson 03 questions: the right answers pass, and each mistake a PM plausibly makes gets its own message.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike; this file adds what is lesson 03's own.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score  # noqa: E402

from churnlab import plots  # noqa: E402
from churnlab.data import load_churn  # noqa: E402
from churnlab.economics import CampaignEconomics, calibration_table, threshold_table, top_k_profit  # noqa: E402
from churnlab.exercises import lesson03  # noqa: E402
from churnlab.exercises.lesson03 import q1, q2, q3, q4, q5, q6  # noqa: E402
from churnlab.model import make_churn_model, split_customers  # noqa: E402

from answers import assert_right, assert_solution_right  # noqa: E402

split = split_customers(load_churn())
y_test = split.y_test
model = make_churn_model().fit(split.X_train, split.y_train)
churn_scores = model.predict_proba(split.X_test)[:, 1]
economics, expensive = CampaignEconomics(), CampaignEconomics(cost_per_contact=30)
at_030 = churn_scores >= 0.3
calibration = calibration_table(y_test, churn_scores).set_index("score band")
band = calibration.loc["0.4–0.5"]


def bothered(threshold: float) -> int:
    return int(((churn_scores >= threshold) & (y_test.to_numpy() == 0)).sum())


def precision_at(threshold: float) -> float:
    return float(precision_score(y_test, churn_scores >= threshold))


RIGHT_ANSWERS = {
    "q1": [262, bothered(0.3), 262.0],
    "q2": [0.519, precision_at(0.3), 283 / 545],
    "q3": [0.375, CampaignEconomics(acceptance_rate=0.40, cost_per_contact=30).break_even_probability, 30 / (0.40 * 200)],
    "q4": [2820, 2820.0, top_k_profit(y_test, churn_scores, 300, expensive)],
    "q5": [0.333, band["share who churned"], 40 / 120],
    "q6": [324, 324.0],
}

WRONG_ANSWERS = {
    "q1": [
        (283, "the churners we call (bottom right)"),
        (91, "the churners we miss (bottom left)"),
        (773, "the loyal customers we leave alone (top left)"),
        (545, "everyone we contact"),
        (bothered(0.5), "the chart at threshold 0.5"),
        (bothered(0.2), "the chart at threshold 0.2"),
        (bothered(0.4), "the chart at threshold 0.4"),
        (0, "typed as 30 instead of 0.3"),  # the chart drawn with churn_scores >= 30
        (262 / 545, "a count of customers"),
        ("262", "Remove the quotes"),
        (1, "loyal_bothered is 1"),
    ],
    "q2": [
        (recall_score(y_test, at_030), "That is recall"),
        (0.757, "That is recall"),
        (f1_score(y_test, at_030), "That is F1"),
        (1 - precision_at(0.3), "share of contacts who are *loyal*"),
        (precision_at(0.2), "precision at threshold 0.2"),
        (precision_at(0.4), "precision at threshold 0.4"),
        (0.657, "precision at threshold 0.5"),  # the lesson's printed precision at 0.5
        (51.9, "looks like a percentage"),
        (accuracy_score(y_test, at_030), "That is accuracy"),
        (0.52, "looks like a rounded number"),
        (0.5, "precision_at_030 is 0.5"),
        (0.265, "precision_at_030 is 0.265"),
    ],
    "q3": [
        (0.5, "keeps the old acceptance rate"),
        (0.125, "keeps the old cost of $10"),
        (10 / 60, "the lesson's defaults"),
        (80 / 30, "upside down"),
        (30 / 200, "leaves out the acceptance rate"),
        (37.5, "looks like a percentage"),
        (0.40, "0.40 is the acceptance rate"),
        ("0.375", "Remove the quotes"),
        (0, "break_even_richer is 0"),
        (1, "break_even_richer is 1"),
    ],
    "q4": [
        (8820, "profit at $10 a call"),
        (-2820, "wrong sign"),
        (2580, "the row of 200 calls"),
        (2160, "the row of 400 calls"),
        (1140, "the row of 500 calls"),
        (6580, "the row of 200 calls, at $10"),
        (300, "300 is the number of calls"),
        ("2,820", "Remove the quotes and the commas"),
        ("$2,820", "the $ sign and the commas"),
        (0, "profit_300_calls is 0"),
        (0.5, "profit_300_calls is 0"),
    ],
    "q5": [
        (0.454, "the band's average score"),
        (band["average score"], "the band's average score"),
        (0.255, "the low end"),
        (0.422, "the high end"),
        (0.667, "the share who *stayed*"),
        (33.3, "looks like a percentage"),
        (120, "how many customers the band holds"),
        (0.318, "in the band 0.3–0.4"),
        (0.556, "in the band 0.5–0.6"),
        (0.346, "average score of the band 0.3–0.4"),
        (0.45, "a score in the band's name"),
        (0.33, "looks like a rounded number"),
        ("0.333", "Remove the quotes"),
        (0, "churned_040_050 is 0"),
    ],
    "q6": [
        (300, "another number of calls earns more"),  # the best row of the table, not the best capacity
        (326, "fewer calls earn it too"),
        (3060, "That is the best profit"),
        (785, "best number of calls at $10"),
        (int((churn_scores >= 0.5).sum()), "above the $30 break-even"),
        (324.5, "a whole number"),
        (0, "0 calls earn $0"),
        (1, "1 calls earn"),
    ],
}


def learner_namespace() -> dict:
    """What the exercise's set-up cells define."""
    return {"y_test": y_test, "churn_scores": churn_scores, "plots": plots, "CampaignEconomics": CampaignEconomics,
            "top_k_profit": top_k_profit, "expensive": expensive, "np": np}


@pytest.mark.parametrize("question", [q1, q2, q3, q4, q5, q6], ids=lambda q: q.label)
def test_the_solution_code_run_as_a_learner_would_is_right(question):
    assert_solution_right(question, learner_namespace())


def test_exports():
    assert lesson03.__all__ == ["q1", "q2", "q3", "q4", "q5", "q6", "____"]


def test_q1_the_chart_shows_the_number_the_check_wants():
    ax = plots.confusion_in_customer_words(y_test, at_030, title="Your campaign")
    shown = " ".join(text.get_text() for text in ax.texts)
    plt.close("all")
    assert "262" in shown, shown


def test_q2_the_table_prints_the_precision_the_check_wants():
    table = threshold_table(y_test, churn_scores, [0.2, 0.3, 0.4, 0.5], economics).set_index("threshold")
    assert f"{table.loc[0.3, 'precision']:.3f}" == "0.519"
    assert "51.9% of the customers we call are churners" in assert_right(q2, 0.519)


def test_q4_the_table_prints_the_profit_the_check_wants():
    assert int(top_k_profit(y_test, churn_scores, 300, expensive)) == 2820


def test_q5_the_table_prints_the_share_the_check_wants_and_its_interval_misses_the_score():
    table = calibration.round(3)
    assert table.loc["0.4–0.5", "share who churned"] == 0.333 and table.loc["0.4–0.5", "customers"] == 120
    assert band["high"] < band["average score"]  # the one band whose interval misses its score, as the lesson says
    others = calibration.drop(index="0.4–0.5")
    assert ((others["low"] <= others["average score"]) & (others["average score"] <= others["high"])).all()
    assert "33.3% churned against an average score of 0.454" in assert_right(q5, 0.333)


def test_q6_several_capacities_tie_and_the_smallest_is_asked():
    profits = np.array([top_k_profit(y_test, churn_scores, k, expensive) for k in range(len(y_test) + 1)])
    assert np.flatnonzero(profits == profits.max()).tolist()[:2] == [324, 326]
