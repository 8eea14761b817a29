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

# A review's label (left within 3 months of it) is known 3 months after the review. Reviews are on the 1st, so a test
# of m months of reviews from 1 January is read m - 1 + 3 months later (3 months of reviews: on 1 June).
LABEL_WAIT_MONTHS = 3


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
    Negative when the change saves more in contacts than it costs: it then pays even if churn rises by
    up to that much (a non-inferiority margin).
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
    if lift == 0:
        raise CourseError("With no cost and no change in contacts, any lift pays: there is no smallest lift worth "
                          "detecting. Give the change's monthly cost.")
    if abs(lift) >= 1:
        raise CourseError(f"The change would have to cut churn by {100 * lift:.0f} points to pay for itself: no test "
                          "can find that. Check monthly_cost (dollars a month) and customers_per_month.")
    return float(lift)


def _rule_inputs(baseline_churn, hoped_lift, margin, hope_may_miss_the_margin: bool = False) -> tuple[float, float, float]:
    """The control arm's churn, the hoped-for drop in churn and the break-even margin, checked (all shares)."""
    baseline = _rate(baseline_churn, "baseline_churn")
    hoped = validate.number(hoped_lift, "hoped_lift", example="0.053")
    floor = validate.number(margin, "margin", example="0.016")
    if not -(1 - baseline) < hoped < baseline:
        raise CourseError(f"hoped_lift is {hoped:g}; it is the drop in churn you hope for, a share below the baseline "
                          f"churn {baseline:g}, like 0.053 for 5.3 points." + validate.percentage_hint(hoped))
    if not -(1 - baseline) < floor < baseline:
        raise CourseError(f"margin is {floor:g}; it is the drop in churn that pays for the change (break-even), a share "
                          f"below the baseline churn {baseline:g}, like 0.016 for 1.6 points (negative when the change "
                          "saves more than it costs)." + validate.percentage_hint(floor))
    if floor >= hoped and not hope_may_miss_the_margin:
        raise CourseError(f"The hoped-for lift ({hoped:g}) is not above the margin ({floor:g}): if the gain you hope for "
                          "does not clear break-even, no test can show that the change pays. Check both are shares "
                          "(0.016 = 1.6 points), or rethink the change." + validate.percentage_hint(floor))
    return baseline, hoped, floor


def _variance_terms(baseline: float, hoped: float) -> tuple[float, float]:
    treated = baseline - hoped
    return baseline * (1 - baseline), treated * (1 - treated)


@course_function
def sample_size_against_margin(baseline_churn, hoped_lift, margin, alpha: float = 0.05, power: float = 0.8,
                               ratio: float = 1.0) -> int:
    """Customers needed in arm A so that a rule "act only if the gain's interval clears break-even" fires with ``power``.

    The decision rules of lesson 07 do not ask "is the gain above zero?" but "does it pay?":
    act only if the low end of the 95 % interval of the gain is above the break-even
    ``margin``. That is a one-sided test of "drop in churn > margin" at level alpha/2 (2.5 %).
    If the true drop is ``hoped_lift``, the rule fires with probability ``power`` when arm A
    (control, churn ``baseline_churn``) holds n customers and arm B ``ratio`` × n:

        n = (z(1 − alpha/2) + z(power))² × (p_A(1 − p_A) + p_B(1 − p_B) / ratio) ÷ (hoped_lift − margin)²

    with p_A = ``baseline_churn`` and p_B = ``baseline_churn − hoped_lift`` (the normal
    approximation; with equal arms it is statsmodels' ``NormalIndPower`` with
    ``alternative="larger"`` at alpha/2). All three are shares: 0.016 is 1.6 points.
    With ``margin=0`` it is the usual test of "better than nothing".
    """
    from scipy.stats import norm

    baseline, hoped, floor = _rule_inputs(baseline_churn, hoped_lift, margin)
    alpha, power = _checked_alpha_power(alpha, power)
    ratio = validate.number(ratio, "ratio", example="1.0")
    if ratio <= 0:
        raise CourseError(f"ratio is {ratio:g}; it is customers in arm B per customer in arm A, so above 0 (1 = equal arms).")
    var_a, var_b = _variance_terms(baseline, hoped)
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    return int(math.ceil(z ** 2 * (var_a + var_b / ratio) / (hoped - floor) ** 2))


@course_function
def power_against_margin(baseline_churn, hoped_lift, margin, customers_a, customers_b=None, alpha: float = 0.05) -> float:
    """How often the rule "act only if the low end of the 95 % interval of the gain is above ``margin``" fires.

    If the true drop in churn is ``hoped_lift``, with ``customers_a`` customers in the control
    arm (churn ``baseline_churn``) and ``customers_b`` in the other (default: as many): the
    normal approximation Φ((hoped_lift − margin) ÷ standard error − z(1 − alpha/2)). If the true
    drop equals the margin, it is alpha/2 (2.5 %) whatever the sample: the rule rarely acts on a
    change that only breaks even; below the margin, less still (a hoped-for drop that does not pay
    is allowed here: the answer says how rarely the rule would act). Shares throughout: 0.016 is 1.6 points.
    """
    from scipy.stats import norm

    baseline, hoped, floor = _rule_inputs(baseline_churn, hoped_lift, margin, hope_may_miss_the_margin=True)
    alpha = validate.fraction(alpha, "alpha", example="0.05")
    if not 0 < alpha < 0.5:
        raise CourseError(f"alpha is {alpha:g}; the significance level is a small share, usually 0.05.")
    standard_error = _standard_error(baseline, hoped, customers_a, customers_b)
    return float(norm.cdf((hoped - floor) / standard_error - norm.ppf(1 - alpha / 2)))


def _standard_error(baseline: float, hoped: float, customers_a, customers_b) -> float:
    size_a = validate.number(customers_a, "customers_a", example="913")
    size_b = size_a if customers_b is None else validate.number(customers_b, "customers_b", example="837")
    if min(size_a, size_b) < 1:
        raise CourseError(f"customers_a and customers_b are customers in each arm ({size_a:g} and {size_b:g}): "
                          "at least 1 each.")
    var_a, var_b = _variance_terms(baseline, hoped)
    return math.sqrt(var_a / size_a + var_b / size_b)


@course_function
def estimate_when_rule_acts(baseline_churn, hoped_lift, margin, customers_a, customers_b=None,
                            alpha: float = 0.05) -> float:
    """The average estimated drop in churn among the tests whose rule acts, if the true drop is ``hoped_lift``.

    The winner's curse, in one number: a rule "act only if the low end of the 95 % interval is
    above ``margin``" acts on the draws that came out high, so the estimates of the tests that act
    are too big on average, the more so the lower the power. Normal approximation: the estimate
    is normal around ``hoped_lift`` with the standard error of ``power_against_margin``; the rule
    acts when it exceeds ``margin`` + z(1 − alpha/2) × standard error; the mean above that cut is
    ``hoped_lift`` + standard error × φ(a) ÷ (1 − Φ(a)), with a = (cut − hoped_lift) ÷ standard error.
    """
    from scipy.stats import norm

    baseline, hoped, floor = _rule_inputs(baseline_churn, hoped_lift, margin)
    alpha = validate.fraction(alpha, "alpha", example="0.05")
    if not 0 < alpha < 0.5:
        raise CourseError(f"alpha is {alpha:g}; the significance level is a small share, usually 0.05.")
    standard_error = _standard_error(baseline, hoped, customers_a, customers_b)
    cut = (floor + norm.ppf(1 - alpha / 2) * standard_error - hoped) / standard_error
    return float(hoped + standard_error * norm.pdf(cut) / norm.sf(cut))


def _checked_design(customers_per_month, arm_share, compared_share, other_arm_share) -> tuple[float, dict]:
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
    return monthly, shares


@course_function
def months_needed(baseline_churn, hoped_lift, margin, customers_per_month, arm_share, compared_share=1.0,
                  other_arm_share=None, alpha: float = 0.05, power: float = 0.8) -> float:
    """Months of reviews until the rule "act only if the gain's interval clears ``margin``" fires with ``power``.

    ``sample_size_against_margin`` customers for arm A (control: churn ``baseline_churn``, a share
    ``arm_share`` of the ``customers_per_month`` reviews; ``other_arm_share``: the other arm's
    share, default the same; ``compared_share``: the share of each arm the decision reads, like
    the customers whose lists disagree), divided by the customers arm A gains each month.
    """
    monthly, shares = _checked_design(customers_per_month, arm_share, compared_share, other_arm_share)
    per_arm = sample_size_against_margin(baseline_churn, hoped_lift, margin, alpha, power,
                                         ratio=shares["other_arm_share"] / shares["arm_share"])
    return per_arm / (shares["arm_share"] * shares["compared_share"] * monthly)


@course_function
def power_curve(baseline_churn, hoped_lift, margin, customers_per_month, arm_share, compared_share=1.0,
                other_arm_share=None, months=None, alpha: float = 0.05,
                label_wait_months: float = LABEL_WAIT_MONTHS) -> pd.DataFrame:
    """Month by month, how often the decision rule would fire if the hoped-for gain is real: its power.

    The rule acts only if the low end of the 95 % interval of the drop in churn is above the
    break-even ``margin`` (``power_against_margin``). ``baseline_churn``: churn in the control
    arm; ``hoped_lift``: the drop in churn you hope for (an assumption: say where it comes from;
    None when it does not clear the margin, or is unknown: then no ``power`` column, only the
    smallest drop each length catches); ``margin``: the drop that pays for the change (``smallest_lift_worth_detecting``); all shares.
    ``customers_per_month``: reviews a month; ``arm_share``: the control arm's share of them
    (0.10 for a 10 % hold-out); ``other_arm_share``: the other arm's (default the same);
    ``compared_share``: the share of each arm the decision reads (1 = all). ``months``: the
    test lengths to show, in months of reviews (default 0.5 to 36 months). Index ``months``; columns
    ``calendar months`` (from the first review to the reading: reviews are on the 1st, so the last of
    m monthly reviews comes m − 1 months after the first, and its labels ``label_wait_months`` (3) later:
    3 months of reviews from 1 January are read on 1 June, 5 calendar months), ``customers per arm`` (compared, control arm), ``customers, other arm``,
    ``power`` and ``smallest drop caught 80 % of the time`` (``detectable_lift`` at that size: NaN
    when the test is too small for any drop).
    """
    if hoped_lift is not None:
        _rule_inputs(baseline_churn, hoped_lift, margin)
    monthly, shares = _checked_design(customers_per_month, arm_share, compared_share, other_arm_share)
    lengths = np.arange(0.5, 36.01, 0.5) if months is None else np.atleast_1d(np.asarray(months, dtype=float))
    if lengths.size == 0 or not np.isfinite(lengths).all() or (lengths <= 0).any():
        raise CourseError("months should be test lengths above 0, like [1, 3, 6, 12].")
    wait = validate.number(label_wait_months, "label_wait_months", low=0, example="3")
    rows = []
    for length in lengths:
        control = length * monthly * shares["arm_share"] * shares["compared_share"]
        other = length * monthly * shares["other_arm_share"] * shares["compared_share"]
        row = {"months": float(length), "calendar months": float(length - 1 + wait), "customers per arm": round(control),
               "customers, other arm": round(other)}
        if hoped_lift is not None:
            row["power"] = power_against_margin(baseline_churn, hoped_lift, margin, control, other, alpha)
        row["smallest drop caught 80 % of the time"] = detectable_lift(baseline_churn, margin, control, other, alpha)
        rows.append(row)
    return pd.DataFrame(rows).set_index("months")


@course_function
def detectable_lift(baseline_churn, margin, customers_a, customers_b=None, alpha: float = 0.05,
                    power: float = 0.8) -> float:
    """The smallest true drop in churn that the rule "act only if the low end of the 95 % interval is above ``margin``"
    catches with ``power`` (80 %), at a given size: the test's minimum detectable effect at that size.

    ``baseline_churn``: churn in the control arm; ``margin``: the drop that pays for the change
    (``smallest_lift_worth_detecting``), both shares; ``customers_a`` / ``customers_b``: customers
    compared in each arm (default as many). The answer is the drop d with
    d − margin = (z(1 − alpha/2) + z(power)) × standard error at d (normal approximation, solved
    numerically). NaN when even a drop to no churn at all would not be caught that often: the test is
    too small for any effect.
    """
    from scipy.optimize import brentq
    from scipy.stats import norm

    baseline = _rate(baseline_churn, "baseline_churn")
    floor = validate.number(margin, "margin", example="0.016")
    if not -(1 - baseline) < floor < baseline:
        raise CourseError(f"margin is {floor:g}; it is the drop in churn that pays for the change, a share below the "
                          f"baseline churn {baseline:g}, like 0.016 for 1.6 points (negative when the change saves more "
                          "than it costs)." + validate.percentage_hint(floor))
    alpha, power = _checked_alpha_power(alpha, power)
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)

    def shortfall(drop: float) -> float:
        return drop - floor - z * _standard_error(baseline, drop, customers_a, customers_b)

    highest = baseline * (1 - 1e-9)
    if shortfall(highest) < 0:
        return float("nan")
    return float(brentq(shortfall, floor, highest, xtol=1e-7))


# --- what a plan can expect from the shadow month's own outcomes ---------------------------------------------------


@course_function
def expected_from_shadow(reviewed, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> pd.DataFrame:
    """What a test plan can expect, from the shadow month's own outcomes and lesson 03's assumed offer.

    ``reviewed``: ``customers_under_review(shadow)`` with its labels known (churn within 3 months). The
    shadow month shows who left under the live rule; what a call would change is an assumption:
    a call keeps ``economics.acceptance_rate`` (30 %) of the would-be leavers it reaches. So a customer
    the live rule called would have left ``churned ÷ (1 − acceptance)`` of the time without the call, and
    one it did not call ``churned × (1 − acceptance)`` of the time with one. Customers whose scoring
    failed are not on the model's list (the model arm does not call them).

    Rows: ``model vs rule, lists disagree`` (A: the rule's calls, B: the model's, on the customers whose
    lists disagree) and ``model campaign vs no campaign`` (A: nobody called, B: the model's calls, on every
    customer under review). Columns: ``customers`` (in the shadow month), ``churn A``, ``churn B``
    (expected churn within 3 months, shares) and ``difference (points)`` (B − A; positive: the model's
    arm is expected to lose more customers).
    """
    economics = _checked_economics(economics)
    table = validate.dataframe(reviewed, "reviewed", needs=("model_picks", "rule_picks", "contacted", "churned"),
                               example="abtest.customers_under_review(shadow)")
    if table["churned"].isna().any():
        raise CourseError("reviewed has customers whose label is not known yet: simulate the shadow month with "
                          "labels_as_of='2027-04-01' (3 months after it).")
    left = table["churned"].to_numpy(dtype=float)
    called = table["contacted"].to_numpy(dtype=bool)
    keep = 1 - economics.acceptance_rate
    without_call = np.where(called, left / keep, left)
    with_call = np.where(called, left, left * keep)
    model, rule = (table[name].to_numpy(dtype=bool) for name in ("model_picks", "rule_picks"))
    disagree = model != rule
    if not disagree.any():
        raise CourseError("the two lists agree on every customer in reviewed: there is no switch to plan.")

    def churn(picks: np.ndarray, among: np.ndarray) -> float:
        return float(np.clip(np.where(picks, with_call, without_call)[among].mean(), 0, 1))

    everyone = np.ones_like(disagree)
    rows = [("model vs rule, lists disagree", disagree, churn(rule, disagree), churn(model, disagree)),
            ("model campaign vs no campaign", everyone, churn(np.zeros_like(model), everyone), churn(model, everyone))]
    result = pd.DataFrame([{"test": name, "customers": int(among.sum()), "churn A": a, "churn B": b,
                            "difference (points)": 100 * (b - a)} for name, among, a, b in rows]).set_index("test")
    return result
