"""From experiment to product (lesson 09): ML readiness, the metric tree, the model lifecycle, user stories.

The frameworks a PM takes to work, as tables a notebook shows and a brief quotes:

- ``READINESS_CRITERIA`` and ``readiness_questions()``: six questions that decide whether a
  problem needs ML at all (after Google's Rules of Machine Learning, #1: don't be afraid to
  launch without ML); ``churn_readiness()`` answers them for the churn campaign with the
  course's own numbers (lesson 05's champion, C = 0.1, against lesson 04's rules on the real
  test customers); ``readiness_examples()`` answers them for three other features PMs meet, where
  the answer is not always "yes".
- ``metric_tree()``: the business goal, the product metrics and the model metrics under it;
  which is the decision metric, which are guardrails, which are leading or lagging, and which
  the A/B test (lesson 07) and the monitoring (lesson 08) read.
- ``lifecycle()`` and ``questions_for_engineers()``: data, train, evaluate, serve, monitor,
  retrain, mapped onto the course; what to ask a data scientist or an ML engineer.
- ``EDGE_CASES``, ``user_story()``, ``story_gaps()`` and ``example_stories()``: user stories
  with an ML edge case, a fallback and an acceptance criterion; ``story_gaps`` says which part
  of a story is missing.

Nothing here needs MLflow: the brief that reads the runs is ``churnlab.brief``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from churnlab import rules, uncertainty
from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.html import dollar_safe_html
from churnlab._base.validate import course_function
from churnlab.data import load_churn
from churnlab.economics import DEFAULT_ECONOMICS, dollars, expected_campaign_profit
from churnlab.model import (  # fitted once per session, shared with the checks
    CHAMPION_C,
    champion_model,
    course_split,
)

__all__ = [
    "EDGE_CASES", "READINESS_CRITERIA", "DollarSafeTable", "UserStory", "churn_campaign_numbers", "churn_readiness", "edge_cases",
    "example_stories", "lifecycle", "metric_tree", "named_edge_case", "questions_for_engineers", "readiness_examples", "readiness_questions", "story_gaps", "user_story",
]

# --- tables a notebook shows ------------------------------------------------------------------------------------

class DollarSafeTable(pd.DataFrame):
    """A ``DataFrame`` whose HTML (what JupyterLab shows) puts each dollar amount in its own ``<span>``, so that
    MathJax never pairs two of them into maths; its plain text keeps "$12,640".

    The tables of this module hold dollar amounts in several cells, so they are returned as this. Anything
    computed from one (a selection, a copy) is an ordinary ``DataFrame``.
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def _repr_html_(self) -> str | None:
        markup = super()._repr_html_()
        return None if markup is None else dollar_safe_html(markup)


def _shown(table: pd.DataFrame) -> DollarSafeTable:
    return DollarSafeTable(table)


# --- ML readiness ----------------------------------------------------------------------------------------------

READINESS_CRITERIA = {  # short name: (the question, what a "no" means)
    "decision": ("Is there a repeated decision that a score would change, and an action someone takes on it?",
                 "a prediction nobody acts on is a report, not a product"),
    "data": ("Do the inputs exist at the moment of the decision, and are there enough past cases with a known outcome (labels)?",
             "collect the data and the labels first; launch a rule meanwhile"),
    "baseline": ("Is there a simple rule to beat, and does the model beat it on the same customers, in dollars?",
                 "ship the rule: it is cheaper to build, run and explain"),
    "value": ("Is the gain over that rule larger than the cost of building, running, explaining and monitoring the model?",
              "the model is a cost centre: keep the rule"),
    "risk": ("Can we live with the model's mistakes (who is harmed, can they ask why, is there a fallback)?",
             "narrow the use, add a human review or a fallback, or do not launch"),
    "team": ("Is there someone to own the data, the model and its monitoring after launch?",
             "a model nobody watches decays silently: staff it or keep the rule"),
}
_CRITERION_NAMES = {
    "decision": "a decision and an action",
    "data": "data and labels at decision time",
    "baseline": "a baseline rule to beat",
    "value": "value above the cost",
    "risk": "acceptable risk",
    "team": "team capacity",
}


@course_function
def readiness_questions() -> pd.DataFrame:
    """The six readiness questions, one row each: the criterion, the question to ask, and what a "no" means."""
    rows = [(_CRITERION_NAMES[key], question, no) for key, (question, no) in READINESS_CRITERIA.items()]
    return _shown(pd.DataFrame(rows, columns=["criterion", "question to ask", "if the answer is no"]).set_index("criterion"))


_READINESS_RULES = {  # lesson 04's rules, by the names lesson 05 logs them under ("rule: <name>")
    "month-to-month": lambda X: rules.month_to_month(X) == 1,
    "month-to-month and new": lambda X: rules.month_to_month_and_new(X) == 1,
    "risk points ≥ 3": lambda X: rules.risk_points(X) >= 3,
    "risk points ≥ 2": lambda X: rules.risk_points(X) >= 2,
}
LIVE_RULE = "month-to-month"  # the rule the campaign runs today (lesson 07 tests the champion against it)


def _interval(gap) -> dict:
    return {"estimate": float(gap.estimate), "low": float(gap.low), "high": float(gap.high), "verdict": gap.verdict,
            "share_above_zero": gap.share_above_zero}


@cache
def _churn_facts() -> dict:
    """The churn campaign's readiness numbers: real customers, lesson 05's champion against lesson 04's rules.

    As lesson 04 does, the best rule is chosen on the training customers, then judged with the champion on the
    test customers; each edge has its paired-bootstrap interval over the test customers (``uncertainty``).
    """
    customers = load_churn()
    split = course_split()
    threshold = DEFAULT_ECONOMICS.break_even_probability
    scores = champion_model().predict_proba(split.X_test)[:, 1]
    contacted = scores >= threshold
    on_training = {name: expected_campaign_profit(split.y_train, flags(split.X_train)) for name, flags in _READINESS_RULES.items()}
    best_rule = max(on_training, key=on_training.get)
    rule_flags = {name: pd.Series(flags(split.X_test), index=split.X_test.index) for name, flags in _READINESS_RULES.items()}
    rule_profits = {name: expected_campaign_profit(split.y_test, chosen) for name, chosen in rule_flags.items()}
    live = rule_flags[LIVE_RULE].to_numpy()
    disagree = contacted != live  # the real test customers whose two call lists disagree (what lesson 07's test reads)
    y_disagree = split.y_test.to_numpy()[disagree]
    on_disagree = uncertainty.profit_difference(y_disagree, contacted[disagree], live[disagree])
    live_called = live[disagree]
    return {
        "customers": len(customers),
        "churners": int((customers["churn"] == "Yes").sum()),
        "empty_charges": int(customers["total_charges"].isna().sum()),
        "test_customers": len(split.X_test),
        "C": CHAMPION_C,
        "threshold": threshold,
        "contacted": int(contacted.sum()),
        "model_profit": float(expected_campaign_profit(split.y_test, contacted)),
        "best_rule": best_rule,
        "best_rule_chosen_on": "training customers",
        "best_rule_profit": float(rule_profits[best_rule]),
        "rule_profits": rule_profits,
        "edge_interval": _interval(uncertainty.profit_difference(split.y_test, contacted, rule_flags[best_rule])),
        "live_rule": LIVE_RULE,
        "live_edge_interval": _interval(uncertainty.profit_difference(split.y_test, contacted, live)),
        "disagree_customers": int(disagree.sum()),
        "disagree_edge_interval": _interval(on_disagree),
        "disagree_live_calls": int(live_called.sum()),
        "disagree_churn_rate_live_called": float(y_disagree[live_called].mean()) if live_called.any() else 0.0,
    }


@course_function
def churn_campaign_numbers() -> dict:
    """The numbers behind ``churn_readiness()``: customers, churners, the model's and the rules' expected profit.

    Keys: ``customers``, ``churners``, ``empty_charges``, ``test_customers``, ``C`` (the champion's
    setting, lesson 05's 0.1), ``threshold``, ``contacted`` (by the champion at that threshold), ``model_profit``, ``best_rule``
    (chosen on the training customers, as lesson 04 does), ``best_rule_profit`` and ``rule_profits`` (expected profit in
    dollars on the real test customers: a modelled proxy of net retained revenue, with lesson 03's assumed 30 % acceptance).
    ``edge_interval``: the champion minus the best rule, a paired bootstrap over the test customers (``estimate``,
    ``low``, ``high``, ``verdict``); ``live_edge_interval``: the same against the ``live_rule`` (month-to-month);
    ``disagree_customers``, ``disagree_edge_interval``: that edge on the test customers whose two lists (champion,
    month-to-month) disagree; ``disagree_live_calls`` and ``disagree_churn_rate_live_called``: the rule's calls there
    and the share of those called who left.
    """
    facts = dict(_churn_facts())
    for key in ("rule_profits", "edge_interval", "live_edge_interval", "disagree_edge_interval"):
        facts[key] = dict(facts[key])
    return facts


@course_function
def churn_readiness() -> pd.DataFrame:
    """The six readiness questions answered for the churn campaign, with the course's own numbers.

    Computed on the real Telco customers: lesson 05's champion (C = 0.1, ``model.champion_model()``) at
    the break-even threshold against the best of lesson 04's rules (chosen on the training customers), on the
    1,409 test customers, with the course economics ($200 a saved customer, 30 % accept, $10 a contact); the edge
    with its paired-bootstrap interval, against the best rule and against the live month-to-month rule.
    """
    facts = _churn_facts()
    edge = facts["model_profit"] - facts["best_rule_profit"]
    interval, live = facts["edge_interval"], facts["live_edge_interval"]  # the amounts: churn_campaign_numbers()
    # Each dollar amount in its own element (DollarSafeTable): JupyterLab pairs two $ of one run of text into maths.
    rows = [
        ("decision", "yes", f"every month: whom to offer a retention discount; at the break-even threshold "
                            f"{facts['threshold']:.3f} the champion (C = {facts['C']:g}) would call {facts['contacted']:,} of "
                            f"{facts['test_customers']:,} test customers and earn {dollars(facts['model_profit'])}"),
        ("data", "yes", f"{facts['customers']:,} customers with the outcome known ({facts['churners']:,} left); every input "
                        f"exists on the day of the decision, but {facts['empty_charges']} brand-new customers have no "
                        "charges yet"),
        ("baseline", "yes", f"the best of lesson 04's rules on the training customers ({facts['best_rule']}) earns {dollars(facts['best_rule_profit'])} "
                            "on the same test customers"),
        ("value", "to check", f"the model earns {dollars(edge)} more than that rule on {facts['test_customers']:,} customers, "
                              f"{'shown' if interval['low'] > 0 else 'not shown'} to beat it (its 95 % interval "
                              f"{'excludes' if interval['low'] > 0 else 'includes'} zero); it "
                              f"{'beats' if live['low'] > 0 else 'is not shown to beat'} the live month-to-month rule: "
                              "is the edge larger than what the model costs to build, run, explain and monitor?"),
        ("risk", "yes, with care", "a wrong call costs $10 or a missed discount; the fairness review (lesson 06) found gaps "
                                   "to watch; the rule is the fallback"),
        ("team", "to check", "someone must own retraining and the monthly health page (lesson 08)"),
    ]
    return _shown(pd.DataFrame([(_CRITERION_NAMES[key], verdict, evidence) for key, verdict, evidence in rows],
                               columns=["criterion", "churn campaign", "evidence"]).set_index("criterion"))


_EXAMPLES = {  # feature: (the situation, {criterion: answer}, verdict, why)
    "product recommendations": (
        "an online shop with 50,000 products and millions of visits a month; every item shown and bought is logged",
        {"decision": "yes", "data": "yes", "baseline": "yes", "value": "yes", "risk": "yes", "team": "to check"},
        "ready for ML",
        "labels arrive in minutes at large volume; 'bestsellers in this category' is the rule to beat and the fallback; "
        "a bad suggestion costs a click",
    ),
    "search ranking": (
        "a help centre with 40 articles and about 300 searches a month",
        {"decision": "yes", "data": "no", "baseline": "yes", "value": "no", "risk": "yes", "team": "no"},
        "not ready: keep the rule",
        "keyword search with a few pinned answers already works; too few searches to learn from, and too little to gain",
    ),
    "fraud flags": (
        "a small marketplace that confirmed 12 fraudulent orders last year out of 40,000",
        {"decision": "yes", "data": "no", "baseline": "yes", "value": "to check", "risk": "to check", "team": "to check"},
        "not ready yet: rules first, collect labels",
        "12 labels cannot train a model; start with rules (new account and large order: manual review) and record the "
        "outcome of every review",
    ),
}


@course_function
def readiness_examples() -> pd.DataFrame:
    """The readiness questions answered for three other ML features PMs meet: the answer is not always "yes"."""
    rows = []
    for feature, (situation, answers, verdict, why) in _EXAMPLES.items():
        rows.append({"feature": feature, "situation": situation,
                     **{_CRITERION_NAMES[key]: answers[key] for key in READINESS_CRITERIA}, "verdict": verdict, "why": why})
    return _shown(pd.DataFrame(rows).set_index("feature"))


# --- success: the metric tree ----------------------------------------------------------------------------------

_TREE = (  # level, metric, role, leading or lagging, read by
    ("business goal", "net retained revenue", "decision metric", "lagging: 3 months",
     "A/B test (lesson 07); monitoring: realised profit (lesson 08)"),
    ("product", "churn within 3 months", "driver of the goal", "lagging: 3 months",
     "A/B test: the effect (lesson 07); monitoring: customers leaving (lesson 08)"),
    ("product", "contact rate", "guardrail", "leading: campaign day",
     "A/B test: contacts per customer (lesson 07); monitoring: share flagged (lesson 08)"),
    ("product", "offer acceptance", "driver of the goal", "leading: within weeks", "campaign reports (not in the course)"),
    ("product", "complaints and opt-outs", "guardrail", "leading: days", "A/B test guardrail (lesson 07)"),
    ("model", "precision at capacity", "diagnostic", "lagging: 3 months (estimated on the day)",
     "monitoring: estimated and realised precision (lesson 08)"),
    ("model", "calibration", "diagnostic", "lagging: 3 months", "monitoring: estimate against realised (lesson 08)"),
    ("model", "recall per group", "guardrail", "lagging: 3 months", "fairness review (lesson 06); monitoring (lesson 08)"),
    ("system", "scoring failures and latency", "guardrail", "leading: real time",
     "A/B test guardrail (lesson 07); monitoring: system panel (lesson 08)"),
)


@course_function
def metric_tree() -> pd.DataFrame:
    """What success means for the churn campaign, from the business goal down to the model and the system.

    One row per metric: its ``level`` (business goal, product, model, system), its ``role``
    (the one decision metric, a guardrail that must not get worse, a driver of the goal or a
    diagnostic that explains it), whether it is ``leading`` (known early) or ``lagging`` (known
    once churn labels arrive, three months later), and which part of the course reads it.
    """
    return _shown(pd.DataFrame(_TREE, columns=["level", "metric", "role", "leading or lagging", "read by"]).set_index("metric"))


# --- the model lifecycle -----------------------------------------------------------------------------------------

_LIFECYCLE = (  # step, in the course, who owns it, how often, versions tracked by
    ("data", "lessons 01, 08: the Telco data and its datasheet; data-quality checks on the logs",
     "data engineer", "every scoring day", "the data's fingerprint (data_sha256) logged with each run"),
    ("train", "lessons 02, 05: the course pipeline, several settings of C", "data scientist",
     "at launch, then when a retraining is decided", "MLflow runs: parameters, metrics, the model"),
    ("evaluate", "lessons 03-06: threshold in dollars, rules as runs, fairness review", "data scientist and PM",
     "before every promotion", "MLflow runs beside the model's run"),
    ("serve", "lesson 07: a shadow month, then an A/B test; fallback to the rule", "ML engineer", "every scoring day",
     "the registry alias churn-model@champion"),
    ("monitor", "lesson 08: the model-health page, alert thresholds", "PM and ML engineer", "monthly (alerts daily)",
     "the monitoring plan logged as a run"),
    ("retrain", "lesson 08: a challenger trained on clean, earlier months, judged on later ones in dollars",
     "data scientist; the PM signs off", "when behaviour changes and the labels show it",
     "a new version with the alias challenger; champion moves only after a shadow month, then an A/B test"),
)


@course_function
def lifecycle() -> pd.DataFrame:
    """The model lifecycle, one row per step: what the course did, who owns it, how often, how versions are tracked."""
    return _shown(pd.DataFrame(_LIFECYCLE, columns=["step", "in the course", "owner", "how often", "versions tracked by"])
                  .set_index("step"))


_QUESTIONS = (
    ("data", "How is data quality checked before each scoring run, and who is told when it fails?"),
    ("data", "Which inputs exist at decision time, and how are the labels built (which dates, which horizon)?"),
    ("train", "How often is the model retrained, and what triggers it: a calendar, an alert, a drop in profit?"),
    ("evaluate", "Against what is a new model compared (the rule, the champion), on which customers, in dollars?"),
    ("serve", "Which version is live, and how do we roll back to the previous one? How long does that take?"),
    ("serve", "What happens when the model is down or a customer has no score: which fallback, decided by whom?"),
    ("monitor", "Which alerts exist, at which thresholds, and who reads the health page each month?"),
    ("retrain", "Who signs off a promotion, and is the margin a challenger must win by agreed beforehand?"),
)


@course_function
def questions_for_engineers() -> pd.DataFrame:
    """What a PM asks a data scientist or an ML engineer, by lifecycle step."""
    return _shown(pd.DataFrame(_QUESTIONS, columns=["step", "question"]))


# --- user stories with ML edge cases ------------------------------------------------------------------------------

EDGE_CASES = {  # key: (the case, words that name it in a story, what the agent sees, the fallback, acceptance criterion)
    "new customer": (
        "a brand-new customer: tenure 0 months, total charges empty",
        ("new customer", "brand-new", "brand new", "tenure 0", "tenure of 0", "no charges", "empty charges", "not billed",
         "first month", "no history"),
        "'new customer: no history yet' instead of a risk score",
        "the onboarding journey, not the retention campaign",
        "Given a customer with tenure 0, when the call list is built, then they are not on it and the agent screen says "
        "'new customer'.",
    ),
    "already contacted": (
        "a customer already contacted this quarter, or who opted out of offers",
        ("already contacted", "contacted before", "opted out", "opt out", "opt-out", "do not contact", "do-not-contact",
         "unsubscribed", "called last month"),
        "nothing: the customer is removed before the list reaches agents",
        "no contact; the opt-out always wins over the score",
        "Given a customer who opted out, when the call list is built, then they are not on it, whatever their score.",
    ),
    "just under the threshold": (
        "a score just under the threshold",
        ("just under", "just below", "under the threshold", "below the threshold", "borderline", "close to the threshold",
         "near the threshold"),
        "no call; the score and the threshold are logged so the decision can be checked",
        "the threshold stays as decided; customers within 1 point may go to a cheaper channel (an e-mail)",
        "Given a score of 0.16 and a threshold of 0.167, when the list is built, then the customer is not called and the "
        "score is logged.",
    ),
    "model unavailable": (
        "the model is unavailable on campaign day",
        ("model unavailable", "model is unavailable", "model down", "model is down", "service is down", "service down",
         "outage", "no score", "scoring fails", "scoring failed", "service fails", "service failed", "model fails", "model is not available",
         "unavailable", "timeout", "times out"),
        "a banner 'list from the month-to-month rule today'",
        "lesson 04's month-to-month rule builds the list",
        "Given the scoring service fails, when the campaign starts, then the list comes from the month-to-month rule "
        "within 1 hour and the incident is logged.",
    ),
    "why me": (
        "a customer asks 'why me?'",
        ("why me", "why was i", "explanation", "explain", "reason code", "reasons"),
        "the top three reason codes in plain words, the actionable ones first (lesson 06)",
        "a scripted answer without numbers; the offer is optional",
        "Given a customer asks why they got the offer, when the agent opens their record, then 3 plain-word reasons are "
        "shown, none of them age, sex or family.",
    ),
    "flagged group": (
        "a customer in a group the fairness review flagged (customers with dependents)",
        ("fairness", "flagged group", "group the fairness review", "dependents", "recall gap", "under-served",
         "underserved", "protected group"),
        "the same screen as everyone: no group label",
        "the monthly health page reports recall per group; a gap beyond the agreed size triggers a review",
        "Given a month's labels arrive, when the health page is built, then it shows recall for customers with "
        "dependents and alerts if the gap exceeds 10 points.",
    ),
}


@dataclass(frozen=True)
class UserStory:
    """A user story with its ML edge case: "As a ..., I want ..., so that ...", the case, the fallback, the test."""

    as_a: str
    i_want: str
    so_that: str
    edge_case: str
    fallback: str
    acceptance: str

    @property
    def edge_case_key(self) -> str | None:
        """Which of ``EDGE_CASES`` the story's edge case names (None when it names none of them)."""
        return _edge_case_key(self.edge_case)

    def sentence(self) -> str:
        return f"As a {self.as_a}, I want {self.i_want}, so that {self.so_that}."


def _normalised(text: str) -> str:
    return " ".join(str(text).lower().replace("’", "'").split())


def _edge_case_key(text: str) -> str | None:
    words = _normalised(text)
    for key, (_, names, *_rest) in EDGE_CASES.items():
        if any(re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", words) for name in names):
            return key
    return None


_NO_FALLBACK = ("none", "nothing", "no fallback", "n/a", "na", "-", "tbd", "todo", "the model", "use the model",
                "wait", "wait for the model", "retry", "try again", "same as usual")
_CHECKABLE = re.compile(r"\d|(?=.*\bgiven\b)(?=.*\bwhen\b)(?=.*\bthen\b)", re.DOTALL)


@course_function
def user_story(as_a: str, i_want: str, so_that: str, edge_case: str, fallback: str, acceptance: str) -> UserStory:
    """A user story with its ML edge case, fallback and acceptance criterion (each a text in quotes).

    ``as_a``: who (a retention agent); ``i_want``: what they need; ``so_that``: why;
    ``edge_case``: the situation where the model is missing, wrong or unsure (see
    ``EDGE_CASES``); ``fallback``: what happens then; ``acceptance``: how the team will check
    it, best as "Given ..., when ..., then ..." with a number. ``story_gaps(story)`` says
    which part is still missing; the brief lists your stories.
    """
    parts = {"as_a": (as_a, "'retention agent'"), "i_want": (i_want, "'a call list every Monday'"),
             "so_that": (so_that, "'I call the customers most likely to leave'"),
             "edge_case": (edge_case, "'the model is down on campaign day'"),
             "fallback": (fallback, "'the month-to-month rule builds the list'"),
             "acceptance": (acceptance, "'Given ..., when ..., then ...'")}
    for name, (value, example) in parts.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise CourseError(f"{name} should be a text in quotes, like {example}, not {validate.kind_of(value)}.")
    return UserStory(*(("" if value is None else value.strip()) for value, _ in parts.values()))


@course_function
def named_edge_case(text: str) -> str | None:
    """Which of ``EDGE_CASES`` a text names ("a customer with tenure 0" names "new customer"); None when none."""
    return _edge_case_key(validate.text(text, "text", example="'a customer with tenure 0'"))


@course_function
def story_gaps(story) -> list[str]:
    """What a user story still lacks, one sentence per gap (an empty list: nothing is missing)."""
    if isinstance(story, (list, tuple)) and story and all(isinstance(item, UserStory) for item in story):
        raise CourseError(f"story is a list of {len(story)} stories: check one at a time, like product.story_gaps(stories[0]).")
    if not isinstance(story, UserStory):
        raise CourseError(f"story should be a user story made with product.user_story(as_a=..., ...), not "
                          f"{validate.kind_of(story)}.")
    gaps = []
    if len(story.as_a.split()) < 1 or len(story.as_a) < 3:
        gaps.append("'as a' says nobody: name the user (a retention agent, a customer).")
    if len(story.i_want.split()) < 3:
        gaps.append("'I want' is missing or too short: say what the user needs, in a few words.")
    if len(story.so_that.split()) < 3:
        gaps.append("'so that' is missing or too short: say why it matters to them or to the business.")
    if not story.edge_case:
        gaps.append("the edge case is missing: name where the model is missing, wrong or unsure "
                    "(a new customer, the model down, a score just under the threshold, 'why me?', ...).")
    elif story.edge_case_key is None:
        gaps.append(f"the edge case {story.edge_case!r} is none the course knows: name one of a new customer, a customer "
                    "already contacted or opted out, a score just under the threshold, the model unavailable, a "
                    "customer asking 'why me?', a group the fairness review flagged.")
    if not story.fallback:
        gaps.append("the fallback is missing: say what happens instead when the edge case occurs.")
    elif _normalised(story.fallback).strip(".!") in _NO_FALLBACK:
        gaps.append(f"{story.fallback!r} is not a fallback: say what the agent or the system does instead "
                    "(the month-to-month rule builds the list, no call, a scripted answer).")
    if not story.acceptance:
        gaps.append("the acceptance criterion is missing: write how the team will check it, 'Given ..., when ..., then ...'.")
    elif not _CHECKABLE.search(_normalised(story.acceptance)):
        gaps.append(f"the acceptance criterion {story.acceptance!r} cannot be checked: write it as 'Given ..., when ..., "
                    "then ...' or with a number (within 1 hour, 3 reasons, 10 points).")
    return gaps


@course_function
def edge_cases() -> pd.DataFrame:
    """The churn campaign's ML edge cases: what the agent sees, the fallback, and an acceptance criterion for each."""
    rows = [(case, sees, fallback, acceptance) for case, _, sees, fallback, acceptance in EDGE_CASES.values()]
    return _shown(pd.DataFrame(rows, columns=["edge case", "what the agent sees", "fallback", "acceptance criterion"])
                  .set_index("edge case"))


@course_function
def example_stories() -> list[UserStory]:
    """One user story per edge case of ``EDGE_CASES``, complete (``story_gaps`` finds nothing to add)."""
    wants = {
        "new customer": ("retention agent", "new customers kept off the retention list",
                         "my first call with a customer is not a discount offer"),
        "already contacted": ("customer", "no offer call after I opted out", "my choice is respected"),
        "just under the threshold": ("campaign manager", "the threshold applied exactly as decided",
                                     "the campaign's cost stays what we planned"),
        "model unavailable": ("retention agent", "a call list on campaign day even when the model is down",
                              "no churner misses the offer because of an outage"),
        "why me": ("customer", "to know why I was offered a discount", "I trust the offer and the company"),
        "flagged group": ("compliance officer", "recall per group on the health page every month",
                          "a gap the fairness review found cannot quietly grow"),
    }
    stories = []
    for key, (case, _, _, fallback, acceptance) in EDGE_CASES.items():
        who, want, why = wants[key]
        stories.append(UserStory(who, want, why, case, fallback, acceptance))
    return stories
