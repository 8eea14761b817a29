"""The simulated months after launch: a seeded world of customers, campaigns and logs (lessons 07–09).

Real launch data cannot ship with a course, so lessons 07 (testing in production),
08 (monitoring) and 09 (the product brief) share this one simulator, built on the
real Telco customers, with a known truth behind every number. Everything it returns
is **simulated**: every table carries ``attrs["simulated"] = True`` and a caption
(``caption(...)``), customer ids start with ``S`` (``S000123``; real ones with ``C``),
and the plot says "Simulated" in its title. Say so in the prose, too.

    from churnlab import world
    year = world.simulate(months=12, seed=7)          # lesson 05's champion live from launch
    print(world.caption(year))
    year.predictions.head()                           # logs: customers, predictions, contacts, outcomes, assignments
    year.truth                                        # what really happened, month by month
    year.truth_by_customer                            # ... and customer by customer: who the offer changed

``simulate``'s settings form one frozen, self-checking ``world.Scenario`` (like
``churnlab.economics.CampaignEconomics``): ``world.simulate(**settings)`` is
``world.run(world.Scenario(**settings))``, and ``world.simulate(scenario=...)`` takes one too.

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
``customers`` seats (7,000 by default), each holding one customer at a time. When a
customer leaves, a **newcomer** takes the seat on the 1st of the next month: the profile
of a real customer with at most 3 months of tenure (``NEW_CUSTOMER_MAX_TENURE``), drawn
at random, with their contract, services and charges (so 96 % of newcomers are on
month-to-month contracts, as the real new customers are), at ``tenure`` 1 and
``total_charges`` = one month's bill. The base stays at exactly 7,000. Each month, a
customer who stays gains a month of ``tenure`` (the table shows at most 72, the data's
maximum) and a bill of ``total_charges``. The same customer appears, and is scored,
month after month until they leave; new customers get new ids.

Before launch the world runs for 240 months (``BURN_IN_MONTHS``) of **business as usual:
the month-to-month rule's campaign** (same review schedule and offer as below), from the
real customers. Launch day is therefore the state this process keeps, not the real file:
its customers are younger (median tenure 7 months; real file 29) and more of them are on
month-to-month contracts (80 %; real 55 %), because the real snapshot is not a steady
state (its new month-to-month customers leave too fast to grow into its many long-tenure
ones). The burn-in has its own seed (``BURN_IN_SEED``): launch day is the same company for
every ``seed``, played once per session; the seed decides everything from launch on.
With a campaign live (the rule or the model) and no knob, the year is steady: the share
who leave within the horizon stays within about a point and a half (about 30 % with the
champion's campaign, 36 % without offers), and the population stability index (PSI) of ``tenure``,
the charges and the score between month 1 and month 12 stays below 0.05 (tenure: 0.002).
So in lesson 08 a drift alert means something changed. About 990 customers (14 %) leave
each month: a high-churn company.

The truth: who leaves
---------------------
The truth is **not** the course's model: it is a gradient-boosted tree model (every
input, gender included, with interactions) fitted once on all 7,043 real customers, plus
an **unobserved factor** per customer (``UNOBSERVED_SD`` = 1.2 on the log-odds, what no
data set records). The tree's chances are frozen per real customer and tenure
(``truth.py``, ``truth_lookup.npz``, rewritten by ``tools/freeze_world_truth.py``), so the
truth does not depend on the installed scikit-learn or pandas. The real label is read as
"leaves within 3 months"; the monthly chance of leaving compounds to it, averaged over the
factor. The factor **evolves**: each month it is 0.95 × last month's plus fresh noise
(``UNOBSERVED_PERSISTENCE``; a newcomer starts from a fresh draw), so customers who stay
are those whose factor is low, but not for ever. A calibration shift per contract and
tenure band (frozen with the table) makes launch day churn as the real customers did:
contract by contract and tenure band by tenure band, the truth's chance of leaving within
3 months lies in the real rate's 95 % interval or within a point of it (two-year contracts:
4.6 % against 2.8 % [2.1 %, 3.7 %]; the first 6 months of tenure: 49.7 % against 52.9 %
[50.4 %, 55.5 %]): no steady base matches the snapshot everywhere.

So the champion is an imperfect estimate of the truth, as a company's model is: on a
simulated month without campaign its ROC-AUC is about 0.78 against the truth's own 0.89,
its scores correlate 0.73 with the true chances, and it under-estimates this younger
base's churn (mean score 0.28 against 0.36). ``truth_by_customer["true_churn_probability"]``
is each customer's exact chance of leaving within the horizon without an offer, factor
and knobs included; ``truth_probability(customers)`` is the tree's chance alone.

The knobs: each off by default, each from month ``…_from`` (default 1)
---------------------------------------------------------------------
- ``promotion=400``: a **mix shift**. 400 extra new customers join every month, all on
  month-to-month contracts (profiles of the real customers with a month-to-month contract
  and at most 6 months of tenure), in new seats: the base grows and gets younger. The
  churn process does not change; the base churns more because it holds more new
  month-to-month customers.
- ``price_rise=0.10``: monthly charges of every customer go up 10 % (to the cent) from that
  month; total charges then grow faster. The truth: every customer's monthly chance of
  leaving for the usual reasons is multiplied by ``1 + PRICE_SENSITIVITY × price_rise``
  (2 × 10 % → ×1.20), a made-up but plausible price sensitivity. The champion's weight on
  monthly charges is small and positive, so its scores barely move (up by under a point)
  while churn jumps.
- ``fiber_competitor=0.5``: a **behaviour change**. A competitor targets fibre customers
  (``internet_service == "Fiber optic"``): their monthly chance of leaving is multiplied by
  1.5. The inputs do not move (in its first month the customer table is identical); the
  outcome does. The model's scores stay where they were. The offer does not save a
  customer who leaves for the competitor's fibre (``leaves_for_competitor``).
- ``data_bug=0.2``: a **data bug**. Each month, 20 % of customers (drawn anew each month)
  have ``data_bug_column`` (``"total_charges"`` by default, or ``"monthly_charges"``) arrive
  empty (NaN) in the customer table and the model's input. Customers behave as before. The
  model fills an empty number with 0 (see ``make_churn_model``): the champion's weights on
  both charges are positive, so an empty value *lowers* the score.

Several knobs can be on at once. ``year.incidents`` lists those that are on, what moves
in the data and what moves in the truth.

Policies, reviews and the offer
-------------------------------
Customers come up for a **retention review** once every 3 months (the horizon): on launch
day about a third of the base is due in each of months 1, 2 and 3, and every new customer
is due in their first month, then every 3 months (``assignments["up_for_review"]``). The
``policy`` decides whom of the customers up for review to contact: ``"none"``; ``"rule"``
(every month-to-month customer, ``churnlab.rules.month_to_month``); ``"model"`` (score at
or above ``contact_by_model(threshold)``, by default the break-even 1/6 of the course
economics); ``contact_top_k(k)``; ``contact_by_rule(rule)``; or ``ab_test(arms)``:
customers go to arms by a stable hash of their id (``bucket``), each arm with its own
policy (a hold-out arm is ``"none"``). The live model (default: lesson 05's champion,
``churnlab.model.champion_model()``, C = 0.1) scores every customer every month whatever
the policy: where its score decided nothing, the prediction log says ``mode = "shadow"``
(lesson 07's shadow month is ``policy="rule"``).

What an offer does (``offers.py``; ``economics``, by default ``CampaignEconomics()``) is
**not the same for everyone**:

- A contacted customer who would leave within the horizon for the usual reasons stays
  until their next review if they **respond**: with chance ``acceptance_rate`` (30 %) times
  their segment's factor (``RELATIVE_RESPONSE``): month-to-month customers paying at least
  $70 a month ×1.0 (price-sensitive), other month-to-month ×0.6, one-year ×0.3, two-year ×0.1.
- Customers leaving for the competitor's fibre are not saved.
- **Sleeping dogs** (``SLEEPING_DOG_SHARE``, 5 % of customers each month): a contact
  reminds them to shop around, and a contacted sleeping dog who would have stayed leaves
  that month with chance 50 %. ``offer_backfire=0.02`` (off by default) adds 2 % more
  contacted customers who would have stayed and leave because of the offer.

So the four kinds of customer exist (``truth_by_customer["customer_type"]``): among the
champion's contacts in a year, about 13 % are *persuadable* (leave without the offer, stay
with it), 41 % *sure things* (stay either way), 45 % *lost causes* (leave either way) and
about 1 % *sleeping dogs* (stay without, leave because contacted). A high churn score is
not the same as a customer the offer changes. Each month's campaign is judged on its own:
a contact costs ``cost_per_contact`` ($10) and a saved customer is worth
``value_of_saved_customer`` ($200); ``expected_profit`` uses the course's assumed 30 %
acceptance (what lesson 03 planned with), ``realised_profit`` what really happened. On the
default world the champion's campaign realises about $26,000 a month against the
month-to-month rule's $23,000 (the rule contacts a third more customers), while the
assumed 30 % acceptance ranks them the other way round.

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
  ``churner`` (leaves within the horizon unless this month's offer keeps them: offers made
  before still count), ``churned_without_campaign`` (with no offer at all), ``churned_if_contacted``
  (would leave within the horizon if contacted this month, with the same luck), ``churned``
  (what happened), ``customer_type`` (``"persuadable"``, ``"sure thing"``, ``"lost cause"`` or
  ``"sleeping dog"``, from ``churner`` and ``churned_if_contacted``), ``true_offer_effect`` (the
  drop in their chance of leaving within the horizon that a contact this month causes:
  negative for a sleeping dog, 0 where the offer does not work), ``offer_segment``,
  ``unobserved_factor``, ``leaves_for_competitor``, ``up_for_review``, ``contacted``, ``reached``
  (contacted churners), ``saved`` (contacted persuadables), ``lost_to_offer`` (contacted
  sleeping dogs, and the backfire), ``input_emptied``.
- ``incidents`` (the knobs that are on) and ``settings`` (every argument and constant).

Seeds and speed
---------------
Every draw comes from ``numpy.random.default_rng`` seeded by (seed, stream, month, block
of 4,096 seats), and the truth is a frozen table (no model is refitted at run time), so
the same seed gives identical logs on every pandas and scikit-learn version the course
supports (scores differ only in float rounding). A change that starts in month m (a knob,
a new model) leaves months 1 to m − 1 identical, and two policies meet the same luck
(the same customers respond, the same sleeping dogs wake). A year of 7,000 customers
takes about 0.2 s of CPU on the course's 2-core machine: a model shaped like
``make_churn_model`` (a logistic regression whose log-odds add up input by input) is
scored from its own weights, worked out once per model and checked against its
``predict_proba``; any other model is scored with ``predict_proba`` month by month. The
first call of a session also loads the data, fits the champion (cached, shared with
``churnlab.model``) and plays the burn-in (a few seconds).

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
    contacted = ab.truth_by_customer.query("contacted")
    contacted.groupby("arm")["customer_type"].value_counts(normalize=True)  # whom the offer changed
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

# The package gathers its modules' names; a learner sees one module, churnlab.world (help(world) is the datasheet above).
# Module by module: constants (the fixed numbers), dates (calendar, seeded draws), truth (who leaves), policies
# (who is contacted, A/B tests), scoring (the models), arguments (simulate's checks), simulation (the months),
# tables (the logs and the truth), result (SimulatedMonths and reading it).
from churnlab.world.arguments import Scenario  # noqa: F401
from churnlab.world.constants import (  # noqa: F401
    ALL_CUSTOMERS,
    BURN_IN_MONTHS,
    DEFAULT_SEED,
    HAZARD_CAP,
    LATENCY_MEDIAN_MS,
    LATENCY_SHAPE,
    LAUNCH_DATE,
    NEW_CUSTOMER_MAX_TENURE,
    NEW_CUSTOMER_TENURE,
    PRICE_SENSITIVITY,
    SCORING_FAILURE_RATE,
    SCORING_TIMEOUT_MS,
    TENURE_CAP,
    UNOBSERVED_PERSISTENCE,
    UNOBSERVED_SD,
)
from churnlab.world.offers import (  # noqa: F401
    CUSTOMER_TYPES,
    PRICE_SENSITIVE_CHARGES,
    RELATIVE_RESPONSE,
    SLEEPING_DOG_LEAVES,
    SLEEPING_DOG_SHARE,
)
from churnlab.world.policies import (  # noqa: F401
    ABTest,
    Policy,
    _checked_threshold,
    _rule_names,
    ab_test,
    bucket,
    contact_by_model,
    contact_by_rule,
    contact_nobody,
    contact_top_k,
)
from churnlab.world.result import SimulatedMonths, _checked_simulation, calibration_table, caption  # noqa: F401
from churnlab.world.scoring import course_model  # noqa: F401
from churnlab.world.simulation import run, simulate  # noqa: F401
from churnlab.world.truth import truth_probability  # noqa: F401

__all__ = [
    "ABTest",
    "BURN_IN_MONTHS",
    "CUSTOMER_TYPES",
    "LAUNCH_DATE",
    "LATENCY_MEDIAN_MS",
    "PRICE_SENSITIVITY",
    "Policy",
    "SCORING_FAILURE_RATE",
    "SCORING_TIMEOUT_MS",
    "SLEEPING_DOG_LEAVES",
    "SLEEPING_DOG_SHARE",
    "Scenario",
    "SimulatedMonths",
    "TENURE_CAP",
    "UNOBSERVED_PERSISTENCE",
    "UNOBSERVED_SD",
    "ab_test",
    "bucket",
    "calibration_table",
    "caption",
    "contact_by_model",
    "contact_by_rule",
    "contact_nobody",
    "contact_top_k",
    "course_model",
    "run",
    "simulate",
    "truth_probability",
]
