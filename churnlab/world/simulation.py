"""The simulation: launch day after the burn-in, ``simulate``, and the months played out one by one.

A month, step by step (``_run``): seats open (``_open_seats``), the customer table (``_customer_table``), the truth
over the horizon (``_truth_ahead``), scoring (``scoring._score_month``), the campaign (``_contacts``), the offers and
who leaves (``_offers``). Every draw is keyed by (seed, stream, month, block of seats) (``dates._draws``), so a
seat's luck never depends on how the steps are arranged.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from churnlab._base import validate
from churnlab._base.validate import course_function
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.world.arguments import _checked_as_of, _checked_economics, _checked_knobs, _checked_sizes, _checked_swap
from churnlab.world.constants import (
    _NO_COVER,
    ALL_CUSTOMERS,
    BURN_IN_MONTHS,
    DEFAULT_SEED,
    HAZARD_CAP,
    NEW_CUSTOMER_TENURE,
    PRICE_SENSITIVITY,
    TENURE_CAP,
)
from churnlab.world.dates import _caption, _draws, _month_start
from churnlab.world.policies import ABTest, _arms_of, _decide, _policy
from churnlab.world.result import SimulatedMonths
from churnlab.world.scoring import _checked_model, _score_month, course_model
from churnlab.world.tables import _assemble
from churnlab.world.truth import _expit, _real, _truth_logit


def _burn_in(seed: int, seats: int, horizon: int):
    """Launch day after 48 months of business as usual (the month-to-month rule, 30 % acceptance).

    Returns each seat's real profile, its occupant's tenure and total charges, the month
    they next come up for review (1 to ``horizon``) and the last month a running offer
    protects them (offers made just before launch still protect some customers in months 1-2).
    """
    real = _real()
    n_real = len(real["static"])
    start = _draws(seed, "start", 0, max(seats, n_real))
    if seats <= n_real:
        profile = np.argsort(start[:n_real], kind="stable")[:seats]
    else:
        profile = np.minimum((start[:seats] * n_real).astype(np.int64), n_real - 1)
    tenure = real["tenure"][profile].copy()
    total = real["total"][profile].copy()
    monthly = real["monthly"][profile]
    static = real["static"][profile]
    month_to_month = real["profiles"]["contract"].to_numpy()[profile] == "Month-to-month"
    first = 1 - BURN_IN_MONTHS
    next_review = first + np.minimum((_draws(seed, "review", first, seats) * horizon).astype(np.int64), horizon - 1)
    covered = np.full(seats, _NO_COVER, dtype=np.int64)
    for month in range(first, 1):
        p = _expit(_truth_logit(static, np.minimum(tenure, TENURE_CAP), monthly, total))
        hazard = np.minimum(1 - (1 - p) ** (1 / horizon), HAZARD_CAP)
        reviewed = next_review == month
        next_review = np.where(reviewed, month + horizon, next_review)
        accepted = reviewed & month_to_month & (_draws(seed, "burn-in offer", month, seats) < DEFAULT_ECONOMICS.acceptance_rate)
        covered = np.where(accepted, month + horizon - 1, covered)
        leaves = (_draws(seed, "burn-in", month, seats) < hazard) & (month > covered)
        tenure = np.where(leaves, NEW_CUSTOMER_TENURE, tenure + 1)
        total = np.where(leaves, monthly, total + monthly)
        next_review = np.where(leaves, month + 1, next_review)
        covered = np.where(leaves, _NO_COVER, covered)
    return profile, tenure, np.round(total, 2), next_review, covered


@course_function
def simulate(
    months: int = 12,
    seed: int = DEFAULT_SEED,
    customers: int = 7000,
    policy="model",
    model=None,
    model_version: str = "v1",
    new_model=None,
    new_model_from: int | None = None,
    new_model_version: str = "v2",
    promotion: int = 0,
    promotion_from: int | None = None,
    price_rise: float = 0.0,
    price_rise_from: int | None = None,
    fiber_competitor: float = 0.0,
    fiber_competitor_from: int | None = None,
    data_bug: float = 0.0,
    data_bug_from: int | None = None,
    data_bug_column: str = "total_charges",
    offer_backfire: float = 0.0,
    economics: CampaignEconomics = DEFAULT_ECONOMICS,
    horizon_months: int = 3,
    labels_as_of=None,
) -> SimulatedMonths:
    """Simulate ``months`` months after the launch on 1 January 2027: customers, campaigns, logs and the truth.

    - ``seed``: same seed, same world (identical logs). ``customers``: the base (7,000).
    - ``policy``: who is contacted each month: ``"model"`` (default: score >= 1/6),
      ``"rule"`` (every month-to-month customer), ``"none"``, ``contact_by_model(threshold)``,
      ``contact_top_k(k)``, ``contact_by_rule(rule)`` or ``ab_test({...})``.
    - ``model`` / ``model_version``: the model that scores every customer every month
      (default: the course model, "v1"). ``new_model`` / ``new_model_from`` /
      ``new_model_version``: a model that replaces it from that month.
    - Knobs, each off by default and each from month ``…_from`` (default 1):
      ``promotion`` (extra new month-to-month customers per month), ``price_rise`` (0.10 =
      monthly charges +10 %), ``fiber_competitor`` (0.5 = fibre customers 50 % more likely
      to leave each month), ``data_bug`` (0.2 = 20 % of customers' ``data_bug_column``
      arrive empty).
    - ``offer_backfire``: share of contacted customers who would have stayed but leave
      because of the offer (default 0). ``economics``: value, acceptance and cost of the
      campaign (default ``CampaignEconomics()``: $200, 30 %, $10).
    - ``horizon_months``: the label's horizon (3). ``labels_as_of``: the day the outcome log
      is read (default: the day after the last month); labels not final by then are ``<NA>``.

    Returns a ``SimulatedMonths``: ``.customers``, ``.predictions``, ``.contacts``,
    ``.outcomes``, ``.assignments`` (the logs) and ``.truth``, ``.truth_by_arm``,
    ``.truth_by_customer``, ``.incidents``, ``.settings`` (the truth). See ``help(world)``.
    """
    months, seed, seats, horizon = _checked_sizes(months, seed, customers, horizon_months)
    plan = _policy(policy)
    economics = _checked_economics(economics)
    knobs = _checked_knobs(months, promotion, promotion_from, price_rise, price_rise_from, fiber_competitor,
                           fiber_competitor_from, data_bug, data_bug_from, data_bug_column, offer_backfire)
    knobs["seats"] = seats
    model_version = validate.text(model_version, "model_version", example="'v1'")
    first_model, first_columns = _checked_model(course_model() if model is None else model, "model")
    swap = _checked_swap(new_model, new_model_from, new_model_version, model_version, months)
    as_of = _checked_as_of(labels_as_of, months, horizon)
    return _run(months=months, seed=seed, plan=plan, economics=economics, horizon=horizon, as_of=as_of,
                models=(model_version, first_model, first_columns), swap=swap, knobs=knobs)


@dataclass(eq=False)
class _Seats:
    """The seats on a month's 1st, one entry a seat: the real profile it copies and its occupant's state.

    Mutable, because the month's steps move the seats on in place (``_open_seats``, ``_contacts``, ``_offers``,
    the month's end in ``_run``): each step reads the seats as the steps before it left them.
    """

    profile: np.ndarray  # the real customer whose profile the seat copies (a row of _real())
    monthly_base: np.ndarray  # monthly charges before any price rise
    tenure: np.ndarray  # uncapped: the customer table shows at most TENURE_CAP
    total_base: np.ndarray  # total charges as the truth reads them (before any price rise)
    total_seen: np.ndarray  # total charges as the customer table shows them
    next_review: np.ndarray  # the month the occupant next comes up for review
    covered: np.ndarray  # the last month a running offer keeps the occupant
    number: np.ndarray  # the occupant's customer number (S000001 ...)
    next_number: int
    left_last_month: np.ndarray
    joined: np.ndarray


def _launch_day(seed: int, seats: int, horizon: int) -> _Seats:
    """Launch day: a third of customers come up for review in each of months 1-3; new customers in their first month."""
    real = _real()
    profile, tenure, total_base, next_review, covered = _burn_in(seed, seats, horizon)
    return _Seats(profile=profile, monthly_base=real["monthly"][profile], tenure=tenure, total_base=total_base,
                  total_seen=total_base.copy(), next_review=next_review, covered=covered,
                  number=np.arange(1, seats + 1, dtype=np.int64), next_number=seats + 1,
                  left_last_month=np.zeros(seats, dtype=bool), joined=np.zeros(seats, dtype=bool))


def _price_factor(knobs: dict, month: int) -> float:
    """What monthly charges are multiplied by in ``month`` (1.0 unless a price rise is on)."""
    return 1.0 + knobs["price_rise"] if (knobs["price_rise"] and month >= knobs["starts"]["price_rise"]) else 1.0


def _hazard_multiplier(knobs: dict, month: int, fiber: np.ndarray) -> np.ndarray:
    """What each customer's monthly hazard is multiplied by in ``month``: the price rise's and the competitor's."""
    price_rise, fiber_competitor, starts = knobs["price_rise"], knobs["fiber_competitor"], knobs["starts"]
    factor = 1.0 + PRICE_SENSITIVITY * price_rise if (price_rise and month >= starts["price_rise"]) else 1.0
    if fiber_competitor and month >= starts["fiber_competitor"]:
        return factor * np.where(fiber, 1.0 + fiber_competitor, 1.0)
    return np.full(len(fiber), factor)


def _open_seats(seats: _Seats, month: int, seed: int, knobs: dict) -> None:
    """New customers take the seats of last month's leavers, then the promotion's new seats open."""
    if month > 1:
        fresh = np.flatnonzero(seats.left_last_month)
        seats.number[fresh] = np.arange(seats.next_number, seats.next_number + len(fresh))
        seats.next_number += len(fresh)
        seats.tenure[fresh] = NEW_CUSTOMER_TENURE
        seats.total_base[fresh] = seats.monthly_base[fresh]
        seats.total_seen[fresh] = np.round(seats.monthly_base[fresh] * _price_factor(knobs, month - 1), 2)
        seats.covered[fresh] = _NO_COVER
        seats.next_review[fresh] = month
        seats.joined = seats.left_last_month.copy()
    promotion = knobs["promotion"]
    if promotion and month >= knobs["starts"]["promotion"]:
        real = _real()
        pool = real["promotion_pool"]
        picks = pool[np.minimum((_draws(seed, "promotion", month, promotion) * len(pool)).astype(np.int64), len(pool) - 1)]
        seats.profile = np.concatenate([seats.profile, picks])
        seats.monthly_base = np.concatenate([seats.monthly_base, real["monthly"][picks]])
        seats.tenure = np.concatenate([seats.tenure, np.full(promotion, NEW_CUSTOMER_TENURE)])
        seats.total_base = np.concatenate([seats.total_base, real["monthly"][picks]])
        seats.total_seen = np.concatenate([seats.total_seen,
                                           np.round(real["monthly"][picks] * _price_factor(knobs, month - 1), 2)])
        seats.covered = np.concatenate([seats.covered, np.full(promotion, _NO_COVER)])
        seats.next_review = np.concatenate([seats.next_review, np.full(promotion, month)])
        seats.number = np.concatenate([seats.number, np.arange(seats.next_number, seats.next_number + promotion)])
        seats.next_number += promotion
        seats.joined = np.concatenate([seats.joined, np.ones(promotion, dtype=bool)])


def _customer_table(seats: _Seats, month: int, seed: int, knobs: dict):
    """What the customer table says on the 1st, and what the model reads (the data bug empties a column).

    Returns the table, which customers' ``data_bug_column`` arrived empty, and the monthly charges shown.
    """
    n = len(seats.profile)
    shown_tenure = np.minimum(seats.tenure, TENURE_CAP)
    monthly_seen = np.round(seats.monthly_base * _price_factor(knobs, month), 2)
    emptied = np.zeros(n, dtype=bool)
    if knobs["data_bug"] and month >= knobs["starts"]["data_bug"]:
        emptied = _draws(seed, "bug", month, n) < knobs["data_bug"]
    inputs = _real()["profiles"].take(seats.profile).reset_index(drop=True)
    inputs["tenure"] = shown_tenure
    inputs["monthly_charges"] = monthly_seen
    inputs["total_charges"] = seats.total_seen
    if emptied.any():
        inputs[knobs["data_bug_column"]] = inputs[knobs["data_bug_column"]].where(~emptied)
    return inputs, emptied, monthly_seen


def _truth_ahead(seats: _Seats, month: int, seed: int, horizon: int, knobs: dict):
    """The truth over the horizon: the monthly hazard each month if the customer stays, and the luck that decides.

    Returns who would leave in each month ahead (one row a month), each customer's chance of leaving within the
    horizon, who leaves within it unless an offer keeps them (``churner``) and who would leave with no offer at all.
    """
    real = _real()
    n = len(seats.profile)
    static, fiber = real["static"][seats.profile], real["fiber"][seats.profile]
    hazards, leaves = [], []
    for ahead in range(horizon):
        future = month + ahead
        p = _expit(_truth_logit(static, np.minimum(seats.tenure + ahead, TENURE_CAP), seats.monthly_base,
                                seats.total_base + ahead * seats.monthly_base))
        hazard = np.minimum((1 - (1 - p) ** (1 / horizon)) * _hazard_multiplier(knobs, future, fiber), HAZARD_CAP)
        hazards.append(hazard)
        leaves.append(_draws(seed, "churn", future, n) < hazard)
    hazards, leaves = np.array(hazards), np.array(leaves)
    true_probability = 1 - np.prod(1 - hazards, axis=0)
    window = month + np.arange(horizon)[:, None]
    churner = (leaves & (window > seats.covered[None, :])).any(axis=0)
    without_campaign = leaves.any(axis=0)
    return leaves, true_probability, churner, without_campaign


def _contacts(seats: _Seats, plan, arms_policies: dict, month: int, horizon: int, scores, inputs, economics):
    """The campaign: each arm's policy picks from its customers up for review this month.

    Returns each customer's arm, who was up for review, who was contacted, and whose contact the score decided.
    """
    n = len(seats.profile)
    arms = _arms_of(plan, seats.number, month)
    reviewed = seats.next_review == month
    seats.next_review = np.where(reviewed, month + horizon, seats.next_review)
    contacted = np.zeros(n, dtype=bool)
    live = np.zeros(n, dtype=bool)
    rule_flags: dict = {}
    for arm_name, arm_policy in arms_policies.items():
        members = (arms == arm_name) & reviewed
        contacted |= _decide(arm_policy, members, scores, inputs, rule_flags, economics)
        if arm_policy.uses_model:
            live |= members
    return arms, reviewed, contacted, live


def _offers(seats: _Seats, month: int, seed: int, horizon: int, contacted, churner, leaves, economics, knobs: dict):
    """What the offers do, and who leaves this month, on which day of it.

    Returns who was reached (contacted churners), saved, lost to the offer, who leaves this month and each one's day.
    """
    n = len(seats.profile)
    accepted = contacted & (_draws(seed, "accept", month, n) < economics.acceptance_rate)
    reached = contacted & churner
    saved = reached & accepted
    seats.covered = np.where(accepted, np.maximum(seats.covered, month + horizon - 1), seats.covered)
    lost = np.zeros(n, dtype=bool)
    if knobs["offer_backfire"]:
        lost = contacted & ~churner & (_draws(seed, "backfire", month, n) < knobs["offer_backfire"])
    leaves_now = (leaves[0] & (month > seats.covered)) | lost
    start = _month_start(month)
    days = int((_month_start(month + 1) - start).astype(int))
    day = np.floor(_draws(seed, "day", month, n) * days).astype(np.int64)
    return reached, saved, lost, leaves_now, day


def _run(*, months, seed, plan, economics, horizon, as_of, models, swap, knobs):
    """Play the months out, from launch day until the last simulated month's label is final; then assemble the tables.

    The months after ``months`` (up to ``months + horizon - 1``) only decide who leaves: they are not logged.
    """
    total_months = months + horizon - 1
    caption_text = _caption(seed, months)
    seats = _launch_day(seed, knobs["seats"], horizon)
    leavers = []  # per month: (customer numbers, month, day offset within the month)
    arms_policies = dict(plan.arms) if isinstance(plan, ABTest) else {ALL_CUSTOMERS: plan}
    records = []
    for month in range(1, total_months + 1):
        _open_seats(seats, month, seed, knobs)
        inputs, emptied, monthly_seen = _customer_table(seats, month, seed, knobs)
        leaves, true_probability, churner, without_campaign = _truth_ahead(seats, month, seed, horizon, knobs)
        version, scores, failed, latency = _score_month(models, swap, month, inputs, seed, len(seats.profile))
        arms, reviewed, contacted, live = _contacts(seats, plan, arms_policies, month, horizon, scores, inputs, economics)
        reached, saved, lost, leaves_now, day = _offers(seats, month, seed, horizon, contacted, churner, leaves, economics,
                                                        knobs)
        leavers.append((seats.number[leaves_now], month, day[leaves_now]))

        if month <= months:
            records.append(dict(
                month=month, number=seats.number.copy(), profile=seats.profile.copy(), inputs=inputs, scores=scores,
                failed=failed, latency=latency, version=version, live=live, arms=arms, reviewed=reviewed,
                contacted=contacted, reached=reached, saved=saved, lost=lost, churner=churner,
                without_campaign=without_campaign, true_probability=true_probability, emptied=emptied,
                joined=seats.joined.copy(), left=leaves_now.copy(),
            ))

        # The month ends: leavers' seats free up; everyone else gains a month and a bill.
        seats.left_last_month = leaves_now
        seats.tenure = seats.tenure + 1
        seats.total_base = np.round(seats.total_base + seats.monthly_base, 2)
        seats.total_seen = np.round(seats.total_seen + monthly_seen, 2)

    return _assemble(records, leavers, seats.next_number, months=months, seed=seed, plan=plan, economics=economics,
                     horizon=horizon, as_of=as_of, caption_text=caption_text, arms_policies=arms_policies, models=models,
                     swap=swap, knobs=knobs)
