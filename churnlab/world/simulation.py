"""The simulation: launch day after the burn-in, ``simulate`` / ``run``, and the months played out one by one.

A month, step by step (``_run``): seats open (``_open_seats``), the truth over the horizon (``_truth_ahead``),
scoring (``scoring._score_month``), the campaign (``_contacts``), the offers and who leaves (``_offers``). Every draw
is keyed by (seed, stream, month, block of seats) (``_Luck``), so a seat's luck never depends on how the steps are
arranged, and two policies meet the same luck.
"""
from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.world import offers
from churnlab.world.arguments import Scenario
from churnlab.world.constants import (
    _NO_COVER,
    ALL_CUSTOMERS,
    BURN_IN_MONTHS,
    BURN_IN_SEED,
    DEFAULT_SEED,
    HAZARD_CAP,
    NEW_CUSTOMER_TENURE,
    PRICE_SENSITIVITY,
    REVIEW_EVERY_MONTHS,
    TENURE_CAP,
    UNOBSERVED_PERSISTENCE,
)
from churnlab.world.dates import _caption, _draws, _month_start
from churnlab.world.policies import ABTest, _arms_of, _decide
from churnlab.world.result import SimulatedMonths
from churnlab.world.scoring import _score_month
from churnlab.world.tables import _assemble
from churnlab.world.truth import _monthly_hazard, _real

_INNOVATION = float(np.sqrt(1.0 - UNOBSERVED_PERSISTENCE**2))


class _Luck:
    """One run's seeded draws, each (stream, month) made once: seat i's draw depends only on (seed, stream, month, i)."""

    def __init__(self, seed: int):
        self.seed = seed
        self._made: dict = {}

    def uniform(self, stream: str, month: int, n: int) -> np.ndarray:
        made = self._made.get((stream, month))
        if made is None or len(made) < n:
            made = _draws(self.seed, stream, month, n)
            self._made[(stream, month)] = made
        return made[:n]

    def normal(self, stream: str, month: int, n: int) -> np.ndarray:
        """Standard normal draws, seat by seat (Box-Muller on the stream's two uniforms)."""
        made = self._made.get((stream + " normal", month))
        if made is None or len(made) < n:
            u = np.clip(self.uniform(stream, month, n), 1e-12, 1.0)
            v = self.uniform(stream + " twin", month, n)
            made = np.sqrt(-2.0 * np.log(u)) * np.cos(2.0 * np.pi * v)
            self._made[(stream + " normal", month)] = made
        return made[:n]


@dataclass(eq=False)
class _Seats:
    """The seats on a month's 1st, one entry a seat: the real profile its occupant copies and their hidden state.

    Mutable: the month's steps move the seats on in place, each reading them as the steps before it left them.
    """

    profile: np.ndarray  # the real customer whose profile the occupant copies (a row of _real())
    tenure: np.ndarray  # uncapped: the customer table shows at most TENURE_CAP
    total: np.ndarray  # total charges billed (what the customer table shows)
    next_review: np.ndarray  # the month the occupant next comes up for review
    covered: np.ndarray  # the last month a running offer keeps the occupant
    factor: np.ndarray  # the unobserved factor this month (standard normal; AR(1) month to month)
    number: np.ndarray  # the occupant's customer number (S000001 ...)
    next_number: int
    left_last_month: np.ndarray
    joined: np.ndarray

    def copy(self) -> _Seats:
        return _Seats(**{name: (value.copy() if isinstance(value, np.ndarray) else value)
                         for name, value in self.__dict__.items()})

    def welcome(self, joining: np.ndarray, picks: np.ndarray, month: int, luck: _Luck, price: float) -> None:
        """Newcomers take the ``joining`` seats: real profiles ``picks``, tenure 1, a fresh factor and fresh traits."""
        n = len(self.profile)
        monthly = _real()["monthly"][picks]
        self.profile[joining] = picks
        self.tenure[joining] = NEW_CUSTOMER_TENURE
        self.total[joining] = np.round(monthly * price, 2)
        self.covered[joining] = _NO_COVER
        self.next_review[joining] = month
        self.factor[joining] = luck.normal("factor start", month, n)[joining]


def _newcomers(luck: _Luck, month: int, n: int, stream: str = "newcomer") -> np.ndarray:
    """A real profile per seat for whoever joins in ``month``: real customers with tenure <= 3, drawn at random."""
    pool = _real()["newcomer_pool" if stream == "newcomer" else "promotion_pool"]
    return pool[np.minimum((luck.uniform(stream, month, n) * len(pool)).astype(np.int64), len(pool) - 1)]


LAUNCH_FILE = Path(__file__).with_name("launch_day.npz")  # launch day of the default 7,000 seats, played once and frozen
_FROZEN_SEATS = 7000
_SEAT_ARRAYS = ("profile", "tenure", "total", "next_review", "covered", "factor", "number", "left_last_month", "joined")


def _launch_fingerprint(seats: int) -> str:
    """What launch day depends on besides the code: the truth's monthly table (calibration included) and the settings."""
    digest = hashlib.sha256(np.ascontiguousarray(_real()["hazard_logits"]).tobytes())
    digest.update(repr((seats, BURN_IN_MONTHS, BURN_IN_SEED, UNOBSERVED_PERSISTENCE, offers.SLEEPING_DOG_SHARE,
                        offers.SLEEPING_DOG_LEAVES, offers._FACTORS.tolist(), DEFAULT_ECONOMICS.acceptance_rate)).encode())
    return digest.hexdigest()


def _default_world_fingerprint() -> str | None:
    """What a default simulation (7,000 seats, lesson 05's champion live) depends on besides the code and its
    arguments: launch day's fingerprint and the champion's scores (its exact linear parts). None when the champion
    has no fast path (then nothing is read from a frozen table)."""
    from churnlab.model import champion_model
    from churnlab.world.scoring import _model_columns, _parts_of

    champion = champion_model()
    parts = _parts_of(champion, _model_columns(champion, "model"))
    if parts is None:
        return None
    base, slopes, empties = parts
    digest = hashlib.sha256(_launch_fingerprint(_FROZEN_SEATS).encode())
    digest.update(np.ascontiguousarray(base).tobytes())
    digest.update(repr((sorted(slopes.items()), sorted(empties.items()))).encode())
    return digest.hexdigest()


def freeze_launch_day() -> Path:
    """Play the default base's burn-in and write it to ``LAUNCH_FILE`` (tools/freeze_world_truth.py calls this)."""
    base = _play_burn_in(_FROZEN_SEATS)
    np.savez_compressed(LAUNCH_FILE, fingerprint=_launch_fingerprint(_FROZEN_SEATS), next_number=base.next_number,
                        **{name: getattr(base, name) for name in _SEAT_ARRAYS})
    _burned_in.cache_clear()
    return LAUNCH_FILE


@cache
def _burned_in(seats: int) -> _Seats:
    """Launch day of ``seats`` seats: read from ``LAUNCH_FILE`` for the default 7,000 (the same arrays the burn-in
    plays, a test checks it; a second instead of a tenth), played otherwise."""
    if seats == _FROZEN_SEATS and LAUNCH_FILE.exists():
        with np.load(LAUNCH_FILE) as stored:
            if str(stored["fingerprint"]) == _launch_fingerprint(seats):
                return _Seats(next_number=int(stored["next_number"]), **{name: stored[name] for name in _SEAT_ARRAYS})
    return _play_burn_in(seats)


def _play_burn_in(seats: int) -> _Seats:
    """Launch day: ``BURN_IN_MONTHS`` months of business as usual (the month-to-month rule's campaign), from the real base.

    The same for every seed (its own seed, ``BURN_IN_SEED``), so it is played once per session
    and size: launch day is the company the model launches into; the seed decides everything
    after it. Starts from real customers at their real tenure (drawn without replacement);
    leavers are replaced by newcomers drawn from the real customers with tenure <= 3. After
    that long, launch day is the state this process keeps: its tenures, contract mix and
    hidden factors stay put month after month without a knob.
    """
    real = _real()
    luck = _Luck(BURN_IN_SEED)
    n_real = len(real["ids"])
    first = 1 - BURN_IN_MONTHS
    start = luck.uniform("start", first, max(seats, n_real))
    if seats <= n_real:
        profile = np.argsort(start[:n_real], kind="stable")[:seats]
    else:
        profile = np.minimum((start[:seats] * n_real).astype(np.int64), n_real - 1)
    base = _Seats(profile=profile, tenure=np.maximum(real["tenure"][profile], NEW_CUSTOMER_TENURE),
                  total=real["total"][profile].copy(), next_review=np.zeros(seats, dtype=np.int64),
                  covered=np.full(seats, _NO_COVER, dtype=np.int64), factor=luck.normal("factor start", first, seats),
                  number=np.arange(1, seats + 1, dtype=np.int64), next_number=seats + 1,
                  left_last_month=np.zeros(seats, dtype=bool), joined=np.zeros(seats, dtype=bool))
    base.next_review = first + np.minimum((luck.uniform("review", first, seats) * REVIEW_EVERY_MONTHS).astype(np.int64),
                                          REVIEW_EVERY_MONTHS - 1)
    month_to_month = real["contract"] == "Month-to-month"
    codes = offers.segment_codes(real["contract"], real["monthly"])
    rate = np.minimum(DEFAULT_ECONOMICS.acceptance_rate * offers._FACTORS[codes], 1.0)
    for month in range(first, 1):
        reviewed = base.next_review == month
        base.next_review = np.where(reviewed, month + REVIEW_EVERY_MONTHS, base.next_review)
        contacted = reviewed & month_to_month[base.profile]
        dog = luck.uniform("sleeping dog", month, seats) < offers.SLEEPING_DOG_SHARE
        kept = contacted & ~dog & (luck.uniform("response", month, seats) < rate[base.profile])
        base.covered = np.where(kept, month + REVIEW_EVERY_MONTHS - 1, base.covered)
        lost = contacted & dog & (luck.uniform("dog leaves", month, seats) < offers.SLEEPING_DOG_LEAVES)
        hazard = _monthly_hazard(base.profile, base.tenure, base.factor)
        leaves = ((luck.uniform("churn", month, seats) < hazard) & (month > base.covered)) | lost
        base.tenure = base.tenure + 1
        base.total = base.total + real["monthly"][base.profile]
        base.factor = UNOBSERVED_PERSISTENCE * base.factor + _INNOVATION * luck.normal("factor", month + 1, seats)
        base.welcome(leaves, _newcomers(luck, month + 1, seats)[leaves], month + 1, luck, 1.0)
        base.next_review[leaves] = month + 1
    base.total = np.round(base.total, 2)
    return base


def _launch_day(seats: int, horizon: int, luck: _Luck) -> _Seats:
    """Launch day's seats; with a horizon other than 3 months, reviews are spread again over the horizon's months."""
    base = _burned_in(seats).copy()
    base.next_review = base.next_review.copy()
    if horizon != REVIEW_EVERY_MONTHS:
        base.next_review = 1 + np.minimum((luck.uniform("review", 1, seats) * horizon).astype(np.int64), horizon - 1)
    return base


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
    scenario: Scenario | None = None,
) -> SimulatedMonths:
    """Simulate ``months`` months after the launch on 1 January 2027: customers, campaigns, logs and the truth.

    - ``seed``: same seed, same world (identical logs). ``customers``: the base (7,000).
    - ``policy``: who is contacted each month: ``"model"`` (default: score >= 1/6),
      ``"rule"`` (every month-to-month customer), ``"none"``, ``contact_by_model(threshold)``,
      ``contact_top_k(k)``, ``contact_by_rule(rule)`` or ``ab_test({...})``.
    - ``model`` / ``model_version``: the model that scores every customer every month
      (default: lesson 05's champion, ``churnlab.model.champion_model()``, "v1"). ``new_model`` /
      ``new_model_from`` / ``new_model_version``: a model that replaces it from that month.
    - Knobs, each off by default and each from month ``…_from`` (default 1):
      ``promotion`` (extra new month-to-month customers per month), ``price_rise`` (0.10 =
      monthly charges +10 %), ``fiber_competitor`` (0.5 = fibre customers 50 % more likely
      to leave each month), ``data_bug`` (0.2 = 20 % of customers' ``data_bug_column``
      arrive empty).
    - ``offer_backfire``: an extra share of contacted customers who would have stayed but
      leave because of the offer (default 0; the world's sleeping dogs are always there).
      ``economics``: value, acceptance and cost of the campaign (default
      ``CampaignEconomics()``: $200, 30 %, $10).
    - ``horizon_months``: the label's horizon (3). ``labels_as_of``: the day the outcome log
      is read (default: the day after the last month); labels not final by then are ``<NA>``.
    - ``scenario``: a ``world.Scenario(...)`` holding all of the above (then pass nothing else).

    Returns a ``SimulatedMonths``: ``.customers``, ``.predictions``, ``.contacts``,
    ``.outcomes``, ``.assignments`` (the logs) and ``.truth``, ``.truth_by_arm``,
    ``.truth_by_customer``, ``.incidents``, ``.settings`` (the truth). See ``help(world)``.
    """
    if scenario is not None:
        if not isinstance(scenario, Scenario):
            raise CourseError(f"scenario should be a world.Scenario(...), like world.Scenario(months=12, seed=7), "
                              f"not {type(scenario).__name__}.")
        given = {name: value for name, value in locals().items() if name in _DEFAULTS and not _is_default(value, _DEFAULTS[name])}
        if given:
            raise CourseError(f"pass either a scenario or settings, not both: {', '.join(sorted(given))} would be ignored. "
                              "Put them in the scenario: world.Scenario(..., " + ", ".join(f"{n}=..." for n in sorted(given)) + ").")
        return _run(scenario)
    return _run(Scenario(months=months, seed=seed, customers=customers, policy=policy, model=model,
                         model_version=model_version, new_model=new_model, new_model_from=new_model_from,
                         new_model_version=new_model_version, promotion=promotion, promotion_from=promotion_from,
                         price_rise=price_rise, price_rise_from=price_rise_from, fiber_competitor=fiber_competitor,
                         fiber_competitor_from=fiber_competitor_from, data_bug=data_bug, data_bug_from=data_bug_from,
                         data_bug_column=data_bug_column, offer_backfire=offer_backfire, economics=economics,
                         horizon_months=horizon_months, labels_as_of=labels_as_of))


def _is_default(value, default) -> bool:
    return value is default or (type(value) is type(default) and value == default)


_DEFAULTS = {name: parameter.default for name, parameter in inspect.signature(simulate.__wrapped__).parameters.items()
             if name != "scenario"} if hasattr(simulate, "__wrapped__") else {}


@course_function
def run(scenario: Scenario) -> SimulatedMonths:
    """Simulate the world a ``world.Scenario(...)`` describes: ``run(Scenario(**settings))`` is ``simulate(**settings)``."""
    if not isinstance(scenario, Scenario):
        raise CourseError(f"run needs a world.Scenario(...), like world.run(world.Scenario(months=12, seed=7)), "
                          f"not {type(scenario).__name__}. Or call world.simulate(months=12, seed=7).")
    return _run(scenario)


def _price_factor(knobs: dict, month: int) -> float:
    """What monthly charges are multiplied by in ``month`` (1.0 unless a price rise is on)."""
    return 1.0 + knobs["price_rise"] if (knobs["price_rise"] and month >= knobs["starts"]["price_rise"]) else 1.0


def _usual_multiplier(knobs: dict, month: int) -> float:
    """What the monthly chance of leaving for the usual reasons is multiplied by in ``month`` (a price rise)."""
    rise = knobs["price_rise"]
    return 1.0 + PRICE_SENSITIVITY * rise if (rise and month >= knobs["starts"]["price_rise"]) else 1.0


def _competitor_on(knobs: dict, month: int) -> bool:
    return bool(knobs["fiber_competitor"]) and month >= knobs["starts"]["fiber_competitor"]


def _open_seats(seats: _Seats, month: int, luck: _Luck, knobs: dict) -> None:
    """New customers take the seats of last month's leavers, then the promotion's new seats open."""
    price = _price_factor(knobs, month - 1)
    seats.joined = np.zeros(len(seats.profile), dtype=bool)
    if month > 1:
        fresh = seats.left_last_month
        count = int(fresh.sum())
        seats.number[fresh] = np.arange(seats.next_number, seats.next_number + count)
        seats.next_number += count
        seats.welcome(fresh, _newcomers(luck, month, len(seats.profile))[fresh], month, luck, price)
        seats.joined = fresh.copy()
    promotion = knobs["promotion"]
    if promotion and month >= knobs["starts"]["promotion"]:
        old = len(seats.profile)
        picks = _newcomers(luck, month, promotion, stream="promotion")
        grow = {"profile": picks, "tenure": np.full(promotion, NEW_CUSTOMER_TENURE), "total": np.zeros(promotion),
                "next_review": np.full(promotion, month), "covered": np.full(promotion, _NO_COVER),
                "factor": np.zeros(promotion),
                "number": np.arange(seats.next_number, seats.next_number + promotion), "joined": np.ones(promotion, dtype=bool),
                "left_last_month": np.zeros(promotion, dtype=bool)}
        for name, extra in grow.items():
            setattr(seats, name, np.concatenate([getattr(seats, name), extra]))
        seats.next_number += promotion
        joining = np.zeros(old + promotion, dtype=bool)
        joining[old:] = True
        seats.welcome(joining, picks, month, luck, price)


def _truth_ahead(seats: _Seats, month: int, luck: _Luck, horizon: int, knobs: dict):
    """The truth over the horizon, with the luck that decides it (the same draws the months will use).

    Returns per month ahead (rows) who would leave for the usual reasons and who for the competitor, and per customer:
    the chance of leaving within the horizon, the chance for the usual reasons in months no running offer protects,
    the chance for the competitor, and the months no running offer protects.
    """
    n = len(seats.profile)
    fiber = _real()["fiber"][seats.profile]
    factor = seats.factor
    usual, competitor = np.zeros((horizon, n), dtype=bool), np.zeros((horizon, n), dtype=bool)
    stay_all, stay_usual_open, stay_competitor = np.ones(n), np.ones(n), np.ones(n)
    open_window = (month + np.arange(horizon))[:, None] > seats.covered[None, :]
    for ahead in range(horizon):
        future = month + ahead
        if ahead:
            factor = UNOBSERVED_PERSISTENCE * factor + _INNOVATION * luck.normal("factor", future, n)
        h_usual = np.minimum(_monthly_hazard(seats.profile, seats.tenure + ahead, factor) * _usual_multiplier(knobs, future),
                             HAZARD_CAP)
        h_total = np.minimum(h_usual * (1.0 + knobs["fiber_competitor"] * fiber), HAZARD_CAP) \
            if _competitor_on(knobs, future) else h_usual
        u = luck.uniform("churn", future, n)
        usual[ahead] = u < h_usual
        competitor[ahead] = (u >= h_usual) & (u < h_total)
        stay_all *= 1 - h_total
        stay_usual_open *= np.where(open_window[ahead], 1 - h_usual, 1.0)
        stay_competitor *= 1 - (h_total - h_usual)
    return usual, competitor, 1 - stay_all, 1 - stay_usual_open, 1 - stay_competitor, open_window


def _contacts(seats: _Seats, plan, arms_policies: dict, month: int, horizon: int, scores, table, economics):
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
        inputs = table() if arm_policy.kind == "rule" and members.any() else None
        contacted |= _decide(arm_policy, members, scores, inputs, rule_flags, economics)
        if arm_policy.uses_model:
            live |= members
    return arms, reviewed, contacted, live


def _run(s: Scenario) -> SimulatedMonths:
    """Play the months out, from launch day until the last simulated month's label is final; then assemble the tables.

    The months after ``months`` (up to ``months + horizon - 1``) only decide who leaves (the campaign goes on in
    them, as it would): they are not logged.
    """
    real = _real()
    months, horizon, knobs, economics = s.months, s.horizon_months, s.knobs, s.economics
    luck = _Luck(s.seed)
    total_months = months + horizon - 1
    seats = _launch_day(s.customers, horizon, luck)
    leavers = []  # per month: (customer numbers, month, day offset within the month)
    arms_policies = dict(s.plan.arms) if isinstance(s.plan, ABTest) else {ALL_CUSTOMERS: s.plan}
    acceptance = economics.acceptance_rate
    records = []
    for month in range(1, total_months + 1):
        _open_seats(seats, month, luck, knobs)
        n = len(seats.profile)
        monthly_base = real["monthly"][seats.profile]
        monthly_seen = np.round(monthly_base * _price_factor(knobs, month), 2)
        emptied = np.zeros(n, dtype=bool)
        if knobs["data_bug"] and month >= knobs["starts"]["data_bug"]:
            emptied = luck.uniform("bug", month, n) < knobs["data_bug"]
        shown = dict(profile=seats.profile.copy(), tenure=np.minimum(seats.tenure, TENURE_CAP), monthly_charges=monthly_seen,
                     total_charges=seats.total.copy(), emptied=emptied, column=knobs["data_bug_column"])
        usual, competitor, p_all, p_usual, p_competitor, open_window = _truth_ahead(seats, month, luck, horizon, knobs)
        churner = ((usual & open_window) | competitor).any(axis=0)  # leaves within the horizon unless this month's offer keeps them
        without_campaign = (usual | competitor).any(axis=0)  # leaves within the horizon with no offer at all
        for_competitor = competitor.any(axis=0)
        codes = offers.segment_codes(real["contract"][seats.profile], monthly_base)
        dog = luck.uniform("sleeping dog", month, n) < offers.SLEEPING_DOG_SHARE
        responds = ~dog & (luck.uniform("response", month, n) < np.minimum(acceptance * offers._FACTORS[codes], 1.0))
        dog_leaves = dog & (luck.uniform("dog leaves", month, n) < offers.SLEEPING_DOG_LEAVES)
        if_contacted = np.where(responds, for_competitor, churner) | (dog_leaves & ~churner)
        version, scores, failed, latency, table = _score_month(s.models, s.swap, month, shown, luck.seed, n)
        arms, reviewed, contacted, live = _contacts(seats, s.plan, arms_policies, month, horizon, scores, table, economics)

        # The offers: responders stay until their next review (unless they leave for the competitor); sleeping dogs leave.
        kept = contacted & responds
        seats.covered = np.where(kept, np.maximum(seats.covered, month + horizon - 1), seats.covered)
        reached = contacted & churner
        saved = contacted & churner & ~if_contacted
        lost = contacted & ~churner & if_contacted  # the offer makes them leave within the horizon (sleeping dogs)
        leaves_anyway = (usual[0] & (month > seats.covered)) | competitor[0]
        driven_away = contacted & dog_leaves & ~leaves_anyway  # decided this month: later months' knobs do not reach back
        if knobs["offer_backfire"]:
            backfire = contacted & ~churner & (luck.uniform("backfire", month, n) < knobs["offer_backfire"])
            lost |= backfire
            driven_away |= backfire & ~leaves_anyway
        leaves_now = leaves_anyway | driven_away
        days = int((_month_start(month + 1) - _month_start(month)).astype(int))
        day = np.floor(luck.uniform("day", month, n) * days).astype(np.int64)
        leavers.append((seats.number[leaves_now], month, day[leaves_now]))

        if month <= months:
            records.append(dict(
                month=month, number=seats.number.copy(), shown=shown, scores=scores, failed=failed, latency=latency,
                version=version, live=live, arms=arms, reviewed=reviewed, contacted=contacted, reached=reached, saved=saved,
                lost=lost, churner=churner, without_campaign=without_campaign, if_contacted=if_contacted,
                customer_type=offers.customer_type(churner, if_contacted),
                offer_effect=offers.true_effect(p_usual, p_competitor, responds, dog), true_probability=p_all,
                factor=seats.factor.copy(), segment=codes, for_competitor=for_competitor, emptied=emptied,
                joined=seats.joined.copy(), left=leaves_now.copy(),
            ))

        # The month ends: leavers' seats free up; everyone else gains a month, a bill and a new factor.
        seats.left_last_month = leaves_now
        seats.tenure = seats.tenure + 1
        seats.total = np.round(seats.total + monthly_seen, 2)
        seats.factor = UNOBSERVED_PERSISTENCE * seats.factor + _INNOVATION * luck.normal("factor", month + 1, n)

    return _assemble(records, leavers, seats.next_number, s, arms_policies, caption_text=_caption(s.seed, months))



def _launch_margins(cells, seats: int):
    """Launch day's mean chance of leaving within 3 months without any offer, per contract and per tenure band."""
    import pandas as pd

    from churnlab.world import truth

    truth._OFFSETS.update(cells=np.asarray(cells, dtype=float).reshape(len(truth.CONTRACTS), -1))
    truth._offsets.cache_clear()
    truth._real.cache_clear()
    _burned_in.cache_clear()
    base = _burned_in(seats).copy()
    base.covered[:] = _NO_COVER
    p = _truth_ahead(base, 1, _Luck(0), 3, dict(price_rise=0.0, fiber_competitor=0.0, starts={}))[2]
    contract = pd.Categorical(_real()["contract"][base.profile], categories=list(truth.CONTRACTS)).codes
    band = np.searchsorted(np.array(truth.TENURE_BANDS[1:-1]), np.minimum(base.tenure, TENURE_CAP), side="left")
    return np.array([p[contract == c].mean() for c in range(len(truth.CONTRACTS))]
                    + [p[band == b].mean() for b in range(len(truth.TENURE_BANDS) - 1)])


def _calibrate_offsets(rounds: int = 3, seats: int = 14000, damping: float = 0.3, start=None, verbose: bool = False) -> np.ndarray:
    """The calibration shifts (per contract and tenure band) that make launch day churn as the real customers did.

    The steady base this process keeps is not the real snapshot, so no shifts match all eight
    rates (3 contracts, 5 tenure bands) exactly; these minimise the gaps in log-odds, each measured
    in units of the real rate's 95 % interval (Gauss-Newton steps, finite differences on the burn-in
    with its fixed seed). Used by ``tools/freeze_world_truth.py``; it takes about a minute.
    """
    from scipy.stats import binomtest

    from churnlab.data import load_churn
    from churnlab.world import truth

    real = load_churn()
    bands = np.searchsorted(np.array(truth.TENURE_BANDS[1:-1]), np.clip(real["tenure"].to_numpy(), 1, None), side="left")
    left = real["churn"].eq("Yes").to_numpy()
    groups = [real["contract"].eq(c).to_numpy() for c in truth.CONTRACTS] + [bands == b for b in range(len(truth.TENURE_BANDS) - 1)]
    target, width = [], []
    for members in groups:
        ci = binomtest(int(left[members].sum()), int(members.sum())).proportion_ci(method="wilson")
        target.append(left[members].mean())
        width.append((np.log(ci.high / (1 - ci.high)) - np.log(ci.low / (1 - ci.low))) / 2)
    target, width = np.array(target), np.array(width)

    def gaps(x):
        m = np.clip(_launch_margins(x, seats), 1e-6, 1 - 1e-6)
        return (np.log(m / (1 - m)) - np.log(target / (1 - target))) / width, m

    # 15 shifts (3 contracts x 5 bands) for 8 rates: damped Gauss-Newton steps from the frozen shifts. The burn-in is
    # random, so the gaps are a little noisy in the shifts: the search ends near, not at, the best compromise; the
    # committed shifts are one such result, and tests/unit/test_world_truth.py checks the rates, not the shifts.
    x = (truth._offsets().ravel().copy() if start is None else np.asarray(start, dtype=float))
    try:
        for _ in range(rounds):
            r, m = gaps(x)
            if verbose:
                print(np.round(m, 3), np.round(r, 2), round(float(r @ r), 2), np.round(x, 2).tolist())
            jacobian = np.column_stack([(gaps(x + 0.2 * np.eye(15)[k])[0] - r) / 0.2 for k in range(15)])
            x = x + np.linalg.solve(jacobian.T @ jacobian + damping * np.eye(15), -jacobian.T @ r)
        r, m = gaps(x)
        if verbose:
            print(np.round(m, 3), np.round(r, 2), round(float(r @ r), 2), np.round(x, 2).tolist())
    finally:
        truth._OFFSETS.clear()
        truth._offsets.cache_clear()
        truth._real.cache_clear()
        _burned_in.cache_clear()
    return x.reshape(len(truth.CONTRACTS), -1)
