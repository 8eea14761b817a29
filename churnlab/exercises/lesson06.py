"""Exercise questions for lesson 06: fairness and explanations.

In the notebook: ``from churnlab.exercises.lesson06 import *`` gives
``q1`` ... ``q5`` and the blank ``____``. Questions 1-4 are for everyone (one
blank per line, or a value read off a printed table); question 5 is the
optional "go further" question: pricing a per-group threshold in a few lines.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from churnlab import explain, fairness
from churnlab.economics import CampaignEconomics, dollars
from churnlab.exercises.core import (
    Mistake, Question, ____, as_fraction_or_number, close, course_model, course_split, kind_of, reject_if_rounded,
)
from churnlab.model import CHAMPION_C, champion_model, out_of_fold_scores

__all__ = ["q1", "q2", "q3", "q4", "q5", "____"]

ECONOMICS = CampaignEconomics()
BREAK_EVEN = ECONOMICS.break_even_probability
REASON_CUSTOMER = "C2223"  # on the call list, with a top reason the company controls
FIRST_MODEL_C = 1.0  # the model of lessons 02-04: a learner who rebuilds it reviews the wrong model


@cache
def _customers() -> pd.DataFrame:
    from churnlab.data import load_churn

    return load_churn()


@cache
def _groups(part: str = "test") -> pd.DataFrame:
    split = course_split()
    index = split.X_test.index if part == "test" else split.X_train.index
    return fairness.customer_groups(_customers(), index)


@cache
def _scores(part: str = "test", C: float = CHAMPION_C) -> np.ndarray:
    split = course_split()
    model = champion_model() if C == CHAMPION_C else course_model(C)  # the review is of lesson 05's champion
    return model.predict_proba(split.X_test if part == "test" else split.X_train)[:, 1]


def _y(part: str = "test") -> pd.Series:
    split = course_split()
    return split.y_test if part == "test" else split.y_train


@cache
def _gaps(part: str = "test", C: float = CHAMPION_C, threshold: float = 0.5) -> pd.DataFrame:
    table = fairness.group_metrics(_y(part), _scores(part, C), _groups(part), [threshold])
    return fairness.gaps(table, ECONOMICS).set_index("group")


def _gap(group: str, threshold: float, measure: str = "recall gap", part: str = "test", C: float = CHAMPION_C) -> float:
    return float(_gaps(part, C, threshold).loc[group, measure])


class PartnerRecallGap(Question):
    variables = ("partner_recall_gap",)
    solution_code = (
        "contacted = churn_scores >= 0.5\n"
        'by_partner = MetricFrame(metrics=recall_score, y_true=y_test, y_pred=contacted, sensitive_features=groups["partner"])\n'
        "partner_recall_gap = by_partner.by_group[1] - by_partner.by_group[0]"
    )
    hints = (
        "Lesson 06, section 2 measured seniors with MetricFrame. Do the same for the partner column, with the metric "
        "that measures the share of a group's churners the campaign reaches.",
        "The metric is recall_score (a function's name, without quotes) and the group column is \"partner\".",
    )
    solution_why = (
        "Recall is the share of a group's churners the campaign reaches. MetricFrame computes it per group; "
        "the gap is 'with a partner' minus 'without', so a negative gap means churners with a partner are reached less often."
    )

    def grade(self, partner_recall_gap):
        expected = _gap("partner", 0.5)
        value = as_fraction_or_number(partner_recall_gap, "partner_recall_gap")
        if close(value, expected):
            row = _gaps("test", CHAMPION_C, 0.5).loc["partner"]
            return (f"At 0.5 the campaign reaches {row['recall (group)']:.0%} of the churners with a partner against "
                    f"{row['recall (others)']:.0%} of those without: about {row['churners behind']:.0f} of them are left behind.")
        if close(value, -expected):
            raise Mistake("The sign is flipped: take 'with a partner' (1) minus 'without' (0). "
                          "Churners with a partner are reached *less* often, so the gap is negative.")
        if close(value, expected * 100, 0.05):
            raise Mistake("That looks like percentage points. Give the gap as a difference of fractions (between -1 and 1).")
        if close(value, _gap("partner", BREAK_EVEN)):
            raise Mistake("That is the gap at the break-even threshold (1/6). This question asks about threshold 0.5.")
        if close(value, _gap("partner", 0.5, "selection gap")):
            raise Mistake("That is the gap in selection rates (share of customers contacted). Use recall_score: "
                          "the share of each group's *churners* reached.")
        if close(value, _gap("partner", 0.5, "precision gap")):
            raise Mistake("That is the precision gap. Use recall_score: the share of each group's churners reached.")
        for other in ("dependents", "senior_citizen"):
            if close(value, _gap(other, 0.5)) or close(value, -_gap(other, 0.5)):
                raise Mistake(f"That is the gap for {other}. Use the partner column: groups['partner'].")
        if close(value, _gap("partner", 0.5, part="train")):
            raise Mistake("That was measured on the training customers. Judge the campaign on the test customers (y_test, churn_scores).")
        if close(value, _gap("partner", 0.5, C=FIRST_MODEL_C)):
            raise Mistake("That is the gap of the first model of lessons 02-04 (C = 1.0). The review is of the champion "
                          "lesson 05 registered (C = 0.1): run the set-up cell, which scores the test customers with champion_model().")
        reject_if_rounded(value, expected, "partner_recall_gap")
        raise Mistake(f"partner_recall_gap is {value:.4g}. Compute recall per partner group at threshold 0.5, then "
                      "subtract: with a partner (1) minus without (0).")


GROUP_NAMES = {  # what a learner may type for each group column
    "senior_citizen": ("senior_citizen", "seniors", "senior", "seniors (65+)", "age"),
    "female": ("female", "women", "woman", "sex", "gender"),
    "partner": ("partner", "with a partner", "partners"),
    "dependents": ("dependents", "with dependents", "dependent"),
}


def _as_group_set(answer) -> set[str]:
    if isinstance(answer, (str, bytes)) or isinstance(answer, (pd.DataFrame, dict)) or not isinstance(
            answer, (list, tuple, set, pd.Series, np.ndarray, pd.Index)):
        raise Mistake(f"real_gaps should be a list of group names, like ['partner', 'dependents'], not {kind_of(answer)}.")
    chosen = set()
    for item in list(answer):
        if not isinstance(item, str):
            raise Mistake(f"Each item of real_gaps should be a group's column name in quotes, like 'partner', not {kind_of(item)}.")
        name = item.strip().lower()
        found = [column for column, names in GROUP_NAMES.items() if name in names]
        if not found:
            raise Mistake(f"{item!r} is not one of the four groups: 'senior_citizen', 'female', 'partner', 'dependents'.")
        chosen.add(found[0])
    return chosen


class RealGaps(Question):
    variables = ("real_gaps",)
    solution_code = "real_gaps = ['senior_citizen', 'partner', 'dependents']"
    hints = (
        "Lesson 06, section 3: a gap is larger than its noise when its 95 % interval (from 'recall gap low' to "
        "'recall gap high') does not include 0. Check each of the four rows of the table above.",
    )
    solution_lead = "Three intervals stay on one side of 0; the women's runs from below 0 to above it."
    solution_why = (
        "Their 95 % intervals stay on one side of zero, so chance alone is an unlikely explanation. The women's "
        "interval includes 0: a gap of a few customers that the data cannot tell from noise (the lesson's bootstrap "
        "calls it 'likely but not certain': keep watching it, do not act on it)."
    )

    def grade(self, real_gaps):
        chosen = _as_group_set(real_gaps)
        gaps = _gaps("test", CHAMPION_C, BREAK_EVEN)
        expected = set(gaps.index[gaps["beyond noise"]])
        if chosen == expected:
            return ("The gaps for seniors, customers with a partner and customers with dependents are real; the one "
                    "between women and men is within noise: keep watching it, do not 'fix' it.")
        if not chosen:
            raise Mistake("The list is empty, but some intervals do exclude 0. Look at the 'beyond noise' column.")
        noise = chosen - expected
        if noise:
            name = sorted(noise)[0]
            row = gaps.loc[name]
            raise Mistake(f"{name}: its interval runs from {row['recall gap low']:+.3f} to {row['recall gap high']:+.3f} "
                          "and includes 0, so the data cannot tell that gap from noise. Leave it out.")
        missing = sorted(expected - chosen)[0]
        row = gaps.loc[missing]
        raise Mistake(f"{missing} is missing: its interval, {row['recall gap low']:+.3f} to {row['recall gap high']:+.3f}, "
                      "stays on one side of 0, so its gap is larger than the noise.")


DEFINITIONS = {
    "A": ("equal selection rates", "demographic parity", "selection rate", "selection rates", "equal selection rate"),
    "B": ("equal recall", "equal opportunity", "recall", "equal true positive rate", "true positive rate parity"),
    "C": ("equal precision", "predictive parity", "precision"),
    "D": ("leave the group's column out", "leave the column out", "fairness through unawareness", "blindness",
          "unawareness", "leave it out"),
}


class FittingDefinition(Question):
    variables = ("fitting_definition",)
    solution_code = "fitting_definition = 'B'"
    hints = (
        "Lesson 06, section 4: the offer is a benefit meant for customers who are about to leave. Which definition "
        "asks whether every churner, whatever their group, has the same chance of being offered it?",
    )
    solution_lead = ("That is equal opportunity: every group's churners are reached at the same rate "
                     "(option B, equal recall).")
    solution_why = (
        "For a benefit aimed at need, fairness means the same chance of the benefit for everyone who needs it: equal "
        "recall. Equal selection rates would take the offer away from senior churners (section 4), equal precision "
        "guards against wasted contacts, the smaller harm, and leaving a column out leaves its proxies in."
    )

    def grade(self, fitting_definition):
        if not isinstance(fitting_definition, str):
            raise Mistake(f"fitting_definition should be a letter (A, B, C or D) or the definition's name, in quotes, "
                          f"not {kind_of(fitting_definition)}.")
        answer = fitting_definition.strip().rstrip(".").strip("()").lower()
        letter = next((key for key, names in DEFINITIONS.items() if answer == key.lower() or answer in names), None)
        if letter == "B":
            return "Equal opportunity: every churner has the same chance of the offer, whatever their group."
        if letter == "A":
            raise Mistake("Equal selection rates ignore need: seniors churn about twice as often, and contacting them "
                          "at the others' rate would take the offer away from senior churners (section 4). It fits a perk "
                          "meant for everyone alike.")
        if letter == "C":
            raise Mistake("Equal precision protects against wasted contacts, the smaller harm here. The offer is a "
                          "benefit: ask who among those who need it gets it.")
        if letter == "D":
            raise Mistake("Leaving a column out is not a fairness definition: proxies carry the pattern (section 5), "
                          "and without the column nobody can check the gaps.")
        if "calibrat" in answer:
            raise Mistake("Calibration is needed too (a score should mean the same chance in every group), but it "
                          "does not say who gets the offer. Pick among A to D.")
        raise Mistake(f"{fitting_definition!r} is not one of the options: A equal selection rates, B equal recall, "
                      "C equal precision, D leave the group's column out.")


@cache
def _choice_scores(part: str, C: float, in_sample: bool) -> np.ndarray:
    """Scores to choose thresholds on: the training customers' out-of-fold scores (lesson 03), unless told otherwise."""
    if part == "test" or in_sample:
        return _scores(part, C)
    split = course_split()
    return out_of_fold_scores(split.X_train, split.y_train, C=C)


@cache
def _policies(group: str, part: str = "train", base: float = BREAK_EVEN, C: float = CHAMPION_C,
              in_sample: bool = False) -> dict:
    return fairness.equal_recall_thresholds(_y(part), _choice_scores(part, C, in_sample), _groups(part)[group] == 1, base)


def _profit_change(group: str, policy: str, choose_on: str = "train", judge_on: str = "test", base: float = BREAK_EVEN,
                   C: float = CHAMPION_C, in_sample: bool = False) -> float:
    table = fairness.policy_table(_y(judge_on), _scores(judge_on, C), _groups(judge_on)[group] == 1,
                                  _policies(group, choose_on, base, C, in_sample), ECONOMICS)
    return float(table.loc[policy, "expected profit ($)"] - table.loc["one threshold", "expected profit ($)"])


class LevelUpCost(Question):
    variables = ("level_up_cost",)
    solution_code = (
        "train_groups = fairness.customer_groups(customers, X_train.index)\n"
        "training_scores = out_of_fold_scores(X_train, y_train, C=CHAMPION_C)\n"
        'policies = fairness.equal_recall_thresholds(y_train, training_scores, train_groups["partner"] == 1, break_even)\n'
        'options = fairness.policy_table(y_test, churn_scores, groups["partner"] == 1, policies)\n'
        'level_up_cost = options.loc["level up", "expected profit ($)"] - options.loc["one threshold", "expected profit ($)"]'
    )
    hints = (
        "Follow section 6 of the lesson with the partner column: choose the thresholds on the training customers' "
        "out-of-fold scores (out_of_fold_scores with C=CHAMPION_C, then fairness.equal_recall_thresholds), judge them on the test customers (fairness.policy_table), then compare "
        "the expected profit of 'level up' with that of 'one threshold'.",
    )
    solution_lead = "Five lines, as in section 6 (a cost is negative: keep the minus sign):"
    solution_why = (
        "Levelling up lowers the bar for customers with a partner until their churners are reached as often as the "
        "others'. The extra contacts score below the break-even probability, so each costs a little more than it "
        "is expected to save: the profit change is negative, and that is the price of closing the gap."
    )

    def grade(self, level_up_cost):
        expected = _profit_change("partner", "level up")
        value = as_fraction_or_number(level_up_cost, "level_up_cost")
        if close(value, expected, 0.5):
            return (f"Levelling up changes the expected profit by {dollars(expected)} to nearly close the partner "
                    "gap: a small price (likely a loss, but its 95 % interval includes zero), and it uses the partner column at decision "
                    "time, as the champion already does through its inputs (ask legal about both).")
        if expected != 0 and close(value, -expected, 0.5):
            raise Mistake("Right size, wrong sign: levelling up *lowers* the expected profit. Compute "
                          "'level up' minus 'one threshold' and keep the minus sign.")
        table = fairness.policy_table(_y(), _scores(), _groups()["partner"] == 1, _policies("partner"), ECONOMICS)
        if close(value, table.loc["level up", "expected profit ($)"], 0.5):
            raise Mistake("That is the profit of the 'level up' campaign itself. The question asks for the change: "
                          "subtract the profit of 'one threshold'.")
        if close(value, _profit_change("partner", "level down"), 0.5):
            raise Mistake("That is the change for 'level down'. This question asks about 'level up'.")
        if close(value, _profit_change("dependents", "level up"), 0.5):
            raise Mistake("That is the lesson's answer for customers with dependents. Use the partner column.")
        if close(value, _profit_change("partner", "level up", choose_on="test"), 0.5):
            raise Mistake("The thresholds were chosen on the test customers: that is hindsight. Choose them on the "
                          "training customers (y_train, their scores, train_groups) and judge them on the test customers.")
        if close(value, _profit_change("partner", "level up", in_sample=True), 0.5):
            raise Mistake("The thresholds were chosen on the model's scores of its own training customers, which are too "
                          "good (it learnt from them). As in section 6, choose on their out-of-fold scores: "
                          "out_of_fold_scores(X_train, y_train, C=CHAMPION_C).")
        if close(value, _profit_change("partner", "level up", judge_on="train"), 0.5):
            raise Mistake("That was judged on the training customers. Judge the policies on the test customers: "
                          "policy_table(y_test, churn_scores, groups['partner'] == 1, policies).")
        if close(value, _profit_change("partner", "level up", base=0.5), 0.5):
            raise Mistake("That starts from threshold 0.5. The campaign's threshold is the break-even probability, 1/6.")
        if close(value, _profit_change("partner", "level up", C=FIRST_MODEL_C), 0.5):
            raise Mistake("That is the price for the first model of lessons 02-04 (C = 1.0). The review is of the champion "
                          "lesson 05 registered (C = 0.1): use the set-up's model, champion_model().")
        raise Mistake(f"level_up_cost is {value:,.0f}. It should be the expected profit of 'level up' minus that of "
                      "'one threshold', for the partner column.")


@cache
def _reasons(customer: str = REASON_CUSTOMER, reference: str = "train", C: float = CHAMPION_C) -> pd.DataFrame:
    split = course_split()
    background = split.X_train if reference == "train" else split.X_test
    model = champion_model() if C == CHAMPION_C else course_model(C)
    return explain.reason_codes(model, background, split.X_test.loc[[customer]])


def _reason_list(answer, name: str = "call_reasons") -> list[str]:
    """The reasons a learner gave, as texts in lower case with single spaces, or ``Mistake``."""
    if isinstance(answer, pd.DataFrame) and "reason" in answer.columns:
        answer = answer["reason"]
    if isinstance(answer, str):
        raise Mistake(f"{name} should be the list of the customer's reasons, strongest first, not one text. Keep the whole "
                      "column: list(codes[\"reason\"]).")
    if not isinstance(answer, (list, tuple, pd.Series, pd.Index, np.ndarray)):
        raise Mistake(f"{name} should be a list of reasons in words, like ['no tech support', ...], not {kind_of(answer)}.")
    items = list(answer)
    if not items or not all(isinstance(item, str) for item in items):
        raise Mistake(f"{name} should be a list of reasons in words (texts), not {kind_of(answer)}.")
    return [" ".join(item.strip().lower().split()) for item in items]


class CallReasons(Question):
    variables = ("call_reasons",)
    solution_code = (
        f'codes = explain.reason_codes(model, X_train, X_test.loc[["{REASON_CUSTOMER}"]])\n'
        'call_reasons = list(codes["reason"])'
    )
    hints = (
        "Lesson 06, section 8: explain.reason_codes lists each customer's reasons, strongest first (rank 1), measured "
        "from the baseline customer (the average training inputs). Read the column with the words an agent reads.",
        "The blanks are X_train (the customers the reasons are measured from) and \"reason\" (the column in words).",
    )
    solution_why = (
        "Reason codes rank the inputs that raise a customer's score, after adding up each input's one-hot columns; "
        "the first is the strongest. They are measured from the baseline customer, the average of X_train, the customers "
        "the model learned from, and read in words, as an agent would (the column 'points' says how much each adds "
        "to the baseline customer's churn probability)."
    )

    def grade(self, call_reasons):
        answer = _reason_list(call_reasons)
        expected = [reason.lower() for reason in _reasons()["reason"]]
        if answer == expected:
            codes = _reasons()
            can = "something the company controls" if codes["actionable"].iloc[0] else "nothing the company controls"
            return (f"{REASON_CUSTOMER}'s reasons, strongest first: {', '.join(codes['reason'])}. The first, "
                    f"'{codes['reason'].iloc[0]}', is {can}.")
        if answer == [reason.lower() for reason in _reasons(REASON_CUSTOMER, "test")["reason"]]:
            raise Mistake("Those reasons were measured from the test customers. Measure them from the customers the model "
                          "learned from: explain.reason_codes(model, X_train, ...).")
        if answer == [reason.lower() for reason in _reasons(C=FIRST_MODEL_C)["reason"]]:
            raise Mistake("Those are the reasons of the first model of lessons 02-04 (C = 1.0). The review is of the "
                          "champion lesson 05 registered (C = 0.1): use the set-up's model, champion_model().")
        if set(answer) <= {words for _, words in explain.STRENGTH_WORDS}:
            raise Mistake("Those are the strengths in words (how much each reason raises the risk). The question asks for "
                          "the reasons themselves: the column \"reason\".")
        if sorted(answer) == sorted(expected):
            raise Mistake("The right reasons, in another order. Keep the order of the table: strongest first (rank 1).")
        if set(answer) < set(expected):
            raise Mistake("Some of the reasons are missing: keep the whole column, list(codes[\"reason\"]).")
        codes = _reasons()
        if set(answer) & ({column.replace("_", " ") for column in codes["column"]} | set(codes["column"])):
            raise Mistake("Those are the inputs' column names. Give the reasons in the words an agent reads: the column "
                          "\"reason\".")
        if any("_" in item for item in answer):
            raise Mistake("Those are the model's one-hot columns. Reason codes add those up per input first "
                          "(explain.reason_codes does it): give its column \"reason\".")
        riskiest = course_split().X_test.index[int(np.argmax(_scores()))]
        if answer == [reason.lower() for reason in _reasons(riskiest)["reason"]]:
            raise Mistake(f"Those are the reasons of {riskiest}, the lesson's riskiest customer. Use customer {REASON_CUSTOMER}.")
        raise Mistake(f"Those are not {REASON_CUSTOMER}'s reasons. Run explain.reason_codes for "
                      f"X_test.loc[['{REASON_CUSTOMER}']], measured from X_train, and keep its column \"reason\".")


q1 = PartnerRecallGap("q1")
q2 = RealGaps("q2")
q3 = FittingDefinition("q3")
q4 = CallReasons("q4")
q5 = LevelUpCost("q5")
