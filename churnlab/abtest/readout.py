"""Reading an A/B test (lesson 07): the sample ratio first, then the effect, its interval and its dollars."""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from churnlab import world
from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.abtest.review import (
    LISTS,
    _caption_of,
    _cohort,
    _known_labels,
    _simulation,
)
from churnlab.economics import (
    DEFAULT_ECONOMICS,
    CampaignEconomics,
    _checked_economics,
    dollars,
)
from churnlab.uncertainty import CLEAR, LIKELY, LIKELY_SHARE, TIE

# Many experimentation platforms raise the sample-ratio alarm only below p = 0.001: the check runs on every test,
# so it must rarely cry wolf, and a real broken split with thousands of customers gives a far smaller p-value.
SRM_ALARM = 0.001


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
    adjusted_for: str | None = None  # the pre-test column of a CUPED reading (compare_arms(adjust_for=...))
    width_unadjusted: float | None = None  # the same interval's width without that adjustment

    @property
    def significant(self) -> bool:
        """True when the p-value is below 1 − confidence (0.05)."""
        return self.p_value < 1 - self.confidence

    @property
    def verdict(self) -> str:
        """The course's three words for the gap in churn (the glossary's *confidence interval*).

        "clear" when the whole interval is on one side of zero; "likely but not certain" when it
        holds zero but at least 80 % of the estimate's plausible values (its normal curve) are on
        the estimate's side; "a tie within noise" otherwise.
        """
        return _verdict(self.effect, self.low, self.high, self.confidence)

    @property
    def dollars_verdict(self) -> str:
        """The same three words for the dollars: is the treatment's gain in dollars on one side of $0?"""
        low, high = self.dollars_interval
        return _verdict(self.dollars_per_customer, low, high, self.confidence)

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
            f"  verdict: {self.verdict} on churn, {self.dollars_verdict} in dollars.",
        ]
        if self.adjusted_for is not None and self.width_unadjusted:
            narrower = 1 - (self.high - self.low) / self.width_unadjusted
            gain = (f"the interval is {narrower:.0%} narrower than without it" if narrower >= 0.005 else
                    f"the interval is no narrower than without it ({self.adjusted_for} explains little here)")
            lines.insert(1, f"  adjusted for each customer's {self.adjusted_for} at review, before any contact (CUPED): {gain}.")
        return "\n".join(lines)

    def as_row(self) -> dict:
        low, high = self.dollars_interval
        return {"treatment": self.treatment, "control": self.control, "trigger": self.trigger,
                "customers (treatment)": self.customers[0], "customers (control)": self.customers[1],
                "churn (treatment)": self.churn_rate[0], "churn (control)": self.churn_rate[1],
                "effect": self.effect, "effect low": self.low, "effect high": self.high, "p-value": self.p_value,
                "$ per customer": self.dollars_per_customer, "$ low": low, "$ high": high}


def _verdict(estimate: float, low: float, high: float, confidence: float) -> str:
    from scipy.stats import norm

    if low > 0 or high < 0:
        return CLEAR
    half_width = (high - low) / 2
    if half_width <= 0 or estimate == 0:
        return TIE
    standard_error = half_width / norm.ppf(0.5 + confidence / 2)
    return LIKELY if norm.cdf(abs(estimate) / standard_error) >= LIKELY_SHARE else TIE


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
                 confidence: float = 0.95, trigger: str = "customers under review",
                 adjust_for: str | None = None) -> ArmComparison:
    """The result of one arm against another: churn, the effect with its interval and p-value, and dollars.

    ``cohort``: the customers to compare (``customers_under_review(simulation)``, or a
    part of it, e.g. the customers whose two lists disagree). The effect is the
    treatment's churn minus the control's (negative: fewer customers leave), with
    statsmodels' ``confint_proportions_2indep(..., compare="diff")`` interval and
    ``proportions_ztest`` p-value (two-sided). Dollars per customer: $200 per customer
    kept minus $10 per extra contact (``economics``). ``trigger`` names the customers
    compared, for the summary.

    ``adjust_for``: a column known before any contact (``"churn_score"``, the score the model gave
    at the customer's review, before the call, known in every arm) to reduce the noise with **CUPED** (Deng, Xu, Kohavi and
    Walker, WSDM 2013): each customer's outcome y becomes y − θ (x − mean x), with θ the slope of
    y on x over both arms; the effect is the difference of the adjusted means, with a normal
    interval and p-value. The effect stays unbiased (assignment is random, so x does not differ
    between arms on average); its interval narrows by about the share of variance x explains.
    Customers without a value (failed scoring) get the mean.
    """
    from statsmodels.stats.proportion import (
        confint_proportions_2indep,
        proportions_ztest,
    )

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
    result = ArmComparison(treatment, control, sizes, counts, rates, rates[0] - rates[1], float(low), float(high), p_value,
                           contacts, economics.value_of_saved_customer, economics.cost_per_contact, confidence, trigger)
    if adjust_for is None:
        return result
    return _cuped(result, parts, labels, adjust_for)


def _cuped(result: ArmComparison, parts: list, labels: list, column) -> ArmComparison:
    """``result`` read again with the CUPED adjustment on ``column`` (see ``compare_arms``)."""
    from dataclasses import replace

    from scipy.stats import norm

    column = validate.text(column, "adjust_for", example="'churn_score'")
    for part in parts:
        validate.dataframe(part, "cohort", needs=(column,))
    known = [part.loc[part["churned"].notna(), column].astype(float).to_numpy() for part in parts]
    pooled = np.concatenate(known)
    if np.isnan(pooled).all() or np.nanstd(pooled) < 1e-12:
        raise CourseError(f"{column!r} holds no varying values in these arms: nothing to adjust for. Use a number known "
                          "for each customer before the test, like 'churn_score'.")
    filled = [np.where(np.isnan(x), np.nanmean(pooled), x) for x in known]
    x_all, y_all = np.concatenate(filled), np.concatenate([np.asarray(y, dtype=float) for y in labels])
    theta = np.cov(x_all, y_all)[0, 1] / np.var(x_all, ddof=1)
    adjusted = [np.asarray(y, dtype=float) - theta * (x - x_all.mean()) for y, x in zip(labels, filled)]
    effect = float(adjusted[0].mean() - adjusted[1].mean())
    standard_error = math.sqrt(sum(a.var(ddof=1) / a.size for a in adjusted))
    z = norm.ppf(0.5 + result.confidence / 2)
    p_value = float(2 * norm.sf(abs(effect) / standard_error)) if standard_error > 0 else 1.0
    return replace(result, effect=effect, low=effect - z * standard_error, high=effect + z * standard_error,
                   p_value=p_value, adjusted_for=column, width_unadjusted=result.high - result.low)


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
    customer (the offer's effect). Columns: for each arm (the course's ``model``, ``rule``,
    ``hold-out`` first, in that order), ``churn: <arm>`` (a share) and ``customers: <arm>``.
    """
    table = _cohort(cohort, "cohort", needs=("arm", "lists", "churned"))
    labels = pd.Series(_known_labels(table, "cohort"), index=table.index, dtype=float)
    seen = list(dict.fromkeys(table["arm"].astype(str)))
    arms = [arm for arm in ("model", "rule", "hold-out") if arm in seen] + [arm for arm in seen
                                                                          if arm not in ("model", "rule", "hold-out")]
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


