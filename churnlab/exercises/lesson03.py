"""Exercise questions for lesson 03: precision, recall, F1 and the threshold.

In the notebook: ``from churnlab.exercises.lesson03 import *`` gives
``q1`` ... ``q6`` and the blank ``____``. Questions 1-5 are for everyone (one
blank per line, or a value read off a printed table or chart); question 6 is
the optional "go further" question, answered with a few lines of code.
"""
from __future__ import annotations

from functools import cache

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from churnlab.economics import CampaignEconomics, calibration_table, top_k_profit
from churnlab.exercises.core import (
    TYPE_THREE_DECIMALS, Mistake, Question, ____, as_fraction_or_number, close, course_model, course_split,
    reject_if_rounded,
)

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "____"]

DEFAULTS = CampaignEconomics()
EXPENSIVE = CampaignEconomics(cost_per_contact=30)
RICHER_OFFER = CampaignEconomics(acceptance_rate=0.40, cost_per_contact=30)
ASKED_THRESHOLD = 0.3
TABLE_THRESHOLDS = (0.2, 0.3, 0.4, 0.5)
CAPACITIES = (100, 200, 300, 400, 500)
ASKED_CALLS = 300
ASKED_BAND = "0.4–0.5"  # the one band whose interval misses its score (lesson 03, section 6)


@cache
def _scores(part: str = "test") -> np.ndarray:
    split = course_split()
    return course_model().predict_proba(split.X_test if part == "test" else split.X_train)[:, 1]


def _labels(part: str = "test") -> np.ndarray:
    split = course_split()
    return (split.y_test if part == "test" else split.y_train).to_numpy()


def _contacted(threshold: float) -> np.ndarray:
    return _scores() >= threshold


def _top_k(k: int, economics: CampaignEconomics) -> float:
    return top_k_profit(_labels(), _scores(), k, economics)


class LoyalBothered(Question):
    variables = ("loyal_bothered",)
    hints = (
        "Lesson 03, section 3 (the confusion matrix, read as customers): 'loyal customers we bother' is the top-right cell.",
        "Draw the chart at threshold 0.3 (type 0.3 in the first blank), then read the number in the cell labelled "
        "'loyal customers we bother'.",
    )
    solution_lead = "Fill the chart's blank with 0.3, then type the number from the top-right cell:"
    solution_code = (
        'plots.confusion_in_customer_words(y_test, churn_scores >= 0.3, title="Your campaign")\n'
        "loyal_bothered = 262"
    )
    solution_why = (
        "At threshold 0.3 the campaign contacts 545 customers: 283 churners and 262 loyal customers who would have "
        "stayed anyway. Each of those 262 calls costs money and may annoy a happy customer."
    )

    def grade(self, loyal_bothered):
        contacted, stayed = _contacted(ASKED_THRESHOLD), _labels() == 0
        expected = int((contacted & stayed).sum())
        value = as_fraction_or_number(loyal_bothered, "loyal_bothered")
        if value == expected:
            return (
                f"At threshold 0.3 we would bother {expected} loyal customers, to reach "
                f"{int((contacted & ~stayed).sum())} churners: about one wasted call for each useful one."
            )
        cells = {
            int((contacted & ~stayed).sum()): "the churners we call (bottom right)",
            int((~contacted & ~stayed).sum()): "the churners we miss (bottom left)",
            int((~contacted & stayed).sum()): "the loyal customers we leave alone (top left)",
        }
        if value in cells:
            raise Mistake(f"That is {cells[value]}. Read the top-right cell: loyal customers we bother.")
        if value == int(contacted.sum()):
            raise Mistake("That is everyone we contact (both right-hand cells). Keep only the loyal customers we bother.")
        if 0 < value < 1:
            raise Mistake("Give a count of customers (a whole number), as the chart shows, not a share.")
        if value == 0:
            raise Mistake("0 means no loyal customer is contacted: was the threshold typed as 30 instead of 0.3?")
        for threshold in np.round(np.arange(0.05, 1.0, 0.05), 2):
            if threshold != ASKED_THRESHOLD and value == int((_contacted(threshold) & stayed).sum()):
                raise Mistake(f"That is the chart at threshold {threshold:g}. Draw it at 0.3.")
        raise Mistake(f"loyal_bothered is {value:g}. Read the top-right cell of the chart drawn at threshold 0.3.")


class PrecisionFromTable(Question):
    variables = ("precision_at_030",)
    hints = (
        "Lesson 03, section 3: precision is the share of the customers we contact who really churn ('how many calls are "
        "well spent?'). Memory aid: Precision looks at the Phone list.",
        "In the table above, find the row of threshold 0.3 and read its precision column (three decimals).",
    )
    solution_lead = "Type the number from the table:"
    solution_code = "precision_at_030 = 0.519"
    solution_why = (
        "At threshold 0.3, 283 of the 545 customers we contact are churners: a precision of 0.519, so about one "
        "call in two is well spent. Recall (0.757) answers another question: how many of all churners we reach."
    )

    def grade(self, precision_at_030):
        y, contacted = _labels(), _contacted(ASKED_THRESHOLD)
        expected = float(precision_score(y, contacted))
        value = as_fraction_or_number(precision_at_030, "precision_at_030")
        if close(value, expected):
            return (
                f"At threshold 0.3, {expected:.1%} of the customers we call are churners: about one call in two is well spent."
            )
        if close(value, expected * 100, 0.05):
            raise Mistake(f"{value:g} looks like a percentage. Type the fraction, as the table shows it.")
        if close(value, recall_score(y, contacted)):
            raise Mistake(
                "That is recall (the share of all churners we reach). Precision looks at the customers we *contact*: "
                "the precision column."
            )
        if close(value, f1_score(y, contacted)):
            raise Mistake("That is F1, which mixes precision and recall. Read the precision column.")
        if close(value, 1 - expected):
            raise Mistake("That is the share of contacts who are *loyal*. Precision is the share who churn.")
        for threshold in TABLE_THRESHOLDS:
            if threshold != ASKED_THRESHOLD and close(value, precision_score(y, _contacted(threshold))):
                raise Mistake(f"That is the precision at threshold {threshold:g}, another row of the table. Read the row of 0.3.")
        if close(value, accuracy_score(y, contacted)):
            raise Mistake("That is accuracy (right decisions among all customers). Precision only looks at the customers we contact.")
        reject_if_rounded(value, expected, "precision_at_030", TYPE_THREE_DECIMALS)
        raise Mistake(f"precision_at_030 is {value:.4g}. Read the precision column in the row of threshold 0.3.")


class BreakEvenRicherOffer(Question):
    variables = ("break_even_richer",)
    hints = (
        "Lesson 03, section 5 (money): CampaignEconomics takes the value of a saved customer, the acceptance rate "
        "(a fraction) and the cost of one contact (dollars); it computes the break-even probability for you.",
        "The new offer: 40 % of contacted churners accept (as a fraction: 0.40) and a contact costs $30.",
    )
    solution_lead = "The cell, filled in:"
    solution_code = (
        "richer_offer = CampaignEconomics(\n"
        "    value_of_saved_customer=200,\n"
        "    acceptance_rate=0.40,\n"
        "    cost_per_contact=30,\n"
        ")\n"
        "break_even_richer = richer_offer.break_even_probability"
    )
    solution_why = (
        "A contacted churner is now worth 40 % × $200 = $80 on average, and a contact costs $30, so a contact pays "
        "off above a churn probability of 30 ÷ 80 = 0.375: the richer offer lowers the bar from 0.5 (at $30 and 30 %)."
    )

    def grade(self, break_even_richer):
        expected = RICHER_OFFER.break_even_probability
        value = as_fraction_or_number(break_even_richer, "break_even_richer")
        if close(value, expected, 1e-3):
            return (
                f"Contact customers at least {expected:.1%} likely to churn: the richer offer (40 % accept) lowers the bar "
                f"from {EXPENSIVE.break_even_probability:.0%}, the break-even at $30 with 30 % accepting."
            )
        if close(value, expected * 100, 0.1):
            raise Mistake(f"{value:g} looks like a percentage. A probability is a fraction between 0 and 1.")
        if close(value, EXPENSIVE.break_even_probability, 1e-3):
            raise Mistake("That keeps the old acceptance rate, 30 %. The richer offer is accepted by 40 %: acceptance_rate=0.40.")
        if close(value, CampaignEconomics(acceptance_rate=0.40).break_even_probability, 1e-3):
            raise Mistake("That keeps the old cost of $10 a contact. The richer offer costs $30: cost_per_contact=30.")
        if close(value, DEFAULTS.break_even_probability, 1e-3):
            raise Mistake("That is the break-even with the lesson's defaults ($10, 30 %). Use the new offer: $30 and 40 %.")
        if close(value, 1 / expected, 1e-3):
            raise Mistake("The division is upside down: cost ÷ (acceptance × value), not the other way round.")
        if close(value, RICHER_OFFER.cost_per_contact / RICHER_OFFER.value_of_saved_customer, 1e-3):
            raise Mistake("That leaves out the acceptance rate: only 40 % of contacted churners accept, cost ÷ (0.40 × $200).")
        if close(value, 0.40, 1e-3):
            raise Mistake("0.40 is the acceptance rate. The break-even probability is cost ÷ (acceptance × value).")
        raise Mistake(f"break_even_richer is {value:.4g}. Let CampaignEconomics compute it: richer_offer.break_even_probability.")


class TopKProfit(Question):
    variables = ("profit_300_calls",)
    hints = (
        "Lesson 03, section 7 (when the team can only make k calls): the table above gives the expected profit for each "
        "number of calls, at $10 and at $30 a call.",
        "Find the row of 300 calls and read the column '30-dollar calls'. Type the dollars as a plain number: no $ sign, "
        "no commas, and a minus sign if it is a loss.",
    )
    solution_lead = "Type the number from the table:"
    solution_code = "profit_300_calls = 2820"
    solution_why = (
        "With 300 calls the team calls the 300 highest scores; at $30 a call that earns about $2,820. "
        "With fewer calls the list is denser in churners; with more, the extra calls reach too few churners to pay."
    )

    def grade(self, profit_300_calls):
        expected = _top_k(ASKED_CALLS, EXPENSIVE)
        value = as_fraction_or_number(profit_300_calls, "profit_300_calls")
        if close(value, expected, 0.5):
            return (
                f"300 calls at $30 earn ${expected:,.0f}; 500 calls would earn only ${_top_k(500, EXPENSIVE):,.0f}: "
                "when calls are dear, stop before the list runs out of likely churners."
            )
        if close(value, _top_k(ASKED_CALLS, DEFAULTS), 0.5):
            raise Mistake("That is the profit at $10 a call. This question asks about $30 a call: the other column.")
        if close(value, -expected, 0.5):
            raise Mistake("Right size, wrong sign: the campaign makes money at 300 calls. Drop the minus sign.")
        for k in CAPACITIES:
            if k != ASKED_CALLS and close(value, _top_k(k, EXPENSIVE), 0.5):
                raise Mistake(f"That is the row of {k} calls. Read the row of 300 calls.")
            if k != ASKED_CALLS and close(value, _top_k(k, DEFAULTS), 0.5):
                raise Mistake(f"That is the row of {k} calls, at $10 a call. Read the row of 300 calls, at $30.")
        if value == ASKED_CALLS:
            raise Mistake("300 is the number of calls. Give the expected profit, in dollars, from the table.")
        raise Mistake(f"profit_300_calls is {value:,.0f}. Read the row of 300 calls, in the column '30-dollar calls'.")


@cache
def _calibration():
    return calibration_table(_labels(), _scores()).set_index("score band")


class ShareWhoChurned(Question):
    variables = ("churned_040_050",)
    hints = (
        "Lesson 03, section 6 (can a score be read as a chance?): each row is a band of scores; 'average score' is what "
        "the model says, 'share who churned' is what really happened, and low/high is that share's 95 % interval.",
        "Find the row of the band 0.4–0.5 and read its 'share who churned' column, with the three decimals the table shows.",
    )
    solution_lead = "Type the number from the table:"
    solution_code = "churned_040_050 = 0.333"
    solution_why = (
        "In the 0.4–0.5 band the model's average score is 0.454, but only 0.333 of those 120 customers churned, and the "
        "band's 95 % interval (0.255 to 0.422) stays below the score: here a score overstates the chance. It is one band "
        "in nine, about what luck alone gives at 95 %, so the lesson reads it as 'watch', not 'broken'."
    )

    def grade(self, churned_040_050):
        table = _calibration()
        row = table.loc[ASKED_BAND]
        expected = float(row["share who churned"])
        value = as_fraction_or_number(churned_040_050, "churned_040_050")
        if close(value, expected):
            return (
                f"In the 0.4–0.5 band, {expected:.1%} churned against an average score of {row['average score']:.3f}: "
                f"the band's interval ({row['low']:.3f} to {row['high']:.3f}) stays below the score, so there a score "
                "overstates the chance. One band in nine missing is about what luck gives: watch it."
            )
        if close(value, expected * 100, 0.05):
            raise Mistake(f"{value:g} looks like a percentage. Type the share, as the table shows it.")
        if close(value, row["average score"]):
            raise Mistake("That is the band's average score: what the model *says*. The question asks what really "
                          "happened: the 'share who churned' column.")
        if close(value, row["low"]) or close(value, row["high"]):
            end = "low" if close(value, row["low"]) else "high"
            raise Mistake(f"That is the {end} end of the share's 95 % interval. Read the 'share who churned' column itself.")
        if close(value, 1 - expected):
            raise Mistake("That is the share who *stayed*. The question asks for the share who churned.")
        if value == row["customers"]:
            raise Mistake(f"{value:g} is how many customers the band holds. Give the share of them who churned.")
        for band, other in table.iterrows():
            if band != ASKED_BAND and close(value, other["share who churned"]):
                raise Mistake(f"That is the share who churned in the band {band}, another row. Read the row of 0.4–0.5.")
            if band != ASKED_BAND and close(value, other["average score"]):
                raise Mistake(f"That is the average score of the band {band}. Read the row of 0.4–0.5, "
                              "column 'share who churned'.")
        if close(value, 0.45, 1e-9) or close(value, 0.4, 1e-9) or close(value, 0.5, 1e-9):
            raise Mistake(f"{value:g} is a score in the band's name, not an outcome. Read the 'share who churned' column.")
        reject_if_rounded(value, expected, "churned_040_050", TYPE_THREE_DECIMALS)
        raise Mistake(f"churned_040_050 is {value:.4g}. Read the 'share who churned' column in the row of 0.4–0.5.")


class BestCapacity(Question):
    """Go further: try every number of calls."""

    variables = ("best_calls_at_30",)
    hints = (
        "top_k_profit(y_test, churn_scores, k, expensive) gives the profit of k calls at $30; try every k from 0 to 1,409.",
        "Build the list of profits, then find the position of the largest one: np.argmax returns the first (smallest) k.",
    )
    solution_lead = "Two lines:"
    solution_code = (
        "profits = [top_k_profit(y_test, churn_scores, k, expensive) for k in range(len(y_test) + 1)]\n"
        "best_calls_at_30 = int(np.argmax(profits))"
    )
    solution_why = (
        "Profit rises while the next customer on the list is likely enough to churn to pay for a $30 call, then falls. "
        "The best capacity sits close to the number of customers above the $30 break-even probability (0.5)."
    )

    @staticmethod
    def _profits(economics: CampaignEconomics) -> np.ndarray:
        return np.array([_top_k(k, economics) for k in range(len(_labels()) + 1)])

    def grade(self, best_calls_at_30):
        profits = _profits_at_30()
        best = float(profits.max())
        expected = int(np.argmax(profits))
        value = as_fraction_or_number(best_calls_at_30, "best_calls_at_30")
        if value == expected:
            return (
                f"{expected} calls earn ${best:,.0f}, the most any number of calls can earn at $30 a call; the table's best "
                f"row, 300 calls, earns ${profits[ASKED_CALLS]:,.0f}."
            )
        if close(value, best, 0.5):
            raise Mistake("That is the best profit. The question asks for the number of calls that earns it.")
        if not float(value).is_integer() or not 0 <= value < len(profits):
            raise Mistake(f"best_calls_at_30 is {value:g}: a number of calls is a whole number from 0 to {len(profits) - 1:,}.")
        calls = int(value)
        if profits[calls] == best:
            raise Mistake(f"{calls} calls earn the same ${best:,.0f}, but fewer calls earn it too: give the smallest number.")
        if calls == int(np.argmax(_profits_at_10())):
            raise Mistake("That is the best number of calls at $10 a call. This question asks about $30.")
        if calls == int(_contacted(EXPENSIVE.break_even_probability).sum()):
            raise Mistake(
                f"That is how many customers score above the $30 break-even (0.5): {calls} calls earn "
                f"${profits[calls]:,.0f}. Trying every number of calls finds a little more."
            )
        raise Mistake(f"{calls} calls earn ${profits[calls]:,.0f}; another number of calls earns more. Try every k.")


@cache
def _profits_at_30() -> np.ndarray:
    return BestCapacity._profits(EXPENSIVE)


@cache
def _profits_at_10() -> np.ndarray:
    return BestCapacity._profits(DEFAULTS)


q1 = LoyalBothered("q1")
q2 = PrecisionFromTable("q2")
q3 = BreakEvenRicherOffer("q3")
q4 = TopKProfit("q4")
q5 = ShareWhoChurned("q5")
q6 = BestCapacity("q6")
