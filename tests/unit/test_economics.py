"""Campaign economics, checked against cases computed by hand."""
import math

import numpy as np
import pandas as pd
import pytest

from churnlab.economics import (
    CampaignEconomics,
    best_threshold,
    expected_campaign_profit,
    profit_at_threshold,
    profit_curve,
    top_k_order,
    top_k_profit,
)
from churnlab.errors import CourseError

# Six customers, scores highest first; churners are the 1st, 2nd and 4th.
Y = [1, 1, 0, 1, 0, 0]
SCORES = [0.9, 0.8, 0.7, 0.4, 0.2, 0.1]
# With the defaults a contacted churner is worth 0.3 × $200 = $60 and every contact costs $10.


# --- the economics themselves ---------------------------------------------------------------


def test_defaults_and_break_even():
    economics = CampaignEconomics()
    assert (economics.value_of_saved_customer, economics.acceptance_rate, economics.cost_per_contact) == (200, 0.3, 10)
    assert economics.break_even_probability == pytest.approx(10 / 60)
    assert CampaignEconomics(cost_per_contact=30).break_even_probability == pytest.approx(0.5)
    assert CampaignEconomics(cost_per_contact=0).break_even_probability == 0


def test_numpy_and_int_inputs_become_floats():
    economics = CampaignEconomics(np.int64(200), np.float32(0.5), 10)
    assert type(economics.value_of_saved_customer) is float
    assert economics == CampaignEconomics(200.0, 0.5, 10.0)


def test_economics_is_frozen():
    with pytest.raises(Exception):
        CampaignEconomics().cost_per_contact = 5


@pytest.mark.parametrize(
    "kwargs, phrase",
    [
        ({"cost_per_contact": -5}, "cannot cost less than $0"),
        ({"acceptance_rate": 30}, "looks like a percentage"),
        ({"acceptance_rate": 1.5}, "looks like a percentage"),
        ({"acceptance_rate": -0.1}, "above 0 and at most 1"),
        ({"acceptance_rate": 0}, "above 0 and at most 1"),
        ({"acceptance_rate": 250}, "above 0 and at most 1"),
        ({"value_of_saved_customer": 0}, "must be worth more than $0"),
        ({"value_of_saved_customer": -200}, "must be worth more than $0"),
        ({"cost_per_contact": float("nan")}, "finite number"),
        ({"cost_per_contact": float("inf")}, "finite number"),
        ({"cost_per_contact": "10"}, "should be a number"),
        ({"value_of_saved_customer": "$200"}, "should be a number"),
        ({"acceptance_rate": True}, "should be one number"),
        ({"acceptance_rate": None}, "should be one number"),
    ],
)
def test_bad_economics_are_rejected_with_a_clear_message(kwargs, phrase):
    with pytest.raises(CourseError) as error:
        CampaignEconomics(**kwargs)
    assert phrase in str(error.value)


def test_acceptance_of_exactly_one_is_fine():
    assert CampaignEconomics(acceptance_rate=1).saving_per_churner_contacted == 200


# --- profit for a chosen set of customers ---------------------------------------------------


def test_expected_campaign_profit_by_hand():
    # Contact the first four: 3 churners × $60 − 4 × $10 = $140.
    assert expected_campaign_profit(Y, [1, 1, 1, 1, 0, 0]) == pytest.approx(140)
    # Only the loyal ones: 0 × $60 − 3 × $10 = −$30.
    assert expected_campaign_profit(Y, [False, False, True, False, True, True]) == pytest.approx(-30)


def test_nobody_and_everybody_contacted():
    assert expected_campaign_profit(Y, [0] * 6) == 0
    # Everyone: 3 × $60 − 6 × $10 = $120.
    assert expected_campaign_profit(Y, [1] * 6) == pytest.approx(120)


def test_other_economics():
    economics = CampaignEconomics(value_of_saved_customer=500, acceptance_rate=0.5, cost_per_contact=30)
    # 3 churners × 0.5 × $500 − 6 × $30 = $570.
    assert expected_campaign_profit(Y, [1] * 6, economics) == pytest.approx(570)


def test_empty_campaign_input_is_zero():
    assert expected_campaign_profit([], []) == 0
    assert profit_curve([], []).empty


# --- thresholds ---------------------------------------------------------------------------


def test_profit_at_threshold_uses_at_or_above():
    # >= 0.7 contacts three customers (2 churners): $120 − $30 = $90.
    assert profit_at_threshold(Y, SCORES, 0.7) == pytest.approx(90)
    # Just above 0.7 contacts two: $120 − $20 = $100.
    assert profit_at_threshold(Y, SCORES, 0.71) == pytest.approx(100)
    assert profit_at_threshold(Y, SCORES, 0.0) == pytest.approx(120)
    assert profit_at_threshold(Y, SCORES, 1.0) == 0
    assert profit_at_threshold(Y, SCORES, math.inf) == 0


def test_profit_curve_by_hand():
    curve = profit_curve(Y, SCORES)
    assert list(curve.columns) == ["threshold", "customers_contacted", "churners_reached", "expected_profit"]
    assert curve["threshold"].tolist() == sorted(SCORES)
    assert curve["customers_contacted"].tolist() == [6, 5, 4, 3, 2, 1]
    assert curve["churners_reached"].tolist() == [3, 3, 3, 2, 2, 1]
    assert curve["expected_profit"].tolist() == pytest.approx([120, 130, 140, 90, 100, 50])


def test_profit_curve_matches_profit_at_threshold_on_random_data():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    scores = np.round(rng.random(300), 2)  # rounding makes many ties
    economics = CampaignEconomics(150, 0.4, 12)
    curve = profit_curve(y, scores, economics)
    assert len(curve) == len(np.unique(scores))
    for row in curve.iloc[::7].itertuples():
        assert row.expected_profit == pytest.approx(profit_at_threshold(y, scores, row.threshold, economics))


def test_profit_curve_with_chosen_thresholds():
    curve = profit_curve(Y, SCORES, thresholds=[0.0, 0.5, 0.95])
    assert curve["customers_contacted"].tolist() == [6, 3, 0]
    assert curve["expected_profit"].tolist() == pytest.approx([120, 90, 0])


def test_ties_share_one_threshold():
    # Four customers tie at 0.5: a threshold contacts all of them or none.
    y, scores = [1, 0, 0, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.9]
    curve = profit_curve(y, scores)
    assert curve["customers_contacted"].tolist() == [5, 1]
    assert curve["churners_reached"].tolist() == [3, 1]


def test_best_threshold_by_hand():
    assert best_threshold(Y, SCORES) == pytest.approx(0.4)  # $140 at >= 0.4
    # At $30 a contact: >= 0.8 gives 2 × $60 − 2 × $30 = $60, the best.
    assert best_threshold(Y, SCORES, CampaignEconomics(cost_per_contact=30)) == pytest.approx(0.8)


def test_best_threshold_prefers_fewer_contacts_on_equal_profit():
    # A contacted churner is worth 0.2 × $100 = $20; a contact costs $10.
    economics = CampaignEconomics(value_of_saved_customer=100, acceptance_rate=0.2, cost_per_contact=10)
    y, scores = [1, 0, 1], [0.9, 0.5, 0.1]
    # >= 0.1: $40 − $30 = $10; >= 0.5: $20 − $20 = $0; >= 0.9: $20 − $10 = $10 → a tie, the higher threshold wins.
    assert profit_curve(y, scores, economics)["expected_profit"].tolist() == pytest.approx([10, 0, 10])
    assert best_threshold(y, scores, economics) == pytest.approx(0.9)


def test_best_threshold_is_inf_when_no_campaign_pays():
    economics = CampaignEconomics(cost_per_contact=100)  # a churner is worth $60 on average
    assert best_threshold(Y, SCORES, economics) == math.inf
    assert profit_at_threshold(Y, SCORES, best_threshold(Y, SCORES, economics), economics) == 0


def test_scores_outside_zero_one_accept_any_threshold():
    points = [5, 4, 3, 1, 0, 0]
    assert profit_at_threshold(Y, points, 3) == pytest.approx(90)
    assert best_threshold(Y, points) == 1


# --- capacity: the top k ---------------------------------------------------------------------


def test_top_k_profit_by_hand():
    assert top_k_profit(Y, SCORES, 2) == pytest.approx(100)
    assert top_k_profit(Y, SCORES, 4) == pytest.approx(140)
    assert top_k_profit(Y, SCORES, 0) == 0
    assert top_k_profit(Y, SCORES, 6) == pytest.approx(120)
    assert top_k_profit(Y, SCORES, 1000) == pytest.approx(120)
    assert top_k_profit(Y, SCORES, np.int64(2)) == pytest.approx(100)
    assert top_k_profit(Y, SCORES, 2.0) == pytest.approx(100)


def test_top_k_ties_are_broken_by_position():
    # Three customers tie at 0.5; with room for two, the first two in the list are contacted.
    y, scores = [0, 1, 1, 0], [0.5, 0.5, 0.5, 0.9]
    assert top_k_order(scores).tolist() == [3, 0, 1, 2]
    assert top_k_profit(y, scores, 3) == pytest.approx(60 - 30)
    # Same customers in another order: same rule, different (but repeatable) campaign.
    assert top_k_profit([1, 1, 0, 0], [0.5, 0.5, 0.5, 0.9], 3) == pytest.approx(120 - 30)


def test_top_k_ties_stay_in_position_order_on_a_long_list():
    # NumPy's default sort is not stable beyond 16 elements: the campaign must still be the first k tied customers.
    scores = np.full(1_000, 0.5)
    scores[[10, 500]] = 0.9
    assert top_k_order(scores)[:5].tolist() == [10, 500, 0, 1, 2]
    y = np.zeros(1_000, dtype=int)
    y[[0, 1, 999]] = 1  # churners at the front of the tie, and one at its end that a room of 4 never reaches
    assert top_k_profit(y, scores, 4) == pytest.approx(2 * 60 - 4 * 10)


def test_pandas_inputs_work():
    y = pd.Series(Y, index=list("abcdef"))
    scores = pd.Series(SCORES, index=list("abcdef"))
    assert profit_at_threshold(y, scores, 0.4) == pytest.approx(140)
    assert top_k_profit(y, scores.to_numpy(), 4) == pytest.approx(140)
    assert expected_campaign_profit(y, scores.ge(0.4)) == pytest.approx(140)
    assert expected_campaign_profit(np.array(Y, dtype=bool), np.array(SCORES) >= 0.4) == pytest.approx(140)


# --- bad inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, phrase",
    [
        (lambda: profit_at_threshold(Y, SCORES[:5], 0.5), "y_true has 6 customers but churn_scores has 5"),
        (lambda: expected_campaign_profit(Y, [1, 0]), "but contacted has 2"),
        (lambda: profit_at_threshold(Y, ["high"] * 6, 0.5), "should be numbers"),
        (lambda: profit_at_threshold(Y, SCORES[:5] + [float("nan")], 0.5), "empty (NaN)"),
        (lambda: profit_at_threshold(Y, SCORES, 50), "50 % is 0.5"),
        (lambda: profit_at_threshold(Y, SCORES, -0.1), "outside 0–1"),
        (lambda: profit_at_threshold(Y, SCORES, 1.2), "outside 0–1"),
        (lambda: profit_at_threshold(Y, SCORES, "0.5"), "should be a number"),
        (lambda: profit_at_threshold(Y, SCORES, float("nan")), "finite number"),
        (lambda: profit_at_threshold(Y, np.column_stack([1 - np.array(SCORES), SCORES]), 0.5), "predict_proba(X_test)[:, 1]"),
        (lambda: profit_at_threshold(["Yes", "No"], [0.1, 0.2], 0.5), "should be 1 for customers who churned"),
        (lambda: profit_at_threshold(SCORES, SCORES, 0.5), "Did you pass scores where the true outcomes go?"),
        (lambda: profit_at_threshold(Y, 0.5, 0.5), "one value per customer"),
        (lambda: expected_campaign_profit(Y, SCORES), "True/False (or 1/0)"),
        (lambda: top_k_profit(Y, SCORES, -1), "negative number of customers"),
        (lambda: top_k_profit(Y, SCORES, 2.5), "whole number"),
        (lambda: top_k_profit(Y, SCORES, "10"), "whole number"),
        (lambda: profit_curve(Y, SCORES, economics={"cost_per_contact": 10}), "should be a CampaignEconomics"),
        (
            lambda: profit_at_threshold(pd.Series(Y, index=list("abcdef")), pd.Series(SCORES, index=list("fedcba")), 0.5),
            "in another order",
        ),
        (lambda: profit_curve(Y, SCORES, thresholds=[0.5, 2]), "outside 0–1"),
    ],
)
def test_bad_inputs_give_a_clear_message(call, phrase):
    with pytest.raises(CourseError) as error:
        call()
    assert phrase in str(error.value)


def test_profit_curve_covers_every_customer_count_on_many_customers():
    # Its speed is reported by tools/benchmark.py --functions (a timed test fails on a busy machine).
    rng = np.random.default_rng(1)
    y, scores = rng.integers(0, 2, 20_000), rng.random(20_000)
    curve = profit_curve(y, scores)
    assert len(curve) == 20_000


# --- the lesson tables ---------------------------------------------------------------------------

from churnlab.economics import compare_campaigns, describe_threshold, threshold_table  # noqa: E402


def test_threshold_table_by_hand():
    table = threshold_table(Y, SCORES, [0.4, 0.95])
    first = table.iloc[0]
    # >= 0.4: four contacted, 3 churners reached, 1 loyal bothered, 0 missed.
    assert first["customers contacted"] == 4 and first["churners reached"] == 3
    assert first["loyal customers bothered"] == 1 and first["churners missed"] == 0
    assert first["precision"] == pytest.approx(0.75) and first["recall"] == pytest.approx(1.0)
    assert first["F1"] == pytest.approx(2 * 0.75 / 1.75)
    assert first["expected profit ($)"] == pytest.approx(140)
    nobody = table.iloc[1]
    assert nobody["customers contacted"] == 0 and nobody["precision"] == 0 and nobody["F1"] == 0
    assert nobody["churners missed"] == 3


def test_describe_threshold_reads_in_customers_and_dollars():
    text = describe_threshold(Y, SCORES, 0.4)
    assert "contact 4 customers" in text and "loyal customers we bother:      1\n" in text and "$140" in text


def test_compare_campaigns_by_hand():
    table = compare_campaigns(
        Y,
        {"everyone": [1] * 6, "top two": [1, 1, 0, 0, 0, 0]},
        scores={"top two": SCORES},
        economics={"$10": CampaignEconomics(), "$30": CampaignEconomics(cost_per_contact=30)},
    )
    assert table.loc["everyone", "customers contacted"] == 6
    assert table.loc["everyone", "precision"] == pytest.approx(0.5)
    assert table.loc["top two", "recall"] == pytest.approx(2 / 3)
    assert table.loc["top two", "F1"] == pytest.approx(0.8)
    assert math.isnan(table.loc["everyone", "ROC-AUC"])
    assert table.loc["top two", "ROC-AUC"] == pytest.approx(8 / 9)
    assert table.loc["everyone", "$10"] == pytest.approx(120) and table.loc["everyone", "$30"] == pytest.approx(0)
    assert table.loc["top two", "$30"] == pytest.approx(60)


def test_compare_campaigns_rejects_mismatches():
    with pytest.raises(CourseError, match="not one of the campaigns"):
        compare_campaigns(Y, {"a": [1] * 6}, scores={"b": SCORES})
    with pytest.raises(CourseError, match="has 2"):
        compare_campaigns(Y, {"a": [1, 0]})
    with pytest.raises(CourseError, match="both churners and loyal"):
        compare_campaigns([1, 1], {"a": [1, 0]})


def test_threshold_table_defaults_to_every_distinct_score():
    table = threshold_table(Y, SCORES)
    assert table["threshold"].tolist() == sorted(SCORES)
    assert table["F1"].max() == pytest.approx(2 * 0.75 / 1.75)


def test_dollars():
    from churnlab.economics import dollars

    assert dollars(12010.0000001) == "$12,010"
    assert dollars(-3450) == "-$3,450"
    assert dollars(-0.2) == "$0"
    assert dollars(0) == "$0"


# --- ties at the cut, and calibration (lessons 03-04) ----------------------------------------------------


def test_top_k_ties_at_random_share_the_calls_among_the_tied_customers():
    # Scores 3, 2, 2, 2, 1: two calls go to the 3 and to one of the three 2s, on average 1/3 of a call each.
    from churnlab.economics import top_k_contact_share, top_k_profit_per_customer

    scores = [3, 2, 2, 2, 1]
    assert top_k_contact_share(scores, 2).tolist() == [1, 1, 0, 0, 0]
    assert top_k_contact_share(scores, 2, ties="at random") == pytest.approx([1, 1 / 3, 1 / 3, 1 / 3, 0])
    assert top_k_contact_share(scores, 4, ties="at random").tolist() == [1, 1, 1, 1, 0]
    assert top_k_contact_share(scores, 0, ties="at random").tolist() == [0] * 5
    # Churners are the 1st and the 3rd: 1 churner for sure, and on average 1/3 of the tied group's one churner.
    y = [1, 0, 1, 0, 0]
    assert top_k_profit(y, scores, 2, ties="at random") == pytest.approx((1 + 1 / 3) * 60 - 2 * 10)
    assert top_k_profit_per_customer(y, scores, 2, ties="at random").sum() == pytest.approx(top_k_profit(y, scores, 2, ties="at random"))


def test_top_k_ties_at_random_is_the_average_over_random_orders():
    from churnlab.economics import top_k_contact_share

    rng = np.random.default_rng(0)
    scores = rng.integers(0, 4, 60)
    average = np.zeros(60)
    for _ in range(3000):
        order = rng.permutation(60)
        shuffled = top_k_contact_share(scores[order], 25)  # by position, in a random order
        average[order] += shuffled / 3000
    assert average == pytest.approx(top_k_contact_share(scores, 25, ties="at random"), abs=0.03)


def test_calibration_table_matches_scikit_learn_and_gives_each_band_its_interval():
    from sklearn.calibration import calibration_curve

    from churnlab.economics import calibration_table

    rng = np.random.default_rng(1)
    scores = rng.random(2000)
    y = (rng.random(2000) < scores).astype(int)
    table = calibration_table(y, scores)
    share, average = calibration_curve(y, scores, n_bins=10)
    assert table["share who churned"].to_numpy() == pytest.approx(share)
    assert table["average score"].to_numpy() == pytest.approx(average)
    assert table["customers"].sum() == 2000
    assert (table["low"] <= table["share who churned"]).all() and (table["share who churned"] <= table["high"]).all()
    assert table["score band"].iloc[0] == "0.0–0.1"


def test_profit_columns_name_each_economics_by_its_contact_cost_without_a_dollar_sign():
    from churnlab.economics import profit_columns

    cheap, expensive = CampaignEconomics(cost_per_contact=10), CampaignEconomics(cost_per_contact=30)
    columns = profit_columns(cheap, expensive)
    assert columns == {"profit, 10-dollar contacts": cheap, "profit, 30-dollar contacts": expensive}
    assert list(profit_columns(CampaignEconomics(cost_per_contact=2.5))) == ["profit, 2.5-dollar contacts"]
    assert not any("$" in name for name in columns)  # JupyterLab would pair two $ of one table into maths
    with pytest.raises(CourseError, match="same name"):
        profit_columns(cheap, CampaignEconomics(value_of_saved_customer=300, cost_per_contact=10))
