"""Natural mistakes with churnlab.abtest and lesson 07's charts, and the phrase each message must hold (format: tests/mistakes/mistakes.py)."""
from __future__ import annotations

from functools import cache

import numpy as np
from mistakes import Mistake

from churnlab import abtest, records, plots, world

ARMS = {"model": "model", "rule": "rule", "hold-out": "none"}


@cache
def _test():
    return world.ab_test(ARMS, split=(45, 45, 10))


@cache
def _ab():
    return world.simulate(months=2, seed=3, customers=600, policy=_test(), labels_as_of="2027-05-01")


@cache
def _cohort():
    return abtest.customers_under_review(_ab())


@cache
def _unlabelled():
    return abtest.customers_under_review(world.simulate(months=1, seed=3, customers=600, policy=_test()))


@cache
def _comparison():
    return abtest.compare_arms(_cohort(), "model", "hold-out")


@cache
def _srm():
    return abtest.sample_ratio_check(_ab().assignments, _test())


@cache
def _one_month():
    return _cohort()[_cohort()["month"] == 1]


MISTAKES = [
    # detectable_lift: the margin in points, no customers
    Mistake("abtest.detectable_lift", "the margin in points", lambda course: abtest.detectable_lift(0.224, 1.62, 900),
            "looks like a percentage"),
    Mistake("abtest.detectable_lift", "no customers", lambda course: abtest.detectable_lift(0.224, 0.0162, 0),
            "at least 1 each"),
    # compare_arms with CUPED: a column the cohort lacks, a column with nothing to adjust for
    Mistake("abtest.compare_arms", "CUPED on a column the cohort lacks",
            lambda course: abtest.compare_arms(_cohort(), "model", "hold-out", adjust_for="score"), "no column 'score'"),
    Mistake("abtest.compare_arms", "CUPED on a constant",
            lambda course: abtest.compare_arms(_cohort().assign(flat=1.0), "model", "hold-out", adjust_for="flat"),
            "nothing to adjust for"),
    # kinds_by_score_band / share_kept: the simulation and the cohort swapped, bands that do not rise, one arm twice
    Mistake("abtest.kinds_by_score_band", "the cohort where the simulation goes",
            lambda course: abtest.kinds_by_score_band(_cohort(), _ab()), "result of world.simulate"),
    Mistake("abtest.kinds_by_score_band", "bands as percentages",
            lambda course: abtest.kinds_by_score_band(_ab(), _cohort(), bands=[0, 30, 50, 100]), "rising score cut-offs"),
    Mistake("abtest.share_kept", "the same arm twice",
            lambda course: abtest.share_kept(_cohort(), "model", "model"), "compare the called arm with the hold-out"),
    Mistake("abtest.share_kept", "a misspelt arm",
            lambda course: abtest.share_kept(_cohort(), "model", "holdout"), "hold-out"),
    # score_check: the whole simulation; detectable_effects: a bare table
    Mistake("abtest.score_check", "the whole simulation", lambda course: abtest.score_check(_ab()), "not the whole simulation"),
    Mistake("plots.detectable_effects", "a bare table",
            lambda course: plots.detectable_effects(abtest.power_curve(0.25, None, 0.01, 2654, 0.45)), "should be a dict"),
    Mistake("plots.detectable_effects", "references as a number",
            lambda course: plots.detectable_effects({"a": abtest.power_curve(0.25, None, 0.01, 2654, 0.45)}, 0.02),
            "should be a dict"),
    # customers_under_review: a table where the simulation goes, a percentage threshold, a misspelt rule
    Mistake("abtest.customers_under_review", "one of the simulation's tables",
            lambda course: abtest.customers_under_review(_ab().assignments), "not one of its tables"),
    Mistake("abtest.customers_under_review", "a threshold as a percentage",
            lambda course: abtest.customers_under_review(_ab(), threshold=16.7), "looks like a percentage"),
    Mistake("abtest.customers_under_review", "a misspelt rule",
            lambda course: abtest.customers_under_review(_ab(), rule="month-to-month"), "did you mean 'month_to_month'"),
    # compare_lists and traits_by_list: the simulation, or a log, instead of the customers under review
    Mistake("abtest.compare_lists", "the whole simulation", lambda course: abtest.compare_lists(_ab()),
            "not the whole simulation"),
    Mistake("abtest.compare_lists", "the customer log", lambda course: abtest.compare_lists(_ab().customers),
            "has no column 'lists'"),
    Mistake("abtest.traits_by_list", "the whole simulation", lambda course: abtest.traits_by_list(_ab()),
            "abtest.customers_under_review(simulation)"),
    Mistake("abtest.traits_by_list", "the prediction log", lambda course: abtest.traits_by_list(_ab().predictions),
            "has no column 'lists'"),
    # expected_churn: percentages, scores where the calls go, different customers, failed scores
    Mistake("abtest.expected_churn", "outcomes in percent",
            lambda course: abtest.expected_churn(course.split.y_test * 100, course.scores >= 0.5), "between 0 and 1"),
    Mistake("abtest.expected_churn", "the scores instead of who is called",
            lambda course: abtest.expected_churn(course.split.y_test, course.scores), "True/False"),
    Mistake("abtest.expected_churn", "outcomes of the training customers",
            lambda course: abtest.expected_churn(course.split.y_train, course.scores >= 0.5), "the same customers"),
    Mistake("abtest.expected_churn", "scores with failed calls",
            lambda course: abtest.expected_churn(_cohort()["churn_score"].where(_cohort().index > 0), _cohort()["model_picks"]),
            "empty (NaN)"),
    Mistake("abtest.expected_churn", "the outcomes as text",
            lambda course: abtest.expected_churn(course.customers["churn"], course.customers["contract"].eq("Month-to-month")),
            "not texts"),
    # sample_size: percentages, no difference, power as a percentage, an alpha too large
    Mistake("abtest.sample_size", "churn rates in percent", lambda course: abtest.sample_size(26.5, 19.4),
            "looks like a percentage"),
    Mistake("abtest.sample_size", "the same rate twice", lambda course: abtest.sample_size(0.265, 0.265),
            "no difference to detect"),
    Mistake("abtest.sample_size", "power in percent", lambda course: abtest.sample_size(0.265, 0.194, power=80),
            "looks like a percentage"),
    Mistake("abtest.sample_size", "a 50 % significance level", lambda course: abtest.sample_size(0.265, 0.194, alpha=0.5),
            "usually 0.05"),
    Mistake("abtest.sample_size", "a rate as text", lambda course: abtest.sample_size("26.5 %", 0.194), "Remove the quotes"),
    Mistake("abtest.sample_size", "a ratio of zero", lambda course: abtest.sample_size(0.265, 0.194, ratio=0), "above 0"),
    # smallest_lift_worth_detecting: a yearly cost per customer, a percentage, no cost at all
    Mistake("abtest.smallest_lift_worth_detecting", "a negative cost",
            lambda course: abtest.smallest_lift_worth_detecting(-1500, 2654), "0 or more"),
    Mistake("abtest.smallest_lift_worth_detecting", "extra contacts in percent",
            lambda course: abtest.smallest_lift_worth_detecting(1500, 2654, extra_contacts_per_customer=2.4),
            "between -1 and 1"),
    Mistake("abtest.smallest_lift_worth_detecting", "no cost and no extra calls",
            lambda course: abtest.smallest_lift_worth_detecting(0, 2654), "Give the change's monthly cost"),
    Mistake("abtest.smallest_lift_worth_detecting", "a yearly cost where the monthly one goes",
            lambda course: abtest.smallest_lift_worth_detecting(-600_000, 2654), "0 or more"),
    Mistake("abtest.smallest_lift_worth_detecting", "customers per month swapped with the cost",
            lambda course: abtest.smallest_lift_worth_detecting(2654, 1), "cut churn by"),
    Mistake("abtest.smallest_lift_worth_detecting", "the cost as text",
            lambda course: abtest.smallest_lift_worth_detecting("$1,500", 2654), "Remove the quotes"),
    # sample_size_against_margin / power_against_margin: points for shares, a hope that does not clear break-even
    Mistake("abtest.sample_size_against_margin", "the hoped-for lift in points",
            lambda course: abtest.sample_size_against_margin(0.224, 5.27, 0.0162), "looks like a percentage"),
    Mistake("abtest.sample_size_against_margin", "the margin in points",
            lambda course: abtest.sample_size_against_margin(0.224, 0.0527, 1.62), "looks like a percentage"),
    Mistake("abtest.sample_size_against_margin", "a hope below break-even",
            lambda course: abtest.sample_size_against_margin(0.224, 0.01, 0.0162), "no test can show that the change pays"),
    Mistake("abtest.power_against_margin", "no customers", lambda course: abtest.power_against_margin(0.224, 0.0527, 0.0162, 0),
            "at least 1 each"),
    Mistake("abtest.power_against_margin", "customers as text",
            lambda course: abtest.power_against_margin(0.224, 0.0527, 0.0162, "913"), "Remove the quotes"),
    Mistake("abtest.estimate_when_rule_acts", "the hoped-for lift in points",
            lambda course: abtest.estimate_when_rule_acts(0.224, 5.27, 0.0162, 913, 837), "looks like a percentage"),
    Mistake("abtest.estimate_when_rule_acts", "no customers",
            lambda course: abtest.estimate_when_rule_acts(0.224, 0.0527, 0.0162, 0), "at least 1 each"),
    # months_needed / power_curve: a split in percent, the baseline in percent, months that are not lengths
    Mistake("abtest.months_needed", "a split in percent", lambda course: abtest.months_needed(0.25, 0.03, 0.01, 2654, 45),
            "looks like a percentage"),
    Mistake("abtest.power_curve", "a split in percent", lambda course: abtest.power_curve(0.25, 0.03, 0.01, 2654, 45),
            "looks like a percentage"),
    Mistake("abtest.power_curve", "the baseline in percent", lambda course: abtest.power_curve(25, 0.03, 0.01, 2654, 0.45),
            "looks like a percentage"),
    Mistake("abtest.power_curve", "no months", lambda course: abtest.power_curve(0.25, 0.03, 0.01, 2654, 0.45, months=[]),
            "test lengths above 0"),
    Mistake("abtest.power_curve", "the old lifts list", lambda course: abtest.power_curve(0.25, [0.01, 0.02], 0.01, 2654, 0.45),
            "should be one number"),
    # power_curves (the chart): a bare table, months in weeks
    Mistake("plots.power_curves", "a bare table",
            lambda course: plots.power_curves(abtest.power_curve(0.25, 0.03, 0.01, 2654, 0.45)), "should be a dict"),
    Mistake("plots.power_curves", "no months to wait",
            lambda course: plots.power_curves({"a": abtest.power_curve(0.25, 0.03, 0.01, 2654, 0.45)}, months_available=0),
            "above 0"),
    # sample_size_table: the same list twice, lists of other customers
    Mistake("abtest.sample_size_table", "the same list twice",
            lambda course: abtest.sample_size_table(course.split.y_test, course.scores >= 0.5, course.scores >= 0.5),
            "exactly the same customers"),
    Mistake("abtest.sample_size_table", "the rule on all customers",
            lambda course: abtest.sample_size_table(course.split.y_test, course.scores >= 0.5,
                                                    course.customers["contract"].eq("Month-to-month")), "has 1,409 customers but"),
    Mistake("abtest.sample_size_table", "scores with failed calls",
            lambda course: abtest.sample_size_table(_cohort()["churn_score"].where(_cohort().index > 0),
                                                    _cohort()["model_picks"], _cohort()["rule_picks"]), "empty (NaN)"),
    # sample_ratio_check: the split as a list, shares that do not add up, other arms, the simulation itself
    Mistake("abtest.sample_ratio_check", "the split as a list",
            lambda course: abtest.sample_ratio_check(_ab().assignments, [45, 45, 10]), "world.ab_test(...)"),
    Mistake("abtest.sample_ratio_check", "shares that do not add up",
            lambda course: abtest.sample_ratio_check(_ab().assignments, {"model": 45, "rule": 45, "hold-out": 20}),
            "add up to"),
    Mistake("abtest.sample_ratio_check", "arms named differently",
            lambda course: abtest.sample_ratio_check(_ab().assignments, {"A": 50, "B": 50}), "which the plan does not have"),
    Mistake("abtest.sample_ratio_check", "the whole simulation",
            lambda course: abtest.sample_ratio_check(_ab(), _test()), "should be a table"),
    # compare_arms: a misspelt arm, one arm twice, labels not known yet, the simulation, a percentage confidence
    Mistake("abtest.compare_arms", "a misspelt arm", lambda course: abtest.compare_arms(_cohort(), "model", "holdout"),
            "did you mean 'hold-out'"),
    Mistake("abtest.compare_arms", "the same arm twice", lambda course: abtest.compare_arms(_cohort(), "model", "model"),
            "compare two different arms"),
    Mistake("abtest.compare_arms", "labels not known yet", lambda course: abtest.compare_arms(_unlabelled(), "model", "rule"),
            "labels_as_of"),
    Mistake("abtest.compare_arms", "the whole simulation", lambda course: abtest.compare_arms(_ab(), "model", "rule"),
            "not the whole simulation"),
    Mistake("abtest.compare_arms", "confidence in percent",
            lambda course: abtest.compare_arms(_cohort(), "model", "rule", confidence=95), "looks like a percentage"),
    Mistake("abtest.compare_arms", "a group too small to compare",
            lambda course: abtest.compare_arms(_cohort().groupby("arm").head(1), "model", "rule"), "too few to compare"),
    # comparison_table: a list, a summary text
    Mistake("abtest.comparison_table", "a list of comparisons", lambda course: abtest.comparison_table([_comparison()]),
            "dictionary of name"),
    Mistake("abtest.comparison_table", "the summary text",
            lambda course: abtest.comparison_table({"campaign": _comparison().summary()}), "result of abtest.compare_arms"),
    # churn_by_list_and_arm: the assignments log, labels not known yet
    Mistake("abtest.churn_by_list_and_arm", "the assignments log",
            lambda course: abtest.churn_by_list_and_arm(_ab().assignments), "has no column 'lists'"),
    Mistake("abtest.churn_by_list_and_arm", "labels not known yet",
            lambda course: abtest.churn_by_list_and_arm(_unlabelled()), "no label yet"),
    # true_effect: a misspelt arm, another simulation's customers
    Mistake("abtest.true_effect", "a misspelt arm", lambda course: abtest.true_effect(_ab(), _cohort(), "Model", "rule"),
            "names are case-sensitive"),
    Mistake("abtest.true_effect", "customers of another simulation",
            lambda course: abtest.true_effect(world.simulate(months=1, seed=3, customers=300, policy=_test()), _cohort(),
                                              "model", "rule"), "does not have"),
    # aa_peeking: several months, too many tests, labels not known yet
    Mistake("abtest.aa_peeking", "several months at once", lambda course: abtest.aa_peeking(_cohort()), "one month"),
    Mistake("abtest.aa_peeking", "a million tests", lambda course: abtest.aa_peeking(_one_month(), tests=1_000_000),
            "up to 20,000"),
    Mistake("abtest.aa_peeking", "labels not known yet", lambda course: abtest.aa_peeking(_unlabelled()), "no label yet"),
    Mistake("abtest.aa_peeking", "alpha in percent", lambda course: abtest.aa_peeking(_one_month(), alpha=5),
            "looks like a percentage"),
    # result_metrics: the wrong objects
    Mistake("abtest.result_metrics", "the comparison where the check goes",
            lambda course: abtest.result_metrics(_comparison(), _comparison()), "sample_ratio_check"),
    Mistake("abtest.result_metrics", "the comparison table as the decision",
            lambda course: abtest.result_metrics(_srm(), abtest.comparison_table({"a": _comparison()})), "compare_arms"),
    # latest_ab_test: a number as the experiment's name
    Mistake("records.latest_ab_test", "a number as the experiment's name",
            lambda course: records.latest_ab_test(5),
            "text in quotes"),
    # the charts
    Mistake("plots.ab_test_effects", "the comparisons themselves",
            lambda course: plots.ab_test_effects({"campaign": _comparison()}), "abtest.comparison_table"),
    Mistake("plots.ab_test_effects", "a truth for a comparison not in the table",
            lambda course: plots.ab_test_effects(abtest.comparison_table({"campaign": _comparison()}), {"other": -0.1}),
            "not a comparison of the table"),
    Mistake("plots.aa_peeking", "the day table instead of the result",
            lambda course: plots.aa_peeking(abtest.aa_peeking(_one_month(), tests=50).by_day), "result of abtest.aa_peeking"),
    Mistake("plots.aa_peeking", "an axes to draw on",
            lambda course: plots.aa_peeking(abtest.aa_peeking(_one_month(), tests=50), ax=np.array([1])), "without ax"),
    Mistake("abtest.chance_in_words", "the p-value as text", lambda course: abtest.chance_in_words("0.03"), "Remove the quotes"),
    Mistake("abtest.chance_in_words", "the p-value as a percentage", lambda course: abtest.chance_in_words(3), "looks like a percentage"),
    Mistake("abtest.chance_in_words", "the whole result instead of its p-value",
            lambda course: abtest.chance_in_words(_comparison()), "should be one number"),
    # expected_from_shadow, read_plan, replay_plan: a shadow month without labels, the simulation's table, odd seeds
    Mistake("abtest.expected_from_shadow", "a shadow month whose labels are not known yet",
            lambda course: abtest.expected_from_shadow(_unlabelled()), "labels_as_of"),
    Mistake("abtest.read_plan", "the customers under review instead of the simulation",
            lambda course: abtest.read_plan(_cohort(), _test(), 1500), "simulation"),
    Mistake("abtest.read_plan", "a negative monthly cost", lambda course: abtest.read_plan(_ab(), _test(), -1500), "0"),
    Mistake("abtest.replay_plan", "a seed that is not a whole number",
            lambda course: abtest.replay_plan(_test(), [1.5], 1500), "whole numbers"),
]
