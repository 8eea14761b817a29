"""Exercise questions for lesson 08: monitoring a live model.

In the notebook: ``from churnlab.exercises.lesson08 import *`` gives ``q1`` ... ``q5``,
the optional ``q6`` ("go further"), the blank ``____`` and ``practice_year()``: the
lesson's simulated year (seed 8, four incidents, a 10 % hold-out), simulated once per
session and shared by the checks.
"""
from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd

from churnlab.economics import dollars
from churnlab.errors import CourseError
from churnlab.exercises.core import (Mistake, Question, ____, as_fraction_or_number, chosen_option, close, kind_of,
                                     reject_if_rounded)
from churnlab.validate import course_function

__all__ = ["practice_year", "q1", "q2", "q3", "q4", "q5", "q6", "____"]

INCIDENTS = dict(promotion=400, promotion_from=3, price_rise=0.08, price_rise_from=5,
                 data_bug=0.3, data_bug_from=7, fiber_competitor=0.6, fiber_competitor_from=9)
SEED = 8
LABELLED_MONTHS = tuple(range(1, 11))  # months whose labels are known on 1 January 2028
TEST_FROM = 9  # out of time: train on months 1-6 (labels known when month 9 was scored), judge on months 9-10
ASKED_C = 1.0  # q4's challenger: a more flexible model than lesson 05's champion (C = 0.1)
FIBRE = "Fiber optic"


@cache
def _year():
    from churnlab import monitoring, world

    policy = world.ab_test({"model": "model", "hold-out": "none"}, split=(90, 10))
    return monitoring.simulate_once(months=12, seed=SEED, policy=policy, **INCIDENTS)  # the lesson's own, kept in work/


@course_function
def practice_year():
    """The lesson's simulated year: seed 8, the four incidents, a 10 % hold-out (simulated once per session)."""
    return _year()


@cache
def _health():
    from churnlab import monitoring

    return monitoring.health_table(_year())


def _psi(column: str, reference: int, current: int) -> float:
    from churnlab import monitoring

    customers = _year().customers
    month = customers["month"]
    return monitoring.psi(customers.loc[month == reference, column], customers.loc[month == current, column])


# --- q1: a PSI and its verdict ----------------------------------------------------------------------


class TenurePSI(Question):
    variables = ("tenure_psi",)
    hints = (
        "Lesson 08, section 4 ('Drift: has the input changed?') measured the PSI of monthly charges with "
        "monitoring.psi(reference, current): the reference month's values first, then the month you check, each one "
        "column of year.customers.",
        "The first blank is the column, \"tenure\" (in quotes); the second picks the month you check, month == 12. "
        "Month 1, the reference, comes first: its deciles cut the bins.",
    )
    solution_code = (
        "month = year.customers[\"month\"]\n"
        "tenure_psi = monitoring.psi(year.customers.loc[month == 1, \"tenure\"],\n"
        "                            year.customers.loc[month == 12, \"tenure\"])"
    )
    solution_why = (
        "PSI compares how customers spread over the reference month's tenure bins with how they spread in month 12. "
        "The reference comes first: its deciles cut the bins."
    )

    def grade(self, tenure_psi):
        if isinstance(tenure_psi, str):
            raise Mistake("tenure_psi should be the PSI itself, a number (monitoring.psi(...)), not a verdict in words; "
                          "the check gives you the verdict.")
        value = as_fraction_or_number(tenure_psi, "tenure_psi")
        right = _psi("tenure", 1, 12)
        if close(value, right, 1e-6):
            from churnlab.monitoring import psi_verdict

            return (f"PSI {right:.2f}: {psi_verdict(right)} by the usual bands. The base got younger all year as the "
                    "promotion brought in new customers: a slow drift no single month shows.")
        if close(value, right * 100, 0.05):
            raise Mistake("That looks like a percentage. A PSI is not a share: keep the number monitoring.psi returns.")
        if close(value, _psi("tenure", 12, 1), 1e-6):
            raise Mistake("You swapped the months: the reference (month 1) comes first, the month you check second. "
                          "The reference's deciles cut the bins, so the order matters.")
        if close(value, _psi("tenure", 1, 11), 1e-6):
            raise Mistake("That is month 11 against month 1. The question asks for month 12.")
        for column in ("contract", "monthly_charges", "total_charges", "internet_service"):
            if close(value, _psi(column, 1, 12), 1e-6):
                raise Mistake(f"That is the PSI of {column}. The question asks for tenure.")
        if value == 0:
            raise Mistake("A PSI of 0 means the two months are spread identically: did you compare month 1 with itself?")
        reject_if_rounded(value, right, "tenure_psi")
        raise Mistake(f"tenure_psi is {value:.4g}. Compare the tenure of month 1 (reference, first) with month 12.")


# --- q2: what the label-free estimate misses -----------------------------------------------------------

_INCIDENT_WORDS = {
    "competitor": ("competitor", "fibre competitor", "fiber competitor", "fibre", "fiber", "behaviour change",
                   "behavior change", "competitor targets fibre", "competitor targets fibre (behaviour change)"),
    "promotion": ("promotion", "promotion (mix shift)", "mix shift", "customer mix"),
    "price rise": ("price rise", "price", "prices", "price increase", "price rise +8 %"),
    "data bug": ("data bug", "bug", "empty total charges", "data quality", "pipeline bug"),
}


class MissedIncident(Question):
    variables = ("missed_incident",)
    hints = (
        "Look at the lesson's triage table (section 7): which incident changed customers' behaviour without moving any "
        "input, so that no drift panel and no score could show it?",
    )
    solution_code = "missed_incident = 'competitor'"
    solution_why = (
        "The estimate is the mean score of the flagged customers, and scores are computed from the inputs. The "
        "competitor made fibre customers leave more without changing any input, so no PSI moved, the scores and the "
        "estimate stayed put, and only the outcomes (then the labels) showed it."
    )

    def grade(self, missed_incident):
        name = chosen_option(missed_incident, _INCIDENT_WORDS, "missed_incident should be one of the incidents in quotes",
                             "data bug", "one of the four incidents: 'promotion', 'price rise', 'data bug', 'competitor'")
        health = _health()
        if name == "competitor":
            return (f"the competitor changed behaviour, not inputs: in the lesson's drift table the score's PSI stayed at "
                    f"{health.loc[9:10, 'psi_score'].max():.2f} in months 9 and 10 and the estimate near "
                    f"{health.loc[9:10, 'estimated_precision'].mean():.0%}, while customers leaving rose "
                    f"{health.loc[9, 'leaving_rate'] / health.loc[8, 'leaving_rate'] - 1:.0%} in month 9 alone. "
                    "Only the outcomes (and, three months later, the labels) showed it.")
        if name == "promotion":
            raise Mistake("The promotion moved inputs: the new customers changed the mix of tenure and contract (their PSI "
                          "creeps up) and the volume panel alerts. Look for an incident that moved no input at all.")
        if name == "price rise":
            raise Mistake("The price rise moved an input the day it happened: the PSI of monthly charges jumped off the scale "
                          "in month 5. Look for an incident that moved no input at all.")
        raise Mistake("The data bug changed the inputs (30 % of total charges empty) but not the customers' behaviour: "
                      "data quality caught it the same day. Look for an incident that moved no input.")


# --- q3: an SQL query -------------------------------------------------------------------------------

EXPECTED_COLUMNS = ["month", "customers_scored", "share_flagged"]


def _expected_volume() -> pd.DataFrame:
    predictions = _year().predictions
    scored = predictions["churn_score"].notna()
    flagged = predictions["churn_score"] >= 1 / 6
    return pd.DataFrame({"customers_scored": predictions.groupby("month").size(),
                         "share_flagged": flagged[scored].groupby(predictions.loc[scored, "month"]).mean(),
                         "share_of_all": flagged.groupby(predictions["month"]).mean()})


class VolumeQuery(Question):
    variables = ("query",)
    hints = (
        "Lesson 08, section 6 ('Query the logs in SQL'): its first query counts each month's predictions and the share "
        "flagged. The three blanks are the threshold, the table and the grouping column of that query.",
        "The threshold is the break-even one, written 1/6 as in the lesson; the predictions are in the table "
        "predictions; one row per month comes from GROUP BY month.",
    )
    solution_lead = "The query with its three blanks filled:"
    solution_code = (
        "query = '''\n"
        "    SELECT month,\n"
        "           count(*) AS customers_scored,\n"
        "           avg(CAST(churn_score >= 1/6 AS INTEGER)) AS share_flagged\n"
        "    FROM predictions\n"
        "    GROUP BY month\n"
        "    ORDER BY month\n"
        "'''"
    )
    solution_why = (
        "GROUP BY month gives one row per month; count(*) counts its predictions; CAST(... AS INTEGER) turns the "
        "yes/no 'flagged' into 1/0, so avg gives the share (a failed call has no score and is left out). ORDER BY "
        "month, because SQL gives no order otherwise."
    )

    def grade(self, query):
        from churnlab import monitoring

        if not isinstance(query, str):
            raise Mistake(f"query should be the SQL text in quotes, not {kind_of(query)}. Put the query between ''' and '''.")
        try:
            result = monitoring.sql(query, _year())
        except CourseError as error:
            raise Mistake(f"DuckDB could not run your query. {error}") from None
        columns = [str(c) for c in result.columns]
        if columns != EXPECTED_COLUMNS:
            missing = [c for c in EXPECTED_COLUMNS if c not in columns]
            extra = [c for c in columns if c not in EXPECTED_COLUMNS]
            detail = (f"missing {', '.join(missing)}" if missing else "") + ("; " if missing and extra else "") + \
                (f"not asked for: {', '.join(extra)}" if extra else "")
            if not missing and not extra:
                detail = "the right columns in another order"
            raise Mistake(f"Your query returns the columns {', '.join(columns)}; the question asks for exactly "
                          f"{', '.join(EXPECTED_COLUMNS)}, in that order ({detail}). Name columns with AS.")
        expected = _expected_volume()
        if len(result) != len(expected):
            raise Mistake(f"Your query returns {len(result)} rows; there should be one per month, {len(expected)} in all. "
                          "Group by month (and keep every month: no WHERE).")
        try:
            months = result["month"].to_numpy(dtype=np.int64)
            counts = result["customers_scored"].to_numpy(dtype=float)
            shares = result["share_flagged"].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise Mistake("Some columns do not hold numbers: month, a count and a share.") from None
        if sorted(months.tolist()) != expected.index.tolist():
            raise Mistake("The months in your result are not months 1 to 12: group by the column month.")
        if months.tolist() != expected.index.tolist():
            raise Mistake("Right numbers, but the rows are not in month order: add ORDER BY month (SQL gives no order otherwise).")
        if not np.allclose(counts, expected["customers_scored"].to_numpy()):
            raise Mistake("customers_scored does not match: count every prediction of the month, count(*).")
        if np.allclose(shares, expected["share_flagged"].to_numpy() * 100, atol=0.05):
            raise Mistake("share_flagged looks like a percentage. Give it as a share between 0 and 1: avg(...) of 1/0 values.")
        flagged_at_half = (_year().predictions["churn_score"] >= 0.5).groupby(_year().predictions["month"]).mean().to_numpy()
        if np.allclose(shares, flagged_at_half, atol=0.002):
            raise Mistake("That is the share at or above 0.5. The campaign flags customers at the break-even 1/6.")
        if np.allclose(shares, expected["customers_scored"].to_numpy() * expected["share_of_all"].to_numpy(), atol=0.5):
            raise Mistake("share_flagged looks like a count of flagged customers. Average the 1/0 values instead of adding them.")
        if np.allclose(shares, 0.0):
            raise Mistake("share_flagged is 0 in every month: nobody scores at or above your threshold. Scores run from 0 "
                          "to 1, so the break-even threshold is the fraction 1/6 (16.7 % written as a share).")
        exact = (np.allclose(shares, expected["share_flagged"].to_numpy(), atol=1e-6)
                 or np.allclose(shares, expected["share_of_all"].to_numpy(), atol=1e-6))
        if not exact and np.allclose(shares, expected["share_flagged"].to_numpy(), atol=0.005):
            raise Mistake("Nearly: share_flagged is a little off, as with a rounded threshold such as 0.167. Write the "
                          "break-even threshold exactly, 1/6, as lesson 08 does.")
        if not (np.allclose(shares, expected["share_flagged"].to_numpy(), atol=1e-6)
                or np.allclose(shares, expected["share_of_all"].to_numpy(), atol=1e-6)):
            raise Mistake("share_flagged does not match: average CAST(churn_score >= 1/6 AS INTEGER) over the month's predictions.")
        return (f"{expected['share_flagged'].iloc[0]:.1%} of customers were flagged in month 1 and "
                f"{expected['share_flagged'].iloc[-1]:.1%} in month 12, while the base grew from "
                f"{int(expected['customers_scored'].iloc[0]):,} to {int(expected['customers_scored'].iloc[-1]):,}: "
                "the same numbers as panels 4 and 7 of the health page.")


# --- q4: a challenger judged out of time, with its interval ----------------------------------------------


@cache
def _fixed():
    from churnlab import monitoring

    return monitoring.repair_total_charges(_year().customers)


# Each way q4 can be computed, right or wrong: name -> how (the arguments of ``_margin``).
_MARGIN_WAYS = {"right": {}, "unrepaired": {"repaired": False}, "test from 8": {"test_from": 8},
                "test from 10": {"test_from": 10}, "C = 0.1": {"C": 0.1}, "by seat": {"by_seat": True},
                "on train": {"judged_on": "train"}}


@cache
def _margin(way: str):
    """The margin table of ``profit_margin`` for one way of computing q4 (``_MARGIN_WAYS``), computed when first asked.

    A right answer needs only the right way's; the wrong ways are computed only to name a wrong answer.
    """
    from churnlab import monitoring
    from churnlab.model import FEATURES, champion_model, make_churn_model

    how = {"C": ASKED_C, "test_from": TEST_FROM, "repaired": True, "by_seat": False, "judged_on": "test",
           **_MARGIN_WAYS[way]}
    rows = monitoring.labelled_rows(_year(), list(LABELLED_MONTHS), customers=_fixed() if how["repaired"] else None)
    train, test = monitoring.split_by_seat(rows) if how["by_seat"] else monitoring.split_by_time(rows, how["test_from"])
    challenger = make_churn_model(C=how["C"]).fit(train[list(FEATURES)], train["churned"])
    return monitoring.profit_margin(champion_model(), challenger, train if how["judged_on"] == "train" else test)


class OutOfTimeMargin(Question):
    variables = ("margin_low",)
    hints = (
        "Lesson 08, section 8, steps 1 to 3: repair the data, split the labelled months in time (train on months 1-6, "
        "the labels known when month 9 was scored; judge on months 9-10), fit the challenger, then monitoring.profit_margin(champion, challenger, test) gives the "
        "margin with its 95 % interval. margin_low is the interval's lower end.",
        "The blanks: the first month judged, test_from=9; the challenger's setting, C=1.0; the part both models are "
        "judged on, test (the challenger never saw it); and the interval's lower end, margin[\"low\"].",
    )
    solution_code = (
        "fixed = monitoring.repair_total_charges(year.customers)\n"
        "rows = monitoring.labelled_rows(year, months=list(range(1, 11)), customers=fixed)\n"
        "train, test = monitoring.split_by_time(rows, test_from=9)\n"
        "challenger = make_churn_model(C=1.0).fit(train[list(FEATURES)], train[\"churned\"])\n"
        "margin = monitoring.profit_margin(champion_model(), challenger, test)\n"
        "margin_low = margin[\"low\"]"
    )
    solution_why = (
        "Both models are judged on months 9 and 10, on inputs repaired first; the challenger learned only from months 1-6, "
        "whose labels were known before month 9 was scored; the interval resamples whole customers, because a customer's months are not independent. "
        "Its lower end says how badly the challenger could do: below 0, the win is within noise."
    )

    def grade(self, margin_low):
        value = as_fraction_or_number(margin_low, "margin_low")
        right = _margin("right")
        if close(value, right["low"], 0.5):
            if right["low"] > 0:
                verdict = "the whole interval is above 0: a clear win, so the challenger goes to a shadow month, then an A/B test, before the alias moves"
            elif right["margin"] > 0:
                verdict = "the interval crosses 0: a win within noise, so the champion stays"
            else:
                verdict = "the challenger earns less, and its interval crosses 0: no sign it is better, so the champion stays"
            return (f"the C = 1.0 challenger's margin is {dollars(right['margin'])}, with a 95 % interval from "
                    f"{dollars(right['low'])} to {dollars(right['high'])}: {verdict}.")
        if close(value, right["margin"], 0.5):
            raise Mistake("That is the margin itself, the middle of the interval. The question asks for its lower end, margin[\"low\"].")
        if close(value, right["high"], 0.5):
            raise Mistake("That is the interval's upper end. The question asks for its lower end, margin[\"low\"].")
        if close(value, -right["high"], 0.5):
            raise Mistake("The sign is reversed: give the champion first and the challenger second, "
                          "profit_margin(champion_model(), challenger, test), so the margin is challenger minus champion.")
        messages = {
            "unrepaired": "That judges the models on the broken inputs of months 9-10: pass customers=fixed to labelled_rows, "
                          "so the empty total charges are repaired before anything is trained or judged.",
            "test from 8": "That judges on months 8-10. The question judges on months 9 and 10: test_from=9.",
            "test from 10": "That judges on month 10 alone. The question judges on months 9 and 10: test_from=9.",
            "C = 0.1": "That is lesson 05's recipe (C = 0.1). The question asks for a more flexible challenger, C=1.0.",
            "by seat": "That splits by customer within the same months. Judge out of time: split_by_time(rows, test_from=9).",
            "on train": "That interval is measured on the training months, which the challenger has seen. Judge on test.",
        }
        for name, message in messages.items():
            if close(value, _margin(name)["low"], 0.5):
                raise Mistake(message)
        reject_if_rounded(value, right["low"], "margin_low")
        raise Mistake(f"margin_low is {value:,.0f}. Repair the data, train on months 1-6 with C=1.0, judge on months 9-10 "
                      "(test), and read margin[\"low\"].")


# --- q5: decide ------------------------------------------------------------------------------------

_DECISIONS = {
    "investigate": ("investigate", "fix the pipeline", "fix the data", "fix the bug", "investigate and fix"),
    "fall back": ("fall back to the rule", "fall back", "fallback", "use the rule", "rule"),
    "retrain": ("retrain", "retrain the model", "retraining"),
    "nothing": ("do nothing", "nothing", "wait", "keep the model"),
}


class DataBugDecision(Question):
    variables = ("decision",)
    hints = (
        "What did the data bug change: the customers' behaviour, or the data the model reads? And how much did the "
        "scores move (the score's PSI in the lesson's drift table)?",
    )
    solution_code = "decision = 'investigate'"
    solution_why = (
        "A data bug is a pipeline problem: customers behave as before, and the scores barely moved. Fix the pipeline "
        "first; retraining on broken data would teach the model the bug, and the rule is for scores you cannot trust."
    )

    def grade(self, decision):
        name = chosen_option(decision, _DECISIONS, "decision should be one of the options in quotes", "retrain",
                             "one of the options: 'investigate', 'fall back to the rule', 'retrain', 'do nothing'")
        if name == "investigate":
            return ("a data bug is fixed in the pipeline, not in the model. The score's PSI stayed low, so the campaign "
                    "could keep running while the engineers fix it.")
        if name == "retrain":
            raise Mistake("Retraining on data where 30 % of total charges are empty would teach the model the bug, and "
                          "customers did not change their behaviour. Fix the data first; retrain, if at all, on repaired data.")
        if name == "fall back":
            raise Mistake("Falling back to the rule is for scores you cannot trust. Here the score's PSI stayed low: an "
                          "empty total charges moves a score very little. The first move is to find and fix the bug.")
        raise Mistake("A pipeline bug does not fix itself, and it may get worse (another column next time). Act on it.")


# --- q6 (go further): a window function on one segment -----------------------------------------------------


@cache
def _fibre_precision() -> pd.DataFrame:
    """The hold-out's flagged customers' realised precision by internet service and month (months with labels)."""
    year = _year()
    flagged = (year.predictions["churn_score"] >= 1 / 6).to_numpy() & year.assignments["arm"].eq("hold-out").to_numpy()
    table = pd.DataFrame({"month": year.customers["month"].to_numpy()[flagged],
                          "service": year.customers["internet_service"].to_numpy()[flagged],
                          "churned": year.outcomes["churned"].to_numpy(dtype=float, na_value=np.nan)[flagged]})
    table = table[table["churned"].notna()]
    return table.groupby(["service", "month"])["churned"].agg(["mean", "size"])


class RollingFibrePrecision(Question):
    variables = ("fibre_rolling_month_10",)
    hints = (
        "Start from the lesson's realised-precision query (section 6: hold-out, flagged, joined on customer and month), "
        "JOIN the customers table on customer and month too, keep c.internet_service = 'Fiber optic', then average the "
        "monthly precision over the month and the two before with avg(...) OVER (ORDER BY month ROWS BETWEEN 2 PRECEDING "
        "AND CURRENT ROW).",
        "Name the monthly query with WITH monthly AS (...), select month and the window average AS rolling_3_months "
        "FROM monthly, run it with monitoring.sql(..., year), and read the row of month 10: "
        "rolling.loc[rolling[\"month\"] == 10, \"rolling_3_months\"].iloc[0].",
    )
    solution_lead = "The code, in full:"
    solution_code = (
        "rolling = monitoring.sql('''\n"
        "    WITH monthly AS (\n"
        "        SELECT p.month, avg(o.churned) AS realised_precision\n"
        "        FROM predictions AS p\n"
        "        JOIN outcomes AS o ON o.customer_id = p.customer_id AND o.month = p.month\n"
        "        JOIN assignments AS a ON a.customer_id = p.customer_id AND a.month = p.month\n"
        "        JOIN customers AS c ON c.customer_id = p.customer_id AND c.month = p.month\n"
        "        WHERE a.arm = 'hold-out' AND p.churn_score >= 1/6 AND c.internet_service = 'Fiber optic'\n"
        "        GROUP BY p.month\n"
        "    )\n"
        "    SELECT month, avg(realised_precision) OVER (ORDER BY month ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS rolling_3_months\n"
        "    FROM monthly\n"
        "    ORDER BY month\n"
        "''', year)\n"
        "fibre_rolling_month_10 = rolling.loc[rolling[\"month\"] == 10, \"rolling_3_months\"].iloc[0]"
    )
    solution_why = (
        "A window function computes, for each month, the average over that month and the two before, without merging "
        "the rows. Cut to fibre customers, the segment the competitor targets, the rolling line shows the change more "
        "sharply than the whole hold-out's does."
    )

    def grade(self, fibre_rolling_month_10):
        value = as_fraction_or_number(fibre_rolling_month_10, "fibre_rolling_month_10")
        table = _fibre_precision()
        fibre = table.loc[FIBRE]
        right = float(fibre["mean"].loc[8:10].mean())
        pooled = float((fibre["mean"] * fibre["size"]).loc[8:10].sum() / fibre["size"].loc[8:10].sum())
        everyone = _health()["realised_precision"]
        if close(value, pooled, 1e-6) and not close(value, right, 1e-6):
            return (f"{pooled:.1%} over months 8-10, weighting each month by its customers (the average of the three "
                    f"months is {right:.1%}): either reading is fine.")
        if close(value, right, 1e-6):
            return (f"{right:.1%} over months 8-10 for fibre customers, against {float(fibre['mean'].loc[1:3].mean()):.1%} "
                    f"over months 1-3 (every flagged customer: {float(everyone.loc[8:10].mean()):.1%} over months 8-10): "
                    "the segment the competitor targets moves most.")
        if close(value, right * 100, 0.05):
            raise Mistake("That looks like a percentage. Keep precision as a share between 0 and 1.")
        if close(value, float(everyone.loc[8:10].mean()), 1e-3):
            raise Mistake("That is every flagged customer's rolling precision (the lesson's). Keep only fibre customers: "
                          "JOIN customers and add c.internet_service = 'Fiber optic' to the WHERE.")
        if close(value, float(fibre["mean"].loc[10]), 1e-6):
            raise Mistake("That is month 10 alone. Average months 8, 9 and 10 with a window function.")
        if close(value, float(fibre["mean"].loc[9:11].mean()), 1e-6) or close(value, float(fibre["mean"].loc[10:].mean()), 1e-6):
            raise Mistake("The window looks forward. Use ROWS BETWEEN 2 PRECEDING AND CURRENT ROW, ordered by month.")
        other = [float(table.loc[service, "mean"].loc[8:10].mean()) for service in table.index.get_level_values(0).unique()
                 if service != FIBRE]
        if any(close(value, number, 1e-6) for number in other):
            raise Mistake("That is another internet service. The question asks for 'Fiber optic' (as the table writes it).")
        reject_if_rounded(value, right, "fibre_rolling_month_10")
        if not math.isnan(value) and 0 <= value <= 1:
            raise Mistake("That is not the fibre customers' rolling precision for month 10. Keep WHERE a.arm = 'hold-out' AND "
                          "p.churn_score >= 1/6 AND c.internet_service = 'Fiber optic', join on customer and month, and "
                          "average months 8-10.")
        raise Mistake(f"fibre_rolling_month_10 is {value:.4g}; a precision is a share between 0 and 1.")


q1 = TenurePSI("q1")
q2 = MissedIncident("q2")
q3 = VolumeQuery("q3")
q4 = OutOfTimeMargin("q4")
q5 = DataBugDecision("q5")
q6 = RollingFibrePrecision("q6")
