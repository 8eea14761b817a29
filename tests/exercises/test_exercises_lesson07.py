"""Lesson 07 questions: right answers pass, each wrong answer a PM plausibly gives gets its own message, odd inputs never crash.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike; this file adds what is lesson 07's own.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import chisquare

from churnlab.exercises import lesson07
from churnlab.exercises.lesson07 import q1, q2, q3

from answers import Several

# --- the numbers the answers are built from (the same cached simulations the checks read) --------------------

NONE, WEAKER = lesson07._weaker_offer_churn()
PER_ARM = lesson07._per_arm(NONE, WEAKER)
LESSON_PER_ARM = lesson07._lesson_per_arm()
P = lesson07._letters_p_values()
CAMPAIGN = lesson07._compare(None, "rule", "hold-out")
LOW, HIGH = (1000 * d for d in CAMPAIGN.dollars_interval)
COUNTS = lesson07._counts()
RULE_ONLY = lesson07._compare("rule only", "rule", "model").dollars_per_customer

RIGHT_ANSWERS = {
    "q1": [PER_ARM, math.ceil(PER_ARM), round(PER_ARM), np.float64(PER_ARM)],
    "q2": [Several(P["customers"], False), Several(np.float64(P["customers"]), np.False_)],
    "q3": [round(LOW), LOW, int(LOW)],
    "q4": [COUNTS["right"], np.int64(COUNTS["right"]), float(COUNTS["right"])],
    "q5": [RULE_ONLY, round(RULE_ONLY, 2)],
}

WRONG_ANSWERS = {
    "q1": [
        (2 * PER_ARM, "both arms together"),
        (LESSON_PER_ARM, "the lesson's number"),
        (lesson07._per_arm(NONE, WEAKER, power=0.9), "power of 0.9"),
        (lesson07._per_arm(NONE, WEAKER, power=0.95), "power of 0.95"),
        (lesson07._per_arm(NONE, WEAKER, alpha=0.10), "significance level of 0.10, or a one-sided test"),
        (lesson07._per_arm(NONE, WEAKER, alternative="larger"), "one-sided test"),
        (lesson07._per_arm(NONE, WEAKER, alpha=0.01), "alpha 0.01"),
        (lesson07._per_arm(NONE, WEAKER, effect=NONE - WEAKER), "plain difference in churn"),
        (1260, "looks rounded or typed"),
        (1300, "looks rounded or typed"),
        (0.112, "effect size or a share"),
        (WEAKER, "effect size or a share"),
        (lesson07._per_arm(NONE, WEAKER, power=80), "Write 80 % as 0.8"),  # the lesson's "usually 80 %" typed as 80
        (lesson07._per_arm(NONE, WEAKER, alpha=5), "5 % as 0.05"),
        (float("nan"), "Write 80 % as 0.8"),
        (np.array([float("nan")]), "Write 80 % as 0.8"),
        (lesson07._per_arm(NONE, 0.194), "churn with the lesson's offer"),  # the lesson's 19.4 %, as a fraction
    ],
    "q2": [
        (Several(P["customer-months"], False), "customer-months"),
        (Several(P["first month"], False), "only the first month's customers"),
        (Several(P["statistic"], False), "chi-square statistic"),
        (Several(1.0, False), "kept one row per arm"),
        (Several(np.nan, False), "one row per month"),  # drop_duplicates("month"): 3 rows, all in one arm  # drop_duplicates("arm"), or the counts as their own expectation
        (Several(P["customers"], True), "far below the alarm of 0.001"),
        (Several(P["customers"], "no"), "True or False (no quotes)"),
        (Several(P["customers"], 0), "True or False"),
        (Several(0.05, False), "not the p-value of the customers per arm"),
        (Several(18, False), "between 0 and 1"),
    ],
    "q3": [
        (round(1000 * CAMPAIGN.dollars_per_customer), "That is the estimate"),
        (round(HIGH), "the high end of the interval"),
        (-round(LOW), "sign flipped"),
        (LOW / 1000, "That is per customer"),
        (round(1000 * lesson07._compare(None, "model", "hold-out").dollars_interval[0]), "the model's campaign"),
        (round(100 * CAMPAIGN.high, 1), "interval of the effect on churn"),
        (round(100 * CAMPAIGN.low, 1), "interval of the effect on churn"),
        (f"{LOW:,.0f}", "Remove the quotes"),
        (5000, "not the low end of the dollars' interval"),
        (round(LOW, -2), "looks like the low end, rounded"),
        (round(LOW, -1) if round(LOW, -1) != round(LOW) else round(LOW, -1) + 10, "looks like the low end, rounded"),
    ],
    "q4": [
        (COUNTS["all arms"], "includes the hold-out arm"),
        (COUNTS["with the hold-out"], "the model arm and the hold-out"),
        (COUNTS["agree"], "whose lists *agree*"),
        (COUNTS["under review, two arms"], "every customer under review in the two arms"),
        (COUNTS["under review"], "every customer under review"),
        (COUNTS["model arm"], "the model arm only"),
        (COUNTS["rule arm"], "the rule arm only"),
        (COUNTS["model only"], "only the customers the model alone"),
        (COUNTS["rule only"], "only the customers the rule alone"),
        (COUNTS["customer-months"], "every customer-month"),
        (0, "compared with itself"),
        (COUNTS["right"] + 0.5, "a whole number"),
    ],
    "q5": [
        (-RULE_ONLY, "sign is flipped"),
        (1000 * RULE_ONLY, "per 1,000 customers"),
        (lesson07._compare("rule only", "rule", "hold-out").dollars_per_customer, "hold-out as the control"),
        (lesson07._compare("model only", "model", "rule").dollars_per_customer, "only the *model* would call"),
        (lesson07._compare("disagree", "rule", "model").dollars_per_customer, "every customer whose lists disagree"),
        (lesson07._compare(None, "rule", "model").dollars_per_customer, "every customer under review"),
        (0.0, "not the dollars per rule-only customer"),
    ],
}

def test_the_planted_bucketer_really_breaks_the_split_and_the_fix_is_to_count_customers():
    customers = lesson07.letters_test().assignments.drop_duplicates("customer_id")["arm"].value_counts()
    assert chisquare(customers).pvalue < 0.001, "the planted bug must be caught by the check on customers"
    assert 0.5 < customers["letter A"] / customers.sum() < 0.55, "and still look nearly even to the eye"


def test_q3s_solution_quotes_the_number_the_set_up_prints():
    assert q3.solution_code == f"least_it_earns = {round(LOW)}"
    assert f"${round(LOW):,}" in CAMPAIGN.summary()


def test_a_churn_typed_as_a_percentage_is_named_and_nothing_warns():
    import warnings

    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        lesson07.install_quiet_statsmodels()
        effect = proportion_effectsize(NONE, 19.4)  # the lesson's 19.4 % pasted into the first blank
        customers_per_arm = NormalIndPower().solve_power(effect_size=effect, alpha=0.05, power=0.8)
        from_power_80 = NormalIndPower().solve_power(effect_size=proportion_effectsize(NONE, WEAKER), alpha=0.05, power=80)
    assert not caught, [str(w.message) for w in caught]
    assert "19.4 % as 0.194" in q1.outcome({"effect": effect, "customers_per_arm": customers_per_arm})
    # statsmodels 0.15 returns NaN, 0.14 the solver's last guess: either way the check names the percentage.
    assert "Write 80 % as 0.8" in q1.outcome({"effect": 0.11, "customers_per_arm": from_power_80})
    assert q1.outcome({"effect": 0.11, "customers_per_arm": PER_ARM}).startswith("✅")


def test_q2_names_one_row_per_arm_when_the_counts_say_so():
    assignments = lesson07.letters_test().assignments
    per_arm = assignments.drop_duplicates("arm")["arm"].value_counts()  # "arm" typed in the first blank
    message = q2.outcome({"customers_per_arm": per_arm, "srm_p_value": chisquare(per_arm).pvalue, "read_the_result": False})
    assert message.startswith("❌") and 'drop_duplicates("arm") keeps one row per arm' in message, message
    assert "customer_id" in message


def test_q2_names_one_row_per_month_when_the_counts_say_so():
    assignments = lesson07.letters_test().assignments
    per_arm = assignments.drop_duplicates("month")["arm"].value_counts()  # "month" typed in the first blank
    message = q2.outcome({"customers_per_arm": per_arm, "srm_p_value": chisquare(per_arm).pvalue, "read_the_result": False})
    assert message.startswith("❌") and "You kept one row per month" in message, message
    assert "count each customer once" in message.lower() and "customer_id" in message
