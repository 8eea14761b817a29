"""The one-page product brief (lesson 09), built from the learner's own tracked work.

The learner writes the words (``words()``: the problem, who decides, the readiness verdict,
risks, privacy, user stories); the package fills every number from the MLflow runs that
lessons 05-08 logged (``collect_evidence()``), and says which run each number came from (by
its name). ``write_brief()`` renders both with Jinja2 templates (``churnlab/templates/``)
into a Markdown file and a self-contained HTML page in the course's work folder.

The brief tells one model's story: lesson 05's champion (C = 0.1), chosen in 05, reviewed in 06,
tested in 07, watched in 08. Its first page (``SECTIONS``) says which model ships and why, reconciles
the readiness verdict with the A/B test in one paragraph (``reconciliation()``), names the one decision
metric, and lists what blocks a launch and what stays open (``blocking_items()``: a model lesson 08 newly
promoted still needs a fairness re-review, a comparison with the rule, a shadow month, then an A/B test; the
champion itself needs its fairness review while it ships; the readiness table's "to check" rows, the test's
open questions, the offer as measured and lesson 08's open actions). The details go to an appendix
(``APPENDIX``), which the HTML page prints from a new page.

The readiness edge carries its paired-bootstrap interval over the test customers, with the best rule chosen on
the training customers (``product.churn_campaign_numbers()``), and the verdict's words follow the interval.
Where a lesson's runs are missing, the brief says so; the readiness numbers (``product``), lesson 06's gaps
(the champion on the real test customers, ``fairness``) and lesson 07's test (``course_ab_test()``, the same
design and seed replayed, read with CUPED as lesson 07 does) are then computed by the course and labelled so,
which is how lesson 09 runs in an empty work folder.

What is read, and with what:

- lesson 05: the registered model ``tracking.MODEL_NAME`` and its alias ``champion``
  (``MlflowClient.get_model_version_by_alias``), the run the champion came from, and the
  model runs (``params.kind = 'model'``) and rule runs (``params.kind = 'rule'``) of the
  experiment (``MlflowClient.search_runs``): the rule the model beat, and by how much;
- lesson 06: ``records.latest_fairness_review()``;
- lesson 07: ``records.latest_ab_test()`` (simulated);
- lesson 08: ``monitoring.latest_monitoring_plan()`` and ``monitoring.latest_retrain()`` (simulated); the plan
  run's tags ``alerts_fired`` (what the simulated year's monitoring found) and ``open_actions`` (items separated
  by " | "), and its no-change PSI (``psi_no_change_p99``).

A lesson whose runs are missing (a learner skipped it, or, in Colab, ran it on another
machine) does not stop the brief: its section says what is missing and which lesson to run.
Reading never creates a store, and the brief logs nothing: the champion never moves.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from churnlab._base import validate
from churnlab._base.html import dollar_safe_html
from churnlab._base.errors import CourseError
from churnlab._base.tags import KIND_TAG, LESSON_TAG, run_tags, tags_filter
from churnlab._base.validate import course_function
from churnlab import abtest, fairness, monitoring, product, records, tracking, world
from churnlab.data import load_churn
from churnlab.economics import DEFAULT_ECONOMICS
from churnlab.model import CHAMPION_C, champion_model, course_split
from churnlab.monitoring.page import _THRESHOLD_WORDS
from churnlab.product import UserStory
from churnlab.workspace import work_dir

__all__ = ["APPENDIX", "BRIEF_FILES", "SECTIONS", "BlockingItem", "BriefFiles", "BriefWords", "Evidence", "Missing",
           "blocking_items", "collect_evidence", "course_ab_test", "reconciliation", "render", "words", "write_brief"]
# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)

BRIEF_FILES = ("product_brief.md", "product_brief.html")
TEMPLATES = "templates"
SECTIONS = {  # id: heading, in the order of the brief's one page
    "decision": "1. The decision: which model ships",
    "record": "2. One model, four checks",
    "readiness": "3. Readiness and the A/B test, reconciled",
    "success": "4. Success: one decision metric",
    "blocking": "5. Blocking and open items",
    "edge-cases": "6. Edge cases and fallbacks",
    "risks": "7. Risks, privacy and data use",
}
APPENDIX = {  # id: heading, in the order of the appendix (printed from a new page)
    "model": "A1. The champion and the rule it beat",
    "tree": "A2. The metric tree",
    "fairness": "A3. Fairness review",
    "abtest": "A4. A/B test: plan and result (simulated)",
    "monitoring": "A5. Monitoring and retraining (simulated)",
    "stories": "A6. User stories in full",
    "sources": "A7. Where the numbers come from",
}
DECISION_METRIC = "net retained revenue"
PROXY = "expected profit, a modelled proxy of net retained revenue (lesson 03's assumed 30 % acceptance)"
ALERTS_FIRED_TAG, OPEN_ACTIONS_TAG = "alerts_fired", "open_actions"  # tags of lesson 08's monitoring plan run
COLAB_NOTE = ("In Google Colab each notebook runs on a machine of its own: runs logged by another notebook reach this one "
              "only through an instructor's shared MLflow server (MLFLOW_TRACKING_URI).")


# --- the learner's words -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefWords:
    """What the learner writes in the brief; every number comes from the runs instead."""

    product: str
    problem: str
    decision_owner: str
    users: str
    readiness: str
    risks: str
    privacy: str
    stories: tuple = ()


_WORD_PROMPTS = {
    "product": "the feature's name",
    "problem": "the problem, for whom, and the decision the model changes",
    "decision_owner": "who decides to launch, and who can switch the model off",
    "users": "who sees the model's output (agents, customers)",
    "readiness": "your verdict on the six readiness questions, and why",
    "risks": "the risks you see, and what you will do about each",
    "privacy": "which personal data is used, what is never used, who may see the scores",
}


@course_function
def words(product: str = "", problem: str = "", decision_owner: str = "", users: str = "", readiness: str = "",
          risks: str = "", privacy: str = "", stories=()) -> BriefWords:
    """The words of your brief: each a text in quotes; ``stories`` a list of ``product.user_story(...)``.

    A field left empty shows in the brief as a prompt saying what to write there.
    """
    given = {"product": product, "problem": problem, "decision_owner": decision_owner, "users": users,
             "readiness": readiness, "risks": risks, "privacy": privacy}
    for name, value in given.items():
        if not isinstance(value, str):
            raise CourseError(f"{name} should be a text in quotes, like '{_WORD_PROMPTS[name]}', not {validate.kind_of(value)}.")
    if isinstance(stories, UserStory):
        stories = [stories]
    if not isinstance(stories, (list, tuple)) or not all(isinstance(story, UserStory) for story in stories):
        raise CourseError("stories should be a list of user stories, each made with product.user_story(...): "
                          f"[story_1, story_2], not {validate.kind_of(stories)}.")
    return BriefWords(**{name: value.strip() for name, value in given.items()}, stories=tuple(stories))


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


def _missing(section: str, lesson: str, what: str) -> Missing:
    return Missing(section, lesson, what, f"{_HOW[lesson]}, then build the brief again.")


def _everything_missing(where: str) -> Evidence:
    return Evidence(where, course_test=course_ab_test(), missing=(
        _missing("model", "05", "no registered champion and no model or rule runs of lesson 05"),
        _missing("fairness", "06", "no fairness review of lesson 06"),
        _missing("abtest", "07", "no A/B test plan or result of lesson 07"),
        _missing("monitoring", "08", "no monitoring plan or retraining decision of lesson 08"),
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
        plan = {"run_name": run.info.run_name if run else "", "settings": plan,
                "alerts_fired": tags.get(ALERTS_FIRED_TAG, "").strip(), "open_actions": actions,
                "psi_no_change": _finite(plan.get("psi_no_change_p99")),
                "thresholds": [(name.removeprefix("alert_"), value, _THRESHOLD_WORDS.get(name.removeprefix("alert_"), ""))
                               for name, value in plan.items() if name.startswith("alert_")]}
    if retrain is not None:
        run = _newest_run(client, experiment_id, "retrain", " and tags.`churnlab.role` = 'challenger'")
        # the minimum margin the team agreed before comparing (lesson 08's log_retrain logs it; 0 by default)
        metrics = dict(run.data.metrics) if run else {}
        signed = retrain.get("margin_over_champion", metrics.get("margin_over_champion"))
        retrain = {**retrain, "run_name": run.info.run_name if run else "",
                   "min_margin": _number(dict(run.data.params), "min_margin") if run else None,
                   # challenger minus champion (dollars), and its 95 % interval clustered by customer when logged
                   "signed_margin": retrain["margin"] if signed is None else float(signed),
                   **{f"margin_{end}": _finite(retrain.get(f"margin_{end}")) for end in ("low", "high")}}
    return plan, retrain


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
    course (``course_ab_test()``), which the brief labels "computed by the course".
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
        missing.append(_missing("monitoring", "08", "no monitoring plan or retraining decision of lesson 08"))
    elif plan is None:
        missing.append(_missing("monitoring", "08", "no monitoring plan of lesson 08"))
    elif retrain is None:
        missing.append(_missing("monitoring", "08", "no retraining decision of lesson 08"))
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
    result = world.simulate(months=design["months"], seed=design["seed"], policy=test, labels_as_of=design["labels_as_of"])
    cohort = abtest.customers_under_review(result)
    disagree = cohort[cohort["model_picks"] != cohort["rule_picks"]]
    # read as lesson 07's plan says: adjusted for each customer's shadow score before the test (CUPED)
    decision = abtest.compare_arms(disagree, "model", "rule", trigger="lists disagree", adjust_for="churn_score")
    campaign = abtest.compare_arms(cohort, "model", "hold-out", adjust_for="churn_score")
    kept = abtest.share_kept(cohort[cohort["model_picks"]], "model", "hold-out")  # the offer, measured (lesson 07)
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
            "offer_kept": float(kept.estimate), "offer_kept_low": float(kept.low), "offer_kept_high": float(kept.high)}


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
    list called against the hold-out (``abtest.share_kept``), beside lesson 03's assumed 30 %. About two seconds
    the first time, then remembered.
    """
    return dict(_replayed_test())


# --- the one model's story: readiness and the test reconciled; what blocks a launch --------------------------------


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
             f"{money(1000 * disagree['high'] / n)}), so rule and customer mix explain the step from {money(per_1000)}; the "
             "rest is the offer: readiness assumes 30 % kept")
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
    what explains the gap (rule, customer mix, the assumed 30 % kept against the offer measured), whether the churn
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
    07's test left out of reach, the offer as measured against the 30 % assumed, lesson 08's open actions (the
    monitoring plan's ``open_actions`` tag), a recall gap beyond noise, an underpowered test, and missing runs.
    """
    evidence = _checked_evidence(evidence)
    items = []
    champion, review, retrain = evidence.champion, evidence.fairness, evidence.retrain
    if _promoted(champion):
        for what, why in _NEW_MODEL_NEEDS:
            items.append(BlockingItem(f"The live champion (version {champion['version']}, from lesson "
                                      f"{champion['from_lesson']}) was newly promoted: it needs {what}", why, True))
    else:
        if retrain is None:
            kept = "no challenger has been promoted"
        elif retrain["decision"] == "shadow test":
            kept = "lesson 08's challenger won offline and waits for a shadow month, then an A/B test; the champion stays"
        else:
            kept = "lesson 08's challenger was not promoted"
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
    plan = evidence.monitoring
    actions = (plan or {}).get("open_actions", [])
    if actions:
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


# --- rendering -----------------------------------------------------------------------------------------------------

def _notebook_text(text: str) -> str:
    """Learner text for JupyterLab's Markdown output, which typesets $...$ as maths: amounts in words ("20 dollars").

    The course's HTML outputs do the same (``churnlab._base.html.dollar_safe_html``): no ``$`` is left to pair,
    and no backslash shows where MathJax does not run.
    """
    return dollar_safe_html(str(text).replace("\\$", "$"))


def _plain_text(text: str) -> str:
    """Learner text for the Markdown file: plain, except a ``$`` right after a non-space, escaped.

    GitHub (like pandoc and most wikis) reads ``$...$`` as maths only when the closing ``$`` follows a
    non-space character, so "$20 ... $70" stays text; "($70" would close it, hence the one escape.
    """
    return re.sub(r"(?<=[^\s\\])\$", r"\\$", str(text))


def _dollars(amount: float | None) -> str:
    if amount is None:
        return "not logged"
    sign = "−" if amount < 0 else ""
    return f"{sign}${abs(amount):,.0f}"


def _dollars_in_words(amount: float | None) -> str:
    """An amount for the notebook's Markdown output: "12,650 dollars", "−430 dollars" (no $ for MathJax to pair)."""
    return "not logged" if amount is None else dollar_safe_html(_dollars(amount))


def _plain_dollars(amount: float | None) -> str:
    """An amount for the Markdown file: "minus $1,234" rather than "−$1,234", whose $ could close a maths span."""
    if amount is None:
        return "not logged"
    return f"{'minus ' if amount < 0 else ''}${abs(amount):,.0f}"


def _percent(share: float | None, digits: int = 1) -> str:
    return "not logged" if share is None else f"{100 * share:.{digits}f} %"


def _points(share: float | None, digits: int = 1) -> str:
    if share is None:
        return "not logged"
    value = 100 * share
    return f"{'−' if value < 0 else '+'}{abs(value):.{digits}f} points"


def _number_text(value, digits: int = 3) -> str:
    if value is None:
        return "not logged"
    value = float(value)
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 10 else f"{value:.{digits}g}"


def _environment(kind: str):
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(loader=PackageLoader("churnlab", TEMPLATES), autoescape=kind == "html",
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    if kind == "notebook":  # JupyterLab pairs any two $ as maths: amounts in words, as the course's HTML tables
        environment.filters["dollars"] = _dollars_in_words
        environment.filters["text"] = _notebook_text
    elif kind == "markdown":  # the file: plain Markdown, to paste into a wiki, a pull request, Slack or an e-mail
        environment.filters["dollars"] = _plain_dollars
        environment.filters["text"] = _plain_text
    else:
        environment.filters["dollars"] = _dollars
        environment.filters["text"] = str
    environment.filters.update(percent=_percent, points=_points, number=_number_text)
    return environment


_MONEY = {"notebook": _dollars_in_words, "markdown": _plain_dollars, "html": _dollars}


def _context(brief_words: BriefWords, evidence: Evidence, kind: str) -> dict:
    stories = brief_words.stories or tuple(product.example_stories())
    course = product.churn_campaign_numbers()  # computed from the course data: shown only where lesson 05's runs are missing
    course["edge"] = course["model_profit"] - course["best_rule_profit"]
    return {
        "course": course,
        "words": {name: getattr(brief_words, name) for name in _WORD_PROMPTS},
        "prompts": _WORD_PROMPTS,
        "own_stories": bool(brief_words.stories),
        "stories": [{"story": story, "sentence": story.sentence(), "gaps": product.story_gaps(story)} for story in stories],
        "evidence": evidence,
        "sections": SECTIONS,
        "appendix": APPENDIX,
        "readiness": _readiness_numbers(evidence),
        "test": _test_numbers(evidence),
        "reconciliation": _reconciled(evidence, _MONEY[kind]),
        "review": _fairness_numbers(evidence),
        "proxy": PROXY,
        "blocking": blocking_items(evidence),
        "promoted": _promoted(evidence.champion),
        "champion_c": CHAMPION_C,
        "decision_metric": DECISION_METRIC,
        "guardrails": product.metric_tree().query("role == 'guardrail'").index.tolist(),
        "missing": {section: evidence.missing_for(section) for section in APPENDIX},
        "tree": product.metric_tree().reset_index().to_dict("records"),
        "colab_note": COLAB_NOTE,
    }


@course_function
def render(brief_words, evidence=None, kind: str = "markdown") -> str:
    """The brief as text. ``evidence``: from ``collect_evidence()`` (read now if left out).

    ``kind``: "markdown" (the file: plain Markdown), "html" (a self-contained page) or "notebook" (Markdown
    for ``IPython.display.Markdown`` in JupyterLab, which would typeset the text between two $ as maths).
    """
    brief_words = _checked_words(brief_words)
    evidence = _checked_evidence(evidence)
    kind = validate.one_of(kind, "kind", ("markdown", "html", "notebook"))
    template = "product_brief.html.j2" if kind == "html" else "product_brief.md.j2"
    return _environment(kind).get_template(template).render(**_context(brief_words, evidence, kind))


def _checked_words(brief_words) -> BriefWords:
    if not isinstance(brief_words, BriefWords):
        raise CourseError(f"brief_words should be your words, made with brief.words(product=..., problem=..., ...), not "
                          f"{validate.kind_of(brief_words)}.")
    return brief_words


def _checked_evidence(evidence) -> Evidence:
    if evidence is None:
        return collect_evidence()
    if not isinstance(evidence, Evidence):
        raise CourseError(f"evidence should be what brief.collect_evidence() returns (or leave it out), not "
                          f"{validate.kind_of(evidence)}.")
    return evidence


@dataclass(frozen=True)
class BriefFiles:
    """Where ``write_brief`` put the brief: the Markdown file and the HTML page, in the work folder."""

    markdown: Path
    html: Path


@course_function
def write_brief(brief_words, evidence=None, name: str = "product_brief") -> BriefFiles:
    """Write the brief to the course's work folder as ``NAME.md`` and ``NAME.html`` (``product_brief`` unless named).

    The HTML page is self-contained (no script, nothing loaded from the network): open it by
    double-clicking, print it (the brief fills one page, the appendix follows on the next), or send it.
    Print the paths with ``churnlab.workspace.shown_path``. Re-running overwrites both files; nothing is
    logged in MLflow. ``name``: another file name, such as an exercise's, keeps the lesson's brief.
    """
    brief_words = _checked_words(brief_words)
    evidence = _checked_evidence(evidence)
    name = validate.text(name, "name", example="'my_brief'")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or name.lower().endswith((".md", ".html")):
        raise CourseError(f"name should be a plain file name without folder or ending, like 'my_brief', not {name!r}: "
                          "the brief adds .md and .html.")
    folder = work_dir()
    markdown_path, html_path = folder / f"{name}.md", folder / f"{name}.html"
    markdown_path.write_text(render(brief_words, evidence, "markdown"), encoding="utf-8")
    html_path.write_text(render(brief_words, evidence, "html"), encoding="utf-8")
    return BriefFiles(markdown_path, html_path)
