"""The simulated months after launch: a seeded world of customers, campaigns and logs (lessons 07–09).

Real launch data cannot ship with a course, so lessons 07 (testing in production),
08 (monitoring) and 09 (the product brief) share this one simulator, built on the
real Telco customers, with a known truth behind every number. Everything it returns
is **simulated**: every table carries ``attrs["simulated"] = True`` and a caption
(``caption(...)``), customer ids start with ``S`` (``S000123``; real ones with ``C``),
and the plot says "Simulated" in its title. Say so in the prose, too.

    from churnlab import world
    year = world.simulate(months=12, seed=7)          # the course model live from launch
    print(world.caption(year))
    year.predictions.head()                           # logs: customers, predictions, contacts, outcomes, assignments
    year.truth                                        # what really happened, month by month

What is real and what is made up
--------------------------------
*Real*: every simulated customer copies the profile of one real Telco customer
(``source_customer_id``): demographics, services, contract, payment method and monthly
charges (the columns of ``churnlab.data.DATA_DICTIONARY``, without ``churn``).
*Simulated*: ``tenure`` and ``total_charges`` (they grow month by month), who leaves
and when, who is contacted and what the offer does, dates, latencies and scoring
failures. ``datasets/README.md`` (section "The simulated months after launch") lists
every assumption and number.

The calendar
------------
The model launches on **1 January 2027** (``LAUNCH_DATE``): month 1 is January 2027,
month 12 December 2027. On the **1st of each month** every active customer is scored
(``scored_on``) and the month's campaign contacts its customers the same day
(``contacted_on``). A customer who leaves does so on a day drawn uniformly within the
month (``churned_on``). The label of a prediction made on the 1st of month m is "left
before the 1st of month m + 3" (the **horizon**, ``horizon_months=3``): it is final, and
appears in the outcome log, on that date (``label_known_on``). Until then the outcome log
shows it as missing (``<NA>``): at the end of a 12-month run (``labels_as_of`` = 1 January
2028 by default) the labels of months 11 and 12 are not known yet. Pass a later
``labels_as_of`` (up to the 1st of month ``months + horizon_months``) to see them.

The customer base
-----------------
``customers`` seats (7,000 by default), each holding one customer at a time. Each seat
keeps the profile of one real customer (drawn without replacement from the 7,043). When
a customer leaves, a new customer with the same profile takes the seat on the 1st of the
next month (``tenure`` 1, ``total_charges`` = one month's bill): the market does not change
unless a knob says so, and the base stays at exactly 7,000. Each month, a customer who
stays gains a month of ``tenure`` (which stops at 72, the data's maximum, as the source
seems to cap it) and a bill of ``total_charges``. So the same customer appears, and is
scored, month after month until they leave; new customers get new ids.

Before launch the world runs for 48 months (``BURN_IN_MONTHS``) with **business as usual:
the month-to-month rule's campaign** (same review schedule and offer as below), so that
launch day's tenures are those this process keeps stable, and offers made just before
launch still protect some customers in January and February. With a campaign live (the
rule or the model) and no knob, the inputs hardly move over a year: the population
stability index (PSI) of ``tenure``, ``monthly_charges``, ``total_charges`` and the score
between month 1 and month 12 stays below 0.02. With ``policy="none"`` the base gets a
little younger over the year (more customers leave: tenure PSI about 0.05).

Launch day differs from the real file in one way: it holds more recent customers. The
truth's 3-month churn without any offer is about 31 % (real file: 26.5 %), about 56 %
of customers score at or above 1/6 (test set: 53 %), and the course model's ROC-AUC on a
simulated month is 0.85–0.87 (test set: 0.84).

The truth: who leaves
---------------------
The truth is a logistic regression of the course model's shape
(``churnlab.model.make_churn_model()``: the same 19 inputs, gender excluded) fitted on
**all 7,043 real customers**. It reads the real label as "leaves within the horizon"
and gives each customer ``p``, their probability of leaving within the horizon without
an offer. Its weights are frozen in this module (``truth_weights()``; a unit test checks
them against a fresh fit), so the truth does not depend on the installed scikit-learn.
Customers persist, so ``p`` becomes a **monthly hazard** ``h = 1 - (1 - p) ** (1 / 3)``
(the chance of leaving this month that compounds to ``p`` over 3 months), recomputed
every month from the customer's current tenure and total charges (the hazard tops out at
0.95). ``truth_by_customer["true_churn_probability"]`` is the exact chance of leaving
within the horizon without an offer, with the knobs. Because the course model learned
from the same real customers, its scores mean on a simulated month what they mean on the
test set: ``calibration_table(year)`` shows it (flagged customers' mean score 0.53 against
0.52 who leave without an offer, on a month without campaign).

The knobs: each off by default, each from month ``…_from`` (default 1)
---------------------------------------------------------------------
- ``promotion=400``: a **mix shift**. 400 extra new customers join every month, all on
  month-to-month contracts (profiles of the real customers with a month-to-month contract
  and at most 6 months of tenure), in new seats: the base grows and gets younger. The
  churn process does not change; the base churns more because it holds more new
  month-to-month customers, and the model stays calibrated.
- ``price_rise=0.10``: monthly charges of every customer go up 10 % (to the cent) from that
  month; total charges then grow faster. The truth: every customer's monthly hazard is
  multiplied by ``1 + PRICE_SENSITIVITY × price_rise`` (2 × 10 % → ×1.20), a made-up but
  plausible price sensitivity. The truth's own weights on charges are *not* used for this:
  they are associations, not causes. The course model's weight on monthly charges is
  negative (customers who pay more have more services and leave less), so its scores go
  *down* after a price rise while churn goes up.
- ``fiber_competitor=0.5``: a **behaviour change**. A competitor targets fibre customers
  (``internet_service == "Fiber optic"``): their monthly hazard is multiplied by 1.5. The
  inputs do not move (in its first month the customer table is identical; later, more
  fibre seats hold new customers, so their tenures are a little lower); the outcome does.
  The model's scores stay where they were, so the label-free estimate (mean score of
  flagged customers) misses it.
- ``data_bug=0.2``: a **data bug**. Each month, 20 % of customers (drawn anew each month)
  have ``data_bug_column`` (``"total_charges"`` by default, or ``"monthly_charges"``) arrive
  empty (NaN) in the customer table and the model's input. Customers behave as before. The
  model fills an empty number with 0 (see ``make_churn_model``): an empty total charges
  *lowers* the score (about −0.02 on average; "long tenure, nothing billed" reads as
  loyal), an empty monthly charges *raises* it (about +0.20 on average).

Several knobs can be on at once. ``year.incidents`` lists those that are on, what moves
in the data and what moves in the truth.

Policies, reviews and the offer
-------------------------------
Customers come up for a **retention review** once every 3 months (the horizon): on launch
day a third of the base is due in each of months 1, 2 and 3, and every new customer is
due in their first month, then every 3 months (``assignments["up_for_review"]``). The
``policy`` decides whom of the customers up for review to contact: ``"none"``; ``"rule"``
(every month-to-month customer, ``churnlab.rules.month_to_month``); ``"model"`` (score at
or above ``contact_by_model(threshold)``, by default the break-even 1/6 of the course
economics); ``contact_top_k(k)``; ``contact_by_rule(rule)``; or ``ab_test(arms)``:
customers go to arms by a stable hash of their id (``bucket``), each arm with its own
policy (a hold-out arm is ``"none"``). The model scores every customer every month
whatever the policy: where its score decided nothing, the prediction log says ``mode =
"shadow"`` (lesson 07's shadow month is ``policy="rule"``).

What an offer does (``economics``, by default ``CampaignEconomics()``): a contacted
customer who would otherwise leave within the next 3 months accepts with probability
``acceptance_rate`` (30 %) and stays for those 3 months (until their next review). So each
month's campaign is judged on its own, exactly as in ``churnlab.economics``: a contact
costs ``cost_per_contact`` ($10) and is worth ``acceptance × value`` ($60) when the
customer was going to leave. ``offer_backfire=0.02`` (off by default): 2 % of contacted
customers who would *not* have left leave that month, because the offer reminded them to
shop around.

The logs (what a product team would really have)
------------------------------------------------
Pandas tables; dates are ``datetime64[ns]`` at midnight. ``customers``, ``predictions``,
``outcomes`` and ``assignments`` have the same rows, keyed by ``(customer_id, month)``;
``contacts`` holds a subset of those keys.

- ``customers``: ``customer_id``, ``month`` (1, 2, …), ``month_start``,
  ``source_customer_id`` (the real customer whose profile it copies), then the data
  dictionary's columns as recorded that day (the data bug's empty cells included).
- ``predictions``: ``customer_id``, ``month``, ``scored_on``, ``churn_score`` (NaN when
  scoring failed), ``model_version``, ``latency_ms``, ``scoring_failed``, ``mode`` (``"live"``
  when the customer was up for review and their policy acted on the score, else
  ``"shadow"``). Latency is simulated: log-logistic, median ``LATENCY_MEDIAN_MS`` (40 ms),
  shape 4 (99th percentile about 125 ms); ``SCORING_FAILURE_RATE`` (0.2 %) of calls time
  out after ``SCORING_TIMEOUT_MS`` (1,000 ms) and get no score (a model policy never
  contacts them). It stands for the whole call (fetching features, network, model), so it
  is slower than timing ``model.predict_proba`` on one row.
- ``contacts``: ``customer_id``, ``month``, ``contacted_on``, ``arm``, ``policy``.
- ``outcomes``: ``customer_id``, ``month``, ``month_start``, ``churned_on`` (the day the
  customer left, whenever that was, if it is before ``labels_as_of``; else NaT),
  ``churned`` (1 if they left within the horizon after ``month_start``, else 0; ``<NA>``
  until ``label_known_on``), ``label_known_on``. Join predictions to outcomes on both
  ``customer_id`` and ``month``: on ``customer_id`` alone, a customer scored in 12 months
  gets 12 × 12 rows.
- ``assignments``: ``customer_id``, ``month``, ``arm`` (``"all customers"`` without an A/B
  test), ``up_for_review``.

The truth (what really happened: no team ever sees it)
------------------------------------------------------
- ``truth``, one row per month. All customers: ``customers``, ``new_customers``,
  ``left_this_month``, ``true_churn_probability`` (mean ``p``), ``churn_rate`` (share who
  left within the horizon: known here even while the logs wait for it),
  ``churn_rate_without_campaign`` (the same customers with the same luck and no offer),
  ``churners`` (would leave within the horizon unless an offer keeps them). The month's
  campaign, on the customers up for review: ``up_for_review``, ``churners_up_for_review``,
  ``customers_contacted``, ``churners_reached``, ``churners_saved``, ``lost_to_offer``,
  ``precision``, ``recall``, ``expected_profit`` (the ``churnlab.economics`` formula:
  acceptance × value × reached − cost × contacted) and ``realised_profit`` (value ×
  (saved − lost) − cost × contacted), in dollars. Also the knob settings in force,
  ``model_version``, ``scoring_failures`` and ``inputs_emptied``.
- ``truth_by_arm``, one row per month and arm, on the customers up for review (the only
  labels that month's offers touch): ``churn_rate``, ``churn_rate_without_campaign``,
  ``true_effect`` (their difference: the share of the arm's customers the campaign
  really kept, what an A/B test against a hold-out estimates), and the campaign columns.
- ``truth_by_customer``, per customer and month: ``arm``, ``true_churn_probability``,
  ``churner``, ``churned_without_campaign``, ``churned``, ``up_for_review``, ``contacted``,
  ``reached``, ``saved``, ``lost_to_offer``, ``input_emptied``.
- ``incidents`` (the knobs that are on) and ``settings`` (every argument and constant).

Seeds and speed
---------------
Every draw comes from ``numpy.random.default_rng`` seeded by (seed, stream, month, block
of 4,096 seats), so the same seed gives identical logs on every pandas and scikit-learn
version the course supports (scores differ only in float rounding). A change that starts
in month m (a knob, a new model) leaves months 1 to m − 1 identical, and two policies
meet the same luck. A year of 7,000 customers, scored by the course model, takes about
0.4 s on the course's 2-core machine: one ``predict_proba`` per month, the rest
vectorised. The first call of a session also loads the data and fits the course model
(``course_model()``, cached, shared with ``churnlab.exercises``).

Usage in the lessons
--------------------
Lesson 07, a shadow month (the rule is live, the model only scores)::

    shadow = world.simulate(months=1, seed=7, policy="rule", labels_as_of="2027-04-01")
    scored = shadow.predictions.merge(shadow.outcomes, on=["customer_id", "month"])
    world.calibration_table(shadow)                   # the model on a simulated month and on the test set

Lesson 07, an A/B test of model against rule with a hold-out; a broken bucketer; an A/A test::

    test = world.ab_test({"model": "model", "rule": "rule", "hold-out": "none"}, split=(45, 45, 10))
    ab = world.simulate(months=3, seed=7, policy=test, labels_as_of="2027-06-01")
    cohort = ab.assignments.query("up_for_review").merge(ab.outcomes, on=["customer_id", "month"])
    cohort.groupby("arm")["churned"].agg(["count", "mean"])        # what the test reads
    ab.truth_by_arm.groupby("arm")["true_effect"].mean()            # what was true
    srm = world.simulate(months=3, seed=7, policy=world.ab_test({"A": "rule", "B": "rule"}, misassigned=0.04))
    srm.assignments.query("month == 1")["arm"].value_counts()      # 50/50 planned; a chi-square test says otherwise
    aa = world.simulate(months=3, seed=7, policy=world.ab_test({"A": "rule", "B": "rule"}))
    days = aa.outcomes.merge(aa.assignments, on=["customer_id", "month"]).query("month == 1 and up_for_review")
    days.groupby(["churned_on", "arm"]).size().unstack().cumsum()  # churns accruing day by day: peek and see

Lesson 08, a year with four incidents, SQL over the logs, a retrained model::

    incidents = dict(promotion=400, promotion_from=3, price_rise=0.08, price_rise_from=5,
                     data_bug=0.3, data_bug_from=7, fiber_competitor=0.6, fiber_competitor_from=9)
    year = world.simulate(months=12, seed=8, **incidents)
    predictions, contacts, outcomes = year.predictions, year.contacts, year.outcomes
    import duckdb
    duckdb.sql("SELECT month, avg(churn_score) AS mean_score FROM predictions GROUP BY month ORDER BY month").df()
    year.incidents                                    # what was planted, to compare with what the panels found
    # retrain on what is known by month 8, swap it in from month 8 (months 1-7 stay identical):
    year2 = world.simulate(months=12, seed=8, **incidents, new_model=retrained, new_model_from=8, new_model_version="v2")

Lesson 09, the numbers of a product brief::

    year = world.simulate(months=12, seed=9)
    year.truth[["month", "customers_contacted", "churners_saved", "realised_profit"]]
    plots.plot_truth(year)
"""
from __future__ import annotations

import datetime as _datetime
import hashlib
import math
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.data import DATA_DICTIONARY, load_churn
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.model import FEATURES, course_split
from churnlab.model import course_model as _course_model
from churnlab.rules import RULES

__all__ = [
    "ABTest",
    "BURN_IN_MONTHS",
    "LAUNCH_DATE",
    "LATENCY_MEDIAN_MS",
    "PRICE_SENSITIVITY",
    "Policy",
    "SCORING_FAILURE_RATE",
    "SCORING_TIMEOUT_MS",
    "SimulatedMonths",
    "TENURE_CAP",
    "ab_test",
    "bucket",
    "calibration_table",
    "caption",
    "contact_by_model",
    "contact_by_rule",
    "contact_nobody",
    "contact_top_k",
    "course_model",
    "simulate",
    "truth_probability",
    "truth_weights",
]

# --- the world's fixed numbers (the datasheet explains each) -------------------------------------------

LAUNCH_DATE = "2027-01-01"  # month 1 starts here
BURN_IN_MONTHS = 48  # months run before launch (business as usual: the month-to-month rule), so launch day is stable
TENURE_CAP = 72  # the real data's maximum: tenure stops growing there
NEW_CUSTOMER_TENURE = 1  # a new customer's tenure on their first 1st of the month (billed once)
NEW_CUSTOMER_MAX_TENURE = 6  # promotion profiles: real month-to-month customers with at most this tenure
PRICE_SENSITIVITY = 2.0  # a price rise of x multiplies the monthly hazard by 1 + 2x (made up)
HAZARD_CAP = 0.95  # no customer leaves with certainty in a month
LATENCY_MEDIAN_MS = 40.0
LATENCY_SHAPE = 4.0  # log-logistic: P(latency > t) = 1 / (1 + (t / median) ** shape)
SCORING_FAILURE_RATE = 0.002
SCORING_TIMEOUT_MS = 1000.0
DEFAULT_SEED = 1
_BLOCK = 4096  # seats per random block: a seat's draws never depend on how many seats there are
_NO_COVER = -(10**6)
ALL_CUSTOMERS = "all customers"
_DATA_BUG_COLUMNS = ("total_charges", "monthly_charges")
_STREAMS = {"start": 0, "burn-in": 1, "churn": 2, "day": 3, "accept": 4, "backfire": 5, "latency": 6,
            "failure": 7, "bug": 8, "promotion": 9, "review": 10, "burn-in offer": 11}
_MONTH_OFFSET = 1000  # spawn keys must be >= 0; burn-in months are <= 0

# The truth: a logistic regression of the course model's shape fitted on all 7,043 real customers
# (make_churn_model().fit on features_and_label(load_churn())), written in natural units: log-odds per
# unit of each number (per month of tenure, per dollar) and per category. tests/test_world.py refits
# it and checks these numbers. p = 1 / (1 + exp(-(intercept + sum of weights))).
TRUTH_INTERCEPT = 0.96143
TRUTH_NUMBER_WEIGHTS = {
    "senior_citizen": 0.21469,
    "partner": -0.0033482,
    "dependents": -0.15365,
    "tenure": -0.058003,
    "phone_service": -0.079511,
    "paperless_billing": 0.34343,
    "monthly_charges": -0.011407,
    "total_charges": 0.00030171,
}
TRUTH_CATEGORY_WEIGHTS = {
    "multiple_lines": {"No": -0.3460, "No phone service": -0.0338, "Yes": -0.0413},
    "internet_service": {"DSL": -0.5852, "Fiber optic": 0.4478, "No": -0.2837},
    "online_security": {"No": 0.1043, "No internet service": -0.2837, "Yes": -0.2418},
    "online_backup": {"No": -0.0114, "No internet service": -0.2837, "Yes": -0.1261},
    "device_protection": {"No": -0.0708, "No internet service": -0.2837, "Yes": -0.0667},
    "tech_support": {"No": 0.0933, "No internet service": -0.2837, "Yes": -0.2308},
    "streaming_tv": {"No": -0.2215, "No internet service": -0.2837, "Yes": 0.0840},
    "streaming_movies": {"No": -0.2277, "No internet service": -0.2837, "Yes": 0.0902},
    "contract": {"Month-to-month": 0.5362, "One year": -0.1268, "Two year": -0.8306},
    "payment_method": {"Bank transfer (automatic)": -0.1476, "Credit card (automatic)": -0.2358,
                       "Electronic check": 0.1598, "Mailed check": -0.1976},
}
_DYNAMIC = ("tenure", "monthly_charges", "total_charges")  # the numbers that change month to month
_UNITS = {"tenure": "per month", "monthly_charges": "per dollar a month", "total_charges": "per dollar"}


# --- the real data, prepared once ----------------------------------------------------------------------


@cache
def _real():
    """The real customers, their profile columns, static truth log-odds and the promotion pool."""
    customers = load_churn()
    columns = [c.name for c in DATA_DICTIONARY if c.name not in ("customer_id", "churn")]
    static = np.full(len(customers), TRUTH_INTERCEPT)
    for name, weight in TRUTH_NUMBER_WEIGHTS.items():
        if name not in _DYNAMIC:
            static = static + weight * customers[name].to_numpy(dtype=float)
    for name, weights in TRUTH_CATEGORY_WEIGHTS.items():
        static = static + customers[name].map(weights).to_numpy(dtype=float)
    new_month_to_month = np.flatnonzero(
        customers["contract"].eq("Month-to-month").to_numpy()
        & customers["tenure"].between(1, NEW_CUSTOMER_MAX_TENURE).to_numpy()
    )
    return {
        "ids": customers["customer_id"].to_numpy(dtype=object),
        "profiles": customers[columns].reset_index(drop=True),
        "columns": columns,
        "static": static,
        "monthly": customers["monthly_charges"].to_numpy(dtype=float),
        "tenure": customers["tenure"].to_numpy(dtype=np.int64),
        "total": customers["total_charges"].fillna(0.0).to_numpy(dtype=float),
        "fiber": customers["internet_service"].eq("Fiber optic").to_numpy(),
        "promotion_pool": new_month_to_month,
    }


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _truth_logit(static, tenure, monthly, total):
    return (static + TRUTH_NUMBER_WEIGHTS["tenure"] * tenure + TRUTH_NUMBER_WEIGHTS["monthly_charges"] * monthly
            + TRUTH_NUMBER_WEIGHTS["total_charges"] * total)


# --- seeded draws -----------------------------------------------------------------------------------------


def _draws(seed: int, stream: str, month: int, n: int) -> np.ndarray:
    """n uniforms in [0, 1) for seats 0..n-1 in one month: seat i's draw depends only on (seed, stream, month, i)."""
    blocks = [
        np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAMS[stream], month + _MONTH_OFFSET, b))).random(_BLOCK)
        for b in range(-(-n // _BLOCK))
    ]
    return np.concatenate(blocks)[:n] if blocks else np.empty(0)


# --- calendar -----------------------------------------------------------------------------------------------


def _month_start(month) -> np.ndarray:
    """The 1st of simulated month ``month`` (1 = January 2027) as datetime64[D]."""
    return (np.datetime64(LAUNCH_DATE[:7], "M") + (np.asarray(month) - 1)).astype("datetime64[D]")


def _as_ns(days) -> np.ndarray:
    return np.asarray(days).astype("datetime64[ns]")


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")  # written out: strftime's %B follows the machine's language


def _month_label(month: int) -> str:
    start = pd.Timestamp(_month_start(month))
    return f"{_MONTH_NAMES[start.month - 1]} {start.year}"


# --- policies -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """Who a month's campaign contacts. Make one with ``contact_nobody()``, ``contact_by_rule()``,
    ``contact_by_model()`` or ``contact_top_k()``; ``simulate`` also takes "none", "rule" and "model"."""

    kind: str  # "none", "rule", "model" or "top_k"
    rule: str = ""
    threshold: float | None = None  # None: the break-even threshold of the simulation's economics
    k: int = 0

    @property
    def uses_model(self) -> bool:
        return self.kind in ("model", "top_k")

    def name(self, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> str:
        if self.kind == "none":
            return "no campaign"
        if self.kind == "rule":
            return f"rule: {self.rule}"
        if self.kind == "top_k":
            return f"top {self.k:,} model scores"
        return f"model score >= {self.cut(economics):.3f}"

    def cut(self, economics: CampaignEconomics) -> float:
        return economics.break_even_probability if self.threshold is None else self.threshold


@dataclass(frozen=True)
class ABTest:
    """An A/B test: arms (name -> policy), the share of the 100 buckets each gets, and the hashing salt.
    Make one with ``ab_test()``."""

    arms: tuple  # ((name, Policy), ...)
    buckets: tuple  # buckets per arm, summing to 100
    salt: str = "churn-lab-ab"
    misassigned: float = 0.0
    assign: object = None  # a learner's own assignment: customer ids (Series) -> arm names

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.arms]


_POLICY_WORDS = {"none": "contact_nobody()", "rule": "contact_by_rule()", "model": "contact_by_model()"}


def _rule_names() -> list[str]:
    return [name for name in RULES if name != "risk_points"]


def _checked_threshold(threshold) -> float | None:
    if threshold is None:
        return None
    value = validate.number(threshold, "threshold", example="0.2")
    if not 0 <= value <= 1:
        raise CourseError(f"threshold is {value:g}; a model score is between 0 and 1, so use a threshold like 0.2."
                          + validate.percentage_hint(value))
    return value


@course_function
def contact_nobody() -> Policy:
    """A policy that contacts nobody: no campaign (a hold-out arm, or the world before any campaign)."""
    return Policy("none")


@course_function
def contact_by_rule(rule: str = "month_to_month") -> Policy:
    """A policy that contacts the customers a rule of ``churnlab.rules`` flags (default: every month-to-month customer).

    ``rule``: ``"month_to_month"``, ``"month_to_month_and_new"`` or ``"risk_points_at_least_3"``.
    """
    if rule == "risk_points":
        raise CourseError("rule 'risk_points' gives a score from 0 to 5, not a yes/no: use 'risk_points_at_least_3' "
                          "(contact customers with 3 or more risk points).")
    return Policy("rule", rule=validate.one_of(rule, "rule", _rule_names()))


@course_function
def contact_by_model(threshold: float | None = None) -> Policy:
    """A policy that contacts customers whose model score is at or above ``threshold``.

    By default the threshold is the break-even probability of the simulation's
    ``economics`` (1/6 ≈ 0.167 with the course's $200 / 30 % / $10). Customers whose
    scoring failed have no score and are not contacted.
    """
    return Policy("model", threshold=_checked_threshold(threshold))


@course_function
def contact_top_k(k: int) -> Policy:
    """A policy that contacts the ``k`` customers with the highest model scores each month (within each arm of an A/B test).

    Ties are broken by the order of the customer table; customers without a score are never chosen.
    """
    return Policy("top_k", k=validate.whole_number(k, "k", low=0, example="500"))


def _policy(value, name: str = "policy", allow_test: bool = True):
    if isinstance(value, Policy) or (allow_test and isinstance(value, ABTest)):
        return value
    if isinstance(value, ABTest):
        raise CourseError(f"{name} is an A/B test; an arm needs one policy, like 'model', 'rule' or 'none'.")
    if isinstance(value, str):
        word = value.strip().lower()
        if word not in _POLICY_WORDS:
            if word in ("top_k", "top-k", "topk", "top k"):
                raise CourseError(f"{name} 'top_k' needs a number of customers: use world.contact_top_k(k=500).")
            validate.one_of(value, name, list(_POLICY_WORDS))
        return {"none": Policy("none"), "rule": Policy("rule", rule="month_to_month"), "model": Policy("model")}[word]
    if isinstance(value, dict):
        raise CourseError(f"{name} is a dictionary: for arms with their own policies, wrap it in world.ab_test({{...}}).")
    tests = " or world.ab_test({...})" if allow_test else ""
    raise CourseError(f"{name} should be 'none', 'rule', 'model', or a policy made by world.contact_by_model(...), "
                      f"world.contact_top_k(...), world.contact_by_rule(...){tests}, not {validate.kind_of(value)}.")


def _checked_split(split, count: int) -> tuple:
    if split is None:
        base, extra = divmod(100, count)
        return tuple(base + (1 if i < extra else 0) for i in range(count))
    if isinstance(split, (str, bytes, dict)) or not hasattr(split, "__len__"):
        raise CourseError(f"split should list one share per arm, like (50, 50) or (45, 45, 10), not {validate.kind_of(split)}.")
    if len(split) != count:
        raise CourseError(f"split has {len(split)} shares but there are {count} arms: give one share per arm, in the "
                          "order of the arms.")
    shares = [validate.number(s, "each share in split", low=0, example="50") for s in split]
    total = sum(shares)
    if math.isclose(total, 1.0):
        shares = [s * 100 for s in shares]
    elif not math.isclose(total, 100.0):
        raise CourseError(f"split adds up to {total:g}; the shares must add up to 100 (percent), like (45, 45, 10).")
    if any(not math.isclose(s, round(s)) for s in shares):
        raise CourseError("split works in whole percents (100 buckets): use shares like (45, 45, 10).")
    if any(round(s) == 0 for s in shares):
        raise CourseError("every arm in split needs at least 1 % of customers.")
    return tuple(int(round(s)) for s in shares)


@course_function
def ab_test(arms: dict, split=None, salt: str = "churn-lab-ab", misassigned: float = 0.0, assign=None) -> ABTest:
    """An A/B test to pass as ``simulate(policy=...)``: each arm gets its own policy.

    ``arms``: arm name -> policy, e.g. ``{"model": "model", "rule": "rule", "hold-out": "none"}``
    (an A/A test: two arms with the same policy). ``split``: each arm's percent of
    customers, in the arms' order (default: equal). Customers go to arms by
    ``bucket(customer_id, salt)``: a stable hash into 100 buckets, so a customer stays in
    their arm month after month, and new customers are spread like the others.

    To plant a **sample-ratio mismatch**: ``misassigned=0.05`` makes the bucketer silently
    move 5 % of the last arm's customers into the first arm (and the logs record them there).
    Or pass ``assign``, your own function from a Series of customer ids to a list of arm
    names (called every month on the month's customers).
    """
    if not isinstance(arms, dict):
        raise CourseError(f"arms should be a dictionary of arm name -> policy, like {{'model': 'model', 'hold-out': 'none'}}, "
                          f"not {validate.kind_of(arms)}.")
    if len(arms) < 2:
        raise CourseError("an A/B test needs at least two arms, like {'model': 'model', 'hold-out': 'none'}.")
    checked = []
    for arm_name, policy in arms.items():
        arm_name = validate.text(arm_name, "each arm's name", example="'hold-out'")
        checked.append((arm_name, _policy(policy, f"the policy of arm {arm_name!r}", allow_test=False)))
    buckets = _checked_split(split, len(checked))
    salt = validate.text(salt, "salt", example="'churn-lab-ab'")
    moved = validate.fraction(misassigned, "misassigned", example="0.05")
    if assign is not None and not callable(assign):
        raise CourseError(f"assign should be a function from customer ids to arm names (or None), not {validate.kind_of(assign)}.")
    return ABTest(tuple(checked), buckets, salt, moved, assign)


def _bucket_numbers(ids, salt: str) -> np.ndarray:
    return np.array([int.from_bytes(hashlib.sha256(f"{salt}:{i}".encode()).digest()[:8], "big") % 100 for i in ids],
                    dtype=np.int64)


@course_function
def bucket(customer_ids, salt: str = "churn-lab-ab") -> pd.Series:
    """Each customer's A/B bucket, 0 to 99: the first 8 bytes of SHA-256(``salt`` + ":" + id), modulo 100.

    The same id and salt always give the same bucket, so a customer stays in their arm
    month after month; a new salt reshuffles everyone (a new experiment).
    """
    salt = validate.text(salt, "salt", example="'churn-lab-ab'")
    if isinstance(customer_ids, str) or customer_ids is None or np.ndim(customer_ids) != 1:
        raise CourseError(f"customer_ids should be a list or column of customer ids, like year.customers['customer_id'], "
                          f"not {validate.kind_of(customer_ids)}.")
    values = pd.Series(customer_ids)
    if values.isna().any():
        raise CourseError("customer_ids has empty values; every customer needs an id.")
    index = customer_ids.index if isinstance(customer_ids, pd.Series) else None
    return pd.Series(_bucket_numbers(values.astype(str).tolist(), salt), index=index, name="bucket")


# --- models -------------------------------------------------------------------------------------------------


@course_function
def course_model(C: float = 1.0):
    """The course model (``make_churn_model(C)`` trained on the course split's training customers), fitted once per session.

    The same cached object as ``churnlab.model.course_model``: a notebook that
    uses both pays for one fit.
    """
    value = validate.number(C, "C", example="1.0")
    if value <= 0:
        raise CourseError(f"C is {value:g}; it must be above 0 (smaller C, simpler model), like 1.0.")
    return _course_model(value)


def _model_columns(model, name: str) -> list[str]:
    columns = [str(c) for c in getattr(model, "feature_names_in_", FEATURES)]
    known = set(_real()["columns"])
    missing = [c for c in columns if c not in known]
    if missing:
        raise CourseError(f"{name} was trained on a column the customer table does not have ({missing[0]!r}). "
                          "Train it on the course's columns (churnlab.model.FEATURES), e.g. on year.customers.")
    return columns


def _checked_model(model, name: str):
    model = validate.fitted_model(model, name)
    columns = _model_columns(model, name)
    sample = _real()["profiles"].loc[:4, columns]
    try:
        scores = np.asarray(model.predict_proba(sample))
    except Exception as error:  # a model that cannot score the course's table: say so in the learner's words
        raise CourseError(f"{name} could not score customers of the course's table ({type(error).__name__}: {error}). "
                          "Pass a model trained on the course's columns, like make_churn_model().fit(X_train, y_train).") from None
    if scores.ndim != 2 or scores.shape[1] != 2:
        raise CourseError(f"{name} should predict two columns (stay, churn) with predict_proba, like a scikit-learn classifier.")
    return model, columns


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


# --- the simulation -----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SimulatedMonths:
    """What ``simulate`` returns: the logs a team would have, and the truth behind them (all simulated).

    Logs: ``customers``, ``predictions``, ``contacts``, ``outcomes``, ``assignments``.
    Truth: ``truth`` (per month), ``truth_by_arm``, ``truth_by_customer``, ``incidents``,
    ``settings``. The module docstring (``help(world)``) lists every column.
    """

    customers: pd.DataFrame
    predictions: pd.DataFrame
    contacts: pd.DataFrame
    outcomes: pd.DataFrame
    assignments: pd.DataFrame
    truth: pd.DataFrame
    truth_by_arm: pd.DataFrame
    truth_by_customer: pd.DataFrame
    incidents: pd.DataFrame
    settings: dict
    _models: dict = field(default_factory=dict, repr=False)

    @property
    def caption(self) -> str:
        return self.settings["caption"]

    def __repr__(self) -> str:
        s = self.settings
        rows = len(self.customers)
        return (f"{s['caption']}\n"
                f"  {s['months']} months ({_month_label(1)} to {_month_label(s['months'])}), {rows:,} customer-months, "
                f"policy: {s['policy']}\n"
                "  logs: customers, predictions, contacts, outcomes, assignments\n"
                "  truth: truth, truth_by_arm, truth_by_customer, incidents, settings")


def _simulated(table: pd.DataFrame, caption_text: str) -> pd.DataFrame:
    table.attrs["simulated"] = True
    table.attrs["caption"] = caption_text
    return table


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
    plan = _policy(policy)
    if not isinstance(economics, CampaignEconomics):
        raise CourseError(f"economics should be a CampaignEconomics(...), not {validate.kind_of(economics)}. "
                          "Example: CampaignEconomics(value_of_saved_customer=200, acceptance_rate=0.3, cost_per_contact=10).")
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
    model_version = validate.text(model_version, "model_version", example="'v1'")
    first_model, first_columns = _checked_model(course_model() if model is None else model, "model")
    swap = None
    if new_model is not None or new_model_from is not None:
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
        swap = (swap_from, new_model_version) + _checked_model(new_model, "new_model")
    last_day = _month_start(months + horizon)
    as_of = _month_start(months + 1) if labels_as_of is None else _checked_date(labels_as_of, "labels_as_of")
    if as_of > last_day:
        raise CourseError(f"labels_as_of is {as_of}, but this simulation only runs until {last_day} (months + horizon). "
                          f"Pass a date up to {last_day}, or simulate more months.")
    return _run(months=months, seed=seed, seats=seats, plan=plan, economics=economics, horizon=horizon, as_of=as_of,
                models=(model_version, first_model, first_columns), swap=swap, promotion=promotion, price_rise=price_rise,
                fiber_competitor=fiber_competitor, data_bug=data_bug, data_bug_column=data_bug_column,
                offer_backfire=offer_backfire, starts=starts)


def _caption(seed: int, months: int) -> str:
    return (f"Simulated data (churn lab world, seed {seed}): {months} month{'s' if months != 1 else ''} after a launch on "
            f"1 {_month_label(1)}. Not real customers.")


def _customer_ids(numbers_: np.ndarray) -> np.ndarray:
    return np.array([f"S{k:06d}" for k in numbers_.tolist()], dtype=object)


_BUCKETS: dict = {}  # salt -> bucket of each customer number (S000001 is number 1), -1 until hashed


def _buckets_of(numbers_: np.ndarray, salt: str) -> np.ndarray:
    """``_bucket_numbers`` of the customers numbered ``numbers_``, each id hashed once per session (ids recur every month)."""
    known = _BUCKETS.get(salt, np.empty(0, dtype=np.int64))
    size = int(numbers_.max()) + 1 if len(numbers_) else 0
    if len(known) < size:  # grow the table to the newest customer number
        known = np.concatenate([known, np.full(size - len(known), -1, dtype=np.int64)])
        _BUCKETS[salt] = known
    new = np.unique(numbers_[known[numbers_] < 0])
    if len(new):
        known[new] = _bucket_numbers(_customer_ids(new), salt)
    return known[numbers_]


def _arms_of(plan, numbers_: np.ndarray, month: int) -> np.ndarray:
    """Arm name per customer this month."""
    if isinstance(plan, Policy):
        return np.full(len(numbers_), ALL_CUSTOMERS, dtype=object)
    names = plan.names
    ids_text = _customer_ids(numbers_) if plan.assign is not None else None
    if plan.assign is not None:
        try:
            chosen = plan.assign(pd.Series(ids_text, name="customer_id"))
        except CourseError:
            raise
        except Exception as error:
            raise CourseError(f"your assign function failed in month {month} ({type(error).__name__}: {error}). It gets a "
                              "Series of customer ids and must return one arm name per id.") from None
        chosen = np.asarray(chosen, dtype=object)
        if chosen.shape != (len(ids_text),):
            raise CourseError(f"your assign function returned {chosen.size:,} values for {len(ids_text):,} customers in month "
                              f"{month}: it must return one arm name per customer id.")
        unknown = sorted({str(a) for a in chosen} - set(names))
        if unknown:
            raise CourseError(f"your assign function returned the arm {unknown[0]!r}, which is not one of the test's arms "
                              f"({', '.join(map(repr, names))}).")
        return chosen
    arm_index = np.searchsorted(np.cumsum(plan.buckets), _buckets_of(numbers_, plan.salt), side="right")
    if plan.misassigned > 0:
        last = len(names) - 1
        moved = _buckets_of(numbers_, plan.salt + ":misassigned")
        arm_index = np.where((arm_index == last) & (moved < plan.misassigned * 100), 0, arm_index)
    return np.asarray(names, dtype=object)[arm_index]


def _decide(policy: Policy, members: np.ndarray, scores: np.ndarray, inputs: pd.DataFrame, rule_flags: dict,
            economics: CampaignEconomics) -> np.ndarray:
    contacted = np.zeros(len(members), dtype=bool)
    if policy.kind == "none" or not members.any():
        return contacted
    if policy.kind == "rule":
        if policy.rule not in rule_flags:
            rule_flags[policy.rule] = RULES[policy.rule](inputs).to_numpy().astype(bool)
        return members & rule_flags[policy.rule]
    scored = members & ~np.isnan(scores)
    if policy.kind == "model":
        return scored & (np.nan_to_num(scores, nan=-1.0) >= policy.cut(economics))
    candidates = np.flatnonzero(scored)
    chosen = candidates[np.argsort(-scores[candidates], kind="stable")[: policy.k]]
    contacted[chosen] = True
    return contacted


def _run(*, months, seed, seats, plan, economics, horizon, as_of, models, swap, promotion, price_rise, fiber_competitor,
         data_bug, data_bug_column, offer_backfire, starts):
    real = _real()
    total_months = months + horizon - 1
    caption_text = _caption(seed, months)

    # Launch day: a third of customers come up for review in each of months 1-3; new customers in their first month.
    profile, tenure, total_base, next_review, covered = _burn_in(seed, seats, horizon)
    monthly_base = real["monthly"][profile]
    total_seen = total_base.copy()
    number = np.arange(1, seats + 1, dtype=np.int64)  # the occupant's customer number (S000001 …)
    next_number = seats + 1
    left_last_month = np.zeros(seats, dtype=bool)
    joined = np.zeros(seats, dtype=bool)
    leavers = []  # per month: (customer numbers, month, day offset within the month)

    def price_factor(month):
        return 1.0 + price_rise if (price_rise and month >= starts["price_rise"]) else 1.0

    def hazard_multiplier(month, fiber):
        factor = 1.0 + PRICE_SENSITIVITY * price_rise if (price_rise and month >= starts["price_rise"]) else 1.0
        if fiber_competitor and month >= starts["fiber_competitor"]:
            return factor * np.where(fiber, 1.0 + fiber_competitor, 1.0)
        return np.full(len(fiber), factor)

    arms_policies = dict(plan.arms) if isinstance(plan, ABTest) else {ALL_CUSTOMERS: plan}
    records = []
    for month in range(1, total_months + 1):
        # New customers take the seats of last month's leavers, then the promotion's new seats open.
        if month > 1:
            fresh = np.flatnonzero(left_last_month)
            number[fresh] = np.arange(next_number, next_number + len(fresh))
            next_number += len(fresh)
            tenure[fresh] = NEW_CUSTOMER_TENURE
            total_base[fresh] = monthly_base[fresh]
            total_seen[fresh] = np.round(monthly_base[fresh] * price_factor(month - 1), 2)
            covered[fresh] = _NO_COVER
            next_review[fresh] = month
            joined = left_last_month.copy()
        if promotion and month >= starts["promotion"]:
            pool = real["promotion_pool"]
            picks = pool[np.minimum((_draws(seed, "promotion", month, promotion) * len(pool)).astype(np.int64), len(pool) - 1)]
            profile = np.concatenate([profile, picks])
            monthly_base = np.concatenate([monthly_base, real["monthly"][picks]])
            tenure = np.concatenate([tenure, np.full(promotion, NEW_CUSTOMER_TENURE)])
            total_base = np.concatenate([total_base, real["monthly"][picks]])
            total_seen = np.concatenate([total_seen, np.round(real["monthly"][picks] * price_factor(month - 1), 2)])
            covered = np.concatenate([covered, np.full(promotion, _NO_COVER)])
            next_review = np.concatenate([next_review, np.full(promotion, month)])
            number = np.concatenate([number, np.arange(next_number, next_number + promotion)])
            next_number += promotion
            joined = np.concatenate([joined, np.ones(promotion, dtype=bool)])
        n = len(profile)
        static, fiber = real["static"][profile], real["fiber"][profile]

        # What the customer table says on the 1st, and what the model reads (the data bug empties a column).
        shown_tenure = np.minimum(tenure, TENURE_CAP)
        monthly_seen = np.round(monthly_base * price_factor(month), 2)
        emptied = np.zeros(n, dtype=bool)
        if data_bug and month >= starts["data_bug"]:
            emptied = _draws(seed, "bug", month, n) < data_bug
        inputs = real["profiles"].take(profile).reset_index(drop=True)
        inputs["tenure"] = shown_tenure
        inputs["monthly_charges"] = monthly_seen
        inputs["total_charges"] = total_seen
        if emptied.any():
            inputs[data_bug_column] = inputs[data_bug_column].where(~emptied)

        # The truth over the horizon: the monthly hazard each month if the customer stays, and the luck that decides.
        hazards, leaves = [], []
        for ahead in range(horizon):
            future = month + ahead
            p = _expit(_truth_logit(static, np.minimum(tenure + ahead, TENURE_CAP), monthly_base,
                                    total_base + ahead * monthly_base))
            hazard = np.minimum((1 - (1 - p) ** (1 / horizon)) * hazard_multiplier(future, fiber), HAZARD_CAP)
            hazards.append(hazard)
            leaves.append(_draws(seed, "churn", future, n) < hazard)
        hazards, leaves = np.array(hazards), np.array(leaves)
        true_probability = 1 - np.prod(1 - hazards, axis=0)
        window = month + np.arange(horizon)[:, None]
        churner = (leaves & (window > covered[None, :])).any(axis=0)
        without_campaign = leaves.any(axis=0)

        # The model scores everyone; some calls fail; latency is simulated.
        version, scorer, columns = models
        if swap is not None and month >= swap[0]:
            version, scorer, columns = swap[1], swap[2], swap[3]
        try:
            scores = np.asarray(scorer.predict_proba(inputs[columns]))[:, 1].astype(float)
        except Exception as error:
            raise CourseError(f"model {version!r} could not score the customers of month {month} "
                              f"({type(error).__name__}: {error}).") from None
        failed = _draws(seed, "failure", month, n) < SCORING_FAILURE_RATE
        scores[failed] = np.nan
        u = np.clip(_draws(seed, "latency", month, n), 1e-9, 1 - 1e-9)
        latency = np.where(failed, SCORING_TIMEOUT_MS, np.round(LATENCY_MEDIAN_MS * (u / (1 - u)) ** (1 / LATENCY_SHAPE), 1))

        # The campaign.
        arms = _arms_of(plan, number, month)
        reviewed = next_review == month
        next_review = np.where(reviewed, month + horizon, next_review)
        contacted = np.zeros(n, dtype=bool)
        live = np.zeros(n, dtype=bool)
        rule_flags: dict = {}
        for arm_name, arm_policy in arms_policies.items():
            members = (arms == arm_name) & reviewed
            contacted |= _decide(arm_policy, members, scores, inputs, rule_flags, economics)
            if arm_policy.uses_model:
                live |= members
        accepted = contacted & (_draws(seed, "accept", month, n) < economics.acceptance_rate)
        reached = contacted & churner
        saved = reached & accepted
        covered = np.where(accepted, np.maximum(covered, month + horizon - 1), covered)
        lost = np.zeros(n, dtype=bool)
        if offer_backfire:
            lost = contacted & ~churner & (_draws(seed, "backfire", month, n) < offer_backfire)
        leaves_now = (leaves[0] & (month > covered)) | lost
        start = _month_start(month)
        days = int((_month_start(month + 1) - start).astype(int))
        day = np.floor(_draws(seed, "day", month, n) * days).astype(np.int64)
        leavers.append((number[leaves_now], month, day[leaves_now]))

        if month <= months:
            records.append(dict(
                month=month, number=number.copy(), profile=profile.copy(), inputs=inputs, scores=scores, failed=failed,
                latency=latency, version=version, live=live, arms=arms, reviewed=reviewed, contacted=contacted,
                reached=reached, saved=saved,
                lost=lost, churner=churner, without_campaign=without_campaign, true_probability=true_probability,
                emptied=emptied, joined=joined.copy(), left=leaves_now.copy(),
            ))

        # The month ends: leavers' seats free up; everyone else gains a month and a bill.
        left_last_month = leaves_now
        tenure = tenure + 1
        total_base = np.round(total_base + monthly_base, 2)
        total_seen = np.round(total_seen + monthly_seen, 2)

    return _assemble(records, leavers, next_number, months=months, seed=seed, plan=plan, economics=economics, horizon=horizon,
                     as_of=as_of, caption_text=caption_text, arms_policies=arms_policies, models=models, swap=swap,
                     knobs=dict(promotion=promotion, price_rise=price_rise, fiber_competitor=fiber_competitor,
                                data_bug=data_bug, data_bug_column=data_bug_column, offer_backfire=offer_backfire,
                                starts=starts, seats=seats))


def _plan_name(plan, economics) -> str:
    if isinstance(plan, Policy):
        return plan.name(economics)
    return "A/B test: " + " / ".join(f"{name} ({share} %: {policy.name(economics)})"
                                      for (name, policy), share in zip(plan.arms, plan.buckets))


def _assemble(records, leavers, next_number, *, months, seed, plan, economics, horizon, as_of, caption_text, arms_policies,
              models, swap, knobs):
    real = _real()
    cat = np.concatenate
    month = cat([np.full(len(r["number"]), r["month"]) for r in records])
    number = cat([r["number"] for r in records])
    ids = _customer_ids(np.arange(next_number))[number]
    month_start = _month_start(month)

    customers = pd.concat([r["inputs"] for r in records], ignore_index=True)
    customers.insert(0, "source_customer_id", real["ids"][cat([r["profile"] for r in records])])
    customers.insert(0, "month_start", _as_ns(month_start))
    customers.insert(0, "month", month)
    customers.insert(0, "customer_id", ids)

    scores = cat([r["scores"] for r in records])
    failed = cat([r["failed"] for r in records])
    live = cat([r["live"] for r in records])
    predictions = pd.DataFrame({
        "customer_id": ids, "month": month, "scored_on": _as_ns(month_start), "churn_score": scores,
        "model_version": cat([np.full(len(r["number"]), r["version"], dtype=object) for r in records]),
        "latency_ms": cat([r["latency"] for r in records]), "scoring_failed": failed,
        "mode": np.where(live, "live", "shadow").astype(object),
    })

    arms = cat([r["arms"] for r in records])
    contacted = cat([r["contacted"] for r in records])
    policy_names = {name: policy.name(economics) for name, policy in arms_policies.items()}
    contacts = pd.DataFrame({
        "customer_id": ids[contacted], "month": month[contacted], "contacted_on": _as_ns(month_start[contacted]),
        "arm": arms[contacted], "policy": np.array([policy_names[a] for a in arms[contacted]], dtype=object),
    })
    reviewed = cat([r["reviewed"] for r in records])
    assignments = pd.DataFrame({"customer_id": ids, "month": month, "arm": arms, "up_for_review": reviewed})

    # Outcomes: the day each customer left (if they did, within the simulated time), and the label once final.
    never = np.iinfo(np.int64).max // 2
    month_left = np.full(next_number, never, dtype=np.int64)
    day_left = np.zeros(next_number, dtype=np.int64)
    for numbers_, left_month, days in leavers:
        month_left[numbers_] = left_month
        day_left[numbers_] = days
    leave_month, has_left = month_left[number], month_left[number] < never
    left_on = _month_start(np.where(has_left, leave_month, 1)) + day_left[number]
    label = (leave_month < month + horizon).astype(np.int64)
    label_known_on = _month_start(month + horizon)
    known = label_known_on <= as_of
    shown_left_on = np.where(has_left & (left_on < as_of), left_on, np.datetime64("NaT", "D"))
    outcomes = pd.DataFrame({
        "customer_id": ids, "month": month, "month_start": _as_ns(month_start), "churned_on": _as_ns(shown_left_on),
        "churned": pd.arrays.IntegerArray(label, ~known), "label_known_on": _as_ns(label_known_on),
    })

    reached = cat([r["reached"] for r in records])
    saved = cat([r["saved"] for r in records])
    lost = cat([r["lost"] for r in records])
    churner = cat([r["churner"] for r in records])
    without = cat([r["without_campaign"] for r in records])
    true_probability = cat([r["true_probability"] for r in records])
    emptied = cat([r["emptied"] for r in records])
    truth_by_customer = pd.DataFrame({
        "customer_id": ids, "month": month, "arm": arms, "true_churn_probability": true_probability,
        "churner": churner.astype(np.int64), "churned_without_campaign": without.astype(np.int64), "churned": label,
        "up_for_review": reviewed, "contacted": contacted, "reached": reached, "saved": saved, "lost_to_offer": lost,
        "input_emptied": emptied,
    })

    value, cost, acceptance = economics.value_of_saved_customer, economics.cost_per_contact, economics.acceptance_rate
    frame = pd.DataFrame({"month": month, "arm": arms, "p": true_probability, "churned": label, "without": without,
                          "churner": churner, "reviewed": reviewed, "contacted": contacted, "reached": reached, "saved": saved,
                          "lost": lost})

    def everyone(groups) -> pd.DataFrame:
        g = frame.groupby(groups, sort=True)
        return pd.DataFrame({
            "customers": g.size(),
            "true_churn_probability": g["p"].mean(),
            "churn_rate": g["churned"].mean(),
            "churn_rate_without_campaign": g["without"].mean(),
            "churners": g["churner"].sum().astype(np.int64),
        })

    def campaign(groups) -> pd.DataFrame:
        """What the month's campaign did: on the customers up for review (the only ones it can contact)."""
        g = frame[frame["reviewed"]].groupby(groups, sort=True)
        out = pd.DataFrame({
            "churners_up_for_review": g["churner"].sum(),
            "customers_contacted": g["contacted"].sum(),
            "churners_reached": g["reached"].sum(),
            "churners_saved": g["saved"].sum(),
            "lost_to_offer": g["lost"].sum(),
        }).astype(np.int64)
        contacted_, churners_ = out["customers_contacted"], out["churners_up_for_review"]
        out["precision"] = (out["churners_reached"] / contacted_.where(contacted_ > 0)).fillna(0.0)
        out["recall"] = (out["churners_reached"] / churners_.where(churners_ > 0)).fillna(0.0)
        out["expected_profit"] = acceptance * value * out["churners_reached"] - cost * contacted_
        out["realised_profit"] = value * (out["churners_saved"] - out["lost_to_offer"]) - cost * contacted_
        return out

    by_month = everyone("month").join(campaign("month")).reset_index()
    by_month.insert(by_month.columns.get_loc("churners_up_for_review"), "up_for_review",
                    frame.groupby("month")["reviewed"].sum().to_numpy().astype(np.int64))
    starts = knobs["starts"]

    def on(name, m):
        return bool(knobs[name]) and m >= starts[name]

    month_numbers = np.arange(1, months + 1)
    truth = pd.DataFrame({
        "month": month_numbers,
        "calendar_month": [f"{pd.Timestamp(_month_start(m)):%Y-%m}" for m in month_numbers],
        "model_version": [r["version"] for r in records],
        "promotion": [knobs["promotion"] if on("promotion", m) else 0 for m in month_numbers],
        "price_rise": [knobs["price_rise"] if on("price_rise", m) else 0.0 for m in month_numbers],
        "fiber_competitor": [knobs["fiber_competitor"] if on("fiber_competitor", m) else 0.0 for m in month_numbers],
        "data_bug": [knobs["data_bug"] if on("data_bug", m) else 0.0 for m in month_numbers],
        "new_customers": [int(r["joined"].sum()) for r in records],
        "left_this_month": [int(r["left"].sum()) for r in records],
        "scoring_failures": [int(r["failed"].sum()) for r in records],
        "inputs_emptied": [int(r["emptied"].sum()) for r in records],
    }).merge(by_month, on="month")
    order = ["month", "calendar_month", "customers", "new_customers", "left_this_month", "model_version", "promotion",
             "price_rise", "fiber_competitor", "data_bug", "true_churn_probability", "churn_rate",
             "churn_rate_without_campaign", "churners", "up_for_review", "churners_up_for_review", "customers_contacted",
             "churners_reached", "churners_saved",
             "lost_to_offer", "precision", "recall", "expected_profit", "realised_profit", "scoring_failures", "inputs_emptied"]
    truth = truth[order]

    # Per arm: the month's campaign cohort (customers up for review), whose labels only that month's offer touches.
    reviewed_frame = frame[frame["reviewed"]]
    g = reviewed_frame.groupby(["month", "arm"], sort=True)
    by_arm = pd.DataFrame({
        "customers": g.size().astype(np.int64),
        "true_churn_probability": g["p"].mean(),
        "churn_rate_without_campaign": g["without"].mean(),
        "churn_rate": g["churned"].mean(),
    })
    by_arm["true_effect"] = by_arm["churn_rate_without_campaign"] - by_arm["churn_rate"]
    by_arm = by_arm.join(campaign(["month", "arm"]).rename(columns={"churners_up_for_review": "churners"})).reset_index()
    by_arm.insert(2, "policy", by_arm["arm"].map(policy_names).astype(object))

    incidents = _incidents(knobs, swap, models)
    plan_name = _plan_name(plan, economics)
    settings = {
        "caption": caption_text, "seed": seed, "months": months, "customers": knobs["seats"], "policy": plan_name,
        "launch_date": LAUNCH_DATE, "horizon_months": horizon, "labels_as_of": str(as_of),
        "threshold": economics.break_even_probability, "economics": economics,
        "promotion": knobs["promotion"], "promotion_from": starts["promotion"] if knobs["promotion"] else None,
        "price_rise": knobs["price_rise"], "price_rise_from": starts["price_rise"] if knobs["price_rise"] else None,
        "fiber_competitor": knobs["fiber_competitor"],
        "fiber_competitor_from": starts["fiber_competitor"] if knobs["fiber_competitor"] else None,
        "data_bug": knobs["data_bug"], "data_bug_from": starts["data_bug"] if knobs["data_bug"] else None,
        "data_bug_column": knobs["data_bug_column"] if knobs["data_bug"] else None,
        "offer_backfire": knobs["offer_backfire"], "model_version": models[0],
        "new_model_version": swap[1] if swap else None, "new_model_from": swap[0] if swap else None,
        "price_sensitivity": PRICE_SENSITIVITY, "burn_in_months": BURN_IN_MONTHS, "tenure_cap": TENURE_CAP,
        "latency_median_ms": LATENCY_MEDIAN_MS, "scoring_failure_rate": SCORING_FAILURE_RATE,
    }
    tables = dict(customers=customers, predictions=predictions, contacts=contacts, outcomes=outcomes,
                  assignments=assignments, truth=truth, truth_by_arm=by_arm, truth_by_customer=truth_by_customer,
                  incidents=incidents)
    tables = {name: _simulated(table, caption_text) for name, table in tables.items()}
    model_by_month = {m: (swap[2] if swap and m >= swap[0] else models[1]) for m in month_numbers}
    return SimulatedMonths(**tables, settings=settings, _models=model_by_month)


def _percent(share: float, sign: bool = False) -> str:
    """0.08 -> '8 %' (or '+8 %'), in the course's style."""
    text = f"{abs(share) * 100:.3g} %"
    return (("+" if share >= 0 else "-") + text) if sign else (("-" if share < 0 else "") + text)


def _incidents(knobs, swap, models) -> pd.DataFrame:
    starts = knobs["starts"]
    rows = []
    if knobs["promotion"]:
        rows.append(("promotion (mix shift)", starts["promotion"],
                     f"{knobs['promotion']:,} extra new month-to-month customers join every month",
                     "more new month-to-month customers: contract, tenure and charges mix move; the base grows",
                     "the churn process is unchanged; the base churns more because it holds more new month-to-month customers"))
    if knobs["price_rise"]:
        rise = knobs["price_rise"]
        rows.append(("price rise", starts["price_rise"], f"monthly charges {_percent(rise, sign=True)}",
                     f"monthly_charges {_percent(rise, sign=True)}; total_charges grow faster",
                     f"every customer's monthly chance of leaving x{1 + PRICE_SENSITIVITY * rise:.2f} "
                     f"(price sensitivity {PRICE_SENSITIVITY:g} x {_percent(rise)})"))
    if knobs["fiber_competitor"]:
        rows.append(("competitor targets fibre (behaviour change)", starts["fiber_competitor"],
                     f"fibre customers {_percent(knobs['fiber_competitor'])} more likely to leave each month",
                     "nothing at first; later, more fibre seats hold new customers (lower tenure)",
                     f"fibre customers' monthly chance of leaving x{1 + knobs['fiber_competitor']:.2f}"))
    if knobs["data_bug"]:
        rows.append(("data bug", starts["data_bug"],
                     f"{_percent(knobs['data_bug'])} of customers' {knobs['data_bug_column']} arrive empty",
                     f"{knobs['data_bug_column']} empty for about {_percent(knobs['data_bug'])} of rows; the model reads them as 0",
                     "nothing: customers behave as before (only scores, and so contacts, change)"))
    if swap:
        rows.append(("new model", swap[0], f"model {swap[1]!r} replaces {models[0]!r}", "churn_score and model_version",
                     "nothing: customers behave as before (only scores, and so contacts, change)"))
    table = pd.DataFrame(rows, columns=["incident", "from_month", "setting", "what_moves_in_the_data", "what_moves_in_the_truth"])
    table["from_month"] = table["from_month"].astype(np.int64)
    table = table.sort_values("from_month", kind="stable").reset_index(drop=True)
    table.insert(2, "from_date", _as_ns(_month_start(table["from_month"].to_numpy())))
    return table


# --- reading the truth --------------------------------------------------------------------------------------


@course_function
def truth_weights() -> pd.DataFrame:
    """The truth's weights: log-odds of leaving within the horizon, per unit of each input (a fixed, documented table).

    Columns: ``input``, ``value`` (the category, or the unit for a number), ``weight``.
    A positive weight raises the chance of leaving. These are associations fitted on the
    real data, not causes: the simulator's price response is ``PRICE_SENSITIVITY``, not
    the weight on ``monthly_charges``.
    """
    rows = [("intercept", "", TRUTH_INTERCEPT)]
    rows += [(name, _UNITS.get(name, "per yes (0/1)"), weight) for name, weight in TRUTH_NUMBER_WEIGHTS.items()]
    rows += [(name, value, weight) for name, weights in TRUTH_CATEGORY_WEIGHTS.items() for value, weight in weights.items()]
    return pd.DataFrame(rows, columns=["input", "value", "weight"])


@course_function
def truth_probability(customers: pd.DataFrame) -> pd.Series:
    """The truth's chance that each customer leaves within the horizon, without any offer or knob.

    ``customers``: a table with the data dictionary's columns, like ``load_churn()`` or
    ``year.customers``. An empty ``total_charges`` counts as $0. Knobs (a price rise, a
    competitor) are not applied here: ``year.truth_by_customer`` has the probabilities
    with them.
    """
    needed = list(TRUTH_NUMBER_WEIGHTS) + list(TRUTH_CATEGORY_WEIGHTS)
    table = validate.dataframe(customers, "customers", needs=needed, example="year.customers or load_churn()")
    logit = np.full(len(table), TRUTH_INTERCEPT)
    for name, weight in TRUTH_NUMBER_WEIGHTS.items():
        values = pd.to_numeric(table[name], errors="coerce")
        if name != "total_charges" and values.isna().any():
            raise CourseError(f"customers has empty or non-number values in {name!r}; the truth needs a number for every customer.")
        logit = logit + weight * values.fillna(0.0).to_numpy(dtype=float)
    for name, weights in TRUTH_CATEGORY_WEIGHTS.items():
        mapped = table[name].map(weights)
        if mapped.isna().any():
            odd = table.loc[mapped.isna(), name].iloc[0]
            raise CourseError(f"customers has the value {odd!r} in {name!r}, which the data dictionary does not allow "
                              f"({', '.join(map(repr, weights))}).")
        logit = logit + mapped.to_numpy(dtype=float)
    return pd.Series(_expit(logit), index=table.index, name="true_churn_probability")


def _checked_simulation(value, name: str = "simulation") -> SimulatedMonths:
    if isinstance(value, SimulatedMonths):
        return value
    if isinstance(value, pd.DataFrame):
        raise CourseError(f"{name} should be the whole result of world.simulate(...) (e.g. year), not one of its tables.")
    raise CourseError(f"{name} should be the result of world.simulate(...), like year = world.simulate(seed=7), "
                      f"not {validate.kind_of(value)}.")


@course_function
def caption(table_or_simulation) -> str:
    """The line that says the data is simulated: print it above any table or plot of simulated months.

    Takes the result of ``simulate`` or any table it returned.
    """
    if isinstance(table_or_simulation, SimulatedMonths):
        return table_or_simulation.caption
    if isinstance(table_or_simulation, pd.DataFrame):
        if table_or_simulation.attrs.get("simulated"):
            return table_or_simulation.attrs.get("caption", "Simulated data. Not real customers.")
        raise CourseError("This table does not carry the 'simulated' mark (a table computed from a simulated one may lose "
                          "it): pass the simulation itself, e.g. world.caption(year).")
    raise CourseError("caption needs the result of world.simulate(...) or one of its tables, "
                      f"not {validate.kind_of(table_or_simulation)}.")


@course_function
def calibration_table(simulation: SimulatedMonths, month: int = 1, threshold: float | None = None) -> pd.DataFrame:
    """Does the model mean the same on a simulated month as on the test set? One row each.

    For the customers the model flags (score at or above ``threshold``, by default the
    break-even 1/6): their mean score and their churn rate within the horizon, and the
    ROC-AUC over all customers. On the simulated month, ``churn rate of flagged`` is what
    the outcome log shows (a live campaign saves some of them, so it is lower than the
    mean score); ``... without campaign`` is the truth with no offers. Labels must be
    known: a month is ready ``horizon_months`` after its start (see ``labels_as_of``).

    A month no offer touches, where the outcome log itself matches the mean score:
    ``simulate(policy="none", ...)`` and month 3 or later (offers made before launch
    still protect some customers in months 1 and 2).
    """
    from sklearn.metrics import roc_auc_score

    simulation = _checked_simulation(simulation)
    last = simulation.settings["months"]
    month = validate.whole_number(month, "month", low=1, example="1")
    if month > last:
        raise CourseError(f"month is {month}, but the simulation has {last} month{'s' if last != 1 else ''}.")
    cut = _checked_threshold(threshold)
    cut = simulation.settings["threshold"] if cut is None else cut
    rows = simulation.outcomes["month"].eq(month).to_numpy()
    labels = simulation.outcomes.loc[rows, "churned"]
    if labels.isna().any():
        known_on = simulation.outcomes.loc[rows, "label_known_on"].iloc[0]
        raise CourseError(f"the labels of month {month} are not known yet: they arrive on {known_on:%Y-%m-%d}, after "
                          f"labels_as_of ({simulation.settings['labels_as_of']}). Simulate with labels_as_of='{known_on:%Y-%m-%d}' "
                          "or pick an earlier month.")
    scores = simulation.predictions.loc[rows, "churn_score"].to_numpy()
    ok = ~np.isnan(scores)
    observed = labels.to_numpy(dtype=np.int64)
    without = simulation.truth_by_customer.loc[rows, "churned_without_campaign"].to_numpy()
    model = simulation._models[month]
    split = course_split()
    test_scores = model.predict_proba(split.X_test[_model_columns(model, "model")])[:, 1]
    test_labels = split.y_test.to_numpy()

    def row(name, s, y, y0):
        flagged = s >= cut
        return {"customers": name, "customers scored": len(s), "flagged": int(flagged.sum()),
                "share flagged": float(flagged.mean()),
                "mean score of flagged": float(s[flagged].mean()) if flagged.any() else float("nan"),
                "churn rate of flagged": float(y[flagged].mean()) if flagged.any() else float("nan"),
                "churn rate of flagged without campaign": float(y0[flagged].mean()) if flagged.any() else float("nan"),
                "ROC-AUC": float(roc_auc_score(y, s))}

    table = pd.DataFrame([
        row("test set (real customers)", test_scores, test_labels, test_labels),
        row(f"simulated month {month}", scores[ok], observed[ok], without[ok]),
    ]).set_index("customers")
    return _simulated(table, simulation.caption)
