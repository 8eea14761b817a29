"""What a retention offer does, customer by customer: heterogeneous, sometimes nothing, sometimes harm.

Each month, each customer has two hidden reactions to an offer (seeded draws, made whether or not they are contacted,
so two policies meet the same customers):

- **responds**: a contacted customer who would leave within the horizon for the usual
  reasons stays until their next review if they respond to the offer. The chance of
  responding is the campaign's ``acceptance_rate`` (30 % by default) times
  ``RELATIVE_RESPONSE`` of their segment: month-to-month customers paying at least
  ``PRICE_SENSITIVE_CHARGES`` a month (price-sensitive: a discount matters to them) x1.0,
  other month-to-month customers x0.6, one-year x0.3, two-year x0.1. So most of the effect
  sits with month-to-month customers, little with two-year ones.
- **sleeping dog** (``SLEEPING_DOG_SHARE``, 5 % of customers each month, any segment): a
  contact reminds them to shop around. A contacted sleeping dog who was going to stay leaves
  that month with chance ``SLEEPING_DOG_LEAVES`` (50 %). Sleeping dogs never respond. (Drawn
  month by month, not once for life: otherwise the campaigns before launch would already have
  driven most sleeping dogs away.)

Customers who leave for the competitor's fibre (the ``fiber_competitor`` knob: the extra
chance of leaving it adds) are **not saved** by the offer: they leave for a product, not a price.

Per customer and month the truth (``truth_by_customer``) says what the month's offer *would*
do to them with the month's luck (potential outcomes): ``churned_without_campaign`` /
``churner`` and ``churned_if_contacted``; ``customer_type`` is ``"persuadable"`` (leaves
without the offer, stays with it), ``"sure thing"`` (stays either way), ``"lost cause"``
(leaves either way) or ``"sleeping dog"`` (stays without, leaves because contacted); and
``true_offer_effect`` is the drop in their chance of leaving within the horizon that a
contact that month would cause (negative for a sleeping dog, 0 where the offer does not work).
"""
from __future__ import annotations

import numpy as np

RELATIVE_RESPONSE = {"price-sensitive month-to-month": 1.0, "month-to-month": 0.6, "one year": 0.3, "two year": 0.1}
PRICE_SENSITIVE_CHARGES = 70.0  # dollars a month: a month-to-month customer paying this or more is price-sensitive
SLEEPING_DOG_SHARE = 0.05
SLEEPING_DOG_LEAVES = 0.5
CUSTOMER_TYPES = ("persuadable", "sure thing", "lost cause", "sleeping dog")
_SEGMENTS = np.array(list(RELATIVE_RESPONSE), dtype=object)
_FACTORS = np.array(list(RELATIVE_RESPONSE.values()))


def segment_codes(contract: np.ndarray, monthly: np.ndarray) -> np.ndarray:
    """Each customer's offer segment as its place in ``RELATIVE_RESPONSE`` (0 to 3)."""
    month_to_month = contract == "Month-to-month"
    return np.select([month_to_month & (monthly >= PRICE_SENSITIVE_CHARGES), month_to_month, contract == "One year"],
                     [0, 1, 2], 3)


def segment(codes: np.ndarray) -> np.ndarray:
    """The segments' names (the keys of ``RELATIVE_RESPONSE``)."""
    return _SEGMENTS[codes]


def customer_type(without_offer: np.ndarray, with_offer: np.ndarray) -> np.ndarray:
    """The four kinds of customer, from whether they leave without and with the offer."""
    return np.select([without_offer & ~with_offer, ~without_offer & ~with_offer, without_offer & with_offer],
                     list(CUSTOMER_TYPES[:3]), CUSTOMER_TYPES[3]).astype(object)


def true_effect(p_usual: np.ndarray, p_competitor: np.ndarray, responds: np.ndarray, dog: np.ndarray) -> np.ndarray:
    """The drop in a customer's chance of leaving within the horizon that a contact causes (negative: the offer harms).

    ``p_usual``: their chance of leaving for the usual reasons (in months no running offer
    protects); ``p_competitor``: for the competitor's fibre.
    """
    p = 1 - (1 - p_usual) * (1 - p_competitor)
    with_offer = np.where(responds, p_competitor, p)
    with_offer = np.where(dog, p + (1 - p) * SLEEPING_DOG_LEAVES, with_offer)
    return p - with_offer
