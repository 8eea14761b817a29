"""Exercise questions for lesson 04: ML vs heuristics.

In the notebook: ``from churnlab.exercises.lesson04 import *`` gives
``q1`` ... ``q6`` and the blank ``____``. Questions 1-5 are for everyone (one
blank per line, or a value or words read off a printed result); question 6 is the
optional "go further" question, answered with a few lines of pandas.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from churnlab.economics import CampaignEconomics, expected_campaign_profit
from churnlab.exercises.core import (
    TYPE_THREE_DECIMALS, Mistake, Question, ____, as_fraction_or_number, chosen_option, close, course_model, course_split,
    kind_of, reject_if_rounded,
)
from churnlab.rules import flag_risk_points, month_to_month, risk_points

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "____"]

CHEAP = CampaignEconomics()
EXPENSIVE = CampaignEconomics(cost_per_contact=30)
PAYMENT_METHODS = ("Bank transfer (automatic)", "Credit card (automatic)", "Electronic check", "Mailed check")
ASKED_METHOD = "Electronic check"


def _echeck(X: pd.DataFrame) -> pd.Series:
    return X["payment_method"].eq(ASKED_METHOD).astype(int)


def _fibre_month_to_month(X: pd.DataFrame) -> pd.Series:
    return (X["internet_service"].eq("Fiber optic") & X["contract"].eq("Month-to-month")).astype(int)


@cache
def _model_scores() -> pd.Series:
    split = course_split()
    return pd.Series(course_model().predict_proba(split.X_test)[:, 1], index=split.X_test.index)


def _profit(flags, economics: CampaignEconomics, part: str = "test") -> float:
    y = course_split().y_test if part == "test" else course_split().y_train
    return expected_campaign_profit(y, np.asarray(flags).astype(bool), economics)


def comparison_rows() -> dict[str, pd.Series]:
    """The campaigns of the exercise's comparison table (the same rows the notebook prints), as 1/0 flags."""
    X_test, scores = course_split().X_test, _model_scores()
    return {
        "rule: month-to-month": month_to_month(X_test),
        "rule: electronic check": _echeck(X_test),
        "scorecard ≥ 3 points": risk_points(X_test).ge(3).astype(int),
        "model ≥ 0.167": scores.ge(CHEAP.break_even_probability).astype(int),
        "model ≥ 0.500": scores.ge(EXPENSIVE.break_even_probability).astype(int),
    }


class ElectronicCheckRule(Question):
    variables = ("echeck_flags",)
    hints = (
        "Lesson 04, section 2 (rules a PM could write on a whiteboard): a rule is applied to the test customers, "
        "the same customers the model is judged on.",
        "The first blank is the table of the test customers, X_test. The second is the payment method exactly as the data "
        "writes it, in quotes, with a capital E: 'Electronic check'.",
    )
    solution_code = (
        "customers_to_judge = X_test\n"
        'echeck_flags = customers_to_judge["payment_method"].eq("Electronic check").astype(int)'
    )
    solution_why = (
        "The rule needs no training: it flags each test customer who pays by electronic check. "
        "Applied to X_test, it lines up with y_test, so it is judged on the same customers as the model."
    )

    def grade(self, echeck_flags):
        split = course_split()
        expected = _echeck(split.X_test)
        if isinstance(echeck_flags, pd.DataFrame):
            raise Mistake("That is a table. The rule should give one 1/0 value per customer: a single column (a Series).")
        if not isinstance(echeck_flags, (pd.Series, np.ndarray, list)):
            raise Mistake(f"echeck_flags should be one 1/0 value per test customer (a Series), not {kind_of(echeck_flags)}.")
        values = pd.Series(np.asarray(echeck_flags).ravel())
        if len(values) == len(split.X_train):
            raise Mistake("That has one value per *training* customer. Apply the rule to the test customers, X_test.")
        if len(values) == len(split.X_train) + len(split.X_test):
            raise Mistake("That covers all 7,043 customers. Apply the rule to the test customers only, X_test.")
        if len(values) != len(expected):
            raise Mistake(f"echeck_flags has {len(values):,} values; it needs one per test customer ({len(expected):,}).")
        if isinstance(echeck_flags, pd.Series) and not echeck_flags.index.equals(expected.index):
            raise Mistake("The customers are not in X_test's order (was the index reset or sorted?). Build the rule from X_test directly.")
        numbers = pd.to_numeric(values, errors="coerce")
        if numbers.isna().any() or not numbers.isin((0, 1)).all():
            raise Mistake("echeck_flags should hold only 1 (pays by electronic check) and 0 (does not), or True/False.")
        numbers = numbers.astype(int).to_numpy()
        if (numbers == expected.to_numpy()).all():
            return (
                f"The rule flags {int(expected.sum())} of {len(expected):,} test customers, "
                "and anyone can check why each one is flagged."
            )
        if not numbers.any():
            raise Mistake(
                "The rule flags nobody: no customer's payment_method matched. Write the value exactly as the data does, "
                "'Electronic check' (capital E, a space, lower-case c)."
            )
        if (numbers == 1 - expected.to_numpy()).all():
            raise Mistake("The flags are upside down: 1 should mark customers who *do* pay by electronic check.")
        for method in PAYMENT_METHODS:
            if (numbers == split.X_test["payment_method"].eq(method).astype(int).to_numpy()).all():
                raise Mistake(f"That flags '{method}'. The rule is about 'Electronic check'.")
        raise Mistake("Some customers are flagged wrongly. Flag exactly the test customers whose payment_method is 'Electronic check'.")


class RuleRecallFromTable(Question):
    variables = ("echeck_recall",)
    hints = (
        "Lesson 03, section 3: recall is the share of all churners the campaign contacts ('how many leavers do we "
        "reach?'). Memory aid: Recall looks at the Real churners.",
        "In the table above, find the row 'rule: electronic check' and read its recall column (three decimals).",
    )
    solution_lead = "Type the number from the table:"
    solution_code = "echeck_recall = 0.551"
    solution_why = (
        "The electronic-check rule reaches 55 % of the test churners, against 88 % for the month-to-month rule and "
        "90 % for the model at its $10 break-even: a narrow rule misses many leavers."
    )

    def grade(self, echeck_recall):
        split = course_split()
        rows = comparison_rows()
        flags = rows["rule: electronic check"]
        expected = float(recall_score(split.y_test, flags))
        value = as_fraction_or_number(echeck_recall, "echeck_recall")
        if close(value, expected):
            return (
                f"The rule reaches {expected:.1%} of the test churners, with precision "
                f"{precision_score(split.y_test, flags):.1%}: it misses almost half of the leavers."
            )
        if close(value, expected * 100, 0.05):
            raise Mistake(f"{value:g} looks like a percentage. Type the fraction, as the table shows it.")
        if close(value, precision_score(split.y_test, flags)):
            raise Mistake("That is the rule's precision (the share of flagged customers who churn). Read the recall column.")
        if close(value, f1_score(split.y_test, flags)):
            raise Mistake("That is the rule's F1. Read the recall column.")
        for name, other in rows.items():
            if name != "rule: electronic check" and close(value, recall_score(split.y_test, other)):
                raise Mistake(f"That is the recall of '{name}', another row. Read the row 'rule: electronic check'.")
        if close(value, recall_score(split.y_train, _echeck(split.X_train))):
            raise Mistake("That was measured on the training customers. The table judges every campaign on the test customers.")
        reject_if_rounded(value, expected, "echeck_recall", TYPE_THREE_DECIMALS)
        raise Mistake(f"echeck_recall is {value:.4g}. Read the recall column in the row 'rule: electronic check'.")


class RuleProfitFromTable(Question):
    variables = ("echeck_profit_30",)
    hints = (
        "Lesson 04, section 3: the table prices every campaign with the same money, at $10 and at $30 a contact.",
        "In the row 'rule: electronic check', read the column 'profit, 30-dollar contacts'. A loss is a negative profit: keep its "
        "minus sign. Type a plain number, without $ sign or commas.",
    )
    solution_lead = "Type the number from the table, minus sign included:"
    solution_code = "echeck_profit_30 = -1860"
    solution_why = (
        "At $30 a contact the rule loses money: of the 474 customers it flags only 206 churn, and each contacted churner "
        "is worth only 30 % × $200 = $60 on average. Broad rules suffer most when contacts are expensive."
    )

    def grade(self, echeck_profit_30):
        rows = comparison_rows()
        flags = rows["rule: electronic check"]
        expected = _profit(flags, EXPENSIVE)
        value = as_fraction_or_number(echeck_profit_30, "echeck_profit_30")
        if close(value, expected, 0.5):
            y = course_split().y_test.to_numpy()
            reached, contacted = int(y[flags.to_numpy() == 1].sum()), int(flags.sum())
            verdict = "loses" if expected < 0 else "makes"
            return (
                f"The rule {verdict} ${abs(expected):,.0f} at $30 a contact: it flags {contacted} customers but only "
                f"{reached} churners. Broad rules suffer most when contacts are expensive."
            )
        if close(value, -expected, 0.5) and expected != 0:
            raise Mistake(
                f"Right size, wrong sign: the rule {'loses' if expected < 0 else 'makes'} money at $30 a contact. "
                "A loss is a negative profit: keep the minus sign."
            )
        if close(value, _profit(flags, CHEAP), 0.5):
            raise Mistake("That is the profit at $10 a contact. This question asks about $30: the other profit column.")
        for name, other in rows.items():
            if name != "rule: electronic check" and close(value, _profit(other, EXPENSIVE), 0.5):
                raise Mistake(f"That is the profit of '{name}', another row. Read the row 'rule: electronic check'.")
        y = course_split().y_test.to_numpy()
        reached, contacted = int(y[flags.to_numpy() == 1].sum()), int(flags.sum())
        if close(value, reached * EXPENSIVE.saving_per_churner_contacted, 0.5):
            raise Mistake("That leaves out the contact cost: every flagged customer is contacted and costs $30.")
        if close(value, reached * EXPENSIVE.value_of_saved_customer - contacted * EXPENSIVE.cost_per_contact, 0.5):
            raise Mistake("Only 30 % of contacted churners accept: multiply the churners by the acceptance rate too.")
        raise Mistake(f"echeck_profit_30 is {value:,.0f}. Read the row 'rule: electronic check', column 'profit, 30-dollar contacts'.")


class ScorecardAuc(Question):
    variables = ("scorecard_auc",)
    hints = (
        "Lesson 04, sections 2 and 3: the risk-points scorecard gives each customer 0 to 5 points, so, like the model, "
        "it ranks customers; ROC-AUC judges that ranking on the test customers.",
        "The first blank is the test customers' table, X_test; the second is the points the first line computes.",
    )
    solution_code = "scorecard_points = rules.risk_points(X_test)\nscorecard_auc = roc_auc_score(y_test, scorecard_points)"
    solution_why = (
        "The points rank customers from 0 to 5, so ROC-AUC can judge how often a churner outranks a loyal customer: "
        "0.815 from five whiteboard signals, against 0.842 for the model. A yes/no flag keeps only one cut of that ranking."
    )

    def grade(self, scorecard_auc):
        split = course_split()
        expected = float(roc_auc_score(split.y_test, risk_points(split.X_test)))
        value = as_fraction_or_number(scorecard_auc, "scorecard_auc")
        if close(value, expected):
            model_auc = roc_auc_score(split.y_test, _model_scores())
            return (
                f"ROC-AUC {expected:.3f} from five whiteboard signals, against {model_auc:.3f} for the model: a random churner "
                f"outranks a random loyal customer {expected:.0%} of the time (ties count half)."
            )
        if close(value, expected * 100, 0.05):
            raise Mistake(f"{value:g} looks like a percentage. ROC-AUC is between 0 and 1.")
        if value == 1:
            raise Mistake("1.0 means the scores were the true outcomes themselves (y_test). Give the scorecard's points.")
        for at_least in range(1, 6):
            if close(value, roc_auc_score(split.y_test, flag_risk_points(split.X_test, at_least=at_least))):
                raise Mistake("You scored a yes/no flag. ROC-AUC judges a ranking: give the points (0–5), scorecard_points.")
        if close(value, roc_auc_score(split.y_test, _echeck(split.X_test))):
            raise Mistake("That is the electronic-check rule's flags. Give the scorecard's points, scorecard_points.")
        if close(value, roc_auc_score(split.y_train, risk_points(split.X_train))):
            raise Mistake("That is on the training customers. Judge the scorecard on the test customers, like the model.")
        if close(value, 1 - expected):
            raise Mistake("That is upside down: more points should mean *more* risk. Score the points themselves.")
        reject_if_rounded(value, expected, "scorecard_auc")
        raise Mistake(f"scorecard_auc is {value:.4g}. Use roc_auc_score(y_test, scorecard_points).")


class GapVerdict(Question):
    """Read an interval: is month-to-month's edge over the scorecard at $10 real?"""

    variables = ("verdict",)
    first, second = "rule: month-to-month", "scorecard ≥ 3 points"
    options = {
        "clear": ("clear", "clearly", "it is clear", "clear win"),
        "likely but not certain": ("likely but not certain", "likely, but not certain", "likely, not certain",
                                   "likely but not sure", "likely"),
        "a tie within noise": ("a tie within noise", "tie within noise", "a tie", "tie", "within noise", "noise"),
    }
    hints = (
        "Lesson 04, section 4 (is the gap real?): clear when the whole interval is on one side of $0; likely but not "
        "certain when it contains $0 but at least 80 % of the redraws agree with the estimate; a tie within noise otherwise.",
        "Does the interval printed above contain $0? If it does, look at the share of redraws that favour month-to-month: "
        "is it 80 % or more?",
    )
    solution_lead = "The interval runs from below $0 to above it, and 89 % of the redraws favour month-to-month:"
    solution_code = 'verdict = "likely but not certain"'
    solution_why = (
        "The interval contains $0, so the edge is not clear; but most redraws (more than 80 %) favour month-to-month. "
        "A PM may say: the month-to-month rule probably earns a few hundred dollars more than the scorecard at 3 points, "
        "perhaps about $1,300, perhaps nothing."
    )

    @staticmethod
    def gap():
        from churnlab.uncertainty import profit_difference

        rows = comparison_rows()
        return profit_difference(course_split().y_test, rows[GapVerdict.first], rows[GapVerdict.second], CHEAP)

    def grade(self, verdict):
        gap = self.gap()
        answer = chosen_option(verdict, self.options, "verdict should be the verdict in words, in quotes", "clear",
                               "one of 'clear', 'likely but not certain' or 'a tie within noise'")
        favour = f"{gap.share_above_zero:.0%} of the redraws favour month-to-month"
        if answer == gap.verdict:
            return (f"Month-to-month minus the scorecard: {gap}; {favour}. The edge is {gap.verdict}: "
                    "say 'probably a few hundred dollars, perhaps nothing', not 'the rule wins'.")
        if answer == "clear":
            raise Mistake(f"Clear needs the whole interval on one side of $0; this one, {gap}, contains $0: "
                          "a tie is not ruled out.")
        if answer == "a tie within noise":
            raise Mistake(f"The interval {gap} contains $0, yes; but {favour}, more than the 80 % the course asks for "
                          "'likely but not certain'.")
        raise Mistake(f"The interval is {gap} and {favour}: check each verdict's rule in lesson 04, section 4.")


class FibreMonthToMonthRule(Question):
    """Go further: write a two-condition rule and price it."""

    variables = ("fibre_rule_profit_30",)
    hints = (
        "A two-condition rule combines two True/False columns with & (both true), each in brackets, as lesson 04's "
        "'month-to-month & new' rule does.",
        "Flag X_test customers whose internet_service is 'Fiber optic' and whose contract is 'Month-to-month', then price "
        "the flags with expected_campaign_profit(y_test, flags, expensive).",
    )
    solution_code = (
        'fibre_rule = X_test["internet_service"].eq("Fiber optic") & X_test["contract"].eq("Month-to-month")\n'
        "fibre_rule_profit_30 = expected_campaign_profit(y_test, fibre_rule, expensive)"
    )
    solution_why = (
        "Two signals together make a sharper rule: more than half of the customers it flags churn, so it stays "
        "(barely) profitable at $30 a contact, where each signal alone loses money. The model still earns more."
    )

    def grade(self, fibre_rule_profit_30):
        split = course_split()
        flags = _fibre_month_to_month(split.X_test)
        expected = _profit(flags, EXPENSIVE)
        value = as_fraction_or_number(fibre_rule_profit_30, "fibre_rule_profit_30")
        if close(value, expected, 0.5):
            return (
                f"The rule flags {int(flags.sum())} customers and makes ${expected:,.0f} at $30 a contact, where "
                f"month-to-month alone loses ${-_profit(month_to_month(split.X_test), EXPENSIVE):,.0f}; the model at 0.5 "
                f"makes ${_profit(comparison_rows()['model ≥ 0.500'], EXPENSIVE):,.0f}."
            )
        if close(value, -expected, 0.5):
            raise Mistake("Right size, wrong sign: this rule makes money at $30. Check the minus sign.")
        if close(value, _profit(flags, CHEAP), 0.5):
            raise Mistake("That is the profit at $10 a contact. Use the $30 economics, expensive.")
        X = split.X_test
        one_signal = {
            "fibre optic alone": X["internet_service"].eq("Fiber optic"),
            "month-to-month alone": X["contract"].eq("Month-to-month"),
            "fibre optic *or* month-to-month": X["internet_service"].eq("Fiber optic") | X["contract"].eq("Month-to-month"),
        }
        for name, other in one_signal.items():
            if close(value, _profit(other, EXPENSIVE), 0.5):
                raise Mistake(f"That is the profit of {name}. Flag customers with both signals: combine them with &.")
        if close(value, _profit(_fibre_month_to_month(split.X_train), EXPENSIVE, "train"), 0.5):
            raise Mistake("That is on the training customers. Apply the rule to X_test and price it with y_test.")
        raise Mistake(f"fibre_rule_profit_30 is {value:,.0f}. Flag fibre-optic month-to-month customers in X_test, price at $30.")


q1 = ElectronicCheckRule("q1")
q2 = RuleRecallFromTable("q2")
q3 = RuleProfitFromTable("q3")
q4 = ScorecardAuc("q4")
q5 = GapVerdict("q5")
q6 = FibreMonthToMonthRule("q6")
