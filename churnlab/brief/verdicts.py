"""One model's story: the readiness verdict and the A/B test reconciled (``reconciliation()``), what blocks a launch (``blocking_items()``)."""
from __future__ import annotations

from dataclasses import dataclass

from churnlab import product
from churnlab._base.validate import course_function
from churnlab.brief.evidence import (
    LESSON_07_TEST,
    Evidence,
    _checked_evidence,
    _course_fairness,
    _monitoring_numbers,
    course_ab_test,
)
from churnlab.brief.formatting import _percent, _plain_dollars, _points
from churnlab.economics import DEFAULT_ECONOMICS
from churnlab.model import CHAMPION_C


def _readiness_numbers(evidence: Evidence) -> dict:
    """The readiness comparison: from lesson 05's runs when there, else computed by the course (the same champion).

    The intervals (a paired bootstrap over the test customers) are the course's: shown beside the runs' edge only when
    the runs compare the same champion with the same rule and find the same dollars.
    """
    course = product.churn_campaign_numbers()
    intervals = {"interval": course["edge_interval"], "live_rule": course["live_rule"],
                 "live_rule_profit": course["rule_profits"][course["live_rule"]], "live": course["live_edge_interval"],
                 "disagree_customers": course["disagree_customers"], "disagree": course["disagree_edge_interval"],
                 "chosen_on": course["best_rule_chosen_on"]}
    comparison = evidence.comparison
    if comparison is not None and comparison["rule"] is not None:
        rule = comparison["rule"]["run_name"].removeprefix("rule: ")
        same = rule == course["best_rule"] and abs(comparison["margin"] - course["edge_interval"]["estimate"]) < 1
        return {"source": "runs", "model": comparison["model"]["run_name"], "C": comparison["model"]["C"],
                "model_profit": comparison["model"]["expected_profit"], "rule": rule,
                "rule_profit": comparison["rule"]["expected_profit"], "edge": comparison["margin"],
                "customers": course["test_customers"], **(intervals if same else {"interval": None})}
    return {"source": "course", "model": "the champion", "C": course["C"], "model_profit": course["model_profit"],
            "rule": course["best_rule"], "rule_profit": course["best_rule_profit"],
            "edge": course["model_profit"] - course["best_rule_profit"], "customers": course["test_customers"],
            **intervals}


def _test_numbers(evidence: Evidence) -> dict | None:
    test = evidence.ab_test
    if test is not None and test["has_result"] and test.get("dollars_per_customer") is not None:
        return test
    return evidence.course_test


def _shown(interval: dict) -> bool:
    return interval["low"] > 0


def _readiness_verdict(ready: dict, money) -> str:
    """The readiness edge in words that follow its interval: "not shown to beat the best rule" unless it is above 0."""
    edge = f"{money(ready['edge'])}, {money(1000 * ready['edge'] / ready['customers'])} per 1,000"
    interval = ready.get("interval")
    if interval is None:
        return f"{edge} (no interval: your runs compare another model or rule than the course's)"
    live = ready["live"]
    return (f"{edge} (95 % {money(interval['low'])} to {money(interval['high'])}), "
            f"{'shown' if _shown(interval) else 'not shown'} to beat the best rule; against the live "
            f"{ready['live_rule']} rule {money(live['estimate'])} (95 % {money(live['low'])} to {money(live['high'])})"
            f"{'' if _shown(live) else ', not shown either'}")


def _reconciled(evidence: Evidence, money) -> str:
    ready, test = _readiness_numbers(evidence), _test_numbers(evidence)
    per_1000 = 1000 * ready["edge"] / ready["customers"]
    chosen = ", chosen on the training customers" if ready.get("chosen_on") else ""
    readiness = (f"Readiness compares the champion's expected profit (a modelled proxy: 30 % of called leavers assumed "
                 f"kept) with the best rule's ({ready['rule']}{chosen}) on the {ready['customers']:,} real test customers, "
                 f"label: leaving within one month: {_readiness_verdict(ready, money)}")
    if test is None:
        return f"The A/B test's result is missing, so only one verdict stands. {readiness}."
    treated, control = (int(n) if n is not None else 0 for n in test["customers"])
    months = int(test.get("months") or 3)
    measured = f"churn within {months} months"
    test_per_1000 = 1000 * test["dollars_per_customer"]
    text = (f"{readiness}. The simulated A/B test compares it with the month-to-month rule running today, on the "
            f"{treated:,} and {control:,} customers whose two call lists disagreed, on {measured} turned into dollars: "
            f"{money(test_per_1000)} per 1,000 (95 % {money(1000 * test['dollars_low'])} to "
            f"{money(1000 * test['dollars_high'])}).")
    if ready.get("interval") is None:
        return text
    replay = course_ab_test()  # calls per customer and the offer measured: lesson 07's test, replayed
    same_test = tuple(replay["customers"]) == (treated, control)
    disagree, n = ready["disagree"], ready["disagree_customers"]
    includes_zero = test["effect_low"] < 0 < test["effect_high"]
    text += (f" Same rule, same kind of customers (the {n:,} real ones whose lists disagree): readiness gives "
             f"{money(1000 * disagree['estimate'] / n)} per 1,000 (95 % {money(1000 * disagree['low'] / n)} to "
             f"{money(1000 * disagree['high'] / n)}), so rule and customer mix explain the step from {money(per_1000)}. "
             f"The rest, up to {money(test_per_1000)}, is not the offer alone: it is likely inflated (the winner's "
             "curse), so lesson 07 budgets no gain")
    if same_test:
        text += f" (truly {money(1000 * replay['true_dollars_per_customer'])}: the simulator's truth, no real team sees it)"
    text += ". Readiness assumes 30 % kept"
    if same_test:
        text += (f", the test measured {_percent(replay['offer_kept'], 0)} ({_percent(replay['offer_kept_low'], 0)} to "
                 f"{_percent(replay['offer_kept_high'], 0)})")
    text += (f", and where the lists disagree the rule's calls were {'not shown to keep anyone' if includes_zero else 'measured'} "
             f"(churn {_points(test['effect'])} in the champion's arm, 95 % {_points(test['effect_low'])} to "
             f"{_points(test['effect_high'])}, p = {test['p_value']:.2f}{': it includes 0' if includes_zero else ''})")
    if same_test and replay.get("contacts"):
        calls_m, calls_r = replay["contacts"]
        saved = 1000 * (calls_r - calls_m) * DEFAULT_ECONOMICS.cost_per_contact
        text += f"; {money(saved)} of the {money(test_per_1000)} is calls not made"
    return text + "."


@course_function
def reconciliation(evidence=None) -> str:
    """The paragraph that reconciles the readiness verdict with the A/B test: what each measured, on whom, how long,
    what explains the gap (rule, customer mix, an estimate likely inflated by the winner's curse, with the simulator's
    true gain beside it where the test is lesson 07's, the assumed 30 % kept against the offer measured), whether the churn
    effect's interval includes 0, and how much of the test's dollars is calls not made.

    ``evidence``: from ``collect_evidence()`` (read now if left out). Amounts are written with ``$``: print it.
    """
    return _reconciled(_checked_evidence(evidence), _plain_dollars)


@dataclass(frozen=True)
class BlockingItem:
    """One item of the brief's "blocking and open items": what, why, and whether it blocks the launch."""

    what: str
    why: str
    blocking: bool


_NEW_MODEL_NEEDS = (
    ("a fairness re-review (lesson 06)", "the review's gaps were measured on another model's scores"),
    ("a comparison with the rule on the same customers, in dollars (lessons 04-05)",
     "a challenger beaten by the month-to-month rule should not replace it"),
    ("a shadow month, then an A/B test against the champion (lesson 07)",
     "a win on past months is not yet a win on next month's customers"),
)


def _promoted(champion: dict | None) -> bool:
    """True when the alias points at a model lesson 05 did not choose: a retrained challenger, or another setting of C.

    Lesson 08's ``ensure_champion`` registers lesson 05's champion (C = 0.1) when lesson 05's runs are missing:
    that is the same model, not a promotion.
    """
    if champion is None:
        return False
    return champion["kind"] == "retrain" or (champion["C"] is not None and champion["C"] != CHAMPION_C)


def _open_readiness_rows() -> list[str]:
    """The readiness table's criteria still marked "to check"."""
    table = product.churn_readiness()
    return list(table.index[table["churn campaign"] == "to check"])


@course_function
def blocking_items(evidence=None) -> list[BlockingItem]:
    """What still blocks the launch, and what stays open, read from the evidence (``collect_evidence()``).

    Blocking: what a newly promoted model still needs (or, while the champion stays, what any replacement needs),
    and the champion's own fairness review while it ships. Open: the readiness table's "to check" rows, what lesson
    07's test left out of reach, the offer as measured against the 30 % assumed, lesson 07's "budget no gain; re-read
    each quarter with the hold-out" and its uplift test on the rule-only customers, lesson 08's open actions (the
    monitoring plan's ``open_actions`` tag), a recall gap beyond noise, an underpowered test, and missing runs.
    """
    evidence = _checked_evidence(evidence)
    items = []
    champion, review = evidence.champion, evidence.fairness
    plan, retrain = _monitoring_numbers(evidence)  # the course's, labelled so, where lesson 08's runs are missing
    if _promoted(champion):
        for what, why in _NEW_MODEL_NEEDS:
            items.append(BlockingItem(f"The live champion (version {champion['version']}, from lesson "
                                      f"{champion['from_lesson']}) was newly promoted: it needs {what}", why, True))
    else:
        if retrain["decision"] == "shadow test":
            kept = "lesson 08's challenger won offline and waits for a shadow month, then an A/B test; the champion stays"
        else:
            kept = "lesson 08 kept the champion"
        needs = "; ".join(what for what, _ in _NEW_MODEL_NEEDS)
        items.append(BlockingItem(f"Any model that replaces the champion first needs {needs}", f"{kept}; the "
                                  "checks the champion passed", True))
    if review is None:
        largest = _course_fairness()["largest"]
        found = (f"; the course's gaps show customers {largest['members']} at {_points(largest['gap'])}"
                 if largest and largest["beyond_noise"] else "")
        items.append(BlockingItem(f"The champion ships without a logged fairness review (lesson 06){found}",
                                  "the team reviews them and signs off", True))
    elif review.get("C") is not None and review["C"] != CHAMPION_C:
        items.append(BlockingItem(f"The fairness review covered a model with C = {review['C']:g}, not the champion "
                                  f"(C = {CHAMPION_C:g}): review the champion", "its gaps may differ", True))
    elif review["largest"] is not None and review["largest"]["beyond_noise"]:
        largest = review["largest"]
        items.append(BlockingItem(f"Recall gap for customers {largest['members']}: {_points(largest['gap'])}, beyond "
                                  "noise", "the health page must report it every month (a user story's acceptance "
                                  "criterion)", False))
    ready = _readiness_numbers(evidence)
    for criterion in _open_readiness_rows():
        if criterion == "value above the cost" and ready.get("interval"):
            interval = ready["interval"]
            found = (f"the edge over the best rule, {_plain_dollars(ready['edge'])} (95 % {_plain_dollars(interval['low'])} "
                     f"to {_plain_dollars(interval['high'])}), is {'' if _shown(interval) else 'not '}shown; whether it pays "
                     "for building, running and monitoring the model is open")
        elif criterion == "team capacity":
            found = "name who owns retraining and the monthly health page"
        else:
            found = "see the readiness table (lesson 09, section 1)"
        items.append(BlockingItem(f"To check (readiness), {criterion}: {found}", "", False))
    test, replay = _test_numbers(evidence), course_ab_test()
    if test is not None and test["effect_low"] < 0 < test["effect_high"]:
        items.append(BlockingItem("Whether the champion keeps more customers than the rule: out of reach (churn "
                                  f"{_points(test['effect'])}, 95 % {_points(test['effect_low'])} to "
                                  f"{_points(test['effect_high'])})", "", False))
    items.append(BlockingItem(f"The offer, measured: it keeps {_percent(replay['offer_kept'], 0)} of the champion's "
                              f"would-be leavers ({_percent(replay['offer_kept_low'], 0)} to "
                              f"{_percent(replay['offer_kept_high'], 0)}), not the 30 % every expected profit assumes",
                              "redo the money with it", False))
    items.append(BlockingItem("Lesson 07: budget no gain (likely inflated); keep the "
                              f"{LESSON_07_TEST['split'][2]} % hold-out, re-read each quarter; uplift test on rule-only "
                              "customers", "", False))
    actions = plan.get("open_actions", [])
    if actions and plan["source"] == "runs":  # the course's year's actions are the course's: section 2 points to A5
        items.append(BlockingItem(f"Open action{'s' if len(actions) > 1 else ''} (lesson 08): {'; '.join(actions)}",
                                  "", False))
    logged = evidence.ab_test
    if (logged is not None and logged["power"] is not None and logged["target_power"] is not None
            and logged["power"] < logged["target_power"]):
        items.append(BlockingItem(f"The switch test had {_percent(logged['power'], 0)} power", "keep the hold-out and "
                                  "the shadow scores on, and read the test again", False))
    lessons = sorted({item.lesson for item in evidence.missing})
    if lessons:
        named = ", ".join(lessons[:-1]) + (" and " if len(lessons) > 1 else "") + lessons[-1]
        items.append(BlockingItem(f"Missing: the runs of lesson{'s' if len(lessons) > 1 else ''} {named}",
                                  "the appendix says what each adds and how to run it", False))
    return items

