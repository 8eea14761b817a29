"""The same plan, replayed on other simulated months (lesson 07): how often its decision rule switches, and the truth.

One test is one draw. The simulator can replay the test on other seeds (other customers' luck, the same world),
apply the decision rule written before the data to each, and put the simulator's true effect beside each
estimate. The draws where the rule acts are the lucky ones: the winner's curse, seen directly.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from churnlab import world
from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.abtest.readout import compare_arms, sample_ratio_check, true_effect
from churnlab.abtest.review import customers_under_review
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics, _checked_economics
from churnlab.world.simulation import _default_world_fingerprint

CONTACTS_LIMIT = 1.10  # the model arm may call at most 10 % more customers than the rule arm (upper end of the interval)
FAILURES_LIMIT = 0.01  # scoring failures: the upper end of their interval below 1 % of calls


@course_function
def read_plan(simulation, policy, monthly_cost, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> dict:
    """Lesson 07's decision rule applied to one simulated test, with the simulator's truth beside it.

    ``simulation``: ``world.simulate(..., policy=policy)`` with arms ``model``, ``rule`` and ``hold-out`` and
    its labels known; ``monthly_cost``: dollars a month the model costs beyond the rule. The rule, as lesson
    07's plan writes it: no sample-ratio alarm; the campaign (model vs hold-out, CUPED on the shadow score) has
    the low end of its dollars above $0; both guardrails hold on the upper end of their intervals (contacts
    per customer, model ÷ rule, at most ``CONTACTS_LIMIT``; scoring failures below ``FAILURES_LIMIT``); and,
    where the lists disagree, the low end of the model's gain in dollars a month is above ``monthly_cost``.
    The gain a month is the gain per such customer times the customers whose lists disagree per month of
    the test (all arms).

    Returns a dictionary: ``seed``, ``switch`` (the rule's decision), ``customers`` (model and rule arm where
    the lists disagree), ``effect``, ``effect_low``, ``effect_high`` (model's churn minus rule's, shares),
    ``per_month`` (disagreeing customers a month), ``gain_low`` / ``gain`` / ``gain_high`` (dollars a month, the
    model's cost not yet taken off), and what only the simulator knows: ``true_effect`` and ``true_gain``
    (dollars a month, with the same contacts).
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

    simulation = world._checked_simulation(simulation, "simulation")
    economics = _checked_economics(economics)
    cost = validate.number(monthly_cost, "monthly_cost", low=0, example="1500")
    cohort = customers_under_review(simulation)
    missing = {"model", "rule", "hold-out"} - set(cohort["arm"].astype(str))
    if missing:
        raise CourseError(f"the simulation has no arm {sorted(missing)[0]!r}: read_plan reads lesson 07's test, with "
                          "the arms 'model', 'rule' and 'hold-out'.")
    srm = sample_ratio_check(simulation.assignments, policy)
    campaign = compare_arms(cohort, "model", "hold-out", economics, adjust_for="churn_score")
    disagree = cohort[cohort["model_picks"] != cohort["rule_picks"]]
    decision = compare_arms(disagree, "model", "rule", economics, trigger="lists disagree", adjust_for="churn_score")
    calls = cohort.groupby("arm")["contacted"].agg(["sum", "count"])
    _, ratio_high = confint_proportions_2indep(calls.loc["model", "sum"], calls.loc["model", "count"],
                                               calls.loc["rule", "sum"], calls.loc["rule", "count"], compare="ratio")
    failed = simulation.predictions["scoring_failed"]
    failures_high = proportion_confint(int(failed.sum()), len(failed), method="wilson")[1]
    per_month = len(disagree) / cohort["month"].nunique()
    gain_low, gain_high = (per_month * d for d in decision.dollars_interval)
    truth = true_effect(simulation, disagree, "model", "rule")
    extra_calls = decision.contacts_per_customer[0] - decision.contacts_per_customer[1]
    true_per_customer = -truth * economics.value_of_saved_customer - extra_calls * economics.cost_per_contact
    switch = (not srm.mismatch and campaign.dollars_interval[0] > 0 and ratio_high <= CONTACTS_LIMIT
              and failures_high < FAILURES_LIMIT and gain_low > cost)
    return {"seed": int(simulation.settings["seed"]), "switch": bool(switch), "customers": decision.customers,
            "effect": decision.effect, "effect_low": decision.low, "effect_high": decision.high,
            "per_month": per_month, "gain_low": gain_low, "gain": per_month * decision.dollars_per_customer,
            "gain_high": gain_high, "true_effect": truth, "true_gain": per_month * true_per_customer}


@course_function
def replay_plan(policy, seeds, monthly_cost, months: int = 3, labels_as_of: str = "2027-06-01",
                economics: CampaignEconomics = DEFAULT_ECONOMICS) -> pd.DataFrame:
    """The same test and decision rule on other simulated draws: one row per seed (``read_plan`` on each).

    ``policy``: the test (``world.ab_test(...)``), ``seeds``: the simulated worlds' seeds (each about
    0.2 seconds once the first simulation has run), ``months`` of reviews and ``labels_as_of`` as in the
    lesson. Columns (index ``seed``): ``decision`` ("switch" or "keep the rule"), ``effect`` with ``effect
    low`` and ``effect high`` (model's churn minus rule's where the lists disagree, in points), ``true
    effect`` (points, the simulator's truth), ``gain low``, ``gain``, ``gain high`` (the model's gain in
    dollars a month, before its cost) and ``true gain`` (dollars a month). What only a simulator can do: a
    real team gets one draw. Lesson 07's own replay (its test, seeds 1-6, 8 and 9, $1,500 a month) is frozen
    with the course and read back while the code, the world and the champion are unchanged (``REPLAY_FILE``).
    """
    economics = _checked_economics(economics)
    chosen = [validate.number(seed, "seeds", example="[1, 2, 3]") for seed in np.atleast_1d(np.asarray(seeds, dtype=object))]
    if not chosen or any(seed != int(seed) or seed < 0 for seed in chosen):
        raise CourseError("seeds should be a list of whole numbers, 0 or more, like [1, 2, 3].")
    frozen = _frozen_rows(policy, monthly_cost, months, labels_as_of, economics)
    rows = [frozen[seed] if seed in frozen else _replayed_row(seed, policy, monthly_cost, months, labels_as_of, economics)
            for seed in dict.fromkeys(int(seed) for seed in chosen)]
    return pd.DataFrame(rows).set_index("seed")


def _replayed_row(seed: int, policy, monthly_cost, months, labels_as_of, economics) -> dict:
    """One seed's row of ``replay_plan``: the test simulated and read by ``read_plan``."""
    simulation = world.simulate(months=months, seed=seed, policy=policy, labels_as_of=labels_as_of)
    reading = read_plan(simulation, policy, monthly_cost, economics)
    return {"seed": seed, "decision": "switch" if reading["switch"] else "keep the rule",
            "effect": 100 * reading["effect"], "effect low": 100 * reading["effect_low"],
            "effect high": 100 * reading["effect_high"], "true effect": 100 * reading["true_effect"],
            "gain low": reading["gain_low"], "gain": reading["gain"], "gain high": reading["gain_high"],
            "true gain": reading["true_gain"]}


# --- lesson 07's replay, frozen ---------------------------------------------------------------------------------
# Lesson 07 replays its plan on 8 other seeds: about 2 seconds of simulating, the same numbers every time. Those rows
# are frozen next to this module (``tools/freeze_lesson07_replay.py`` writes them) and read back when everything they
# depend on is as it was: the arguments, the code of the world and of this package part, launch day and the
# champion's scores (``_replay_fingerprint``). Anything else is simulated as before. tests/unit/test_abtest.py replays
# the frozen seeds and compares.

REPLAY_FILE = Path(__file__).with_name("lesson07_replay.npz")
LESSON07_REPLAY = {"arms": {"model": "model", "rule": "rule", "hold-out": "none"}, "split": (40, 40, 20),
                   "seeds": (1, 2, 3, 4, 5, 6, 8, 9), "monthly_cost": 1500}
_NUMBERS = ("effect", "effect low", "effect high", "true effect", "gain low", "gain", "gain high", "true gain")


def _code_fingerprint() -> str:
    """The source of what a replayed row depends on: the world, this package part and the campaign's economics."""
    from churnlab.workspace import fingerprint

    package = Path(__file__).resolve().parent.parent
    return fingerprint(sorted((package / "world").glob("*.py")) + sorted((package / "abtest").glob("*.py"))
                       + [package / "economics.py"])


def _replay_fingerprint(policy, monthly_cost, months, labels_as_of, economics) -> str | None:
    """What the replayed rows depend on besides the seed and the code; None when they cannot be named reliably."""
    plain = isinstance(policy, world.ABTest) and policy.assign is None and isinstance(labels_as_of, str)
    world_state = _default_world_fingerprint() if plain else None
    if world_state is None:
        return None
    arguments = repr((policy, float(monthly_cost), int(months), labels_as_of, economics))
    return hashlib.sha256(f"{world_state}\n{arguments}".encode()).hexdigest()


def _stored() -> tuple[str, str, dict]:
    """The frozen file as written: its code fingerprint, its other fingerprint and its rows by seed."""
    with np.load(REPLAY_FILE) as stored:
        rows = {int(seed): {"seed": int(seed), "decision": str(decision), **dict(zip(_NUMBERS, map(float, numbers)))}
                for seed, decision, numbers in zip(stored["seeds"], stored["decisions"], stored["numbers"])}
        return str(stored["code"]), str(stored["fingerprint"]), rows


def _frozen_rows(policy, monthly_cost, months, labels_as_of, economics) -> dict:
    """The frozen rows by seed, when they were made with these arguments, this code and this world; else none."""
    if not REPLAY_FILE.exists():
        return {}
    code, fingerprint, rows = _stored()
    if code != _code_fingerprint() or fingerprint != _replay_fingerprint(policy, monthly_cost, months, labels_as_of, economics):
        return {}
    return rows


def lesson07_replay_recomputed() -> pd.DataFrame:
    """Lesson 07's replay simulated afresh (never read from the frozen rows): what the freezing tool writes."""
    spec = LESSON07_REPLAY
    policy = world.ab_test(spec["arms"], split=spec["split"])
    rows = [_replayed_row(seed, policy, spec["monthly_cost"], 3, "2027-06-01", DEFAULT_ECONOMICS) for seed in spec["seeds"]]
    return pd.DataFrame(rows).set_index("seed")


def freeze_lesson07_replay() -> Path:
    """Write lesson 07's replay to ``REPLAY_FILE`` (tools/freeze_lesson07_replay.py calls this)."""
    spec = LESSON07_REPLAY
    policy = world.ab_test(spec["arms"], split=spec["split"])
    table = lesson07_replay_recomputed()
    print(table.round(2).to_string())
    np.savez_compressed(REPLAY_FILE, code=_code_fingerprint(),
                        fingerprint=_replay_fingerprint(policy, spec["monthly_cost"], 3, "2027-06-01", DEFAULT_ECONOMICS),
                        seeds=table.index.to_numpy(dtype=np.int64), decisions=table["decision"].to_numpy(dtype=str),
                        numbers=table[list(_NUMBERS)].to_numpy(dtype=float))
    return REPLAY_FILE
