"""Exercise questions for lesson 07: testing in production.

In the notebook: ``from churnlab.exercises.lesson07 import *`` gives ``q1`` ...
``q5`` and the blank ``____``. Questions 1-4 are for everyone (one blank per line,
or a value read off a printed result); question 5 is the optional "go further"
question, answered with a few lines of code.

The set-up cell of the exercise uses ``lesson_test()`` (the lesson's simulated
A/B test) and ``letters_test()`` (an engineer's 50/50 test of two offer letters,
with a bucketer that silently moves 4 % of letter B's customers into letter A):
the checks read the same cached simulations, so each runs once per session.
"""
from __future__ import annotations

import math
import warnings
from functools import cache

import numpy as np
import pandas as pd

from churnlab.economics import CampaignEconomics
from churnlab.exercises.core import Mistake, Question, ____, as_fraction_or_number, course_split, kind_of

__all__ = ["q1", "q2", "q3", "q4", "q5", "____"]

WEAKER_OFFER = CampaignEconomics(acceptance_rate=0.20)  # $200, 20 % accept, $10 a contact
LESSON_SPLIT = (40, 40, 20)  # model / rule / hold-out: the split lesson 07's plan chooses (the smallest hold-out that reads in 3 months)
LETTERS_BUG = 0.04  # the share of letter B's customers the engineer's bucketer moves into letter A
ALPHA, POWER = 0.05, 0.8

# A share typed as a percentage (power=80, a churn of 19.4) makes statsmodels warn in red and return NaN; q1's check
# explains that NaN in plain words, so the exercise hides those two warnings.
def install_quiet_statsmodels() -> None:
    warnings.filterwarnings("ignore", message="invalid value encountered in arcsin", category=RuntimeWarning,
                            module=r"statsmodels\.stats\.proportion")
    warnings.filterwarnings("ignore", message=r"\s*Failed to converge on a solution", module=r"statsmodels\.stats\.power")


install_quiet_statsmodels()


@cache
def lesson_test():
    """The lesson's test: model / rule / hold-out, ``LESSON_SPLIT``, three months from launch (seed 7), labels known."""
    from churnlab import world

    test = world.ab_test({"model": "model", "rule": "rule", "hold-out": "none"}, split=LESSON_SPLIT)
    return world.simulate(months=3, seed=7, policy=test, labels_as_of="2027-06-01")


@cache
def letters_test():
    """An engineer's 50/50 test of two offer letters (both arms get the rule's campaign), three months (seed 11).

    Its bucketer has a bug: it moves 4 % of letter B's customers into letter A.
    """
    from churnlab import world

    test = world.ab_test({"letter A": "rule", "letter B": "rule"}, salt="offer-letters", misassigned=LETTERS_BUG)
    return world.simulate(months=3, seed=11, policy=test)


@cache
def _cohort() -> pd.DataFrame:
    from churnlab import abtest

    return abtest.customers_under_review(lesson_test())


def _compare(group: str | None, treatment: str, control: str):
    from churnlab import abtest

    cohort = _cohort()
    if group == "disagree":
        cohort = cohort[cohort["model_picks"] != cohort["rule_picks"]]
    elif group is not None:
        cohort = cohort[cohort["lists"] == group]
    return abtest.compare_arms(cohort, treatment, control)


# --- q1: the sample size for a weaker offer ---------------------------------------------------------------


@cache
def _weaker_offer_churn() -> tuple[float, float]:
    from churnlab import abtest, world

    split = course_split()
    model_list = pd.Series(world.course_model().predict_proba(split.X_test)[:, 1] >= CampaignEconomics().break_even_probability,
                           index=split.X_test.index)
    nobody = pd.Series(False, index=split.X_test.index)
    return (abtest.expected_churn(split.y_test, nobody, WEAKER_OFFER),
            abtest.expected_churn(split.y_test, model_list, WEAKER_OFFER))


@cache
def _lesson_per_arm() -> float:
    """The lesson's sample size for the model's campaign against no campaign (lesson 03's offer, 30 % accept)."""
    from churnlab import abtest, world

    split = course_split()
    model_list = world.course_model().predict_proba(split.X_test)[:, 1] >= CampaignEconomics().break_even_probability
    return _per_arm(float(split.y_test.mean()), abtest.expected_churn(split.y_test, model_list))


def _per_arm(churn_a: float, churn_b: float, effect=None, **options) -> float:
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    settings = {"alpha": ALPHA, "power": POWER, **options}
    effect = proportion_effectsize(churn_a, churn_b) if effect is None else effect
    with warnings.catch_warnings():  # pytest resets the filters between tests
        install_quiet_statsmodels()
        return float(np.ravel(NormalIndPower().solve_power(effect_size=effect, **settings))[0])


def _is_nan(value) -> bool:
    """A NaN, alone or as the one value of an array (statsmodels 0.14 returns ``array([nan])`` when it fails)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.ravel()[0]
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def _looks_like_a_failed_solve(value) -> bool:
    """What statsmodels 0.14's solve_power returns (its solver's last guess, not NaN) for a share typed as a percentage."""
    try:
        number = float(np.ravel(value)[0]) if isinstance(value, np.ndarray) and value.size == 1 else float(value)
    except (TypeError, ValueError):
        return False
    none, weaker = _weaker_offer_churn()
    failed = [_per_arm(none, weaker, power=power) for power in (80, 8, 90, 95)] + [_per_arm(none, weaker, alpha=5)]
    return any(abs(number - guess) < 1e-6 for guess in failed if not math.isnan(guess))


def _whole(value: float, target: float) -> bool:
    """A count of customers: the exact result, or it rounded (either way)."""
    return abs(value - target) <= 1


class WeakerOfferSampleSize(Question):
    variables = ("customers_per_arm",)
    hints = (
        "Lesson 07, section 3 ('How many customers does the test need?') computed the sample size with "
        "proportion_effectsize and NormalIndPower().solve_power.",
        "The first blank is the churn with the weaker offer, churn_weaker_offer (the set-up printed both rates); the "
        "second is the power the course plans with, 80 %, written as a fraction: 0.8.",
    )
    solution_code = (
        "effect = proportion_effectsize(churn_no_campaign, churn_weaker_offer)\n"
        "customers_per_arm = NormalIndPower().solve_power(effect_size=effect, alpha=0.05, power=0.8)"
    )
    solution_why = (
        "proportion_effectsize turns the two churn rates into an effect size, and solve_power finds the customers per "
        "arm that detect it 80 % of the time with a 5 % significance level. A weaker offer moves churn less, so the "
        "test needs more customers than the lesson's offer did."
    )

    def outcome(self, namespace):
        # The scaffold's first line, when the check reads the notebook: a churn typed as a percentage makes the
        # effect NaN, and solve_power fails (NaN with statsmodels 0.15, the solver's last guess with 0.14).
        self._effect = namespace.get("effect")
        return super().outcome(namespace)

    def grade(self, customers_per_arm):
        effect, self._effect = getattr(self, "_effect", None), None
        if _is_nan(effect):
            raise Mistake("effect is NaN (not a number), so solve_power found no sample size: proportion_effectsize takes "
                          "two churn rates as fractions between 0 and 1. Write 19.4 % as 0.194, or better, type the name "
                          "churn_weaker_offer (no quotes), which the set-up computed.")
        if _is_nan(customers_per_arm) or _looks_like_a_failed_solve(customers_per_arm):
            raise Mistake("solve_power found no sample size: its power and alpha are fractions between 0 and 1. Write "
                          "80 % as 0.8 (power=0.8) and 5 % as 0.05 (alpha); a churn rate too: 19.4 % is 0.194.")
        value = as_fraction_or_number(customers_per_arm, "customers_per_arm")
        none, weaker = _weaker_offer_churn()
        right = _per_arm(none, weaker)
        if _whole(value, right) or value == math.ceil(right):
            return (f"about {math.ceil(right):,} customers per arm, against {math.ceil(_lesson_per_arm()):,} for the lesson's offer: with 20 % "
                    f"accepting instead of 30 %, churn moves less ({none:.1%} to {weaker:.1%}), and a smaller gap needs "
                    "a bigger test (it grows with one over the gap squared).")
        if _whole(value, 2 * right):
            raise Mistake("That is both arms together. The question asks for the customers in *each* arm.")
        lesson = _lesson_per_arm()
        if _whole(value, lesson):
            raise Mistake("That is the lesson's number, for the offer 30 % accept. Use the churn with the weaker offer "
                          "(churn_weaker_offer), which the set-up computed.")
        if abs(value - lesson) <= 0.05 * lesson:
            raise Mistake(f"That is about the lesson's {math.ceil(lesson):,}: the first blank got the churn with the lesson's offer (19.4 %, "
                          "30 % accept). This question is about the weaker offer: type the name churn_weaker_offer "
                          "(no quotes), which the set-up computed.")
        for power in (0.9, 0.95):
            if _whole(value, _per_arm(none, weaker, power=power)):
                raise Mistake(f"That is the sample size for a power of {power:g}. The course plans with power 0.8 (80 %).")
        if _whole(value, _per_arm(none, weaker, alpha=0.10)):
            raise Mistake("That is what a significance level of 0.10, or a one-sided test, gives. Keep alpha=0.05 and the "
                          "default two-sided test: a campaign could also make churn worse.")
        if _whole(value, _per_arm(none, weaker, alpha=0.01)):
            raise Mistake("That is the sample size for alpha 0.01. The course plans with alpha 0.05.")
        if _whole(value, _per_arm(none, weaker, effect=none - weaker)):
            raise Mistake("solve_power got the plain difference in churn. It needs the effect size from "
                          "proportion_effectsize(churn_no_campaign, churn_weaker_offer).")
        if abs(value - right) <= 0.05 * right:
            raise Mistake(f"Close! {value:g} looks rounded or typed. Let the two lines compute it, and keep what solve_power "
                          "returns (or round it up to the next whole customer).")
        if 0 < value < 1:
            raise Mistake("That looks like an effect size or a share. customers_per_arm is a number of customers, in the "
                          "hundreds or thousands.")
        raise Mistake("That is not the sample size for going from churn_no_campaign to churn_weaker_offer with alpha 0.05 "
                      "and power 0.8. Fill the two blanks of the scaffold.")


# --- q2: the sample-ratio check of the offer-letter test ----------------------------------------------------


@cache
def _letters_p_values() -> dict[str, float]:
    from scipy.stats import chisquare

    assignments = letters_test().assignments
    customers = assignments.drop_duplicates("customer_id")["arm"].value_counts()
    return {
        "customers": float(chisquare(customers).pvalue),
        "statistic": float(chisquare(customers).statistic),
        "customer-months": float(chisquare(assignments["arm"].value_counts()).pvalue),
        "first month": float(chisquare(assignments[assignments["month"] == 1]["arm"].value_counts()).pvalue),
    }


def _chance(p_value: float) -> str:
    from churnlab.abtest import chance_in_words

    return chance_in_words(min(max(p_value, 0.0), 1.0))


def _same_p(value: float, target: float) -> bool:
    return abs(value - target) <= 1e-3 * target or abs(value - target) < 1e-12


class LettersSampleRatio(Question):
    variables = ("srm_p_value", "read_the_result")
    hints = (
        "Lesson 07, section 4, step 1: count each customer once (drop_duplicates on customer_id), then compare the "
        "counts with the plan using SciPy's chisquare. The alarm rings below 0.001.",
        "The first blank is the column that names a customer, 'customer_id'; the second is the counts from the line "
        "above it, customers_per_arm (chisquare's default expectation is an even split, the engineer's 50/50). A "
        "p-value below 0.001 means: do not read the result.",
    )
    solution_code = (
        "customers = letters.assignments.drop_duplicates(\"customer_id\")\n"
        "customers_per_arm = customers[\"arm\"].value_counts()\n"
        "srm_p_value = chisquare(customers_per_arm).pvalue\n"
        "read_the_result = False"
    )
    solution_why = (
        "Each customer is counted once, in their arm; chisquare compares the counts with an even split. A p-value this "
        "small means the bucketer does not split 50/50: some customers are systematically in the wrong arm, so any "
        "difference between the letters could come from who is in each arm. Find the bug before reading anything."
    )

    def outcome(self, namespace):
        # the scaffold's counts, when the check reads the notebook: they tell "arm" (one row per arm) from other p = 1
        self._per_arm = namespace.get("customers_per_arm")
        return super().outcome(namespace)

    def grade(self, srm_p_value, read_the_result):
        per_arm, self._per_arm = getattr(self, "_per_arm", None), None
        per_arm = per_arm if isinstance(per_arm, pd.Series) else None
        months = letters_test().assignments["month"].nunique()
        if per_arm is not None and len(per_arm) and per_arm.sum() == months:
            raise Mistake(f"You kept one row per month: drop_duplicates(\"month\") keeps {months} rows in all, one for each "
                          "month, not one per customer. Count each customer once: drop duplicates on the column that "
                          "names a customer, \"customer_id\".")
        if _is_nan(srm_p_value) and not isinstance(srm_p_value, (str, bool, np.bool_)):
            raise Mistake("srm_p_value is NaN (not a number): chisquare was given a single count, so all the rows you kept "
                          f"are in one arm. If you dropped duplicates on \"month\", you kept one row per month ({months} "
                          "rows): count each customer once instead, with drop_duplicates(\"customer_id\").")
        value = as_fraction_or_number(srm_p_value, "srm_p_value")
        p = _letters_p_values()
        if _same_p(value, p["statistic"]):
            raise Mistake("That is the chi-square statistic. Take its p-value: chisquare(...).pvalue.")
        if _same_p(value, p["customer-months"]):
            raise Mistake("That counts customer-months: a customer seen in three months is counted three times, which makes "
                          "the test far too sure of itself. Count each customer once with drop_duplicates('customer_id').")
        if _same_p(value, p["first month"]):
            raise Mistake("That counts only the first month's customers. Count every customer assigned over the three "
                          "months, once each.")
        if not 0 <= value <= 1:
            raise Mistake(f"srm_p_value is {value:g}; a p-value is between 0 and 1. Take chisquare(...).pvalue.")
        if value > 0.99:
            if per_arm is not None and len(per_arm) and (per_arm == 1).all():
                raise Mistake("customers_per_arm counts 1 customer in each arm: drop_duplicates(\"arm\") keeps one row per "
                              "arm, so both counts are 1 and the p-value is 1. Count each customer once instead: drop "
                              "duplicates on the column that names a customer, \"customer_id\".")
            raise Mistake("A p-value of 1 means the two counts are exactly equal. If you dropped duplicates on \"arm\", "
                          "you kept one row per arm (1 and 1): drop duplicates on the column that names a customer, "
                          "\"customer_id\". If you gave chisquare the counts as their own expectation, give it only the "
                          "observed counts: its default expectation is the even split the engineer planned.")
        if not _same_p(value, p["customers"]):
            raise Mistake("That is not the p-value of the customers per arm against a 50/50 split. Fill the two blanks: "
                          "'customer_id', then customers_per_arm.")
        if isinstance(read_the_result, str):
            raise Mistake("read_the_result should be True or False (no quotes).")
        if not isinstance(read_the_result, (bool, np.bool_)):
            raise Mistake(f"read_the_result should be True or False, not {kind_of(read_the_result)}.")
        counts = letters_test().assignments.drop_duplicates("customer_id")["arm"].value_counts()
        if read_the_result:
            raise Mistake(f"The p-value is right, but it is far below the alarm of 0.001 (a working 50/50 split would be "
                          f"this uneven {_chance(value)}): the split is "
                          f"not what was planned ({counts['letter A']:,} against {counts['letter B']:,}). Do not read the "
                          "result until the cause is found: read_the_result = False.")
        share = counts["letter A"] / counts.sum()
        return (f"p-value below 0.001 (a working 50/50 split would be this uneven {_chance(value)}): "
                f"{counts['letter A']:,} customers got letter A and {counts['letter B']:,} letter B "
                f"({100 * share:.1f} % against the planned 50 %). It looks close to even, yet a working bucketer "
                "would almost never do this: stop, find the bug, and do not read the letters' result.")


# --- q3: read an interval in dollars ---------------------------------------------------------------------------


class RuleCampaignWorstCase(Question):
    variables = ("least_it_earns",)
    hints = (
        "Lesson 07, section 4, step 2: a result has an estimate and a 95 % interval; the dollars' interval comes from "
        "the interval of the effect.",
        "In the printed result, the dollars line reads '$estimate (95% interval $low to $high)'. The least the "
        "campaign could plausibly earn is the low end. Type it as a plain number of dollars per 1,000 customers: no "
        "$ sign, no commas.",
    )
    solution_lead = "Type the low end of the dollars' interval:"
    solution_why = (
        "The interval holds the effects that fit the data; its low end in dollars is the least the campaign plausibly "
        "earns. A decision that must hold in the worst plausible case reads that end, not the estimate."
    )

    @property
    def _low(self) -> int:
        return int(round(1000 * _compare(None, "rule", "hold-out").dollars_interval[0]))

    @property
    def solution_code(self) -> str:  # the printed number, computed when asked for
        return f"least_it_earns = {self._low}"

    def grade(self, least_it_earns):
        value = as_fraction_or_number(least_it_earns, "least_it_earns")
        result = _compare(None, "rule", "hold-out")
        low, high = (1000 * d for d in result.dollars_interval)
        estimate = 1000 * result.dollars_per_customer
        if abs(value - low) <= 1:
            verdict = ("all of it is above $0: the campaign pays" if low > 0 else
                       "it reaches below $0: the campaign may not pay, and a longer reading must say")
            return (f"even at the low end, the rule's campaign earns about ${low:,.0f} per 1,000 customers under review "
                    f"(estimate ${estimate:,.0f}, up to ${high:,.0f}). The interval is wide because the hold-out is small; "
                    f"{verdict}.")
        if abs(value + low) <= 1:
            raise Mistake("That is the low end with its sign flipped. The campaign earns money: the number is positive.")
        if abs(value - estimate) <= 1:
            raise Mistake("That is the estimate, the single most likely value. The question asks for the least the "
                          "campaign could plausibly earn: the low end of the 95 % interval.")
        if abs(value - high) <= 1:
            raise Mistake("That is the high end of the interval, the best case. The question asks for the least it could "
                          "plausibly earn: the low end.")
        if abs(1000 * value - low) <= 1:
            raise Mistake("That is per customer. The result prints dollars per 1,000 customers: type that number.")
        lesson_low = 1000 * _compare(None, "model", "hold-out").dollars_interval[0]
        if abs(value - lesson_low) <= 1:
            raise Mistake("That is the low end for the model's campaign, from the lesson. This question is about the "
                          "rule's campaign (rule vs hold-out), printed above.")
        for name, bound in (("low", result.low), ("high", result.high)):
            if abs(value - 100 * bound) <= 0.05 or abs(value - bound) <= 5e-4:
                raise Mistake("That is the interval of the effect on churn. The question asks for dollars: the dollars line "
                              "of the printed result.")
        if abs(value - low) <= max(50.0, 0.01 * abs(low)) and value % 10 == 0:
            raise Mistake("That looks like the low end, rounded. The finance team wants the number as printed, to the "
                          "dollar: copy it from the dollars line of the printed result (no $ sign, no commas).")
        raise Mistake("That is not the low end of the dollars' interval for rule vs hold-out. Read it from the dollars "
                      "line of the printed result (a plain number, no $ sign, no commas).")


# --- q4: which customers a disagreement test reads ----------------------------------------------------------------


@cache
def _counts() -> dict[str, int]:
    cohort = _cohort()
    disagree = cohort["model_picks"] != cohort["rule_picks"]
    arms = cohort["arm"]
    return {
        "right": int((disagree & arms.isin(["model", "rule"])).sum()),
        "all arms": int(disagree.sum()),
        "with the hold-out": int((disagree & arms.isin(["model", "hold-out"])).sum()),
        "agree": int((~disagree & arms.isin(["model", "rule"])).sum()),
        "under review, two arms": int(arms.isin(["model", "rule"]).sum()),
        "under review": len(cohort),
        "model arm": int((disagree & arms.eq("model")).sum()),
        "rule arm": int((disagree & arms.eq("rule")).sum()),
        "model only": int((cohort["lists"].eq("model only") & arms.isin(["model", "rule"])).sum()),
        "rule only": int((cohort["lists"].eq("rule only") & arms.isin(["model", "rule"])).sum()),
        "customer-months": len(lesson_test().assignments[lesson_test().assignments["arm"].isin(["model", "rule"])]),
    }


class DisagreementCustomers(Question):
    variables = ("disagreement_customers",)
    hints = (
        "Lesson 07, section 4, step 3: the decision compares the model arm with the rule arm, reading only the customers "
        "under review whose two lists disagree.",
        "First blank: the column of the rule's list, \"rule_picks\" in quotes (a customer whose two lists differ). Second: "
        "the arm the model arm is compared with, \"rule\". Third: combine both conditions with &: in_compared_arms.",
    )
    solution_code = (
        "lists_disagree = cohort[\"model_picks\"] != cohort[\"rule_picks\"]\n"
        "in_compared_arms = cohort[\"arm\"].isin([\"model\", \"rule\"])\n"
        "disagreement_customers = int((lists_disagree & in_compared_arms).sum())"
    )
    solution_why = (
        "Where the lists agree, the model arm and the rule arm do the same thing, so those customers add noise and no "
        "signal; the hold-out is not part of the model-vs-rule comparison. What is left is the customers under review, "
        "in the two compared arms, whose lists disagree."
    )

    def grade(self, disagreement_customers):
        value = as_fraction_or_number(disagreement_customers, "disagreement_customers")
        counts = _counts()
        if value == counts["right"]:
            return (f"{counts['right']:,} customers: {counts['model arm']:,} in the model arm and {counts['rule arm']:,} in "
                    f"the rule arm, out of {counts['under review, two arms']:,} under review in those arms. The other "
                    f"{counts['agree']:,} got the same treatment in both arms: they add noise, not signal.")
        if value == 0:
            raise Mistake("No customer at all: was the model's list compared with itself? The first blank is the column "
                          "of the rule's list, \"rule_picks\".")
        messages = {
            "all arms": "That includes the hold-out arm. The decision compares the model arm with the rule arm only.",
            "with the hold-out": "That counts the model arm and the hold-out. The decision compares the model arm with the "
                                 "rule arm: the second blank is \"rule\".",
            "agree": "Those are the customers whose lists *agree*. Use != to keep the customers whose lists differ.",
            "under review, two arms": "That is every customer under review in the two arms: the first line found every "
                                      "customer's lists different. It must compare two columns of cohort: "
                                      "cohort[\"model_picks\"] != cohort[\"rule_picks\"] (the first blank is the "
                                      "column's name, \"rule_picks\", in quotes).",
            "under review": "That is every customer under review. Keep only the two compared arms, and only customers whose "
                            "lists disagree.",
            "model arm": "That is the model arm only. The comparison needs both arms: the model arm and the rule arm.",
            "rule arm": "That is the rule arm only. The comparison needs both arms: the model arm and the rule arm.",
            "model only": "That counts only the customers the model alone would call. The rule-only customers disagree too.",
            "rule only": "That counts only the customers the rule alone would call. The model-only customers disagree too.",
            "customer-months": "That counts every customer-month in the two arms, reviewed or not. The test reads the "
                               "customers under review (cohort), and only those whose lists disagree.",
        }
        for key, message in messages.items():
            if value == counts[key]:
                raise Mistake(message)
        if not float(value).is_integer():
            raise Mistake("disagreement_customers is a number of customers: a whole number (the scaffold's .sum()).")
        raise Mistake("That is not the number of customers the disagreement comparison reads. Fill the three blanks of the "
                      "scaffold.")


# --- q5 (go further): what the rule's extra calls earn -------------------------------------------------------


def _cents(amount: float) -> str:
    return f"{'-' if amount < 0 else ''}${abs(amount):,.2f}"


class RuleOnlyDollars(Question):
    variables = ("dollars_per_rule_only_customer",)
    hints = (
        "Go further: keep the customers only the rule would call (cohort[\"lists\"] == \"rule only\"), then compare "
        "the rule arm, where they were called, with the model arm, where they were not.",
        "abtest.compare_arms(those_customers, \"rule\", \"model\") returns the comparison; its dollars_per_customer is "
        "the dollars per customer (treatment minus control).",
    )
    solution_lead = "The lines:"
    solution_code = (
        "rule_only = cohort[cohort[\"lists\"] == \"rule only\"]\n"
        "dollars_per_rule_only_customer = abtest.compare_arms(rule_only, \"rule\", \"model\").dollars_per_customer"
    )
    solution_why = (
        "In the model arm the rule-only customers were not called, so they are the control for calling them; the "
        "difference in churn times $200, minus $10 per call, is what each of the rule's extra calls earns."
    )

    def grade(self, dollars_per_rule_only_customer):
        value = as_fraction_or_number(dollars_per_rule_only_customer, "dollars_per_rule_only_customer")
        result = _compare("rule only", "rule", "model")
        right = result.dollars_per_customer
        if abs(value - right) <= 0.01:
            low, high = result.dollars_interval
            return (f"each call to a customer only the rule picks earns about {_cents(right)} (95 % interval "
                    f"{_cents(low)} to {_cents(high)}: {result.dollars_verdict}). "
                    + ("Those calls cost more than the customers they keep: skipping them is what the model's arm "
                       "gains." if high < 0 else "Whether those calls pay is what separates the two policies."))
        if abs(value + right) <= 0.01:
            raise Mistake("The sign is flipped: put the rule arm (called) first and the model arm (not called) second.")
        if abs(value - 1000 * right) <= 10:
            raise Mistake("That is per 1,000 customers. dollars_per_customer is per customer.")
        wrong = {
            ("rule only", "rule", "hold-out"): "That uses the hold-out as the control. The question asks for the model "
                                                "arm, where these customers were not called either, with more of them.",
            ("model only", "model", "rule"): "That is the customers only the *model* would call. The question is about "
                                             "the customers only the rule would call.",
            ("disagree", "rule", "model"): "That is every customer whose lists disagree. Keep only the rule-only customers.",
            (None, "rule", "model"): "That is every customer under review. Keep only the rule-only customers.",
        }
        for (group, treatment, control), message in wrong.items():
            if abs(value - _compare(group, treatment, control).dollars_per_customer) <= 0.01:
                raise Mistake(message)
        raise Mistake("That is not the dollars per rule-only customer of the rule arm against the model arm. Keep "
                      "cohort[cohort['lists'] == 'rule only'] and compare 'rule' with 'model'.")


q1 = WeakerOfferSampleSize("q1")
q2 = LettersSampleRatio("q2")
q3 = RuleCampaignWorstCase("q3")
q4 = DisagreementCustomers("q4")
q5 = RuleOnlyDollars("q5")
