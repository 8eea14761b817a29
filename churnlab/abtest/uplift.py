"""Whom does the offer change? (lesson 07): the four kinds of customer, and the offer's measured effect.

A churn score says who is likely to leave; an offer pays only on customers it *changes*. Against
one offer, every customer is one of four kinds (``CUSTOMER_TYPES``):

- a **persuadable** leaves without the offer and stays with it: the only call that earns;
- a **sure thing** stays either way: the call is wasted;
- a **lost cause** leaves either way: the call is wasted too;
- a **sleeping dog** stays without the offer and leaves because of it: the call does harm.

No real team sees a customer's kind: a customer is either called or not, never both. The
simulator knows it (``simulation.truth_by_customer``'s ``customer_type`` and
``true_offer_effect``), so ``kinds_by_score_band`` can show, after a test, how the kinds spread
over the model's score bands. What a real team can measure is the offer's *average* effect on a
group, by comparing called customers with a randomised hold-out (``share_kept``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.abtest.review import _caption_of, _cohort, _known_labels, _simulation

CUSTOMER_TYPES = {
    "persuadable": "leaves without the offer, stays with it: the call earns",
    "sure thing": "stays either way: the call is wasted",
    "lost cause": "leaves either way: the call is wasted",
    "sleeping dog": "stays without the offer, leaves because of it: the call does harm",
}
SCORE_BANDS = (0.0, 1 / 6, 0.3, 0.5, 1.0)  # the break-even 1/6 of lesson 03, then low, middle and high risk


def _band_labels(edges) -> list[str]:
    def shown(value: float) -> str:
        return "1/6" if abs(value - 1 / 6) < 1e-9 else f"{value:g}"

    labels = [f"{shown(low)} to {shown(high)}" for low, high in zip(edges[:-1], edges[1:])]
    return labels


def _checked_edges(bands) -> np.ndarray:
    edges = validate.numbers_per_item(bands, "bands")
    if edges.size < 2 or (np.diff(edges) <= 0).any() or edges[0] < 0 or edges[-1] > 1:
        raise CourseError("bands should be rising score cut-offs from 0 to 1, like [0, 1/6, 0.3, 0.5, 1].")
    return edges


@course_function
def kinds_by_score_band(simulation, cohort, bands=SCORE_BANDS) -> pd.DataFrame:
    """The four kinds of customer (``CUSTOMER_TYPES``) in each band of the model's score: the simulator's truth.

    ``simulation``: the simulation ``cohort`` came from (its ``truth_by_customer`` holds each
    customer-month's ``customer_type`` and ``true_offer_effect``); ``cohort``: the customers to
    describe, from ``customers_under_review(simulation)`` (for example those a campaign called).
    ``bands``: score cut-offs (default 0, 1/6, 0.3, 0.5, 1). One row per band and a last row
    ``all``; columns ``customers``, the share of each kind, ``kept per 100 calls`` (persuadables
    minus sleeping dogs, per 100 customers: what calling all of them would change) and ``mean
    churn score``. Customers without a score (failed calls) are left out.
    """
    simulation = _simulation(simulation)
    table = _cohort(cohort, "cohort", needs=("customer_id", "month", "churn_score"))
    edges = _checked_edges(bands)
    truth = simulation.truth_by_customer
    missing = [column for column in ("customer_type", "true_offer_effect") if column not in truth]
    if missing:
        raise CourseError("this simulation's truth has no customer kinds (customer_type): it comes from a world "
                          "without them. Simulate again with churnlab.world.simulate(...).")
    joined = table[["customer_id", "month", "churn_score"]].merge(
        truth[["customer_id", "month", "customer_type"]], on=["customer_id", "month"], how="left")
    if joined["customer_type"].isna().any():
        raise CourseError("cohort holds customers this simulation does not have: pass the simulation the cohort came from.")
    joined = joined[joined["churn_score"].notna()]
    if joined.empty:
        raise CourseError("cohort has no customer with a score: pass customers under review that the model scored.")
    band = pd.cut(joined["churn_score"], edges, labels=_band_labels(edges), include_lowest=True)
    kinds = pd.crosstab(band, joined["customer_type"]).reindex(columns=list(CUSTOMER_TYPES), fill_value=0)
    kinds.loc["all"] = kinds.sum()
    customers = kinds.sum(axis=1)
    result = kinds.div(customers.where(customers > 0), axis=0)
    result.insert(0, "customers", customers.astype(np.int64))
    result["kept per 100 calls"] = 100 * (result["persuadable"] - result["sleeping dog"])
    scores = joined.groupby(band, observed=False)["churn_score"].mean()
    result["mean churn score"] = [*scores.reindex(result.index[:-1]).to_numpy(), joined["churn_score"].mean()]
    result.index.name = "churn score band"
    result.columns.name = None
    return _caption_of(result, simulation.caption)


@dataclass(frozen=True)
class ShareKept:
    """The share of would-be leavers an offer keeps, measured against a hold-out (``share_kept``)."""

    estimate: float
    low: float
    high: float
    customers: tuple[int, int]  # treatment, control
    churn_rate: tuple[float, float]
    confidence: float = 0.95

    def summary(self) -> str:
        return (f"churn {self.churn_rate[0]:.1%} when called ({self.customers[0]:,} customers) against "
                f"{self.churn_rate[1]:.1%} in the hold-out ({self.customers[1]:,}): the offer keeps {self.estimate:.0%} of "
                f"the customers who would have left ({self.confidence:.0%} interval {self.low:.0%} to {self.high:.0%}).")


@course_function
def share_kept(cohort, treatment: str, control: str, confidence: float = 0.95) -> ShareKept:
    """How many of the customers who would have left does the offer keep? Measured, with its interval.

    ``cohort``: customers under review that the treatment arm's policy calls, in both arms (for
    example ``cohort[cohort["model_picks"]]``: the model's list, called in the ``model`` arm and not
    in the ``hold-out``). The share kept is 1 − (churn when called ÷ churn in the control arm), with
    the interval of that ratio from statsmodels' ``confint_proportions_2indep(..., compare="ratio")``.
    It is the measured counterpart of lesson 03's assumed acceptance rate (30 %): the effect of
    *calling*, whoever answered, net of any customer the call made leave.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    table = _cohort(cohort, "cohort", needs=("arm", "churned"))
    confidence = validate.fraction(confidence, "confidence", example="0.95")
    if not 0.5 <= confidence < 1:
        raise CourseError(f"confidence is {confidence:g}; use a level like 0.95 (a 95 % interval).")
    arms = [str(a) for a in table["arm"].unique()]
    validate.one_of(treatment, "treatment", arms)
    validate.one_of(control, "control", arms)
    if treatment == control:
        raise CourseError(f"treatment and control are both {treatment!r}: compare the called arm with the hold-out.")
    labels = [_known_labels(table[table["arm"] == arm], f"arm {arm!r}") for arm in (treatment, control)]
    sizes = tuple(int(y.size) for y in labels)
    counts = tuple(int(y.sum()) for y in labels)
    if min(sizes) < 2 or counts[1] == 0:
        raise CourseError("too few customers (or no leaver in the control arm) to measure what the offer keeps: "
                          "use more customers.")
    low, high = confint_proportions_2indep(counts[0], sizes[0], counts[1], sizes[1], compare="ratio",
                                           alpha=1 - confidence)
    rates = (counts[0] / sizes[0], counts[1] / sizes[1])
    return ShareKept(1 - rates[0] / rates[1], float(1 - high), float(1 - low), sizes, rates, confidence)
