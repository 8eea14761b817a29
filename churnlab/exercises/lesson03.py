"""Exercise questions for lesson 03: precision, recall, F1 and the threshold.

In the notebook: ``from churnlab.exercises.lesson03 import *`` gives
``q1`` ... ``q4`` and the blank ``____``.
"""
from __future__ import annotations

from functools import cache

import numpy as np
from sklearn.metrics import accuracy_score, precision_score, recall_score

from churnlab.economics import CampaignEconomics, expected_campaign_profit
from churnlab.exercises.core import (
    course_model, course_split, Mistake, Question, ____, as_fraction_or_number, close, reject_if_rounded,
)

__all__ = ["q1", "q2", "q3", "q4", "____"]

DEFAULTS = CampaignEconomics()
EXPENSIVE = CampaignEconomics(cost_per_contact=30)


@cache
def _scores(part: str = "test") -> np.ndarray:
    X = course_split().X_test if part == "test" else course_split().X_train
    return course_model().predict_proba(X)[:, 1]


def _labels(part: str = "test") -> np.ndarray:
    return (course_split().y_test if part == "test" else course_split().y_train).to_numpy()


class PrecisionAtHalf(Question):
    variables = ("precision_at_half",)
    hints = (
        "Precision looks at the customers we contact: of those, what share really churned? "
        "At threshold 0.5 we contact customers whose churn score is 0.5 or more.",
        "precision_score(true labels, yes/no decisions): the decisions are churn_scores >= 0.5.",
    )
    solution_code = "precision_at_half = precision_score(y_test, churn_scores >= 0.5)"
    solution_why = (
        "Precision = churners we call ÷ customers we call. The decision 'contact' is churn_scores >= 0.5, "
        "and it is judged on the test customers, against what they really did (y_test)."
    )

    def grade(self, precision_at_half):
        y, scores = _labels(), _scores()
        contacted = scores >= 0.5
        expected = precision_score(y, contacted)
        value = as_fraction_or_number(precision_at_half, "precision_at_half")
        if close(value, expected):
            return f"{expected:.1%} of the customers we would call at 0.5 are real churners; the rest are loyal customers we bother."
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. Give precision as a fraction between 0 and 1.")
        if close(value, recall_score(y, contacted)):
            raise Mistake(
                "That is recall (the share of all churners we contact). Precision and recall are swapped: "
                "precision looks at the customers we *contact*."
            )
        if close(value, precision_score(y, scores < 0.5)):
            raise Mistake("The inequality points the wrong way: we contact customers whose score is at or *above* 0.5.")
        if close(value, accuracy_score(y, contacted)):
            raise Mistake("That is accuracy (right decisions among all customers). Precision only looks at the customers we contact.")
        if close(value, precision_score(_labels("train"), _scores("train") >= 0.5)):
            raise Mistake("That was measured on the training customers. Judge the model on the test customers (y_test, churn_scores).")
        reject_if_rounded(value, expected, "precision_at_half")
        raise Mistake(f"precision_at_half is {value:.4g}. It should be: churners we call ÷ customers we call, at threshold 0.5.")


class LoyalBothered(Question):
    variables = ("loyal_bothered",)
    hints = (
        "'Loyal customers we bother' are customers we contact (score at or above 0.3) who did not churn (y_test == 0).",
        "Combine the two conditions with & and count the True values: ((churn_scores >= 0.3) & (y_test == 0)).sum().",
    )
    solution_code = "loyal_bothered = ((churn_scores >= 0.3) & (y_test == 0)).sum()"
    solution_why = (
        "Each loyal customer we contact is a false positive: the top-right cell of the confusion matrix. "
        "Both conditions must hold: contacted (score >= 0.3) and stayed (label 0)."
    )

    def grade(self, loyal_bothered):
        y, scores = _labels(), _scores()
        contacted, stayed = scores >= 0.3, y == 0
        expected = int((contacted & stayed).sum())
        value = as_fraction_or_number(loyal_bothered, "loyal_bothered")
        if value == expected:
            return (
                f"At threshold 0.3 we would bother {expected} loyal customers, to reach "
                f"{int((contacted & ~stayed).sum())} churners."
            )
        if value == int((contacted & ~stayed).sum()):
            raise Mistake("That counts the churners we call. Count the contacted customers who *stayed* (y_test == 0).")
        if value == int((~contacted & ~stayed).sum()):
            raise Mistake("That counts the churners we miss. Count the loyal customers we contact.")
        if value == int((~contacted & stayed).sum()):
            raise Mistake(
                "The inequality points the wrong way: those are loyal customers we leave alone. "
                "We contact customers whose score is at or *above* 0.3."
            )
        if value == int(contacted.sum()):
            raise Mistake("That is everyone we contact. Keep only those who did not churn.")
        if close(value, (contacted & stayed).mean()) or close(value, (contacted & stayed).sum() / contacted.sum()):
            raise Mistake("Give a count of customers (a whole number), not a share.")
        train_y, train_scores = _labels("train"), _scores("train")
        if value == int(((train_scores >= 0.3) & (train_y == 0)).sum()):
            raise Mistake("That is on the training customers. Use the test customers: churn_scores and y_test.")
        raise Mistake(f"loyal_bothered is {value:g}. Count customers with churn_scores >= 0.3 and y_test == 0.")


class ProfitAtThreshold(Question):
    variables = ("profit_at_030",)
    hints = (
        "Contact everyone with churn_scores >= 0.3. Profit = churners contacted × 30 % × $200 − customers contacted × $10.",
        "Count both groups first: contacted = churn_scores >= 0.3; churners_called = (contacted & (y_test == 1)).sum(). "
        "Or use profit_at_threshold(y_test, churn_scores, 0.3, economics).",
    )
    solution_code = (
        "profit_at_030 = profit_at_threshold(y_test, churn_scores, 0.3, economics)\n"
        "# by hand: contacted = churn_scores >= 0.3\n"
        "#          (contacted & (y_test == 1)).sum() * 0.30 * 200 - contacted.sum() * 10"
    )
    solution_why = (
        "Every contacted churner is worth 30 % × $200 = $60 on average, and every contact, churner or not, "
        "costs $10. Leave out the contact cost and any campaign looks profitable."
    )

    def grade(self, profit_at_030):
        y, scores = _labels(), _scores()
        contacted = scores >= 0.3
        reached, n_contacted = int(y[contacted].sum()), int(contacted.sum())
        expected = expected_campaign_profit(y, contacted, DEFAULTS)
        value = as_fraction_or_number(profit_at_030, "profit_at_030")
        if close(value, expected, 0.5):
            return f"${expected:,.0f} expected from contacting {n_contacted} customers, {reached} of them churners."
        if close(value, reached * DEFAULTS.saving_per_churner_contacted, 0.5):
            raise Mistake("That leaves out the contact cost: every contacted customer costs $10, churner or not.")
        if close(value, reached * DEFAULTS.value_of_saved_customer - n_contacted * DEFAULTS.cost_per_contact, 0.5):
            raise Mistake("Only 30 % of contacted churners accept the offer: multiply the churners by the acceptance rate too.")
        if close(value, reached * DEFAULTS.saving_per_churner_contacted - (n_contacted - reached) * DEFAULTS.cost_per_contact, 0.5):
            raise Mistake("Contacting a churner costs $10 too: the cost applies to every contacted customer, not only loyal ones.")
        if close(value, expected_campaign_profit(y, ~contacted, DEFAULTS), 0.5):
            raise Mistake("The inequality points the wrong way: contact customers whose score is at or *above* 0.3.")
        if close(value, expected_campaign_profit(y, contacted, EXPENSIVE), 0.5):
            raise Mistake("That uses $30 per contact. This question uses the defaults: $200, 30 %, $10.")
        train_y, train_scores = _labels("train"), _scores("train")
        if close(value, expected_campaign_profit(train_y, train_scores >= 0.3, DEFAULTS), 0.5):
            raise Mistake("That is on the training customers. Use the test customers: churn_scores and y_test.")
        raise Mistake(f"profit_at_030 is {value:,.0f}. Check: churners contacted × 0.30 × 200 − customers contacted × 10.")


class BreakEven(Question):
    variables = ("break_even_30",)
    hints = (
        "A contact pays off when churn probability × (acceptance × value) is more than the cost. Solve for the probability.",
        "break-even = cost ÷ (acceptance × value); here the cost is $30, acceptance 0.30 and value $200.",
    )
    solution_code = "break_even_30 = 30 / (0.30 * 200)"
    solution_why = (
        "At $30 a contact, a customer must have at least a 50 % chance of churning for the expected saving "
        "(probability × $60) to cover the call. So the threshold rises from about 0.17 to 0.5."
    )

    def grade(self, break_even_30):
        expected = EXPENSIVE.break_even_probability
        value = as_fraction_or_number(break_even_30, "break_even_30")
        if close(value, expected, 1e-3):
            return "Contact only customers who are at least 50 % likely to churn: at $30 a call, anyone less risky costs more than they save."
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. Give the probability as a fraction between 0 and 1.")
        if close(value, 1 / expected, 1e-3):
            raise Mistake("The division is upside down: divide the cost by the expected saving, not the other way round.")
        if close(value, EXPENSIVE.cost_per_contact / EXPENSIVE.value_of_saved_customer, 1e-3):
            raise Mistake("Only 30 % of contacted churners accept the offer: the expected saving is 0.30 × $200, not $200.")
        if close(value, DEFAULTS.break_even_probability, 1e-3):
            raise Mistake("That is the break-even at $10 per contact. This question asks about $30.")
        raise Mistake(f"break_even_30 is {value:.4g}. Use cost ÷ (acceptance × value).")


q1 = PrecisionAtHalf("q1")
q2 = LoyalBothered("q2")
q3 = ProfitAtThreshold("q3")
q4 = BreakEven("q4")
