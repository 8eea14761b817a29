"""Who a month's campaign contacts: the policies, A/B tests and their stable bucketer, and how a month's contacts
are decided."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.rules import RULES
from churnlab.world.constants import ALL_CUSTOMERS
from churnlab.world.dates import _customer_ids

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


def _plan_name(plan, economics) -> str:
    if isinstance(plan, Policy):
        return plan.name(economics)
    return "A/B test: " + " / ".join(f"{name} ({share} %: {policy.name(economics)})"
                                      for (name, policy), share in zip(plan.arms, plan.buckets))
