"""Testing in production (lesson 07): a shadow month, an A/B test's plan and readout, peeking, and their MLflow records.

The lesson runs its tests on the course's simulator (``churnlab.world``): everything
read from a simulation is simulated, and the tables this module returns from one keep
its caption (``world.caption(table)``). The statistics are statsmodels' and SciPy's own:

- sample size: ``statsmodels.stats.power.NormalIndPower().solve_power`` with
  ``statsmodels.stats.proportion.proportion_effectsize`` (``sample_size``);
- the effect on churn: ``proportions_ztest`` (p-value) and
  ``confint_proportions_2indep(..., compare="diff")`` (95 % interval) (``compare_arms``);
- sample-ratio mismatch: ``scipy.stats.chisquare`` on the customers assigned (``sample_ratio_check``);
- peeking: the same z-test, vectorised (``test_proportions_2indep(method="score",
  correction=False)``, which is ``proportions_ztest``'s test), on many A/A splits (``aa_peeking``).

What a lesson does with them::

    from churnlab import abtest, world
    shadow = world.simulate(months=1, seed=7, policy="rule", labels_as_of="2027-04-01")
    reviewed = abtest.customers_under_review(shadow)     # one row per customer under review
    abtest.compare_lists(reviewed)                         # both lists, model only, rule only, neither
    abtest.sample_size(0.265, 0.194)                       # customers per arm
    test = world.ab_test({"model": "model", "rule": "rule", "hold-out": "none"}, split=(45, 45, 10))
    ab = world.simulate(months=3, seed=7, policy=test, labels_as_of="2027-06-01")
    abtest.sample_ratio_check(ab.assignments, test)        # first: is the split what was planned?
    cohort = abtest.customers_under_review(ab)
    abtest.compare_arms(cohort, "model", "hold-out")       # effect, interval, p-value, dollars

The records: the plan is logged as an MLflow run tagged ``PLAN_TAGS`` (its parameters are
the plan), the result as a run tagged ``RESULT_TAGS`` with the plan's run id in the tag
``PLAN_RUN_TAG`` and the metrics of ``result_metrics``. ``churnlab.records.latest_ab_test()``
reads the newest of them back (lesson 09's brief uses it), or returns None when there is none.
That reader lives in its own module so that only notebooks which read MLflow need MLflow
(in Colab, a notebook installs what its imports need: this module needs none of it).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab._base.errors import CourseError
from churnlab._base.tags import run_tags
from churnlab._base.validate import course_function
from churnlab import world
from churnlab.economics import _checked_economics, dollars
from churnlab.rules import RULES

__all__ = [
    "ArmComparison",
    "LISTS",
    "PLAN_PARAMS",
    "PLAN_RUN_TAG",
    "PLAN_TAGS",
    "PeekingResult",
    "RESULT_TAGS",
    "SampleRatioCheck",
    "SRM_ALARM",
    "aa_peeking",
    "chance_in_words",
    "compare_arms",
    "compare_lists",
    "comparison_table",
    "churn_by_list_and_arm",
    "customers_under_review",
    "expected_churn",
    "result_metrics",
    "sample_ratio_check",
    "sample_size",
    "sample_size_table",
    "traits_by_list",
    "true_effect",
]

PLAN_RUN_TAG = "churnlab.plan_run_id"
PLAN_TAGS = run_tags("07", "ab_test_plan")
RESULT_TAGS = run_tags("07", "ab_test_result")
# What a plan run must hold (its parameters): the plan written before any data.
PLAN_PARAMS = ("arms", "split", "unit", "assignment", "trigger", "decision_metric", "guardrails", "alpha", "power",
               "minimum_detectable_effect", "customers_per_arm", "decision_rule")
# Many experimentation platforms raise the sample-ratio alarm only below p = 0.001: the check runs on every test,
# so it must rarely cry wolf, and a real broken split with thousands of customers gives a far smaller p-value.
SRM_ALARM = 0.001
LISTS = ("both lists", "model only", "rule only", "neither")  # who each policy would contact, among customers under review
TRAITS = ("contract", "tenure", "internet_service", "payment_method")


def _simulation(value, name: str = "simulation"):
    return world._checked_simulation(value, name)


def _caption_of(table: pd.DataFrame, caption: str | None) -> pd.DataFrame:
    if caption:
        table.attrs["simulated"] = True
        table.attrs["caption"] = caption
    return table


# --- the customers a test reads: those up for review ----------------------------------------------------


@course_function
def customers_under_review(simulation, threshold: float | None = None, rule: str = "month_to_month") -> pd.DataFrame:
    """One row per customer up for retention review in each simulated month: the customers a test reads.

    Only customers under review can be contacted, so an A/B test compares the arms on
    them (a *triggered analysis*). For each: ``customer_id``, ``month``, ``arm``, the
    traits ``contract``, ``tenure``, ``internet_service``, ``payment_method``, the model's
    ``churn_score`` (empty when scoring failed), ``model_picks`` (score at or above
    ``threshold``, by default the simulation's break-even 1/6) and ``rule_picks`` (the
    ``churnlab.rules`` rule, by default month-to-month): both are known for every customer,
    whatever their arm, because the model scores everyone. ``lists`` says which of the two
    would contact them (``LISTS``). Then what happened: ``contacted`` (by the policy
    live in their arm), ``churned`` (left within the horizon; empty until the label is known),
    ``churned_on`` and ``days_to_churn`` (days from the 1st of the month to the day they left).
    """
    simulation = _simulation(simulation)
    cut = world._checked_threshold(threshold)
    cut = simulation.settings["threshold"] if cut is None else cut
    rule_names = world._rule_names()
    rule = validate.one_of(rule, "rule", rule_names)
    keys = ["customer_id", "month"]
    reviewed = simulation.assignments["up_for_review"].to_numpy()
    table = simulation.assignments.loc[reviewed, keys + ["arm"]].reset_index(drop=True)
    customers = simulation.customers.loc[reviewed].reset_index(drop=True)
    scores = simulation.predictions.loc[reviewed, "churn_score"].to_numpy(dtype=float)
    outcomes = simulation.outcomes.loc[reviewed].reset_index(drop=True)
    for other in (customers, simulation.predictions.loc[reviewed].reset_index(drop=True), outcomes):
        if not (other["customer_id"].to_numpy() == table["customer_id"].to_numpy()).all():  # pragma: no cover - world's promise
            raise CourseError("the simulation's logs are not in the same order; pass the result of world.simulate unchanged.")
    for trait in TRAITS:
        table[trait] = customers[trait].to_numpy()
    table["churn_score"] = scores
    table["model_picks"] = np.nan_to_num(scores, nan=-1.0) >= cut
    table["rule_picks"] = RULES[rule](customers).to_numpy().astype(bool)
    table["lists"] = np.select(
        [table["model_picks"] & table["rule_picks"], table["model_picks"], table["rule_picks"]], list(LISTS[:3]), LISTS[3])
    table["contacted"] = pd.MultiIndex.from_frame(table[keys]).isin(pd.MultiIndex.from_frame(simulation.contacts[keys]))
    table["churned"] = outcomes["churned"].astype("Int64").array  # nullable: empty until the label is known
    table["churned_on"] = outcomes["churned_on"].to_numpy()
    days = (outcomes["churned_on"] - outcomes["month_start"]).dt.days.astype("Int64")
    table["days_to_churn"] = days.where(table["churned"].eq(1).fillna(False).to_numpy()).array
    table["month_start"] = outcomes["month_start"].to_numpy()
    table["label_known_on"] = outcomes["label_known_on"].to_numpy()
    return _caption_of(table, simulation.caption)


def _cohort(value, name: str = "cohort", needs=("arm", "churned")) -> pd.DataFrame:
    if hasattr(value, "assignments") and hasattr(value, "settings"):
        raise CourseError(f"{name} should be the table of customers under review, not the whole simulation: "
                          f"use abtest.customers_under_review(simulation).")
    return validate.dataframe(value, name, needs=needs, example="abtest.customers_under_review(simulation)")


def _known_labels(table: pd.DataFrame, what: str) -> np.ndarray:
    labels = table["churned"]
    if labels.isna().any():
        missing = table[labels.isna()]
        when = ""
        if "label_known_on" in table and "month" in table:
            last = missing.loc[missing["month"].idxmax()]
            when = f" (month {int(last['month'])}'s labels arrive on {pd.Timestamp(last['label_known_on']):%Y-%m-%d})"
        raise CourseError(f"{what}: {int(labels.isna().sum()):,} customers have no label yet{when}. Simulate with a later "
                          "labels_as_of (e.g. labels_as_of='2027-06-01' for 3 months), or keep the months whose labels "
                          "are known.")
    return labels.to_numpy(dtype=np.int64)


# --- the shadow month: two call lists -------------------------------------------------------------------


@course_function
def compare_lists(reviewed) -> pd.DataFrame:
    """Who each call list would contact, one row per group of ``LISTS``, among customers under review.

    Columns: ``customers``, ``share`` (of customers under review), ``mean model score``
    (the model's average chance of leaving), ``contacted`` (share contacted by the
    policy that was live) and, once the labels are known, ``left within 3 months`` (share).
    ``reviewed``: from ``customers_under_review``.
    """
    table = _cohort(reviewed, "reviewed", needs=("lists", "churn_score", "contacted", "churned"))
    groups = table.groupby("lists", sort=False)
    result = pd.DataFrame({
        "customers": groups.size(),
        "share": groups.size() / len(table),
        "mean model score": groups["churn_score"].mean(),
        "contacted": groups["contacted"].mean(),
    }).reindex(list(LISTS))
    result["customers"] = result["customers"].fillna(0).astype(np.int64)
    if table["churned"].notna().all():
        result["left within 3 months"] = table["churned"].astype(float).groupby(table["lists"]).mean()
    result.index.name = "would be called by"
    return _caption_of(result, table.attrs.get("caption"))


@course_function
def traits_by_list(reviewed) -> pd.DataFrame:
    """Who is in each group of ``LISTS``, by the traits a retention team knows.

    Columns: ``customers``, ``median tenure (months)`` and the share of customers with a
    month-to-month, one-year or two-year contract, fibre-optic internet and electronic-check
    payment. ``reviewed``: from ``customers_under_review``.
    """
    table = _cohort(reviewed, "reviewed", needs=("lists",) + TRAITS)
    groups = table.groupby("lists", sort=False)
    result = pd.DataFrame({
        "customers": groups.size(),
        "median tenure (months)": groups["tenure"].median(),
        "month-to-month": groups["contract"].apply(lambda s: s.eq("Month-to-month").mean()),
        "one year": groups["contract"].apply(lambda s: s.eq("One year").mean()),
        "two year": groups["contract"].apply(lambda s: s.eq("Two year").mean()),
        "fibre optic": groups["internet_service"].apply(lambda s: s.eq("Fiber optic").mean()),
        "electronic check": groups["payment_method"].apply(lambda s: s.eq("Electronic check").mean()),
    }).reindex(list(LISTS))
    result["customers"] = result["customers"].fillna(0).astype(np.int64)
    result.index.name = "would be called by"
    return _caption_of(result, table.attrs.get("caption"))


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


# --- reading a test: sample ratio first ----------------------------------------------------------------


@dataclass(frozen=True)
class SampleRatioCheck:
    """Are the arms the sizes the plan said? (``sample_ratio_check``)"""

    table: pd.DataFrame  # per arm: planned share, customers, expected customers
    p_value: float
    customers_in_two_arms: int
    alarm: float = SRM_ALARM

    @property
    def mismatch(self) -> bool:
        """True when the split is not what was planned: read no result until the cause is found."""
        return self.p_value < self.alarm or self.customers_in_two_arms > 0

    def summary(self) -> str:
        counts = ", ".join(f"{arm} {int(customers):,} (expected {expected:,.0f})"
                           for arm, customers, expected in zip(self.table.index, self.table["customers"], self.table["expected"]))
        shown = "< 0.001" if self.p_value < 0.001 else f"{self.p_value:.3f}"
        lines = [f"Customers assigned: {counts}.", f"Chi-square test: p-value {shown}."]
        if self.customers_in_two_arms:
            lines.append(f"{self.customers_in_two_arms:,} customers were in two arms: the assignment is not stable.")
        if self.mismatch:
            lines.append("Sample-ratio mismatch: the split is not what was planned. Find the cause before reading any result.")
        else:
            lines.append(f"No sign of a sample-ratio mismatch (the alarm rings below {self.alarm:g}): go on and read the result.")
        return "\n".join(lines)


def _planned_split(split) -> dict[str, float]:
    if isinstance(split, world.ABTest):
        return {name: share / 100 for name, share in zip(split.names, split.buckets)}
    if not isinstance(split, dict):
        raise CourseError("split should be the A/B test itself (world.ab_test(...)) or a dictionary of arm -> planned "
                          f"share, like {{'A': 50, 'B': 50}}, not {validate.kind_of(split)}.")
    if len(split) < 2:
        raise CourseError("split needs at least two arms, like {'A': 50, 'B': 50}.")
    shares = {validate.text(arm, "each arm's name", "'A'"): validate.number(share, f"the share of arm {arm!r}", low=0,
                                                                             example="50")
              for arm, share in split.items()}
    total = sum(shares.values())
    if not (math.isclose(total, 1.0) or math.isclose(total, 100.0)):
        raise CourseError(f"the planned shares add up to {total:g}; give shares that add up to 100 (percent) or 1.")
    return {arm: share / total for arm, share in shares.items()}


@course_function
def sample_ratio_check(assignments, split) -> SampleRatioCheck:
    """The sample-ratio mismatch (SRM) check: are the arms the sizes the plan said? Read it before any result.

    ``assignments``: a table with ``customer_id`` and ``arm`` (``simulation.assignments``,
    one row per customer and month). Each customer is counted once, in their first arm:
    a customer seen in 10 months is still one customer, and counting customer-months
    would make the test far too sure of itself. ``split``: the test (``world.ab_test(...)``)
    or a dictionary arm -> planned share. SciPy's ``chisquare`` compares the counts with
    the plan; the alarm rings when the p-value is below ``SRM_ALARM`` (0.001), or when a
    customer appears in two arms.
    """
    from scipy.stats import chisquare

    table = validate.dataframe(assignments, "assignments", needs=("customer_id", "arm"), example="simulation.assignments")
    planned = _planned_split(split)
    first = table.drop_duplicates("customer_id")
    arms_per_customer = table.drop_duplicates(["customer_id", "arm"])["customer_id"].value_counts()
    unknown = sorted(set(first["arm"].astype(str)) - set(planned))
    if unknown:
        raise CourseError(f"assignments has the arm {unknown[0]!r}, which the plan does not have "
                          f"({', '.join(map(repr, planned))}). Pass the A/B test the simulation ran, and its assignments.")
    counts = first["arm"].value_counts().reindex(list(planned), fill_value=0)
    total = int(counts.sum())
    if total == 0:
        raise CourseError("assignments is empty: there are no customers to count.")
    expected = np.array([planned[arm] * total for arm in planned])
    p_value = float(chisquare(counts.to_numpy(dtype=float), f_exp=expected).pvalue)
    result = pd.DataFrame({"planned share": [planned[arm] for arm in planned], "customers": counts.to_numpy(dtype=np.int64),
                           "expected": expected}, index=pd.Index(list(planned), name="arm"))
    return SampleRatioCheck(result, p_value, int((arms_per_customer > 1).sum()))


# --- reading a test: the effect, its interval and its dollars ----------------------------------------------


@dataclass(frozen=True)
class ArmComparison:
    """One arm against another on the customers under review (``compare_arms``). Shares are fractions."""

    treatment: str
    control: str
    customers: tuple[int, int]  # treatment, control
    churned: tuple[int, int]
    churn_rate: tuple[float, float]
    effect: float  # treatment churn minus control churn (negative: fewer leave)
    low: float  # 95 % interval of the effect
    high: float
    p_value: float
    contacts_per_customer: tuple[float, float]
    value_of_saved_customer: float
    cost_per_contact: float
    confidence: float = 0.95
    trigger: str = "customers under review"

    @property
    def significant(self) -> bool:
        """True when the p-value is below 1 − confidence (0.05)."""
        return self.p_value < 1 - self.confidence

    def _dollars(self, effect: float) -> float:
        extra_contacts = self.contacts_per_customer[0] - self.contacts_per_customer[1]
        return -effect * self.value_of_saved_customer - extra_contacts * self.cost_per_contact

    @property
    def dollars_per_customer(self) -> float:
        """Treatment minus control, per customer: $200 per customer kept, minus $10 per extra contact."""
        return self._dollars(self.effect)

    @property
    def dollars_interval(self) -> tuple[float, float]:
        """The 95 % interval of ``dollars_per_customer``: from the effect's interval (contacts are counted, not estimated)."""
        return self._dollars(self.high), self._dollars(self.low)

    def summary(self) -> str:
        """The result in plain words (the p-value too: never in e-notation)."""
        t_rate, c_rate = self.churn_rate
        direction = "lower" if self.effect < 0 else "higher"
        level = f"{self.confidence:.0%}"
        p_shown = "below 0.001" if self.p_value < 0.001 else f"{self.p_value:.3f}"
        low, high = self.dollars_interval
        lines = [
            f"{self.treatment} vs {self.control} ({self.trigger}: {self.customers[0]:,} and {self.customers[1]:,} customers):",
            f"  churn {t_rate:.1%} vs {c_rate:.1%}: {abs(self.effect) * 100:.1f} percentage points {direction} in "
            f"{self.treatment} ({level} interval {self.low * 100:+.1f} to {self.high * 100:+.1f} points).",
            f"  p-value {p_shown}: if the two arms really did equally well, a gap this large would show up "
            f"{chance_in_words(self.p_value)}.",
            f"  in dollars, per 1,000 such customers: {dollars(1000 * self.dollars_per_customer)} "
            f"({level} interval {dollars(1000 * low)} to {dollars(1000 * high)}).",
        ]
        return "\n".join(lines)

    def as_row(self) -> dict:
        low, high = self.dollars_interval
        return {"treatment": self.treatment, "control": self.control, "trigger": self.trigger,
                "customers (treatment)": self.customers[0], "customers (control)": self.customers[1],
                "churn (treatment)": self.churn_rate[0], "churn (control)": self.churn_rate[1],
                "effect": self.effect, "effect low": self.low, "effect high": self.high, "p-value": self.p_value,
                "$ per customer": self.dollars_per_customer, "$ low": low, "$ high": high}


_LARGE_NUMBERS = {10**6: "a million", 10**7: "10 million", 10**8: "100 million", 10**9: "a billion"}


@course_function
def chance_in_words(p_value) -> str:
    """How often chance alone would give a result this far from "no difference", in words, never in e-notation.

    ``chance_in_words(0.03)`` is "about 3.0% of the time"; ``chance_in_words(5.8e-08)`` is
    "less than 1 time in 10 million"; anything below one in a billion is "less than 1 time in a billion".
    """
    p = validate.fraction(p_value, "p_value", example="0.03")
    if p >= 0.1:
        return f"{p:.0%} of the time"
    if p >= 0.001:
        return f"about {p:.1%} of the time"
    if p < 1e-9:
        return "less than 1 time in a billion"
    power = 10 ** min(9, math.floor(-math.log10(p)))
    return f"less than 1 time in {_LARGE_NUMBERS.get(power, f'{power:,}')}"


@course_function
def compare_arms(cohort, treatment: str, control: str, economics: CampaignEconomics = DEFAULT_ECONOMICS,
                 confidence: float = 0.95, trigger: str = "customers under review") -> ArmComparison:
    """The result of one arm against another: churn, the effect with its interval and p-value, and dollars.

    ``cohort``: the customers to compare (``customers_under_review(simulation)``, or a
    part of it, e.g. the customers whose two lists disagree). The effect is the
    treatment's churn minus the control's (negative: fewer customers leave), with
    statsmodels' ``confint_proportions_2indep(..., compare="diff")`` interval and
    ``proportions_ztest`` p-value (two-sided). Dollars per customer: $200 per customer
    kept minus $10 per extra contact (``economics``). ``trigger`` names the customers
    compared, for the summary.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    table = _cohort(cohort, "cohort", needs=("arm", "churned", "contacted"))
    economics = _checked_economics(economics)
    confidence = validate.fraction(confidence, "confidence", example="0.95")
    if not 0.5 <= confidence < 1:
        raise CourseError(f"confidence is {confidence:g}; use a level like 0.95 (a 95 % interval).")
    trigger = validate.text(trigger, "trigger", example="'customers under review'")
    arms = [str(a) for a in table["arm"].unique()]
    for name, value in (("treatment", treatment), ("control", control)):
        validate.one_of(value, name, arms)
    if treatment == control:
        raise CourseError(f"treatment and control are both {treatment!r}: compare two different arms, like 'model' and "
                          "'hold-out'.")
    parts = [table[table["arm"] == arm] for arm in (treatment, control)]
    labels = [_known_labels(part, f"arm {arm!r}") for part, arm in zip(parts, (treatment, control))]
    sizes = tuple(int(len(y)) for y in labels)
    if min(sizes) < 2:
        raise CourseError(f"arm {(treatment, control)[sizes.index(min(sizes))]!r} has {min(sizes)} customer(s) here: "
                          "too few to compare. Use more customers (more months, or the whole cohort).")
    counts = tuple(int(y.sum()) for y in labels)
    rates = tuple(c / n for c, n in zip(counts, sizes))
    low, high = confint_proportions_2indep(counts[0], sizes[0], counts[1], sizes[1], compare="diff", alpha=1 - confidence)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        _, p_value = proportions_ztest(list(counts), list(sizes))
    p_value = 1.0 if np.isnan(p_value) else float(p_value)  # nobody (or everybody) left in both arms: no evidence of a gap
    contacts = tuple(float(part["contacted"].astype(bool).mean()) for part in parts)
    return ArmComparison(treatment, control, sizes, counts, rates, rates[0] - rates[1], float(low), float(high), p_value,
                         contacts, economics.value_of_saved_customer, economics.cost_per_contact, confidence, trigger)


@course_function
def comparison_table(comparisons: dict) -> pd.DataFrame:
    """Several comparisons in one table, one row each: ``comparisons`` is name -> ``compare_arms(...)``.

    Columns: the customers and churn of each arm, the effect (treatment − control, a
    share) with its interval, the p-value, and dollars per customer with their interval.
    """
    if not isinstance(comparisons, dict) or not comparisons:
        raise CourseError("comparisons should be a dictionary of name -> abtest.compare_arms(...), like "
                          "{'campaign': compare_arms(cohort, 'model', 'hold-out')}.")
    rows = []
    for name, comparison in comparisons.items():
        if not isinstance(comparison, ArmComparison):
            raise CourseError(f"comparisons[{name!r}] should be the result of abtest.compare_arms(...), "
                              f"not {validate.kind_of(comparison)}.")
        rows.append({"comparison": str(name), **comparison.as_row()})
    return pd.DataFrame(rows).set_index("comparison")


@course_function
def churn_by_list_and_arm(cohort) -> pd.DataFrame:
    """The 2 × 2 view of a test with a hold-out: churn for each group of ``LISTS`` (rows) in each arm (columns).

    The hold-out column shows who leaves when no one is contacted (how well each list
    targets); reading along a row shows what an offer changes for the same kind of
    customer (the offer's effect). Columns: for each arm, ``churn: <arm>`` (a share) and
    ``customers: <arm>``.
    """
    table = _cohort(cohort, "cohort", needs=("arm", "lists", "churned"))
    labels = pd.Series(_known_labels(table, "cohort"), index=table.index, dtype=float)
    arms = list(dict.fromkeys(table["arm"].astype(str)))
    rates = labels.groupby([table["lists"], table["arm"]]).mean().unstack().reindex(index=list(LISTS), columns=arms)
    sizes = labels.groupby([table["lists"], table["arm"]]).size().unstack().reindex(index=list(LISTS), columns=arms)
    result = pd.concat({"churn": rates, "customers": sizes.fillna(0).astype(np.int64)}, axis=1)
    result.columns = [f"{measure}: {arm}" for measure, arm in result.columns]
    result = result[[f"{measure}: {arm}" for arm in arms for measure in ("churn", "customers")]]
    result.index.name = "would be called by"
    return _caption_of(result, table.attrs.get("caption"))


@course_function
def true_effect(simulation, cohort, treatment: str, control: str) -> float:
    """What the simulator knows and no real team does: the effect the two arms' campaigns really had on ``cohort``.

    For each customer the simulator knows whether they would have left without any
    offer; the campaign's true effect on an arm is the share of its customers it kept
    (minus any lost to an offer that backfired). Returns the treatment's true effect on
    churn minus the control's, comparable with ``compare_arms(cohort, treatment, control).effect``.
    """
    simulation = _simulation(simulation)
    table = _cohort(cohort, "cohort", needs=("customer_id", "month", "arm"))
    arms = [str(a) for a in table["arm"].unique()]
    validate.one_of(treatment, "treatment", arms)
    validate.one_of(control, "control", arms)
    truth = simulation.truth_by_customer[["customer_id", "month", "churned_without_campaign", "churned"]]
    joined = table[["customer_id", "month", "arm"]].merge(truth, on=["customer_id", "month"], how="left")
    if joined["churned"].isna().any():
        raise CourseError("cohort holds customers this simulation does not have: pass the simulation the cohort came from.")
    kept = joined["churned_without_campaign"].astype(float) - joined["churned"].astype(float)
    by_arm = kept.groupby(joined["arm"]).mean()
    return float(-(by_arm[treatment] - by_arm[control]))


# --- peeking: many A/A tests, each checked every day -------------------------------------------------------


@dataclass(frozen=True)
class PeekingResult:
    """What happens when A/A tests are checked every day (``aa_peeking``)."""

    by_day: pd.DataFrame  # day, share significant that day, share that found a "winner" by then, an example's p-value
    tests: int
    customers: int
    days: int
    alpha: float
    example: int = 0  # which split "example p-value" follows (see aa_peeking)

    @property
    def example_found_a_winner(self) -> bool:
        """True when the example split crossed alpha on some day."""
        return bool((self.by_day["example p-value"] < self.alpha).any())

    @property
    def found_a_winner_any_day(self) -> float:
        """Share of A/A tests with p < alpha on at least one day: what stopping at the first "winner" declares."""
        return float(self.by_day["found a winner by then"].iloc[-1])

    @property
    def found_a_winner_at_the_end(self) -> float:
        """Share of A/A tests with p < alpha on the last day only: what a test read once, at its planned end, declares."""
        return float(self.by_day["significant that day"].iloc[-1])


@course_function
def aa_peeking(cohort, tests: int = 1000, seed: int = 7, alpha: float = 0.05) -> PeekingResult:
    """Split one month's customers into two arms ``tests`` times at random and check each A/A test every day.

    Both arms of an A/A test get the same treatment, so any "winner" is chance. Each
    day, for each split, the share of each arm's customers who have left so far is
    compared with the two-proportion z-test (statsmodels' ``test_proportions_2indep``
    with ``method="score", correction=False``: ``proportions_ztest``'s test, for many at
    once). Returns, per day, the share of tests significant that day, the share that
    have been significant on at least one day so far (stop at the first "winner"), and
    the p-values of one example: the first split that crossed ``alpha`` on some day but
    not on the last (a "winner" only a daily reader would have declared).
    ``cohort``: one month of ``customers_under_review(simulation)``, labels known.
    """
    from statsmodels.stats.proportion import test_proportions_2indep

    table = _cohort(cohort, "cohort", needs=("month", "churned", "days_to_churn", "month_start", "label_known_on"))
    months = table["month"].unique()
    if len(months) != 1:
        raise CourseError(f"cohort holds {len(months)} months; peek at one month's customers, e.g. "
                          "cohort[cohort['month'] == 1].")
    churned = _known_labels(table, "cohort")
    tests = validate.whole_number(tests, "tests", low=10, example="1000")
    if tests > 20_000:
        raise CourseError(f"tests is {tests:,}; 1,000 A/A tests already show the rate to about ±1.5 points. Use up to 20,000.")
    seed = validate.whole_number(seed, "seed", low=0, example="7")
    alpha = validate.fraction(alpha, "alpha", example="0.05")
    if not 0 < alpha < 0.5:
        raise CourseError(f"alpha is {alpha:g}; the significance level is a small share, usually 0.05.")
    start, known_on = pd.Timestamp(table["month_start"].iloc[0]), pd.Timestamp(table["label_known_on"].iloc[0])
    days = int((known_on - start).days)
    n = len(table)
    day_of_churn = table["days_to_churn"].to_numpy(dtype=float, na_value=np.nan)
    leavers = np.flatnonzero(churned == 1)
    leaver_days = day_of_churn[leavers]
    if np.isnan(leaver_days).any() or (leaver_days >= days).any():
        raise CourseError("cohort's churn days do not fit its label window; pass customers_under_review(simulation) unchanged.")
    rng = np.random.default_rng(seed)
    in_a = rng.random((tests, n)) < 0.5  # a fresh random split per test, like a new hashing salt
    size_a = in_a.sum(axis=1).astype(float)[:, None]
    size_b = n - size_a
    per_day = np.zeros((len(leavers), days), dtype=np.float32)
    per_day[np.arange(len(leavers)), leaver_days.astype(np.int64)] = 1.0
    left_a = np.cumsum(in_a[:, leavers].astype(np.float32) @ per_day, axis=1)
    left_all = np.cumsum(per_day.sum(axis=0))[None, :]
    left_b = left_all - left_a
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        p_values = test_proportions_2indep(left_a, size_a, left_b, size_b, method="score", correction=False).pvalue
    p_values = np.where(np.isnan(p_values), 1.0, p_values)  # no one has left yet in either arm: nothing to see
    significant = p_values < alpha
    found = np.logical_or.accumulate(significant, axis=1)
    # The example: the first split a daily reader would have stopped as a "winner" that the planned reading (the last
    # day) does not call one; else the first that crossed at all; else the first split.
    for candidates in (found[:, -1] & ~significant[:, -1], found[:, -1], np.ones(tests, dtype=bool)):
        if candidates.any():
            example = int(np.flatnonzero(candidates)[0])
            break
    by_day = pd.DataFrame({
        "day": np.arange(1, days + 1),
        "date": pd.date_range(start, periods=days, freq="D"),
        "significant that day": significant.mean(axis=0),
        "found a winner by then": found.mean(axis=0),
        "example p-value": p_values[example],
    })
    return PeekingResult(_caption_of(by_day, table.attrs.get("caption")), tests, n, days, alpha, example)


# --- what the result run logs (churnlab.records reads it back) ---------------------------------------


@course_function
def result_metrics(srm: SampleRatioCheck, decision: ArmComparison, campaign: ArmComparison | None = None) -> dict[str, float]:
    """The numbers an A/B test result run logs, as MLflow metrics (names below, shares as fractions, dollars per customer).

    From ``srm``: ``srm_p_value``, ``srm_mismatch`` (1 or 0) and ``customers_<arm>``. From
    ``decision`` (the comparison the decision rule reads): ``customers_treatment``,
    ``customers_control``, ``churn_treatment``, ``churn_control``, ``effect``,
    ``effect_low``, ``effect_high``, ``p_value``, ``dollars_per_customer``,
    ``dollars_per_customer_low``, ``dollars_per_customer_high``. From ``campaign`` (the
    campaign against the hold-out), if given, the same names starting with ``campaign_``.
    """
    if not isinstance(srm, SampleRatioCheck):
        raise CourseError(f"srm should be the result of abtest.sample_ratio_check(...), not {validate.kind_of(srm)}.")
    metrics = {"srm_p_value": srm.p_value, "srm_mismatch": float(srm.mismatch)}
    for arm, customers in srm.table["customers"].items():
        metrics[f"customers_{_metric_key(str(arm))}"] = float(customers)
    for prefix, comparison in (("", decision), ("campaign_", campaign)):
        if comparison is None and prefix:
            continue
        if not isinstance(comparison, ArmComparison):
            name = "campaign" if prefix else "decision"
            raise CourseError(f"{name} should be the result of abtest.compare_arms(...), not {validate.kind_of(comparison)}.")
        low, high = comparison.dollars_interval
        metrics.update({
            f"{prefix}customers_treatment": float(comparison.customers[0]),
            f"{prefix}customers_control": float(comparison.customers[1]),
            f"{prefix}churn_treatment": comparison.churn_rate[0], f"{prefix}churn_control": comparison.churn_rate[1],
            f"{prefix}effect": comparison.effect, f"{prefix}effect_low": comparison.low, f"{prefix}effect_high": comparison.high,
            f"{prefix}p_value": comparison.p_value, f"{prefix}dollars_per_customer": comparison.dollars_per_customer,
            f"{prefix}dollars_per_customer_low": low, f"{prefix}dollars_per_customer_high": high,
        })
    return {name: float(value) for name, value in metrics.items()}


def _metric_key(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-./" else "_" for ch in text)
