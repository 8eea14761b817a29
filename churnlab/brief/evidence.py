"""The numbers, from the runs of lessons 05-08 (``collect_evidence()``), or computed by the course where runs are missing.

Where they are missing, the course's numbers stand in, labelled so: the readiness numbers (``product``), lesson 06's gaps
(``_course_fairness``), lesson 07's test replayed (``course_ab_test``) and lesson 08's plan and retraining decision with
its default settings (``_course_monitoring``, from the record frozen by tools/freeze_lesson08_record.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from churnlab import abtest, fairness, monitoring, product, records, tracking, world
from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.tags import KIND_TAG, LESSON_TAG, run_tags, tags_filter
from churnlab._base.validate import course_function
from churnlab.brief.settings import ALERTS_FIRED_TAG, OPEN_ACTIONS_TAG
from churnlab.data import load_churn
from churnlab.economics import DEFAULT_ECONOMICS
from churnlab.model import champion_model, course_split
from churnlab.monitoring.page import _THRESHOLD_WORDS

# --- the numbers, from the runs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """A section whose runs are not in the store: what is missing and how to get it."""

    section: str
    lesson: str
    what: str
    how: str


@dataclass(frozen=True)
class Evidence:
    """Every number of the brief, read from the runs; ``None`` where a lesson's runs are missing (see ``missing``)."""

    where: str
    champion: dict | None = None
    comparison: dict | None = None
    fairness: dict | None = None
    ab_test: dict | None = None
    monitoring: dict | None = None
    retrain: dict | None = None
    missing: tuple = field(default_factory=tuple)
    course_test: dict | None = None  # lesson 07's test replayed by the course, where its result is not in the runs

    @property
    def complete(self) -> bool:
        return not self.missing

    def missing_for(self, section: str) -> list[Missing]:
        return [item for item in self.missing if item.section == section]


_HOW = {
    "05": "run lesson 05 (05_track_experiments_mlflow.ipynb) to the end: section 3 logs the models, section 4 the rules, "
          "section 6 registers the champion",
    "06": "run lesson 06 (06_fairness_and_explanations.ipynb) to the end: section 10 logs the review",
    "07": "run lesson 07 (07_testing_in_production.ipynb) to the end: section 3 logs the plan, section 4 the result",
    "08": "run lesson 08 (08_monitoring.ipynb) to the end: it logs the monitoring plan and the retraining decision",
}
# Where lesson 08's runs are missing, the brief shows what lesson 08 computes with its default settings (``_course_monitoring``).
_COURSE_08 = " in your runs: the course's numbers are shown instead (lesson 08 as the course ships it)"


def _missing(section: str, lesson: str, what: str) -> Missing:
    return Missing(section, lesson, what, f"{_HOW[lesson]}, then build the brief again.")


def _everything_missing(where: str) -> Evidence:
    return Evidence(where, course_test=course_ab_test(), missing=(
        _missing("model", "05", "no registered champion and no model or rule runs of lesson 05"),
        _missing("fairness", "06", "no fairness review of lesson 06"),
        _missing("abtest", "07", "no A/B test plan or result of lesson 07"),
        _missing("monitoring", "08", "no monitoring plan or retraining decision of lesson 08" + _COURSE_08),
    ))


def _number(params: dict, name: str) -> float | None:
    try:
        return float(params[name])
    except (KeyError, TypeError, ValueError):
        return None


_ECONOMICS = ("value_of_saved_customer", "acceptance_rate", "cost_per_contact")


def _run_facts(run) -> dict:
    params, metrics = dict(run.data.params), dict(run.data.metrics)
    return {
        "run_name": run.info.run_name, "run_id": run.info.run_id, "params": params, "metrics": metrics,
        "lesson": run.data.tags.get(LESSON_TAG, "05" if params.get("kind") in ("model", "rule") else ""),
        "kind": run.data.tags.get(KIND_TAG, params.get("kind", "")),
        "threshold": _number(params, "threshold"), "C": _number(params, "C"),
        "expected_profit": metrics.get("expected_profit"), "customers_contacted": metrics.get("customers_contacted"),
        "precision": metrics.get("precision"), "recall": metrics.get("recall"), "roc_auc": metrics.get("roc_auc"),
        "economics": {name: _number(params, name) for name in _ECONOMICS} if all(n in params for n in _ECONOMICS) else None,
        "data_sha256": params.get("data_sha256"),
    }


def _is_course_model_run(facts: dict) -> bool:
    """A lesson-05 model run: a model with a threshold, economics and an expected profit."""
    return (facts["params"].get("kind") == "model" and facts["threshold"] is not None and facts["expected_profit"] is not None
            and facts["economics"] is not None)


def _read_champion(client, model_name: str) -> dict | None:
    try:
        version = client.get_model_version_by_alias(model_name, "champion")
    except Exception:  # no registered model, or no alias yet
        return None
    if not version.run_id:
        return None
    try:
        run = client.get_run(version.run_id)
    except Exception:  # the run was deleted; the version stays
        return None
    facts = _run_facts(run)
    facts.update(model_name=model_name, version=int(version.version),
                 simulated=facts["kind"] == "retrain", from_lesson=facts["lesson"] or "05")
    return facts


def _read_comparison(client, experiment_id: str, champion: dict | None) -> dict | None:
    order = ["metrics.expected_profit DESC", "attributes.start_time DESC"]
    models = [_run_facts(run) for run in client.search_runs([experiment_id], "params.kind = 'model'", order_by=order,
                                                           max_results=1000)]
    models = [facts for facts in models if _is_course_model_run(facts)]
    if champion is not None and _is_course_model_run(champion):
        model = champion
    elif models:
        model = models[0]
    else:
        return None
    rules = [_run_facts(run) for run in client.search_runs([experiment_id], "params.kind = 'rule'", order_by=order,
                                                          max_results=1000)]
    same = [facts for facts in rules if facts["expected_profit"] is not None and facts["economics"] == model["economics"]
            and facts["data_sha256"] == model["data_sha256"]]
    if not same:
        return {"model": model, "rule": None, "margin": None,
                "model_is_champion": champion is not None and model["run_id"] == champion["run_id"]}
    chosen = f"rule: {product.churn_campaign_numbers()['best_rule']}"  # chosen on the training customers, as lesson 04
    rule = next((facts for facts in same if facts["run_name"] == chosen), same[0])
    return {"model": model, "rule": rule, "margin": model["expected_profit"] - rule["expected_profit"],
            "model_is_champion": champion is not None and model["run_id"] == champion["run_id"]}


def _fairness_facts(params: dict, metrics: dict, run_name: str, source: str) -> dict:
    groups = []
    for column in [name.strip() for name in params.get("groups_reviewed", "").split(",") if name.strip()]:
        gap = metrics.get(f"recall_gap__{column}")
        if gap is None:
            continue
        low, high = metrics.get(f"recall_gap_low__{column}"), metrics.get(f"recall_gap_high__{column}")
        group = fairness.GROUPS.get(column)
        groups.append({"column": column, "members": group.members if group else column,
                       "others": group.others if group else "the others", "gap": gap, "low": low, "high": high,
                       "beyond_noise": low is not None and high is not None and (low > 0 or high < 0)})
    largest = max(groups, key=lambda g: abs(g["gap"])) if groups else None
    return {"source": source, "run_name": run_name, "threshold": _number(params, "threshold"), "C": _number(params, "C"),
            "groups": groups, "largest": largest, "largest_recall_gap": metrics.get("largest_recall_gap")}


def _read_fairness(client, experiment_name: str) -> dict | None:
    review = records.latest_fairness_review(experiment_name)
    if review is None:
        return None
    return _fairness_facts(review.params, review.metrics, client.get_run(review.run_id).info.run_name, "runs")


@cache
def _course_fairness() -> dict:
    """Lesson 06's gaps computed by the course: the champion at the break-even threshold on the real test customers."""
    customers, split, model = load_churn(), course_split(), champion_model()
    threshold = DEFAULT_ECONOMICS.break_even_probability
    groups = fairness.customer_groups(customers, split.X_test.index)
    scores = model.predict_proba(split.X_test)[:, 1]
    gap_table = fairness.gaps(fairness.group_metrics(split.y_test, scores, groups, [0.5, threshold]), DEFAULT_ECONOMICS)
    params = {key: str(value) for key, value in fairness.review_params(model, groups, threshold, [0.5]).items()}
    return _fairness_facts(params, fairness.review_metrics(gap_table, threshold), "", "course")


def _fairness_numbers(evidence: Evidence) -> dict:
    """Lesson 06's review from the runs when there, else the same gaps computed by the course (labelled so)."""
    return evidence.fairness if evidence.fairness is not None else _course_fairness()


def _read_ab_test(experiment_name: str) -> dict | None:
    record = records.latest_ab_test(experiment_name)
    if record is None:
        return None
    plan = record.plan
    found = {"source": "runs", "plan_run_name": record.plan_run_name, "result_run_name": record.result_run_name, "plan": dict(plan),
             "customers_per_arm": _number(plan, "customers_per_arm"),
             "break_even_margin": _number(plan, "break_even_margin"), "hoped_for_effect": _number(plan, "hoped_for_effect"),
             "target_power": _number(plan, "target_power"),
             "customers_per_arm_for_target": _number(plan, "customers_per_arm_for_target_power"),
             "alpha": _number(plan, "alpha"), "power": _number(plan, "power"), "has_result": record.has_result}
    if record.has_result:
        low, high = record.interval
        dollars, dollars_low, dollars_high = record.dollars_per_customer
        found.update(effect=record.effect, effect_low=low, effect_high=high, p_value=record.p_value,
                     dollars_per_customer=dollars, dollars_low=dollars_low, dollars_high=dollars_high,
                     srm_p_value=record.result.get("srm_p_value"), decision=record.decision,
                     data=record.result_params.get("data", ""),
                     customers=(record.result.get("customers_treatment"), record.result.get("customers_control")),
                     churn=(record.result.get("churn_treatment"), record.result.get("churn_control")), contacts=None,
                     comparison=record.result_params.get("decision_comparison", ""), source="runs")
    return found


def _newest_run(client, experiment_id: str, kind: str, extra: str = ""):
    condition = tags_filter(run_tags("08", kind)) + extra
    runs = client.search_runs([experiment_id], condition, order_by=["attributes.start_time DESC"], max_results=1)
    return runs[0] if runs else None


def _newest_run_name(client, experiment_id: str, kind: str, extra: str = "") -> str:
    run = _newest_run(client, experiment_id, kind, extra)
    return run.info.run_name if run else ""


def _read_monitoring(client, experiment_id: str) -> tuple[dict | None, dict | None]:
    plan = monitoring.latest_monitoring_plan()
    retrain = monitoring.latest_retrain()
    if plan is not None:
        run = _newest_run(client, experiment_id, "monitoring_plan")
        tags = dict(run.data.tags) if run else {}
        actions = [item.strip() for item in tags.get(OPEN_ACTIONS_TAG, "").split(" | ") if item.strip()]
        plan = _plan_facts(plan, run.info.run_name if run else "", tags.get(ALERTS_FIRED_TAG, "").strip(), actions, "runs")
    if retrain is not None:
        run = _newest_run(client, experiment_id, "retrain", " and tags.`churnlab.role` = 'challenger'")
        # the minimum margin the team agreed before comparing (lesson 08's log_retrain logs it; 0 by default)
        metrics = dict(run.data.metrics) if run else {}
        signed = retrain.get("margin_over_champion", metrics.get("margin_over_champion"))
        retrain = {**retrain, "source": "runs", "run_name": run.info.run_name if run else "",
                   "min_margin": _number(dict(run.data.params), "min_margin") if run else None,
                   # challenger minus champion (dollars), and its 95 % interval clustered by customer when logged
                   "signed_margin": retrain["margin"] if signed is None else float(signed),
                   **{f"margin_{end}": _finite(retrain.get(f"margin_{end}")) for end in ("low", "high")}}
    return plan, retrain


def _plan_facts(settings: dict, run_name: str, alerts_fired: str, open_actions: list, source: str) -> dict:
    """The monitoring plan as the brief shows it, from the plan run's parameters (or the course's record)."""
    return {"source": source, "run_name": run_name, "settings": settings, "alerts_fired": alerts_fired,
            "open_actions": open_actions, "psi_no_change": _finite(settings.get("psi_no_change_p99")),
            "precision_gap_no_change": _finite(settings.get("precision_gap_no_change_p99")),
            "thresholds": [(name.removeprefix("alert_"), value, _THRESHOLD_WORDS.get(name.removeprefix("alert_"), ""))
                           for name, value in settings.items() if name.startswith("alert_")]}


@cache
def _course_monitoring() -> tuple[dict, dict]:
    """Lesson 08's plan and retraining decision as lesson 08 computes them with its default settings (frozen record)."""
    found = monitoring.course_record()
    plan, retrain = found["plan"], found["retrain"]
    settings = {**{f"alert_{name}": value for name, value in plan["thresholds"].items()},
                **{name: plan[name] for name in ("reference_month", "holdout_share", "psi_bins", "psi_binning",
                                                 "psi_no_change_p99", "precision_gap_no_change_p99")}}
    signed = float(retrain["margin_over_champion"])
    return (_plan_facts(settings, "", plan["alerts_fired"], list(plan["open_actions"]), "course"),
            {"source": "course", "run_name": "", "decision": retrain["decision"], "margin": abs(signed),
             "margin_over_champion": signed, "signed_margin": signed, "margin_low": retrain["margin_low"],
             "margin_high": retrain["margin_high"], "customers": retrain["customers"], "months": retrain["months"],
             "min_margin": retrain["min_margin"], "alias_moved": False})


def _monitoring_numbers(evidence: Evidence) -> tuple[dict, dict]:
    """Lesson 08's plan and retraining decision from the runs when there, else what lesson 08 computes (labelled so)."""
    plan, retrain = _course_monitoring()
    return (evidence.monitoring if evidence.monitoring is not None else dict(plan),
            evidence.retrain if evidence.retrain is not None else dict(retrain))


def _finite(value) -> float | None:
    """A logged number, or None when it is missing or NaN (lesson 08 logs NaN for an interval it did not compute)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if value != value else value


def _store_words(uri: str, experiment_name: str) -> str:
    experiment = f"experiment {experiment_name!r}"
    if tracking._local_sqlite_file(uri) is None:
        return f"the tracking server set in MLFLOW_TRACKING_URI, {experiment}"
    if uri == tracking.default_tracking_uri():
        return f"a SQLite file ({tracking.STORE_FILE}) in the course's work folder, {experiment}"
    return f"the SQLite file set in MLFLOW_TRACKING_URI, {experiment}"


@course_function
def collect_evidence(experiment_name: str | None = None) -> Evidence:
    """Read every number of the brief from the MLflow runs of lessons 05-08; say what is missing.

    Reads the store MLflow points at (``tracking.setup()`` sets it), else the course's store
    (an instructor's server when ``MLFLOW_TRACKING_URI`` is set), and never creates one: with no
    store, no experiment or no runs, every section is reported missing, with the lesson to run.
    Where lesson 07's result is missing, ``course_test`` holds lesson 07's test replayed by the
    course (``course_ab_test()``), which the brief labels "computed by the course"; where lesson 08's plan or
    decision is missing, the brief shows lesson 08's own numbers (``monitoring.course_record()``), labelled so.
    ``experiment_name``: default the course's, ``tracking.EXPERIMENT_NAME``.
    """
    name = tracking.EXPERIMENT_NAME if experiment_name is None else validate.text(experiment_name, "experiment_name",
                                                                                 example="tracking.EXPERIMENT_NAME")
    where = _store_words(tracking._reading_uri(), name)
    try:
        _, client, experiment = tracking._stored_experiment(name)
    except Exception as error:
        raise CourseError(f"Could not read the runs from {where}: {type(error).__name__}. Is the tracking server "
                          "running, and MLFLOW_TRACKING_URI right? (python -m churnlab doctor checks it.)") from None
    if experiment is None:
        return _everything_missing(where)
    missing = []
    champion = _read_champion(client, tracking.MODEL_NAME)
    comparison = _read_comparison(client, experiment.experiment_id, champion)
    if champion is None and comparison is None:
        missing.append(_missing("model", "05", "no registered champion and no model or rule runs of lesson 05"))
    elif champion is None:
        missing.append(_missing("model", "05", f"no version of {tracking.MODEL_NAME} has the alias 'champion'"))
    elif comparison is None:
        missing.append(_missing("model", "05", "no model runs of lesson 05 to compare with the rules"))
    if comparison is not None and comparison["rule"] is None:
        missing.append(_missing("model", "05", "no rule runs of lesson 05 with the same data and economics as the model run"))
    fairness_review = _read_fairness(client, name)
    if fairness_review is None:
        missing.append(_missing("fairness", "06", "no fairness review of lesson 06"))
    ab_test = _read_ab_test(name)
    if ab_test is None:
        missing.append(_missing("abtest", "07", "no A/B test plan or result of lesson 07"))
    elif not ab_test["has_result"]:
        missing.append(_missing("abtest", "07", "the A/B test has a plan but no result yet"))
    if name == tracking.EXPERIMENT_NAME:
        plan, retrain = _read_monitoring(client, experiment.experiment_id)
    else:  # lesson 08's readers read the course experiment only
        plan, retrain = None, None
    if plan is None and retrain is None:
        missing.append(_missing("monitoring", "08", "no monitoring plan or retraining decision of lesson 08" + _COURSE_08))
    elif plan is None:
        missing.append(_missing("monitoring", "08", "no monitoring plan of lesson 08" + _COURSE_08))
    elif retrain is None:
        missing.append(_missing("monitoring", "08", "no retraining decision of lesson 08" + _COURSE_08))
    course_test = None if ab_test is not None and ab_test["has_result"] else course_ab_test()
    return Evidence(where, champion, comparison, fairness_review, ab_test, plan, retrain, tuple(missing), course_test)


# --- lesson 07's test, replayed where its runs are missing ---------------------------------------------------------

# Lesson 07's test: the same arms, split, months, seed and label date (notebooks/07_testing_in_production.ipynb, section 4;
# churnlab.exercises.lesson07.LESSON_SPLIT and lesson_test(), which this layer may not import).
LESSON_07_TEST = {"arms": {"model": "model", "rule": "rule", "hold-out": "none"}, "split": (40, 40, 20), "months": 3,
                  "seed": 7, "labels_as_of": "2027-06-01"}


@cache
def _replayed_test() -> dict:
    design = LESSON_07_TEST
    test = world.ab_test(design["arms"], split=design["split"])
    # kept in the work folder as lesson 08 keeps its year: a re-run reads the same simulated quarter back
    result = monitoring.simulate_once(months=design["months"], seed=design["seed"], policy=test,
                                      labels_as_of=design["labels_as_of"])
    cohort = abtest.customers_under_review(result)
    disagree = cohort[cohort["model_picks"] != cohort["rule_picks"]]
    # read as lesson 07's plan says: adjusted for each customer's shadow score before the test (CUPED)
    decision = abtest.compare_arms(disagree, "model", "rule", trigger="lists disagree", adjust_for="churn_score")
    campaign = abtest.compare_arms(cohort, "model", "hold-out", adjust_for="churn_score")
    kept = abtest.share_kept(cohort[cohort["model_picks"]], "model", "hold-out")  # the offer, measured (lesson 07)
    # what only the simulator knows (lesson 07, section 4): the true effect where the lists disagree, in dollars as the
    # estimate counts them (customers kept at their value, the same calls at their cost)
    truth = abtest.true_effect(result, disagree, "model", "rule")
    extra_calls = decision.contacts_per_customer[0] - decision.contacts_per_customer[1]
    economics = DEFAULT_ECONOMICS
    true_dollars = -truth * economics.value_of_saved_customer - extra_calls * economics.cost_per_contact
    low, high = decision.dollars_interval
    campaign_low, campaign_high = campaign.dollars_interval
    return {"source": "course", "has_result": True, "data": world.caption(result), "months": design["months"],
            "decision": "", "result_run_name": "", "srm_p_value": None,
            "customers": tuple(int(n) for n in decision.customers), "effect": decision.effect, "effect_low": decision.low,
            "effect_high": decision.high, "p_value": decision.p_value, "dollars_per_customer": decision.dollars_per_customer,
            "churn": tuple(float(rate) for rate in decision.churn_rate),
            "contacts": tuple(float(rate) for rate in decision.contacts_per_customer),
            "dollars_low": low, "dollars_high": high, "comparison": "model vs rule, customers whose lists disagree",
            "campaign_customers": tuple(int(n) for n in campaign.customers),
            "campaign_dollars_per_customer": campaign.dollars_per_customer, "campaign_dollars_low": campaign_low,
            "campaign_dollars_high": campaign_high, "adjusted_for": "churn_score",
            "offer_kept": float(kept.estimate), "offer_kept_low": float(kept.low), "offer_kept_high": float(kept.high),
            "true_effect": float(truth), "true_dollars_per_customer": float(true_dollars)}


@course_function
def course_ab_test() -> dict:
    """Lesson 07's A/B test replayed by the course: the same design and seed, so the same simulated customers.

    The brief uses it where lesson 07's result is not in the runs (and labels it "computed by the course").
    Keys: ``customers`` (model arm, rule arm) where the two call lists disagree, their ``churn`` within ``months``
    (3) and ``contacts`` per customer, the ``effect`` on churn with ``effect_low`` / ``effect_high``, ``dollars_per_customer`` with ``dollars_low`` /
    ``dollars_high`` (the champion's calls against the month-to-month rule's, per such customer), and the
    campaign against the hold-out (``campaign_...``). Every comparison is read as lesson 07's plan says, adjusted for
    each customer's shadow score (CUPED, ``adjusted_for``), so the dollars are lesson 07's. ``offer_kept`` (with
    ``offer_kept_low`` / ``offer_kept_high``): the share of the champion's would-be leavers the offer kept, its
    list called against the hold-out (``abtest.share_kept``), beside lesson 03's assumed 30 %. Simulator only, what
    no real team sees: ``true_effect`` (the model arm's true churn minus the rule arm's where the lists disagree,
    ``abtest.true_effect``) and ``true_dollars_per_customer`` (it in dollars, as ``dollars_per_customer`` counts them:
    the estimate is likely inflated, the winner's curse lesson 07 shows by replaying the plan). About two seconds
    the first time (the simulated quarter is then kept in the work folder, ``monitoring.simulate_once``), then remembered.
    """
    return dict(_replayed_test())


# --- the one model's story: readiness and the test reconciled; what blocks a launch --------------------------------


def _checked_evidence(evidence) -> Evidence:
    if evidence is None:
        return collect_evidence()
    if not isinstance(evidence, Evidence):
        raise CourseError(f"evidence should be what brief.collect_evidence() returns (or leave it out), not "
                          f"{validate.kind_of(evidence)}.")
    return evidence
