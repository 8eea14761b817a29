"""The customers an A/B test reads (lesson 07): those up for review, and the shadow month's two call lists."""
from __future__ import annotations

import numpy as np
import pandas as pd

from churnlab import world
from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.rules import RULES

LISTS = ("both lists", "model only", "rule only", "neither")  # who each policy would contact, among customers under review
TRAITS = ("contract", "tenure", "internet_service", "payment_method")


def _simulation(value, name: str = "simulation"):
    return world._checked_simulation(value, name)


def _caption_of(table: pd.DataFrame, caption: str | None) -> pd.DataFrame:
    if caption:
        table.attrs["simulated"] = True
        table.attrs["caption"] = caption
    return table


# --- the customers a test reads: those up for review ----------------------------------------------------


@course_function
def customers_under_review(simulation, threshold: float | None = None, rule: str = "month_to_month") -> pd.DataFrame:
    """One row per customer up for retention review in each simulated month: the customers a test reads.

    Only customers under review can be contacted, so an A/B test compares the arms on
    them (a *triggered analysis*). For each: ``customer_id``, ``month``, ``arm``, the
    traits ``contract``, ``tenure``, ``internet_service``, ``payment_method``, the model's
    ``churn_score`` (empty when scoring failed), ``model_picks`` (score at or above
    ``threshold``, by default the simulation's break-even 1/6) and ``rule_picks`` (the
    ``churnlab.rules`` rule, by default month-to-month): both are known for every customer,
    whatever their arm, because the model scores everyone. ``lists`` says which of the two
    would contact them (``LISTS``). Then what happened: ``contacted`` (by the policy
    live in their arm), ``churned`` (left within the horizon; empty until the label is known),
    ``churned_on`` and ``days_to_churn`` (days from the 1st of the month to the day they left).
    """
    simulation = _simulation(simulation)
    cut = world._checked_threshold(threshold)
    cut = simulation.settings["threshold"] if cut is None else cut
    rule_names = world._rule_names()
    rule = validate.one_of(rule, "rule", rule_names)
    keys = ["customer_id", "month"]
    reviewed = simulation.assignments["up_for_review"].to_numpy()
    table = simulation.assignments.loc[reviewed, keys + ["arm"]].reset_index(drop=True)
    customers = simulation.customers.loc[reviewed].reset_index(drop=True)
    scores = simulation.predictions.loc[reviewed, "churn_score"].to_numpy(dtype=float)
    outcomes = simulation.outcomes.loc[reviewed].reset_index(drop=True)
    for other in (customers, simulation.predictions.loc[reviewed].reset_index(drop=True), outcomes):
        if not (other["customer_id"].to_numpy() == table["customer_id"].to_numpy()).all():  # pragma: no cover - world's promise
            raise CourseError("the simulation's logs are not in the same order; pass the result of world.simulate unchanged.")
    for trait in TRAITS:
        table[trait] = customers[trait].to_numpy()
    table["churn_score"] = scores
    table["model_picks"] = np.nan_to_num(scores, nan=-1.0) >= cut
    table["rule_picks"] = RULES[rule](customers).to_numpy().astype(bool)
    table["lists"] = np.select(
        [table["model_picks"] & table["rule_picks"], table["model_picks"], table["rule_picks"]], list(LISTS[:3]), LISTS[3])
    table["contacted"] = pd.MultiIndex.from_frame(table[keys]).isin(pd.MultiIndex.from_frame(simulation.contacts[keys]))
    table["churned"] = outcomes["churned"].astype("Int64").array  # nullable: empty until the label is known
    table["churned_on"] = outcomes["churned_on"].to_numpy()
    days = (outcomes["churned_on"] - outcomes["month_start"]).dt.days.astype("Int64")
    table["days_to_churn"] = days.where(table["churned"].eq(1).fillna(False).to_numpy()).array
    table["month_start"] = outcomes["month_start"].to_numpy()
    table["label_known_on"] = outcomes["label_known_on"].to_numpy()
    return _caption_of(table, simulation.caption)


def _cohort(value, name: str = "cohort", needs=("arm", "churned")) -> pd.DataFrame:
    if hasattr(value, "assignments") and hasattr(value, "settings"):
        raise CourseError(f"{name} should be the table of customers under review, not the whole simulation: "
                          f"use abtest.customers_under_review(simulation).")
    return validate.dataframe(value, name, needs=needs, example="abtest.customers_under_review(simulation)")


def _known_labels(table: pd.DataFrame, what: str) -> np.ndarray:
    labels = table["churned"]
    if labels.isna().any():
        missing = table[labels.isna()]
        when = ""
        if "label_known_on" in table and "month" in table:
            last = missing.loc[missing["month"].idxmax()]
            when = f" (month {int(last['month'])}'s labels arrive on {pd.Timestamp(last['label_known_on']):%Y-%m-%d})"
        raise CourseError(f"{what}: {int(labels.isna().sum()):,} customers have no label yet{when}. Simulate with a later "
                          "labels_as_of (e.g. labels_as_of='2027-06-01' for 3 months), or keep the months whose labels "
                          "are known.")
    return labels.to_numpy(dtype=np.int64)


# --- the shadow month: two call lists -------------------------------------------------------------------


@course_function
def compare_lists(reviewed) -> pd.DataFrame:
    """Who each call list would contact, one row per group of ``LISTS``, among customers under review.

    Columns: ``customers``, ``share`` (of customers under review), ``mean model score``
    (the model's average chance of leaving), ``contacted`` (share contacted by the
    policy that was live) and, once the labels are known, ``left within 3 months`` (share).
    ``reviewed``: from ``customers_under_review``.
    """
    table = _cohort(reviewed, "reviewed", needs=("lists", "churn_score", "contacted", "churned"))
    groups = table.groupby("lists", sort=False)
    result = pd.DataFrame({
        "customers": groups.size(),
        "share": groups.size() / len(table),
        "mean model score": groups["churn_score"].mean(),
        "contacted": groups["contacted"].mean(),
    }).reindex(list(LISTS))
    result["customers"] = result["customers"].fillna(0).astype(np.int64)
    if table["churned"].notna().all():
        result["left within 3 months"] = table["churned"].astype(float).groupby(table["lists"]).mean()
    result.index.name = "would be called by"
    return _caption_of(result, table.attrs.get("caption"))


@course_function
def traits_by_list(reviewed) -> pd.DataFrame:
    """Who is in each group of ``LISTS``, by the traits a retention team knows.

    Columns: ``customers``, ``median tenure (months)`` and the share of customers with a
    month-to-month, one-year or two-year contract, fibre-optic internet, no internet service (phone
    only) and electronic-check payment. ``reviewed``: from ``customers_under_review``.
    """
    table = _cohort(reviewed, "reviewed", needs=("lists",) + TRAITS)
    groups = table.groupby("lists", sort=False)
    result = pd.DataFrame({
        "customers": groups.size(),
        "median tenure (months)": groups["tenure"].median(),
        "month-to-month": groups["contract"].apply(lambda s: s.eq("Month-to-month").mean()),
        "one year": groups["contract"].apply(lambda s: s.eq("One year").mean()),
        "two year": groups["contract"].apply(lambda s: s.eq("Two year").mean()),
        "fibre optic": groups["internet_service"].apply(lambda s: s.eq("Fiber optic").mean()),
        "no internet": groups["internet_service"].apply(lambda s: s.eq("No").mean()),
        "electronic check": groups["payment_method"].apply(lambda s: s.eq("Electronic check").mean()),
    }).reindex(list(LISTS))
    result["customers"] = result["customers"].fillna(0).astype(np.int64)
    result.index.name = "would be called by"
    return _caption_of(result, table.attrs.get("caption"))




@course_function
def score_check(reviewed) -> pd.DataFrame:
    """How far off are the model's scores? Read where nobody called, once the labels are known (a shadow month).

    Where no one was contacted, who left is what the scores predict, with no offer in the way.
    One row per group of ``LISTS`` that nobody contacted (``model only`` and ``neither`` under a
    live rule) and a row ``not contacted, all``; columns ``customers``, ``mean model score``
    (the predicted share leaving), ``left within 3 months`` with its 95 % Wilson interval
    (``left: low``, ``left: high``), ``off by (points)`` (predicted minus left) and, for the row
    ``not contacted, all``, the model's ``ROC-AUC`` there with its 95 % interval (DeLong's
    standard error): how well the scores rank leavers above stayers. Customers without
    a score (failed calls) are left out.
    """
    from scipy.stats import norm

    table = _cohort(reviewed, "reviewed", needs=("lists", "churn_score", "contacted", "churned"))
    table = table[~table["contacted"].astype(bool) & table["churn_score"].notna()]
    labels = pd.Series(_known_labels(table, "reviewed"), index=table.index)
    if labels.nunique() < 2:
        raise CourseError("among the customers nobody contacted, all left or all stayed: too few to check the scores.")
    groups = {name: part.index for name, part in table.groupby("lists", sort=False)}
    rows = []
    for name in [*(name for name in LISTS if name in groups), "not contacted, all"]:
        index = groups.get(name, table.index)
        ci = _wilson(int(labels[index].sum()), len(index))
        rows.append({"group": name, "customers": len(index), "mean model score": table.loc[index, "churn_score"].mean(),
                     "left within 3 months": labels[index].mean(), "left: low": ci[0], "left: high": ci[1],
                     "off by (points)": 100 * (table.loc[index, "churn_score"].mean() - labels[index].mean())})
    auc, se = _auc_with_standard_error(labels.to_numpy(), table["churn_score"].to_numpy(dtype=float))
    result = pd.DataFrame(rows).set_index("group")
    result["ROC-AUC"] = np.nan
    result["ROC-AUC: low"], result["ROC-AUC: high"] = np.nan, np.nan
    z = norm.ppf(0.975)
    result.loc["not contacted, all", ["ROC-AUC", "ROC-AUC: low", "ROC-AUC: high"]] = [auc, auc - z * se, min(1.0, auc + z * se)]
    result.index.name = None
    return _caption_of(result, table.attrs.get("caption"))


def _wilson(successes: int, trials: int) -> tuple[float, float]:
    from scipy.stats import binomtest

    ci = binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def _auc_with_standard_error(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """ROC-AUC and DeLong's standard error (DeLong, DeLong and Clarke-Pearson 1988), with midranks for ties."""
    from scipy.stats import rankdata

    positive, negative = scores[labels == 1], scores[labels == 0]
    m, n = positive.size, negative.size
    ranks = rankdata(np.concatenate([positive, negative]))
    above = (ranks[:m] - rankdata(positive)) / n  # per leaver: the share of stayers scored below them
    below = 1 - (ranks[m:] - rankdata(negative)) / m  # per stayer: the share of leavers scored above them
    auc = float(above.mean())
    return auc, float(np.sqrt(above.var(ddof=1) / m + below.var(ddof=1) / n))
