"""Exercise questions for lesson 04: ML vs heuristics.

In the notebook: ``from churnlab.exercises.lesson04 import *`` gives
``q1`` ... ``q4`` and the blank ``____``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score

from churnlab.economics import CampaignEconomics, expected_campaign_profit
from churnlab.exercises.core import (
    kind_of, course_split, Mistake, Question, ____, as_fraction_or_number, close, reject_if_rounded,
)
from churnlab.rules import flag_risk_points, risk_points

__all__ = ["q1", "q2", "q3", "q4", "____"]

CHEAP = CampaignEconomics()
EXPENSIVE = CampaignEconomics(cost_per_contact=30)
PAYMENT_METHODS = ("Bank transfer (automatic)", "Credit card (automatic)", "Electronic check", "Mailed check")


def _echeck(X: pd.DataFrame) -> pd.Series:
    return X["payment_method"].eq("Electronic check").astype(int)


class ElectronicCheckRule(Question):
    variables = ("echeck_flags",)
    hints = (
        "A rule is one line of pandas on the test customers' table, X_test: 1 when payment_method is 'Electronic check'.",
        "X_test['payment_method'].eq('Electronic check') gives True/False per customer; .astype(int) turns it into 1/0.",
    )
    solution_code = "echeck_flags = X_test['payment_method'].eq('Electronic check').astype(int)"
    solution_why = (
        "The rule needs no training: it flags each test customer who pays by electronic check. "
        "Applied to X_test, it lines up with y_test, so it can be judged on the same customers as the model."
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
        if (numbers == 1 - expected.to_numpy()).all():
            raise Mistake("The flags are upside down: 1 should mark customers who *do* pay by electronic check.")
        for method in PAYMENT_METHODS:
            if (numbers == split.X_test["payment_method"].eq(method).astype(int).to_numpy()).all():
                raise Mistake(f"That flags '{method}'. The rule is about 'Electronic check' (check the spelling).")
        raise Mistake("Some customers are flagged wrongly. Flag exactly the test customers whose payment_method is 'Electronic check'.")


class RuleRecall(Question):
    variables = ("echeck_recall",)
    hints = (
        "Recall: of all churners among the test customers, the share the rule flags.",
        "recall_score(y_test, echeck_flags): true labels first, the rule's decisions second.",
    )
    solution_code = "echeck_recall = recall_score(y_test, echeck_flags)"
    solution_why = (
        "Recall = churners the rule flags ÷ all churners. It is measured on the test customers, the same "
        "customers the model is judged on, so the two can be compared."
    )

    def grade(self, echeck_recall):
        split = course_split()
        flags = _echeck(split.X_test)
        expected = recall_score(split.y_test, flags)
        value = as_fraction_or_number(echeck_recall, "echeck_recall")
        if close(value, expected):
            return (
                f"The rule reaches {expected:.1%} of the test churners, with precision "
                f"{precision_score(split.y_test, flags):.1%}: compare that with the model's row in the lesson's table."
            )
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. Give recall as a fraction between 0 and 1.")
        if close(value, precision_score(split.y_test, flags)):
            raise Mistake("That is precision (the share of flagged customers who churn). Precision and recall are swapped.")
        if close(value, recall_score(split.y_train, _echeck(split.X_train))):
            raise Mistake(
                "That was measured on the training customers. Evaluate the rule on the test customers "
                "(X_test, y_test): the same customers as the model, or the comparison is not fair."
            )
        if close(value, accuracy_score(split.y_test, flags)):
            raise Mistake("That is accuracy. Recall only looks at the churners: the share of them the rule flags.")
        reject_if_rounded(value, expected, "echeck_recall")
        raise Mistake(f"echeck_recall is {value:.4g}. Use recall_score(y_test, the rule's 1/0 flags).")


class RuleProfitExpensive(Question):
    variables = ("echeck_profit_30",)
    hints = (
        "Profit = churners flagged × 30 % × $200 − customers flagged × $30 (every flagged customer is contacted).",
        "expected_campaign_profit(y_test, echeck_flags, expensive) does it; expensive is CampaignEconomics(cost_per_contact=30).",
    )
    solution_code = (
        "expensive = CampaignEconomics(value_of_saved_customer=200, acceptance_rate=0.30, cost_per_contact=30)\n"
        "echeck_profit_30 = expected_campaign_profit(y_test, echeck_flags, expensive)"
    )
    solution_why = (
        "Each contacted churner is worth 0.30 × $200 = $60, but every contact costs $30, so the rule pays only "
        "if more than half of the customers it flags are churners."
    )

    def grade(self, echeck_profit_30):
        split = course_split()
        flags = _echeck(split.X_test).to_numpy().astype(bool)
        y = split.y_test.to_numpy()
        reached, contacted = int(y[flags].sum()), int(flags.sum())
        expected = expected_campaign_profit(y, flags, EXPENSIVE)
        value = as_fraction_or_number(echeck_profit_30, "echeck_profit_30")
        if close(value, expected, 0.5):
            verdict = "loses" if expected < 0 else "makes"
            return (
                f"The rule {verdict} ${abs(expected):,.0f} at $30 a contact: it flags {contacted} customers "
                f"but only {reached} churners. Broad rules suffer most when contacts are expensive."
            )
        if close(value, reached * EXPENSIVE.saving_per_churner_contacted, 0.5):
            raise Mistake("That leaves out the contact cost: every flagged customer is contacted and costs $30.")
        if close(value, expected_campaign_profit(y, flags, CHEAP), 0.5):
            raise Mistake("That uses $10 per contact. This question asks about $30 per contact.")
        if close(value, reached * EXPENSIVE.saving_per_churner_contacted - (contacted - reached) * 30, 0.5):
            raise Mistake("Contacting a churner costs $30 too: the cost applies to every flagged customer.")
        if close(value, reached * EXPENSIVE.value_of_saved_customer - contacted * 30, 0.5):
            raise Mistake("Only 30 % of contacted churners accept: multiply the churners by the acceptance rate.")
        if close(value, -expected, 0.5) and expected != 0:
            raise Mistake(
                f"Right size, wrong sign: the rule {'loses' if expected < 0 else 'makes'} money at $30 a contact. "
                "A loss is a negative profit: keep the minus sign (profit = savings − costs)."
            )
        train_flags = _echeck(split.X_train).to_numpy().astype(bool)
        if close(value, expected_campaign_profit(split.y_train, train_flags, EXPENSIVE), 0.5):
            raise Mistake("That is on the training customers. Evaluate the rule on the test customers, like the model.")
        raise Mistake(f"echeck_profit_30 is {value:,.0f}. Check: churners flagged × 0.30 × 200 − customers flagged × 30.")


class ScorecardAuc(Question):
    variables = ("scorecard_auc",)
    hints = (
        "ROC-AUC judges a *ranking*, so it needs the scorecard's points (0–5), not the yes/no flag.",
        "roc_auc_score(y_test, rules.risk_points(X_test)).",
    )
    solution_code = "scorecard_auc = roc_auc_score(y_test, rules.risk_points(X_test))"
    solution_why = (
        "The points rank customers from 0 to 5, so ROC-AUC can judge how often a churner outranks a loyal "
        "customer. A yes/no flag keeps only one cut of that ranking and scores lower."
    )

    def grade(self, scorecard_auc):
        split = course_split()
        points = risk_points(split.X_test)
        expected = roc_auc_score(split.y_test, points)
        value = as_fraction_or_number(scorecard_auc, "scorecard_auc")
        if close(value, expected):
            return (
                f"ROC-AUC {expected:.3f} from five whiteboard signals: a random churner outranks a random loyal "
                f"customer {expected:.0%} of the time (ties count half). The model does a little better."
            )
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. ROC-AUC is between 0 and 1.")
        for at_least in range(6):
            if close(value, roc_auc_score(split.y_test, flag_risk_points(split.X_test, at_least=at_least))):
                raise Mistake("You scored the yes/no flag. ROC-AUC judges a ranking: use the points (0–5), risk_points(X_test).")
        if close(value, roc_auc_score(split.y_train, risk_points(split.X_train))):
            raise Mistake("That is on the training customers. Judge the scorecard on the test customers, like the model.")
        if close(value, 1 - expected):
            raise Mistake("That is upside down (1 − the right value): more points should mean *more* risk, so score the points themselves, not their opposite.")
        reject_if_rounded(value, expected, "scorecard_auc")
        raise Mistake(f"scorecard_auc is {value:.4g}. Use roc_auc_score(y_test, the scorecard's points for X_test).")


q1 = ElectronicCheckRule("q1")
q2 = RuleRecall("q2")
q3 = RuleProfitExpensive("q3")
q4 = ScorecardAuc("q4")
