"""The tables of a simulation, assembled from the months' records: the logs a team would have, and the truth."""
from __future__ import annotations

import numpy as np
import pandas as pd

from churnlab.world.constants import (
    BURN_IN_MONTHS,
    LATENCY_MEDIAN_MS,
    LAUNCH_DATE,
    NEW_CUSTOMER_MAX_TENURE,
    PRICE_SENSITIVITY,
    SCORING_FAILURE_RATE,
    TENURE_CAP,
    UNOBSERVED_PERSISTENCE,
    UNOBSERVED_SD,
)
from churnlab.world.dates import _as_ns, _customer_ids, _month_start, _simulated
from churnlab.world.policies import _plan_name
from churnlab.world.result import SimulatedMonths
from churnlab.world import offers
from churnlab.world.truth import _real

# The fields of a month's record that stack, customer-month by customer-month, into the tables' columns.
_STACKED = ("number", "scores", "failed", "latency", "live", "arms", "reviewed", "contacted", "reached", "saved", "lost",
            "churner", "without_campaign", "if_contacted", "customer_type", "offer_effect", "true_probability", "factor",
            "segment", "for_competitor", "emptied")
_TRUTH_ORDER = ["month", "calendar_month", "customers", "new_customers", "left_this_month", "model_version", "promotion",
                "price_rise", "fiber_competitor", "data_bug", "true_churn_probability", "churn_rate",
                "churn_rate_without_campaign", "churners", "up_for_review", "churners_up_for_review", "customers_contacted",
                "churners_reached", "churners_saved",
                "lost_to_offer", "precision", "recall", "expected_profit", "realised_profit", "scoring_failures",
                "inputs_emptied"]


def _assemble(records, leavers, next_number, s, arms_policies, *, caption_text):
    """The ``SimulatedMonths`` of the simulated months: logs and truth, each table marked simulated with its caption."""
    months, economics, horizon, as_of, models, swap = s.months, s.economics, s.horizon_months, s.as_of, s.models, s.swap
    knobs = s.knobs
    st = _stacked(records)
    ids = _customer_ids(np.arange(next_number))[st["number"]]
    month_start = _month_start(st["month"])
    policy_names = {name: policy.name(economics) for name, policy in arms_policies.items()}
    logs = _logs(records, st, ids, month_start, policy_names)
    outcomes, label = _outcomes(leavers, next_number, st, ids, month_start, horizon, as_of)
    truth_by_customer = pd.DataFrame({
        "customer_id": ids, "month": st["month"], "arm": st["arms"], "true_churn_probability": st["true_probability"],
        "churner": st["churner"].astype(np.int64), "churned_without_campaign": st["without_campaign"].astype(np.int64),
        "churned_if_contacted": st["if_contacted"].astype(np.int64), "churned": label,
        "customer_type": st["customer_type"], "true_offer_effect": st["offer_effect"],
        "offer_segment": offers.segment(st["segment"]), "unobserved_factor": st["factor"],
        "leaves_for_competitor": st["for_competitor"], "up_for_review": st["reviewed"], "contacted": st["contacted"],
        "reached": st["reached"], "saved": st["saved"], "lost_to_offer": st["lost"], "input_emptied": st["emptied"],
    })
    frame = pd.DataFrame({"month": st["month"], "arm": st["arms"], "p": st["true_probability"], "churned": label,
                          "without": st["without_campaign"], "churner": st["churner"], "reviewed": st["reviewed"],
                          "contacted": st["contacted"], "reached": st["reached"], "saved": st["saved"], "lost": st["lost"]})
    truth = _truth_by_month(frame, records, knobs, months, economics)
    by_arm = _truth_by_arm(frame, economics, policy_names)
    incidents = _incidents(knobs, swap, models)
    settings = _settings(knobs, seed=s.seed, months=months, plan=s.plan, economics=economics, horizon=horizon, as_of=as_of,
                         caption_text=caption_text, models=models, swap=swap)
    tables = dict(customers=logs["customers"], predictions=logs["predictions"], contacts=logs["contacts"],
                  outcomes=outcomes, assignments=logs["assignments"], truth=truth, truth_by_arm=by_arm,
                  truth_by_customer=truth_by_customer, incidents=incidents)
    tables = {name: _simulated(table, caption_text) for name, table in tables.items()}
    model_by_month = {m: (swap[2] if swap and m >= swap[0] else models[1]) for m in np.arange(1, months + 1)}
    return SimulatedMonths(**tables, settings=settings, scenario=s, _models=model_by_month)


def _stacked(records) -> dict:
    """The months' records as one array a field, customer-month by customer-month (month 1's customers first)."""
    stacked = {name: np.concatenate([r[name] for r in records]) for name in _STACKED}
    for name in ("profile", "tenure", "monthly_charges", "total_charges"):
        stacked[name] = np.concatenate([r["shown"][name] for r in records])
    stacked["month"] = np.concatenate([np.full(len(r["number"]), r["month"]) for r in records])
    stacked["version"] = np.concatenate([np.full(len(r["number"]), r["version"], dtype=object) for r in records])
    return stacked


def _logs(records, s: dict, ids, month_start, policy_names: dict) -> dict:
    """The logs a team would have: customers, predictions, contacts and assignments (the outcomes: ``_outcomes``)."""
    real = _real()
    customers = real["profiles"].take(s["profile"]).reset_index(drop=True)
    customers["tenure"] = s["tenure"]
    customers["monthly_charges"] = s["monthly_charges"]
    customers["total_charges"] = s["total_charges"]
    column = records[0]["shown"]["column"]
    if s["emptied"].any():
        customers[column] = customers[column].where(~s["emptied"])
    customers.insert(0, "source_customer_id", real["ids"][s["profile"]])
    customers.insert(0, "month_start", _as_ns(month_start))
    customers.insert(0, "month", s["month"])
    customers.insert(0, "customer_id", ids)
    predictions = pd.DataFrame({
        "customer_id": ids, "month": s["month"], "scored_on": _as_ns(month_start), "churn_score": s["scores"],
        "model_version": s["version"], "latency_ms": s["latency"], "scoring_failed": s["failed"],
        "mode": np.where(s["live"], "live", "shadow").astype(object),
    })
    arms, contacted, month = s["arms"], s["contacted"], s["month"]
    contacts = pd.DataFrame({
        "customer_id": ids[contacted], "month": month[contacted], "contacted_on": _as_ns(month_start[contacted]),
        "arm": arms[contacted], "policy": np.array([policy_names[a] for a in arms[contacted]], dtype=object),
    })
    assignments = pd.DataFrame({"customer_id": ids, "month": month, "arm": arms, "up_for_review": s["reviewed"]})
    return dict(customers=customers, predictions=predictions, contacts=contacts, assignments=assignments)


def _outcomes(leavers, next_number, s: dict, ids, month_start, horizon, as_of):
    """The outcome log: the day each customer left (if they did, within the simulated time), and the label once final.

    Also returns every customer-month's label, final or not (the truth knows it).
    """
    number, month = s["number"], s["month"]
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
    return outcomes, label


def _everyone(frame: pd.DataFrame, groups) -> pd.DataFrame:
    """The truth on all customers of each group."""
    g = frame.groupby(groups, sort=True)
    return pd.DataFrame({
        "customers": g.size(),
        "true_churn_probability": g["p"].mean(),
        "churn_rate": g["churned"].mean(),
        "churn_rate_without_campaign": g["without"].mean(),
        "churners": g["churner"].sum().astype(np.int64),
    })


def _campaign(frame: pd.DataFrame, groups, economics) -> pd.DataFrame:
    """What the month's campaign did: on the customers up for review (the only ones it can contact)."""
    value, cost, acceptance = economics.value_of_saved_customer, economics.cost_per_contact, economics.acceptance_rate
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


def _knob_on(knobs: dict, name: str, month: int) -> bool:
    return bool(knobs[name]) and month >= knobs["starts"][name]


def _truth_by_month(frame: pd.DataFrame, records, knobs: dict, months: int, economics) -> pd.DataFrame:
    """The truth, one row a month: all customers, the month's campaign, and the knobs in force."""
    by_month = _everyone(frame, "month").join(_campaign(frame, "month", economics)).reset_index()
    by_month.insert(by_month.columns.get_loc("churners_up_for_review"), "up_for_review",
                    frame.groupby("month")["reviewed"].sum().to_numpy().astype(np.int64))
    month_numbers = np.arange(1, months + 1)
    truth = pd.DataFrame({
        "month": month_numbers,
        "calendar_month": [f"{pd.Timestamp(_month_start(m)):%Y-%m}" for m in month_numbers],
        "model_version": [r["version"] for r in records],
        "promotion": [knobs["promotion"] if _knob_on(knobs, "promotion", m) else 0 for m in month_numbers],
        "price_rise": [knobs["price_rise"] if _knob_on(knobs, "price_rise", m) else 0.0 for m in month_numbers],
        "fiber_competitor": [knobs["fiber_competitor"] if _knob_on(knobs, "fiber_competitor", m) else 0.0
                             for m in month_numbers],
        "data_bug": [knobs["data_bug"] if _knob_on(knobs, "data_bug", m) else 0.0 for m in month_numbers],
        "new_customers": [int(r["joined"].sum()) for r in records],
        "left_this_month": [int(r["left"].sum()) for r in records],
        "scoring_failures": [int(r["failed"].sum()) for r in records],
        "inputs_emptied": [int(r["emptied"].sum()) for r in records],
    }).merge(by_month, on="month")
    return truth[_TRUTH_ORDER]


def _truth_by_arm(frame: pd.DataFrame, economics, policy_names: dict) -> pd.DataFrame:
    """Per arm: the month's campaign cohort (customers up for review), whose labels only that month's offer touches."""
    reviewed_frame = frame[frame["reviewed"]]
    g = reviewed_frame.groupby(["month", "arm"], sort=True)
    by_arm = pd.DataFrame({
        "customers": g.size().astype(np.int64),
        "true_churn_probability": g["p"].mean(),
        "churn_rate_without_campaign": g["without"].mean(),
        "churn_rate": g["churned"].mean(),
    })
    by_arm["true_effect"] = by_arm["churn_rate_without_campaign"] - by_arm["churn_rate"]
    by_arm = by_arm.join(_campaign(frame, ["month", "arm"], economics).rename(columns={"churners_up_for_review": "churners"}))
    by_arm = by_arm.reset_index()
    by_arm.insert(2, "policy", by_arm["arm"].map(policy_names).astype(object))
    return by_arm


def _settings(knobs: dict, *, seed, months, plan, economics, horizon, as_of, caption_text, models, swap) -> dict:
    """Every argument and constant of the simulation (``SimulatedMonths.settings``)."""
    starts = knobs["starts"]
    return {
        "caption": caption_text, "seed": seed, "months": months, "customers": knobs["seats"], "policy": _plan_name(plan, economics),
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
        "unobserved_sd": UNOBSERVED_SD, "unobserved_persistence": UNOBSERVED_PERSISTENCE,
        "newcomer_max_tenure": NEW_CUSTOMER_MAX_TENURE, "sleeping_dog_share": offers.SLEEPING_DOG_SHARE,
        "relative_response": dict(offers.RELATIVE_RESPONSE),
        "latency_median_ms": LATENCY_MEDIAN_MS, "scoring_failure_rate": SCORING_FAILURE_RATE,
    }


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
