"""How sure can we be? Intervals for the dollars and rates the lessons compare.

A profit measured on 1,409 test customers is one draw: another 1,409 customers
like them would give another number. Before a decision rests on a difference
("the model earns \\$420 more than the rule"), the lessons print it with an
**interval**, and say in words what a PM may conclude.

- ``profit_difference``: a **paired bootstrap over customers** of the gap
  between two campaigns judged on the *same* customers (model minus rule,
  for example). It redraws the customers 2,000 times with replacement, keeps
  each customer's outcome and both campaigns' decisions together (that is the
  "paired"), recomputes the gap each time, and reports the middle 95 % of the
  gaps (a percentile interval; the tests check it against ``scipy.stats.bootstrap``).
- ``profit_interval``: the same for one campaign's profit.
- ``paired_bootstrap``: the same for any two amounts per customer, in dollars.
- ``rate_interval``: a per-group rate (share contacted, churn rate in a score
  band...), with the Wilson score interval (``scipy.stats.binomtest``), exact
  and without randomness.
- ``rate_difference``: the gap between two groups' rates (two separate groups
  of customers), with a bootstrap that redraws each group on its own.
- ``switch_test``: when two campaigns differ on only a few churners, count
  them by direction and test that direction exactly (a sign test), instead of
  bootstrapping a handful of people.

Each returns an ``Interval``: ``estimate``, ``low``, ``high``, and for a
difference a ``verdict`` in words:

- "clear": the whole interval is on one side of zero;
- "likely but not certain": the interval contains zero, but at least 80 % of
  the redraws put the gap strictly on the same side as the estimate (a redraw
  with a gap of exactly 0 counts for neither side);
- "a tie within noise": otherwise.

Two campaigns that contact exactly the same customers have no gap at all, in
every redraw: their verdict is still "a tie within noise" (nothing favours
either), but ``describe`` says what happened instead of printing
"$0 [$0, $0], a tie within noise": "both contact the same customers".

What the interval covers: the noise of *which customers* happened to be in the
test set, with both campaigns' decisions held as they are. It does not cover
the economics being wrong (a different acceptance rate), nor customers
changing after launch. Seeded: the same inputs always give the same interval.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, replace

import numpy as np

from churnlab import validate
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.errors import CourseError
from churnlab.validate import course_function

__all__ = [
    "CLEAR",
    "CONFIDENCE",
    "LIKELY",
    "LIKELY_SHARE",
    "N_RESAMPLES",
    "SAME_CUSTOMERS",
    "SEED",
    "TIE",
    "Interval",
    "SwitchTest",
    "paired_bootstrap",
    "profit_difference",
    "profit_interval",
    "profit_per_customer",
    "rate_difference",
    "rate_interval",
    "switch_test",
]

CONFIDENCE = 0.95
N_RESAMPLES = 2000
SEED = 42
LIKELY_SHARE = 0.80  # share of redraws on the estimate's side that makes a gap "likely"

CLEAR = "clear"
LIKELY = "likely but not certain"
TIE = "a tie within noise"
SAME_CUSTOMERS = "no difference, both contact the same customers"

DOLLARS, RATE, RATE_DIFFERENCE = "dollars", "rate", "rate difference"


def _dollars(amount: float) -> str:
    """Dollars rounded to the nearest \\$10 (the bootstrap's own noise is larger): -123.4 -> '-$120'."""
    rounded = round(amount / 10.0) * 10
    return f"-${-rounded:,}" if rounded < 0 else f"${rounded:,}"


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval: ``estimate`` lies between ``low`` and ``high``.

    ``kind`` is "dollars", "rate" (a share, 0 to 1) or "rate difference" (in
    shares; printed in percentage points). ``share_above_zero`` and
    ``share_below_zero`` are the shares of bootstrap redraws with a gap strictly
    above and strictly below 0 (``None`` for an exact interval of one rate); a
    redraw of exactly 0 agrees with neither side. ``identical`` is True when the two sides were the same for every
    customer (two campaigns contacting the same customers): no redraw can tell
    them apart. ``str(interval)`` reads "$420 [-$120, $920]".
    """

    estimate: float
    low: float
    high: float
    kind: str = DOLLARS
    confidence: float = CONFIDENCE
    share_above_zero: float | None = None
    method: str = "paired bootstrap over customers"
    identical: bool = False
    share_below_zero: float | None = None

    @property
    def is_difference(self) -> bool:
        return self.kind != RATE

    @property
    def verdict(self) -> str:
        """ "clear", "likely but not certain" or "a tie within noise" (see the module docstring)."""
        if not self.is_difference:
            raise CourseError("A verdict compares two things; this interval is one group's rate. "
                              "Use rate_difference(...) to compare two groups.")
        if self.low > 0 or self.high < 0:
            return CLEAR
        if self.share_above_zero is not None and self.estimate != 0:
            # Strictly on the estimate's side, both ways: a redraw of exactly 0 favours neither side.
            if self.estimate > 0:
                same_side = self.share_above_zero
            elif self.share_below_zero is not None:
                same_side = self.share_below_zero
            else:  # an Interval built by hand with only the share above 0
                same_side = 1 - self.share_above_zero
            if same_side >= LIKELY_SHARE:
                return LIKELY
        return TIE

    def _format(self, value: float) -> str:
        if self.kind == DOLLARS:
            return _dollars(value)
        if self.kind == RATE:
            return f"{value:.1%}"
        return f"{value * 100:+.1f} points"

    def __str__(self) -> str:
        return f"{self._format(self.estimate)} [{self._format(self.low)}, {self._format(self.high)}]"

    def describe(self, what: str) -> str:
        """One line for a PM: "<what>: $420 [-$120, $920], likely but not certain".

        When both sides are identical for every customer: "<what>: no difference, both contact the
        same customers" (an interval of $0 [$0, $0] would only hide that).
        """
        if self.identical:
            return f"{what}: {SAME_CUSTOMERS}"
        tail = f", {self.verdict}" if self.is_difference else ""
        return f"{what}: {self}{tail}"


# --- checking inputs ---------------------------------------------------------------------------------


def _settings(confidence, n_resamples, seed) -> tuple[float, int, int]:
    confidence = validate.number(confidence, "confidence", example="0.95")
    if not 0.5 <= confidence < 1:
        as_percent = f" That looks like a percentage: {confidence:g} % is {confidence / 100:g}." if 1 < confidence <= 100 else ""
        raise CourseError(f"confidence is {confidence:g}; give it as a share between 0.5 and 1, like 0.95 for a 95 % "
                          f"interval.{as_percent}")
    n_resamples = validate.whole_number(n_resamples, "n_resamples", low=100, example="2000")
    seed = validate.whole_number(seed, "seed", low=0, example="42")
    return confidence, n_resamples, seed


def _economics(economics) -> CampaignEconomics:
    if not isinstance(economics, CampaignEconomics):
        raise CourseError(f"economics should be a CampaignEconomics(...), not {validate.kind_of(economics)}. "
                          "Example: CampaignEconomics(value_of_saved_customer=200, acceptance_rate=0.3, cost_per_contact=10).")
    return economics


def _amounts(values, name: str) -> np.ndarray:
    array = validate.scores(values, name)  # one finite number per customer
    if array.size < 2:
        raise CourseError(f"{name} has {array.size} customer(s); an interval needs at least 2.")
    return array


def _resampled_totals(amounts: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Totals of ``amounts`` over ``n_resamples`` redraws of the customers, with replacement.

    Redrawing n customers with replacement and adding up their amounts is the
    same, in distribution, as drawing how many customers of each distinct
    amount are picked (a multinomial count) and adding count × amount. A
    campaign's dollars per customer take only a few distinct values ($50,
    -$10, $0...), so this costs a millisecond, where drawing n × 2,000
    customer positions (what ``scipy.stats.bootstrap`` does) costs about 50.
    """
    values, counts = np.unique(amounts, return_counts=True)
    picked = rng.multinomial(amounts.size, counts / amounts.size, size=n_resamples)
    return picked @ values


def _percentile_interval(estimate: float, redraws: np.ndarray, kind: str, confidence: float, method: str) -> Interval:
    tail = (1 - confidence) / 2
    low, high = np.quantile(redraws, [tail, 1 - tail])
    return Interval(float(estimate), float(low), float(high), kind, confidence, float(np.mean(redraws > 0)), method,
                    share_below_zero=float(np.mean(redraws < 0)))


# --- dollars -----------------------------------------------------------------------------------------


@course_function
def profit_per_customer(y_true, contacted, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> np.ndarray:
    """Expected dollars each customer brings the campaign: 0 if not contacted, else churned × acceptance × value − cost.

    With the defaults a contacted churner brings $60 − $10 = $50, a contacted
    loyal customer −$10; their sum is ``expected_campaign_profit``.
    """
    economics = _economics(economics)
    outcomes = validate.outcomes(y_true)
    chosen = validate.flags(contacted)
    validate.same_customers(y_true, contacted, "y_true", "contacted")
    per_contact = outcomes * economics.saving_per_churner_contacted - economics.cost_per_contact
    return np.where(chosen, per_contact, 0.0)


@course_function
def paired_bootstrap(first_dollars, second_dollars, confidence: float = CONFIDENCE, n_resamples: int = N_RESAMPLES,
                     seed: int = SEED) -> Interval:
    """Interval for total(first) − total(second): dollars per customer, the same customers in the same order.

    Each redraw picks customers with replacement and keeps a customer's two
    amounts together (a paired bootstrap), so what both campaigns share cancels out.
    """
    confidence, n_resamples, seed = _settings(confidence, n_resamples, seed)
    first, second = _amounts(first_dollars, "first_dollars"), _amounts(second_dollars, "second_dollars")
    validate.same_customers(first_dollars, second_dollars, "first_dollars", "second_dollars")
    gap = first - second
    redraws = _resampled_totals(gap, n_resamples, np.random.default_rng(seed))
    interval = _percentile_interval(gap.sum(), redraws, DOLLARS, confidence, "paired bootstrap over customers")
    return replace(interval, identical=bool(np.all(gap == 0)))


@course_function
def profit_difference(y_true, contacted, other_contacted, economics: CampaignEconomics = DEFAULT_ECONOMICS,
                      confidence: float = CONFIDENCE, n_resamples: int = N_RESAMPLES, seed: int = SEED) -> Interval:
    """Profit of campaign ``contacted`` minus profit of ``other_contacted``, on the same customers, with its interval.

    Example: ``profit_difference(y_test, churn_scores >= 0.167, rule_flags, cheap)``
    gives the model's edge over the rule in dollars, e.g. $420 [-$120, $920].
    """
    first = profit_per_customer(y_true, validate.flags(contacted, "contacted"), economics)
    second = profit_per_customer(y_true, validate.flags(other_contacted, "other_contacted"), economics)
    return paired_bootstrap(first, second, confidence, n_resamples, seed)


@course_function
def profit_interval(y_true, contacted, economics: CampaignEconomics = DEFAULT_ECONOMICS, confidence: float = CONFIDENCE,
                    n_resamples: int = N_RESAMPLES, seed: int = SEED) -> Interval:
    """One campaign's expected profit on these customers, with its bootstrap interval (a "gap" over contacting nobody)."""
    amounts = profit_per_customer(y_true, contacted, economics)
    interval = paired_bootstrap(amounts, np.zeros_like(amounts), confidence, n_resamples, seed)
    return replace(interval, identical=False)  # one campaign: there is no second one to be the same as


# --- rates -------------------------------------------------------------------------------------------


def _yes_no(values, name: str) -> np.ndarray:
    if isinstance(values, numbers.Number):
        raise CourseError(f"{name} should be a yes/no (1/0) per customer of the group, not one number. "
                          "Example: contacted[is_senior], the contacted flags of the group's customers.")
    array = validate.flags(values, name)
    if array.size == 0:
        raise CourseError(f"{name} has no customers: a rate needs at least one customer in the group.")
    return array


@course_function
def rate_interval(flags, confidence: float = CONFIDENCE) -> Interval:
    """The share of customers flagged 1 (True) in one group, with its Wilson score interval.

    Example: ``rate_interval(contacted[is_senior])`` gives the share of senior
    customers contacted, e.g. 41.0 % [37.2 %, 44.9 %]. Exact, no randomness.
    """
    from scipy.stats import binomtest

    confidence, _, _ = _settings(confidence, N_RESAMPLES, SEED)
    array = _yes_no(flags, "flags")
    successes, customers = int(array.sum()), int(array.size)
    ci = binomtest(successes, customers).proportion_ci(confidence_level=confidence, method="wilson")
    return Interval(successes / customers, float(ci.low), float(ci.high), RATE, confidence, None, "Wilson score interval")


@course_function
def rate_difference(group_flags, other_group_flags, confidence: float = CONFIDENCE, n_resamples: int = N_RESAMPLES,
                    seed: int = SEED) -> Interval:
    """The rate in one group minus the rate in another (two separate groups), with a bootstrap interval.

    Each redraw picks each group's customers again, with replacement, keeping
    the groups' sizes. Example: ``rate_difference(contacted[is_senior], contacted[~is_senior])``.
    Printed in percentage points: "+12.3 points [+7.9 points, +16.5 points]".
    """
    confidence, n_resamples, seed = _settings(confidence, n_resamples, seed)
    first = _yes_no(group_flags, "group_flags").astype(np.float64)
    second = _yes_no(other_group_flags, "other_group_flags").astype(np.float64)
    rng = np.random.default_rng(seed)
    redraws = (_resampled_totals(first, n_resamples, rng) / first.size
               - _resampled_totals(second, n_resamples, rng) / second.size)
    return _percentile_interval(first.mean() - second.mean(), redraws, RATE_DIFFERENCE, confidence,
                                "bootstrap over each group's customers")


# --- few customers switch: an exact test on them (lesson 06) -------------------------------------------------


@dataclass(frozen=True)
class SwitchTest:
    """Churners whose decision differs between two campaigns, counted by direction, with an exact sign test.

    ``group_gained``/``group_lost``: churners in the group who get / lose the offer
    under the second campaign; ``others_gained``/``others_lost``: the same outside
    the group. ``towards_group`` (gained in the group + lost outside) moves the
    group's recall up relative to the others; ``against_group`` the other way.
    ``p_value``: exact two-sided sign test (McNemar's exact test) of towards
    against against: how often a coin toss per switching churner would give a
    split at least this lopsided.
    """

    group_gained: int
    group_lost: int
    others_gained: int
    others_lost: int
    p_value: float

    @property
    def towards_group(self) -> int:
        return self.group_gained + self.others_lost

    @property
    def against_group(self) -> int:
        return self.group_lost + self.others_gained

    @property
    def switched(self) -> int:
        return self.towards_group + self.against_group

    @property
    def verdict(self) -> str:
        """ "clear" when p < 0.05, "likely but not certain" when p < 0.20, else "a tie within noise"."""
        if self.p_value < 1 - CONFIDENCE:
            return CLEAR
        return LIKELY if self.p_value < 1 - LIKELY_SHARE else TIE

    def describe(self, what: str) -> str:
        """One line: "<what>: 5 churners switch (4 in the group gain the offer, ...); 5 of 5 favour the group, exact p = 0.062, likely but not certain"."""
        return (f"{what}: {self.switched} churners switch ({self.group_gained} in the group gain the offer, "
                f"{self.group_lost} lose it; {self.others_gained} others gain it, {self.others_lost} lose it); "
                f"{self.towards_group} of {self.switched} favour the group, exact p = {self.p_value:.3f}, {self.verdict}")


@course_function
def switch_test(y_true, contacted, other_contacted, in_group) -> SwitchTest:
    """Which churners get a different decision from two campaigns, and could their direction be luck?

    When two campaigns differ on only a handful of churners, a bootstrap of the
    recall-gap change is a statement about those few people, and its interval
    can exclude 0 only because no redraw can reverse them. Count them instead,
    and test the direction exactly: if switching were a coin toss between
    "towards the group" and "against it", how often would we see a split at
    least this lopsided? (``scipy.stats.binomtest``; McNemar's exact test.)
    Example: ``switch_test(y_test, churn_scores >= 1/6, blind_scores >= 1/6, groups["dependents"] == 1)``.
    """
    from scipy.stats import binomtest

    outcomes = validate.outcomes(y_true)
    first = validate.flags(contacted, "contacted")
    second = validate.flags(other_contacted, "other_contacted")
    validate.same_customers(y_true, contacted, "y_true", "contacted")
    validate.same_customers(y_true, other_contacted, "y_true", "other_contacted")
    members = _yes_no(in_group, "in_group")
    validate.same_customers(y_true, in_group, "y_true", "in_group")
    churned = outcomes == 1
    gained, lost = churned & second & ~first, churned & first & ~second
    counts = [int((gained & members).sum()), int((lost & members).sum()),
              int((gained & ~members).sum()), int((lost & ~members).sum())]
    towards, total = counts[0] + counts[3], sum(counts)
    return SwitchTest(*counts, float(binomtest(towards, total).pvalue) if total else 1.0)
