"""Planning an A/B test (lesson 07): the churn to expect, and how many customers each arm needs."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics, _checked_economics

# --- planning: expected churn and sample size -----------------------------------------------------------


def _shares(values, name: str) -> np.ndarray:
    """Per customer, a 1/0 outcome or a chance of leaving: numbers between 0 and 1, none empty."""
    array = validate.scores(values, name)
    if array.size == 0:
        raise CourseError(f"{name} is empty: it needs at least one customer.")
    if array.min() < 0 or array.max() > 1:
        raise CourseError(f"{name} should hold values between 0 and 1 (1 = leaves, or a chance of leaving); it has "
                          f"{array.max() if array.max() > 1 else array.min():g}.")
    return array


@course_function
def expected_churn(chance_of_leaving, contacted, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> float:
    """The churn rate to expect if a campaign contacts ``contacted``: the number a test plan starts from.

    ``chance_of_leaving``: per customer, 1/0 outcomes without any campaign (``y_test``)
    or a calibrated churn score. A contacted would-be leaver stays with probability
    ``economics.acceptance_rate`` (30 %), so the expected churn is
    (leavers − acceptance × leavers contacted) ÷ customers. No one contacted: the churn
    without a campaign.
    """
    economics = _checked_economics(economics)
    leaving = _shares(chance_of_leaving, "chance_of_leaving")
    chosen = validate.flags(contacted, "contacted")
    validate.same_customers(chance_of_leaving, contacted, "chance_of_leaving", "contacted")
    return float((leaving.sum() - economics.acceptance_rate * leaving[chosen].sum()) / leaving.size)


def _rate(value, name: str) -> float:
    rate = validate.number(value, name, example="0.265")
    if not 0 < rate < 1:
        raise CourseError(f"{name} is {rate:g}; a churn rate is a share strictly between 0 and 1, like 0.265."
                          + validate.percentage_hint(rate))
    return rate


def _checked_alpha_power(alpha, power) -> tuple[float, float]:
    alpha = validate.fraction(alpha, "alpha", example="0.05")
    power = validate.fraction(power, "power", example="0.8")
    if not 0 < alpha < 0.5:
        raise CourseError(f"alpha is {alpha:g}; the significance level is a small share, usually 0.05.")
    if not 0.5 <= power < 1:
        raise CourseError(f"power is {power:g}; the chance of detecting a real effect is usually 0.8 (80 %), "
                          "and it must be below 1.")
    return alpha, power


@course_function
def sample_size(churn_a: float, churn_b: float, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0) -> int:
    """Customers needed in arm A to detect churn going from ``churn_a`` to ``churn_b`` (two-sided test).

    statsmodels does the work: ``NormalIndPower().solve_power(effect_size=
    proportion_effectsize(churn_a, churn_b), alpha=alpha, power=power, ratio=ratio)``,
    rounded up. ``ratio``: customers in arm B per customer in arm A (1 = equal arms;
    a hold-out of 10 % beside an arm of 45 % is ``ratio=10/45`` with the hold-out as B).
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    a, b = _rate(churn_a, "churn_a"), _rate(churn_b, "churn_b")
    alpha, power = _checked_alpha_power(alpha, power)
    ratio = validate.number(ratio, "ratio", example="1.0")
    if ratio <= 0:
        raise CourseError(f"ratio is {ratio:g}; it is customers in arm B per customer in arm A, so above 0 (1 = equal arms).")
    if a == b:
        raise CourseError(f"churn_a and churn_b are both {a:g}: no difference to detect, so no sample is big enough. "
                          "Give the churn you expect in each arm.")
    effect = proportion_effectsize(a, b)
    return int(math.ceil(NormalIndPower().solve_power(effect_size=effect, alpha=alpha, power=power, ratio=ratio)))


@course_function
def sample_size_table(chance_of_leaving, model_picks, rule_picks, economics: CampaignEconomics = DEFAULT_ECONOMICS,
                      alpha: float = 0.05, power: float = 0.8) -> pd.DataFrame:
    """How many customers three A/B tests need, planned from the same customers (one row per test).

    ``chance_of_leaving``: per customer, the 1/0 outcome without a campaign (``y_test``) or
    a calibrated churn score; ``model_picks`` and ``rule_picks``: True for the customers
    each list would contact. Rows: the model's campaign against no campaign; the model
    against the rule on all customers; the model against the rule only where the two
    lists disagree (a triggered analysis). Columns: the churn expected in each arm
    (``expected_churn``), their difference in percentage points, ``customers per arm``
    (``sample_size``, among the customers compared), the share of customers compared, and
    ``customers per arm, all`` (how many customers each arm must hold for that many to be compared).
    """
    leaving = _shares(chance_of_leaving, "chance_of_leaving")
    model = validate.flags(model_picks, "model_picks")
    rule = validate.flags(rule_picks, "rule_picks")
    validate.same_customers(chance_of_leaving, model_picks, "chance_of_leaving", "model_picks")
    validate.same_customers(chance_of_leaving, rule_picks, "chance_of_leaving", "rule_picks")
    disagree = model != rule
    if not disagree.any():
        raise CourseError("model_picks and rule_picks contact exactly the same customers: no test can tell them apart.")
    nobody = np.zeros_like(model)
    tests = {
        "model campaign vs no campaign": (leaving, nobody, model),
        "model vs rule, all customers": (leaving, rule, model),
        "model vs rule, where the lists disagree": (leaving[disagree], rule[disagree], model[disagree]),
    }
    rows = []
    for name, (p, a, b) in tests.items():
        churn_a, churn_b = expected_churn(p, a, economics), expected_churn(p, b, economics)
        if math.isclose(churn_a, churn_b):
            raise CourseError(f"{name}: both arms expect the same churn ({churn_a:.3f}), so no sample is big enough.")
        per_arm = sample_size(churn_a, churn_b, alpha, power)
        share = len(p) / len(leaving)
        rows.append({"test": name, "churn A": churn_a, "churn B": churn_b, "difference (points)": 100 * (churn_b - churn_a),
                     "customers per arm": per_arm, "share compared": share,
                     "customers per arm, all": int(math.ceil(per_arm / share))})
    return pd.DataFrame(rows).set_index("test")




# --- the minimum detectable effect from money, and what each choice costs in months -------------------------


@course_function
def smallest_lift_worth_detecting(monthly_cost, customers_per_month, extra_contacts_per_customer=0.0,
                                  economics: CampaignEconomics = DEFAULT_ECONOMICS) -> float:
    """The drop in churn (a share: 0.004 is 0.4 points) that pays for what a change costs each month.

    A test's minimum detectable effect comes from money, not from what the model predicts about itself:
    a change is worth detecting only if it earns at least what it costs. ``monthly_cost``
    (dollars a month, 0 or more): what running the change costs beyond what runs today (people, serving,
    monitoring). ``customers_per_month``: the customers it acts on each month (those up for review).
    ``extra_contacts_per_customer``: contacts it adds per such customer (negative if it calls fewer),
    each costing ``economics.cost_per_contact``. Each customer kept is worth
    ``economics.value_of_saved_customer``, so the lift worth detecting is
    (monthly_cost ÷ customers_per_month + extra contacts × cost per contact) ÷ value of a kept customer.
    """
    economics = _checked_economics(economics)
    cost = validate.number(monthly_cost, "monthly_cost", example="1500")
    if cost < 0:
        raise CourseError(f"monthly_cost is {cost:g}; it is dollars a month the change costs beyond what runs today, "
                          "so 0 or more, like 1500.")
    customers = validate.number(customers_per_month, "customers_per_month", example="2654")
    if customers < 1:
        raise CourseError(f"customers_per_month is {customers:g}; it is how many customers the change acts on each "
                          "month (those up for review), at least 1, like 2654.")
    extra = validate.number(extra_contacts_per_customer, "extra_contacts_per_customer", example="0.02")
    if not -1 <= extra <= 1:
        raise CourseError(f"extra_contacts_per_customer is {extra:g}; it is contacts added per customer acted on, "
                          "between -1 and 1 (0.02 = 2 more calls per 100 customers)." + validate.percentage_hint(extra))
    lift = (cost / customers + extra * economics.cost_per_contact) / economics.value_of_saved_customer
    if lift <= 0:
        raise CourseError("With no cost and fewer contacts, any lift pays: there is no smallest lift worth detecting. "
                          "Give the change's monthly cost.")
    if lift >= 1:
        raise CourseError(f"The change would have to cut churn by {100 * lift:.0f} points to pay for itself: no test "
                          "can find that. Check monthly_cost (dollars a month) and customers_per_month.")
    return float(lift)


@course_function
def power_curve(baseline_churn, lifts, customers_per_month, arm_share, compared_share=1.0, other_arm_share=None,
                alpha: float = 0.05, power: float = 0.8) -> pd.DataFrame:
    """How many customers, and how many months of reviews, a test needs for each lift it should detect.

    ``baseline_churn``: churn in the control arm (a share, like 0.25); ``lifts``: drops in churn to
    detect (shares, like [0.004, 0.01, 0.02]); ``customers_per_month``: customers up for review a
    month; ``arm_share``: the share of them the control arm gets (0.45 for a 45/45/10 split);
    ``other_arm_share``: the treatment arm's share (default: the same as ``arm_share``);
    ``compared_share``: the share of an arm's customers the test reads (1 = all; the share whose
    lists disagree for a triggered analysis). Each row: the lift in points, ``customers per arm``
    (compared, from ``sample_size``, the control arm's count), ``customers per arm, all`` and
    ``months`` of reviews until both arms hold that many.
    """
    baseline = _rate(baseline_churn, "baseline_churn")
    values = np.atleast_1d(np.asarray(lifts, dtype=float)) if not isinstance(lifts, str) else None
    if values is None or values.size == 0 or not np.isfinite(values).all() or (values <= 0).any():
        raise CourseError("lifts should be drops in churn above 0, as shares: [0.004, 0.01, 0.02] for 0.4, 1 and 2 points.")
    if (values >= baseline).any():
        raise CourseError(f"A lift of {values.max():g} is not below the baseline churn {baseline:g}: churn cannot fall "
                          "below 0. Give lifts as shares (0.01 = 1 point)." + validate.percentage_hint(values.max()))
    monthly = validate.number(customers_per_month, "customers_per_month", example="2654")
    if monthly < 1:
        raise CourseError(f"customers_per_month is {monthly:g}; it is the customers up for review each month, at least 1.")
    shares = {}
    for name, value in (("arm_share", arm_share), ("compared_share", compared_share),
                        ("other_arm_share", arm_share if other_arm_share is None else other_arm_share)):
        share = validate.fraction(value, name, example="0.45")
        if not 0 < share <= 1:
            raise CourseError(f"{name} is {share:g}; it is a share of customers above 0 and at most 1, like 0.45.")
        shares[name] = share
    ratio = shares["other_arm_share"] / shares["arm_share"]
    rows = []
    for lift in values:
        per_arm = sample_size(baseline, baseline - lift, alpha, power, ratio=ratio)
        all_customers = per_arm / shares["compared_share"]
        rows.append({"lift (points)": 100 * lift, "customers per arm": per_arm,
                     "customers per arm, all": int(math.ceil(all_customers)),
                     "months": all_customers / (shares["arm_share"] * monthly)})
    return pd.DataFrame(rows).set_index("lift (points)")
