"""Checking ``simulate``'s arguments: each mistake a ``CourseError`` that says what to fix."""
from __future__ import annotations

import datetime as _datetime
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.model import champion_model
from churnlab.world.constants import _DATA_BUG_COLUMNS, DEFAULT_SEED
from churnlab.world.dates import _month_start
from churnlab.world.policies import _policy
from churnlab.world.scoring import _checked_model

# --- validating simulate's arguments ----------------------------------------------------------------------


def _checked_from(value, name: str, knob: str, knob_is_on: bool, months: int) -> int:
    if value is None:
        return 1
    start = validate.whole_number(value, name, low=1, example="4")
    if not knob_is_on:
        raise CourseError(f"{name}={start} says when {knob} starts, but {knob} is off. Set {knob} too "
                          f"(e.g. {_KNOB_EXAMPLES[knob]}), or drop {name}.")
    if start > months:
        raise CourseError(f"{name} is {start}, after the last simulated month ({months}). Use a month from 1 to {months}, "
                          f"or simulate more months.")
    return start


_KNOB_EXAMPLES = {"promotion": "promotion=500", "price_rise": "price_rise=0.1", "fiber_competitor": "fiber_competitor=0.5",
                  "data_bug": "data_bug=0.2", "new_model": "new_model=retrained_model"}


def _checked_rise(value, name: str, example: str, low: float, high: float) -> float:
    """A rise given as a fraction of today's value (0.1 = +10 %); a percentage or a multiplier gets its own message."""
    number = validate.number(value, name, example=example)
    if number > high:
        meant = f"If you meant {number:g} %, use {number / 100:g}"
        if number < 10:
            meant += f"; if you meant {number:g} times as much, use {number - 1:g}"
        raise CourseError(f"{name} is {number:g}, but it is a rise as a fraction of today's value: {example}. "
                          f"{meant}. The most it takes is {high:g}.")
    if number < low:
        raise CourseError(f"{name} is {number:g}; it should be at least {low:g}, like {example}.")
    return number


def _checked_date(value, name: str) -> np.datetime64:
    if isinstance(value, (str, _datetime.date, pd.Timestamp, np.datetime64)):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            stamp = None
        if stamp is not None and stamp is not pd.NaT:
            return np.datetime64(stamp.date(), "D")
    raise CourseError(f"{name} should be a date, like '2028-03-01', not {validate.kind_of(value)}.")


def _checked_sizes(months, seed, customers, horizon_months) -> tuple[int, int, int, int]:
    """The simulation's size: months, seed, seats and the label's horizon."""
    months = validate.whole_number(months, "months", low=1, example="12")
    if months > 60:
        raise CourseError(f"months is {months}; the simulator runs up to 60 months (5 years). Use 12 for a year.")
    seed = validate.whole_number(seed, "seed", low=0, example="7")
    seats = validate.whole_number(customers, "customers", low=100, example="7000")
    if seats > 100_000:
        raise CourseError(f"customers is {seats:,}; the simulator takes up to 100,000 (the course uses 7,000).")
    horizon = validate.whole_number(horizon_months, "horizon_months", low=1, example="3")
    if horizon > 12:
        raise CourseError(f"horizon_months is {horizon}; use 1 to 12 months (the course uses 3).")
    return months, seed, seats, horizon


def _checked_economics(economics) -> CampaignEconomics:
    if not isinstance(economics, CampaignEconomics):
        raise CourseError(f"economics should be a CampaignEconomics(...), not {validate.kind_of(economics)}. "
                          "Example: CampaignEconomics(value_of_saved_customer=200, acceptance_rate=0.3, cost_per_contact=10).")
    return economics


def _checked_knobs(months: int, promotion, promotion_from, price_rise, price_rise_from, fiber_competitor,
                   fiber_competitor_from, data_bug, data_bug_from, data_bug_column, offer_backfire) -> dict:
    """The knobs and the offer's backfire, checked; ``starts``: the month each knob starts (1 when it is off)."""
    promotion = validate.whole_number(promotion, "promotion", low=0, example="500")
    price_rise = _checked_rise(price_rise, "price_rise", "0.1 means prices up 10 %", -0.5, 1.0)
    fiber_competitor = _checked_rise(fiber_competitor, "fiber_competitor",
                                     "0.5 means fibre customers are 50 % more likely to leave each month", 0.0, 1.0)
    data_bug = validate.fraction(data_bug, "data_bug", example="0.2")
    data_bug_column = validate.one_of(data_bug_column, "data_bug_column", _DATA_BUG_COLUMNS)
    offer_backfire = validate.fraction(offer_backfire, "offer_backfire", example="0.02")
    starts = {
        "promotion": _checked_from(promotion_from, "promotion_from", "promotion", promotion > 0, months),
        "price_rise": _checked_from(price_rise_from, "price_rise_from", "price_rise", price_rise != 0, months),
        "fiber_competitor": _checked_from(fiber_competitor_from, "fiber_competitor_from", "fiber_competitor",
                                          fiber_competitor > 0, months),
        "data_bug": _checked_from(data_bug_from, "data_bug_from", "data_bug", data_bug > 0, months),
    }
    return dict(promotion=promotion, price_rise=price_rise, fiber_competitor=fiber_competitor, data_bug=data_bug,
                data_bug_column=data_bug_column, offer_backfire=offer_backfire, starts=starts)


def _checked_swap(new_model, new_model_from, new_model_version, model_version: str, months: int):
    """The model that takes over, as (first month, version, model, its columns); None when no model takes over."""
    if new_model is None and new_model_from is None:
        return None
    if new_model is None:
        raise CourseError(f"new_model_from={new_model_from} says when a new model takes over, but new_model is not given. "
                          "Pass the new model too: new_model=retrained_model.")
    if new_model_from is None:
        raise CourseError("new_model is given but not when it takes over: add new_model_from=8 (the first month it scores).")
    swap_from = validate.whole_number(new_model_from, "new_model_from", low=2, example="8")
    if swap_from > months:
        raise CourseError(f"new_model_from is {swap_from}, after the last simulated month ({months}).")
    new_model_version = validate.text(new_model_version, "new_model_version", example="'v2'")
    if new_model_version == model_version:
        raise CourseError(f"new_model_version is {new_model_version!r}, the same as model_version: give the new model "
                          "its own version, like 'v2', so the logs can tell them apart.")
    return (swap_from, new_model_version) + _checked_model(new_model, "new_model")


def _checked_as_of(labels_as_of, months: int, horizon: int) -> np.datetime64:
    """The day the outcome log is read: by default the day after the last month, at the latest months + horizon."""
    last_day = _month_start(months + horizon)
    as_of = _month_start(months + 1) if labels_as_of is None else _checked_date(labels_as_of, "labels_as_of")
    if as_of > last_day:
        raise CourseError(f"labels_as_of is {as_of}, but this simulation only runs until {last_day} (months + horizon). "
                          f"Pass a date up to {last_day}, or simulate more months.")
    return as_of


# --- the scenario: every setting of one simulated world, checked once --------------------------------------------


@dataclass(frozen=True, eq=False)
class Scenario:
    """Everything that makes one simulated world: ``simulate``'s settings, checked (see ``help(world.simulate)``).

    Like ``churnlab.economics.CampaignEconomics``: making one checks every setting and raises a
    ``CourseError`` that says what to fix; it cannot change afterwards
    (``dataclasses.replace(scenario, seed=8)`` makes a changed copy, checked again).
    ``world.simulate(**settings)`` is ``world.run(world.Scenario(**settings))``.

    Besides the settings it holds what the checks made of them: ``plan`` (the policy or A/B test),
    ``knobs`` (each knob's size and first month), ``models`` (version, model, columns), ``swap``
    (first month, version, model, columns of a model that takes over, or None) and ``as_of``
    (the day the outcome log is read).
    """

    months: int = 12
    seed: int = DEFAULT_SEED
    customers: int = 7000
    policy: object = "model"
    model: object = None
    model_version: str = "v1"
    new_model: object = None
    new_model_from: int | None = None
    new_model_version: str = "v2"
    promotion: int = 0
    promotion_from: int | None = None
    price_rise: float = 0.0
    price_rise_from: int | None = None
    fiber_competitor: float = 0.0
    fiber_competitor_from: int | None = None
    data_bug: float = 0.0
    data_bug_from: int | None = None
    data_bug_column: str = "total_charges"
    offer_backfire: float = 0.0
    economics: CampaignEconomics = DEFAULT_ECONOMICS
    horizon_months: int = 3
    labels_as_of: object = None
    plan: object = field(init=False, repr=False)
    knobs: dict = field(init=False, repr=False)
    models: tuple = field(init=False, repr=False)
    swap: tuple | None = field(init=False, repr=False)
    as_of: np.datetime64 = field(init=False, repr=False)

    def __post_init__(self):
        months, seed, seats, horizon = _checked_sizes(self.months, self.seed, self.customers, self.horizon_months)
        plan = _policy(self.policy)
        economics = _checked_economics(self.economics)
        knobs = _checked_knobs(months, self.promotion, self.promotion_from, self.price_rise, self.price_rise_from,
                               self.fiber_competitor, self.fiber_competitor_from, self.data_bug, self.data_bug_from,
                               self.data_bug_column, self.offer_backfire)
        knobs["seats"] = seats
        model_version = validate.text(self.model_version, "model_version", example="'v1'")
        first_model, first_columns = _checked_model(champion_model() if self.model is None else self.model, "model")
        swap = _checked_swap(self.new_model, self.new_model_from, self.new_model_version, model_version, months)
        as_of = _checked_as_of(self.labels_as_of, months, horizon)
        settled = dict(months=months, seed=seed, customers=seats, horizon_months=horizon, promotion=knobs["promotion"],
                       price_rise=knobs["price_rise"], fiber_competitor=knobs["fiber_competitor"], data_bug=knobs["data_bug"],
                       data_bug_column=knobs["data_bug_column"], offer_backfire=knobs["offer_backfire"],
                       economics=economics, model_version=model_version, plan=plan, knobs=knobs,
                       models=(model_version, first_model, first_columns), swap=swap, as_of=as_of)
        for name, value in settled.items():
            object.__setattr__(self, name, value)
