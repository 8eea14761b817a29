"""The product brief (lesson 09): numbers read from the runs of lessons 05-08, words from the learner, Jinja2 templates.

``log_course_runs`` logs, through the package functions the lessons use, what lessons 05-08 log (quickly: plots
and most models are left out), into whatever store ``tracking.setup()`` points at. The tests build the brief:

- from an empty work folder (no store at all): every section says what is missing, nothing is created;
- from a store with only some lessons' runs: exactly the other lessons are reported missing;
- from a complete local store: every number in the brief is checked against the runs, read with MLflow's own API;
- from a shared cohort server (``mlflow server`` on a free loopback port): the same brief, over HTTP.

The last tests open the HTML page in headless Chromium (skipped where it is absent).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from churnlab import brief, product
from churnlab.errors import CourseError

pytest.importorskip("mlflow", reason="MLflow is not installed")
pytest.importorskip("jinja2", reason="Jinja2 is not installed")

ALL_LESSONS = ("05", "06", "07", "08")
LESSON_07_PLAN = {
    "arms": "model: call if score >= 1/6 | rule: call month-to-month customers | hold-out: no calls",
    "split": "45/45/10", "unit": "customer", "assignment": "SHA-256 hash of salt:customer_id into 100 buckets",
    "trigger": "customers up for review that month; the decision reads those whose lists disagree",
    "decision_metric": "churn within 3 months of the review; $200 per customer kept, $10 per contact",
    "guardrails": "contacts per customer under review (upper end of the 95 % interval of model ÷ rule at most 1.10); "
                  "scoring failures (upper end below 1 %)",
    "alpha": 0.05, "power": 0.49, "target_power": 0.8, "duration_months": 3, "break_even_margin": -0.0162,
    "hoped_for_effect": -0.0527, "customers_per_arm": 903, "customers_per_arm_for_target_power": 1852,
    "decision_rule": "Stop if the sample-ratio check's p-value is below 0.001. Switch from the rule to the model only if, "
                     "where the lists disagree, the low end of the 95 % interval of the model's gain in dollars a month "
                     "is above its monthly cost and both guardrails hold. Otherwise keep the rule.",
}


# What lesson 08's monitoring plan logs as found (tags alerts_fired and open_actions), about as long as the lesson's.
MONITORING_FOUND = ("drift of monthly_charges (PSI) from month 5; leaving rate from month 5; precision gap from month 6; "
                    "volume from month 6; data quality (empty inputs) from month 7; share flagged from month 11")
OPEN_ACTIONS = ["fix the total-charges bug live (30% of rows empty in month 12)",
                "champion under-predicts churn: precision 12 points above estimate (month 10; 95 % 8 to 16)",
                "leaving up 51% on month 1: add a month-on-month alert",
                "re-read the challenger on months 11-12's labels (1 March 2028)",
                "a winning challenger: repaired totals live, a shadow month, an A/B test before champion moves",
                "re-read lesson 07's A/B test each quarter, 20 % hold-out kept",
                "uplift test on the customers only the rule calls (lesson 07)"]


def log_course_runs(lessons=ALL_LESSONS) -> None:
    """Log what lessons 05-08 log (their package functions, their tags and names), into the store MLflow points at.

    Lesson 05: three model runs and four rule runs with ``tracking.decision_metrics``; the best model is logged and
    registered as the champion. Lesson 06: the fairness review. Lesson 07: the plan, and the result of a simulated
    test. Lesson 08: the monitoring plan and a retraining comparison (on the real test customers, to be quick).
    """
    import mlflow

    from churnlab import abtest, fairness, monitoring, rules, tracking, world
    from churnlab.data import load_churn
    from churnlab.economics import CampaignEconomics
    from churnlab.exercises.core import course_model, course_split
    from churnlab.model import FEATURES

    tracking.setup()
    split = course_split()
    economics = CampaignEconomics()
    threshold = economics.break_even_probability
    if "05" in lessons:
        best = None
        for C in (0.01, 0.1, 1.0):
            scores = course_model(C).predict_proba(split.X_test)[:, 1]
            metrics = tracking.decision_metrics(split.y_test, scores, threshold, economics)
            with mlflow.start_run(run_name=f"model C={C}") as run:
                mlflow.log_params({"kind": "model", "C": C, "threshold": threshold, **tracking.economics_params(economics),
                                   **tracking.data_params()})
                mlflow.log_metrics(metrics)
                if C == 0.1:  # the lesson's champion; logging every model would only cost time here
                    tracking.log_churn_model(course_model(C), split.X_train)
                    best = run.info.run_id
        for name, (rule, cut_off) in {"rule: month-to-month": ("month_to_month", 1),
                                      "rule: month-to-month and new": ("month_to_month_and_new", 1),
                                      "rule: risk points ≥ 3": ("risk_points", 3),
                                      "rule: risk points ≥ 2": ("risk_points", 2)}.items():
            with mlflow.start_run(run_name=name):
                mlflow.log_params({"kind": "rule", "rule": rule, "threshold": cut_off, **tracking.economics_params(economics),
                                   **tracking.data_params()})
                mlflow.log_metrics(tracking.decision_metrics(split.y_test, rules.RULES[rule](split.X_test), cut_off, economics))
        tracking.register_champion(best)
    if "06" in lessons:
        scores = course_model().predict_proba(split.X_test)[:, 1]
        groups = fairness.customer_groups(load_churn(), split.X_test.index)
        by_group = fairness.group_metrics(split.y_test, scores, groups, thresholds=[0.5, threshold])
        gap_table = fairness.gaps(by_group, economics)
        with mlflow.start_run(run_name="fairness review", tags=fairness.REVIEW_TAGS):
            mlflow.log_params({"C": 1.0, "threshold": threshold, "thresholds_reviewed": f"0.5, {threshold:.3f}",
                               "groups_reviewed": ", ".join(groups.columns), **tracking.data_params()})
            mlflow.log_metrics(fairness.review_metrics(gap_table, threshold))
            mlflow.log_text(by_group.to_csv(index=False), fairness.REVIEW_TABLE)
    if "07" in lessons:
        with mlflow.start_run(run_name="A/B test plan: model vs rule", tags=abtest.PLAN_TAGS) as plan_run:
            mlflow.log_params(LESSON_07_PLAN)
        test = world.ab_test({"model": "model", "rule": "rule", "hold-out": "none"}, split=(45, 45, 10))
        ab = world.simulate(months=3, seed=7, policy=test, labels_as_of="2027-06-01")
        srm = abtest.sample_ratio_check(ab.assignments, test)
        cohort = abtest.customers_under_review(ab)
        campaign = abtest.compare_arms(cohort, "model", "hold-out")
        disagree = cohort[cohort["model_picks"] != cohort["rule_picks"]]
        decision = abtest.compare_arms(disagree, "model", "rule", trigger="lists disagree")
        with mlflow.start_run(run_name="A/B test result: model vs rule",
                              tags={**abtest.RESULT_TAGS, abtest.PLAN_RUN_TAG: plan_run.info.run_id}):
            mlflow.log_params({"decision": "switch from the rule to the model", "data": world.caption(ab),
                               "decision_comparison": "model vs rule, customers whose lists disagree"})
            mlflow.log_metrics(abtest.result_metrics(srm, decision, campaign))
    if "08" in lessons:
        monitoring.ensure_champion()
        monitoring.log_monitoring_plan(monitoring.AlertThresholds(), reference_month=1, holdout_share=0.10,
                                       psi_no_change=0.006, alerts_fired=MONITORING_FOUND, open_actions=OPEN_ACTIONS)
        rows = split.X_test.assign(churned=split.y_test.to_numpy())
        # on these customers C = 0.1 earns more than C = 1.0: as challenger it wins, so the alias moves (lesson 08's path)
        comparison = monitoring.compare_models({"champion": course_model(1.0), "challenger": course_model(0.1)}, rows)
        monitoring.log_retrain(comparison, course_model(0.1), split.X_train[list(FEATURES)], months=[8, 9, 10])


def _words():
    story = product.user_story("retention agent", "a call list even when the model is down",
                               "no churner misses the offer", "the model is down on campaign day",
                               "the month-to-month rule builds the list",
                               "Given the scoring fails, when the campaign starts, then the rule's list is ready within 1 hour.")
    return brief.words(product="Churn retention offers", problem="We lose customers; whom do we offer a $20 discount?",
                       decision_owner="Head of retention", users="Retention agents", readiness="Ready, with care.",
                       risks="Missed churners with dependents.", privacy="No sex, no age in the reasons.", stories=[story])


@pytest.fixture()
def work(tmp_path, monkeypatch):
    """A fresh, empty work folder and no MLflow tracking URI set (as in a learner's first session)."""
    import mlflow

    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    previous = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(None)
    yield tmp_path
    mlflow.set_tracking_uri(previous)


@pytest.fixture(scope="module")
def complete_store(tmp_path_factory):
    """A local store holding the runs of lessons 05-08, and the evidence read from it."""
    import mlflow

    folder = tmp_path_factory.mktemp("complete")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHURNLAB_WORKDIR", str(folder))
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        previous = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
        mlflow.set_tracking_uri(None)
        try:
            log_course_runs()
            evidence = brief.collect_evidence()
            runs = mlflow.search_runs(experiment_names=["churn-lab"])
            from mlflow import MlflowClient

            champion = MlflowClient().get_model_version_by_alias("churn-model", "champion")
            files = brief.write_brief(_words(), evidence)
        finally:
            mlflow.set_tracking_uri(previous)
    return {"folder": folder, "evidence": evidence, "runs": runs, "champion": champion, "files": files}


# --- no runs at all ----------------------------------------------------------------------------------------------


def test_an_empty_work_folder_gives_a_brief_that_says_what_is_missing_and_creates_no_store(work):
    evidence = brief.collect_evidence()
    assert not (work / "mlflow.db").exists(), "reading must not create a store"
    assert {item.lesson for item in evidence.missing} == set(ALL_LESSONS)
    assert evidence.champion is evidence.comparison is evidence.fairness is evidence.ab_test is None
    assert evidence.course_test == brief.course_ab_test(), "lesson 07's test is replayed by the course instead"
    files = brief.write_brief(_words(), evidence)
    assert [path.name for path in (files.markdown, files.html)] == list(brief.BRIEF_FILES)
    named = brief.write_brief(_words(), evidence, name="exercise_09_brief")
    assert [path.name for path in (named.markdown, named.html)] == ["exercise_09_brief.md", "exercise_09_brief.html"]
    assert files.markdown.parent == work and files.html.parent == work
    text = files.markdown.read_text(encoding="utf-8")
    for lesson, notebook in (("05", "05_track_experiments_mlflow.ipynb"), ("06", "06_fairness_and_explanations.ipynb"),
                             ("07", "07_testing_in_production.ipynb"), ("08", "08_monitoring.ipynb")):
        assert f"run lesson {lesson} ({notebook})" in text
    assert text.count("> **Missing:**") == 4
    assert "4 pieces of evidence missing" in text and "Colab" in text
    # the readiness section still has the course's own numbers, computed from the data and labelled so
    facts = product.churn_campaign_numbers()
    assert "Computed by the course on its data instead (not from your runs)" in text
    for amount in (facts["best_rule_profit"], facts["model_profit"], facts["model_profit"] - facts["best_rule_profit"]):
        assert _dollars(amount) in text, amount
    for heading in (*brief.SECTIONS.values(), *brief.APPENDIX.values()):
        assert f"## {heading}" in text
    # the one page: the story of lesson 05's champion, with the course's numbers where the runs are missing
    page = text.split("# Appendix")[0]
    assert "lesson 05's champion (C = 0.1), not registered in your runs yet" in page
    assert "computed by the course (lesson 07's test replayed)" in page
    assert "likely inflated: budget no gain" in page  # the tested row's caveat
    assert brief.reconciliation(evidence) in page


def test_a_missing_lesson_08_shows_what_lesson_08_computes_labelled_so(work):
    from churnlab import monitoring

    evidence = brief.collect_evidence()
    assert evidence.monitoring is evidence.retrain is None, "the course's numbers never pose as the learner's runs"
    found = monitoring.course_record()
    plan, retrain = found["plan"], found["retrain"]
    text = brief.render(_words(), evidence)
    page, appendix = text.split("# Appendix")
    watched = page.split("| watched (08) |")[1].split("\n")[0]
    alerts = plan["alerts_fired"].split("; ")
    assert watched.startswith(f" {len(alerts)} alerts, first: {alerts[0]} (A5); champion kept, challenger minus champion "
                              f"{_plain(retrain['margin_over_champion'])} (95 %: {_plain(retrain['margin_low'])} to "
                              f"{_plain(retrain['margin_high'])})")
    assert watched.endswith("| computed by the course (lesson 08) |")
    assert "(lesson 08 kept the champion; the checks the champion passed)" in page
    section = appendix.split("## A5.")[1].split("## A6.")[0]
    assert "Monitoring plan (**computed by the course**: lesson 08 as the course ships it, not your runs)" in section
    assert f"**What monitoring found:** {plan['alerts_fired']}" in section
    assert all(f"- Open action: {action}" in section for action in plan["open_actions"])
    assert "`precision_gap` | 0.07 |" in section and "stays within 0.062 of 0 in 99 % of draws" in section
    assert (f"Latest retraining decision (**computed by the course**: lesson 08 as the course ships it, simulated months "
            f"{retrain['months']}): **keep the champion**. Challenger minus champion: {_plain(retrain['margin_over_champion'])} "
            f"on {retrain['customers']:,} simulated customer-months (95 % interval, clustered by customer: "
            f"{_plain(retrain['margin_low'])} to {_plain(retrain['margin_high'])}), against a minimum margin of $500") in section
    # the learner's store lacks lesson 08: said so, and that the course's numbers are shown
    assert ("> **Missing:** no monitoring plan or retraining decision of lesson 08 in your runs: the course's numbers are "
            "shown instead (lesson 08 as the course ships it). To fill this section, run lesson 08") in section
    assert "| retraining decision (simulated): lesson 08 as the course ships it | computed by the course | 08 |" in appendix


def section_of(text: str, name: str) -> str:
    return text.split(f"## {name}.")[1].split("\n## ")[0]


def _plain(amount: float) -> str:
    return ("minus " if amount < 0 else "") + f"${abs(amount):,.0f}"


def test_the_reconciliation_says_what_each_verdict_measured_on_whom_and_how_long(work):
    sentence = brief.reconciliation(brief.collect_evidence())
    facts, test = product.churn_campaign_numbers(), brief.course_ab_test()
    edge, interval, live = facts["model_profit"] - facts["best_rule_profit"], facts["edge_interval"], facts["live_edge_interval"]
    for part in (f"best rule's ({facts['best_rule']}, chosen on the training customers)",
                 f"{facts['test_customers']:,} real test customers", "leaving within one month", _plain(edge),
                 _plain(1000 * edge / facts["test_customers"]), f"(95 % {_plain(interval['low'])} to {_plain(interval['high'])})",
                 "month-to-month rule", f"{test['customers'][0]:,} and {test['customers'][1]:,} customers whose",
                 "call lists disagreed", "churn within 3 months", _plain(1000 * test["dollars_per_customer"]),
                 _plain(1000 * test["dollars_low"]), _plain(1000 * test["dollars_high"]),
                 f"live month-to-month rule {_plain(live['estimate'])} (95 % {_plain(live['low'])} to {_plain(live['high'])})",
                 f"the {facts['disagree_customers']:,} real ones whose lists disagree", "Readiness assumes 30 % kept",
                 f"up to {_plain(1000 * test['dollars_per_customer'])}, is not the offer alone",
                 "is likely inflated (the winner's curse)", "lesson 07 budgets no gain",
                 f"(truly {_plain(1000 * test['true_dollars_per_customer'])}: the simulator's truth, no real team sees it)",
                 f"the test measured {100 * test['offer_kept']:.0f} %", "p = 0.24: it includes 0", "is calls not made"):
        assert part in sentence, part
    # the verdict's words follow the interval, and the calls not made are the test's own numbers
    assert ("not shown to beat the best rule" in sentence) == (interval["low"] <= 0)
    saved = 1000 * (test["contacts"][1] - test["contacts"][0]) * 10
    assert f"{_plain(saved)} of the {_plain(1000 * test['dollars_per_customer'])} is calls not made" in sentence
    assert "ship the model" not in sentence
    assert "rest is the offer" not in sentence


def test_the_replay_reads_lesson_07s_test_as_lesson_07_does_with_cuped():
    test = brief.course_ab_test()
    assert test["adjusted_for"] == "churn_score"
    assert (test["customers"], round(1000 * test["dollars_per_customer"])) == ((688, 712), 15174)
    # simulator only: the truth lesson 07 prints (+1.7 points; $2,203 + $1,500 a month over 579 customers a month)
    assert round(100 * test["true_effect"], 1) == 1.7 and round(1000 * test["true_dollars_per_customer"]) == 6396


def test_a_missing_fairness_review_blocks_while_the_champion_ships(work):
    evidence = brief.collect_evidence()
    blocking = [item.what for item in brief.blocking_items(evidence) if item.blocking]
    assert any("ships without a logged fairness review" in what for what in blocking)
    opened = [item.what for item in brief.blocking_items(evidence) if not item.blocking]
    for part in ("To check (readiness), value above the cost", "To check (readiness), team capacity",
                 "keeps more customers than the rule: out of reach", "The offer, measured: it keeps 25 %",
                 ("Lesson 07: budget no gain (likely inflated); keep the 20 % hold-out, re-read each quarter; "
                  "uplift test on rule-only customers")):
        assert any(part in what for what in opened), part
    page = brief.render(_words(), evidence).split("# Appendix")[0]
    assert "computed by the course (lesson 06's gaps, the champion)" in page


def test_an_empty_store_reads_the_same_as_no_store(work):
    from churnlab import tracking

    tracking.setup()  # creates the store and the experiment, no runs
    with_store = brief.render(_words(), brief.collect_evidence())
    import mlflow

    mlflow.set_tracking_uri(None)
    (work / "mlflow.db").rename(work / "elsewhere.db")
    assert brief.render(_words(), brief.collect_evidence()) == with_store


@pytest.mark.parametrize("logged", [("05",), ("05", "06", "08")], ids=["lesson 05 only", "lesson 07 skipped"])
def test_only_the_lessons_whose_runs_are_missing_are_reported(work, logged):
    log_course_runs(logged)
    evidence = brief.collect_evidence()
    assert {item.lesson for item in evidence.missing} == set(ALL_LESSONS) - set(logged)
    text = brief.render(_words(), evidence)
    for lesson in ALL_LESSONS:
        assert (f"run lesson {lesson} (" in text) == (lesson not in logged), lesson


def test_a_plan_without_a_result_says_the_result_is_missing(work):
    import mlflow

    from churnlab import abtest, tracking

    tracking.setup()
    with mlflow.start_run(run_name="A/B test plan: model vs rule", tags=abtest.PLAN_TAGS):
        mlflow.log_params(LESSON_07_PLAN)
    evidence = brief.collect_evidence()
    assert evidence.ab_test is not None and not evidence.ab_test["has_result"]
    assert any(item.what == "the A/B test has a plan but no result yet" for item in evidence.missing_for("abtest"))
    text = brief.render(_words(), evidence)
    assert "903 customers per arm" in text and "break-even margin of −1.62 points" in text
    assert "acts 49 % of the time (its power): underpowered; 80 % would need 1,852 customers per arm" in text


def test_a_plan_whose_expected_effect_does_not_clear_break_even_says_no_size_reaches_the_target(work):
    import mlflow

    from churnlab import abtest, tracking

    tracking.setup()
    plan = {**LESSON_07_PLAN, "power": 0.0, "hoped_for_effect": 0.0894, "break_even_margin": 0.036,
            "customers_per_arm_for_target_power": "none: the expected gain does not clear break-even"}
    with mlflow.start_run(run_name="A/B test plan: model vs rule", tags=abtest.PLAN_TAGS):
        mlflow.log_params(plan)
    text = brief.render(_words(), brief.collect_evidence())
    assert "if the expected effect of +8.94 points is real, it acts 0 % of the time (its power): underpowered; no size " \
           "reaches 80 %, because the expected effect does not clear break-even" in text


# --- the complete path: every number against the runs ------------------------------------------------------------


def _dollars(amount: float) -> str:
    return ("−" if amount < 0 else "") + f"${abs(amount):,.0f}"


def _by_name(runs, name):
    return runs[runs["tags.mlflow.runName"] == name].iloc[0]


def test_the_complete_brief_has_no_missing_note(complete_store):
    evidence = complete_store["evidence"]
    assert evidence.complete, evidence.missing
    text = complete_store["files"].markdown.read_text(encoding="utf-8")
    assert "Missing" not in text and "missing" not in text.split("## A7.")[1]
    assert "Computed by the course" not in text, "with lesson 05's runs, the readiness numbers are the runs'"


def test_the_champion_is_the_registry_alias_and_its_run(complete_store):
    champion, runs, evidence = complete_store["champion"], complete_store["runs"], complete_store["evidence"]
    # lesson 08's challenger won offline (C = 0.1 against C = 1.0): it waits for a shadow test, the alias stays
    assert evidence.champion["version"] == int(champion.version)
    source = runs[runs["run_id"] == champion.run_id].iloc[0]
    assert evidence.champion["run_name"] == source["tags.mlflow.runName"] == "model C=0.1"
    assert not evidence.champion["simulated"] and evidence.champion["from_lesson"] == "05"
    html = complete_store["files"].html.read_text(encoding="utf-8")
    assert f"version {champion.version}" in html
    assert _dollars(source["metrics.expected_profit"]) in html
    assert evidence.champion["threshold"] == pytest.approx(1 / 6)
    assert "; threshold 0.167." in html
    page = html.split('<div class="appendix"')[0]
    assert "the alias <i>champion</i>: lesson 05's champion" in page and "newly promoted" not in page
    first = brief.blocking_items(evidence)[0]
    assert first.blocking and first.what.startswith("Any model that replaces the champion first needs a fairness re-review")
    assert first.why.startswith("lesson 08's challenger won offline and waits for a shadow month, then an A/B test")


def test_the_model_and_the_rule_it_beat_come_from_lesson_05s_runs(complete_store):
    runs, evidence = complete_store["runs"], complete_store["evidence"]
    models = runs[runs["params.kind"] == "model"].dropna(subset=["params.threshold"])
    rules = runs[runs["params.kind"] == "rule"]
    best_model = models.sort_values("metrics.expected_profit", ascending=False).iloc[0]
    best_rule = rules.sort_values("metrics.expected_profit", ascending=False).iloc[0]
    comparison = evidence.comparison
    assert comparison["model"]["run_name"] == best_model["tags.mlflow.runName"] == "model C=0.1"
    assert comparison["rule"]["run_name"] == best_rule["tags.mlflow.runName"] == "rule: risk points ≥ 2"
    margin = best_model["metrics.expected_profit"] - best_rule["metrics.expected_profit"]
    assert comparison["margin"] == pytest.approx(margin) and margin == pytest.approx(430)
    for path in (complete_store["files"].html, complete_store["files"].markdown):
        text = path.read_text(encoding="utf-8").replace("\\$", "$")
        for amount in (best_model["metrics.expected_profit"], best_rule["metrics.expected_profit"], margin):
            assert _dollars(amount) in text, (path.name, amount)
        assert "$200" in text and "30 %" in text and "$10" in text  # the economics logged with the model run
        assert f"{best_model['metrics.customers_contacted']:,.0f}" in text


def test_the_fairness_numbers_are_the_review_runs(complete_store):
    runs, evidence = complete_store["runs"], complete_store["evidence"]
    review_run = runs[runs["tags.churnlab.kind"] == "fairness_review"].iloc[0]
    html = complete_store["files"].html.read_text(encoding="utf-8")
    assert evidence.fairness["run_name"] == "fairness review"
    for group in ("senior_citizen", "female", "partner", "dependents"):
        gap = review_run[f"metrics.recall_gap__{group}"]
        low, high = review_run[f"metrics.recall_gap_low__{group}"], review_run[f"metrics.recall_gap_high__{group}"]
        shown = "−" if gap < 0 else "+"
        assert f"{shown}{abs(100 * gap):.1f} points" in html
        assert f"{'−' if low < 0 else '+'}{abs(100 * low):.1f} points to {'−' if high < 0 else '+'}{abs(100 * high):.1f} points" in html
    assert evidence.fairness["largest"]["column"] == "dependents"
    assert evidence.fairness["largest"]["gap"] == pytest.approx(-review_run["metrics.largest_recall_gap"])


def test_the_ab_test_numbers_are_lesson_07s_runs_and_labelled_simulated(complete_store):
    runs, evidence = complete_store["runs"], complete_store["evidence"]
    result = runs[runs["tags.churnlab.kind"] == "ab_test_result"].iloc[0]
    html = complete_store["files"].html.read_text(encoding="utf-8")
    test = evidence.ab_test
    assert test["plan_run_name"] == "A/B test plan: model vs rule" and test["result_run_name"] == "A/B test result: model vs rule"
    assert f"{100 * abs(result['metrics.effect']):.1f} points" in html
    assert f"p-value {result['metrics.p_value']:.4f}" in html
    for name in ("dollars_per_customer", "dollars_per_customer_low", "dollars_per_customer_high"):
        assert _dollars(1000 * result[f"metrics.{name}"]) in html
    assert "903 customers per arm" in html and "Simulated data" in html
    text = complete_store["files"].markdown.read_text(encoding="utf-8")
    assert "(run *A/B test result: model vs rule*; Simulated data (churn lab world, seed 7)" in text
    assert "simulated: Simulated" not in text and "simulated</span>: Simulated" not in html, "simulated, said once"
    section = html.split('<section id="abtest">')[1].split("</section>")[0]
    assert "simulated" in section and "switch from the rule to the model" in section


def test_the_monitoring_plan_and_retraining_are_lesson_08s_runs(complete_store):
    runs, evidence = complete_store["runs"], complete_store["evidence"]
    plan_run = runs[runs["tags.churnlab.kind"] == "monitoring_plan"].iloc[0]
    challenger = runs[(runs["tags.churnlab.kind"] == "retrain") & (runs["tags.churnlab.role"] == "challenger")].iloc[0]
    html = complete_store["files"].html.read_text(encoding="utf-8")
    assert evidence.monitoring["run_name"] == "monitoring plan" and evidence.retrain["run_name"] == "retrain: challenger"
    for name in ("psi", "empty_share", "precision_gap", "latency_p99_ms"):
        value = float(plan_run[f"params.alert_{name}"])
        assert f"<code>{name}</code></td><td class=\"number\">{value:g}</td>" in html, name
    assert _dollars(challenger["metrics.margin_over_champion"]) in html
    assert evidence.retrain["min_margin"] == 0 == float(challenger["params.min_margin"])
    text = complete_store["files"].markdown.read_text(encoding="utf-8")
    margin = _dollars(challenger["metrics.margin_over_champion"])
    assert (f"**shadow test**. Challenger minus champion: {margin} on 1,409 simulated customer-months. It won offline: "
            "registered with the alias *challenger*, it waits for a shadow month, then an A/B test; the champion alias did not move.") in text
    assert "challenger not promoted" in text.split("# Appendix")[0]


def test_what_monitoring_found_is_rendered_and_its_open_actions_are_open_items(complete_store):
    text = complete_store["files"].markdown.read_text(encoding="utf-8")
    page = text.split("# Appendix")[0]
    watched = page.split("| watched (08) |")[1].split("\n")[0]
    assert f"found: {MONITORING_FOUND}" in watched and f"{len(OPEN_ACTIONS)} open actions (section 5)" in watched
    assert f"- Open actions (lesson 08): {'; '.join(OPEN_ACTIONS)}." in page
    assert "computed by the course (lesson 08)" not in page and "computed by the course" not in section_of(text, "A5")
    section = text.split("## A5.")[1].split("## A6.")[0]
    assert "With no change at all, PSI stays below 0.006 in 99 % of draws" in section
    assert f"**What monitoring found:** {MONITORING_FOUND}" in section
    assert all(f"- Open action: {action}" in section for action in OPEN_ACTIONS)


def test_a_champion_moved_to_a_challenger_is_flagged_as_blocked(work):
    from mlflow import MlflowClient

    log_course_runs(("05", "08"))
    client = MlflowClient()
    challenger = client.get_model_version_by_alias("churn-model", "challenger")
    client.set_registered_model_alias("churn-model", "champion", challenger.version)  # as course versions before issue 20 did
    evidence = brief.collect_evidence()
    text = brief.render(_words(), evidence)
    section = text.split("## A1.")[1].split("## A2.")[0]
    assert ("Two different models. The live champion (version 2) is lesson 08's retrained challenger, trained and compared "
            "on simulated months; it has not been compared with the rule. The comparison below is lesson 05's "
            "champion (*model C=0.1*) on the real test customers.") in section
    assert "Lesson 05's best model beat the best rule by $430" in section and "champion's run" not in section
    page = text.split("# Appendix")[0]
    assert "newly promoted by lesson 08: not yet reviewed, compared with the rule or shadowed (section 5)" in page
    blocking = [item for item in brief.blocking_items(evidence) if item.blocking]
    assert [item.what.split("it needs ")[1] for item in blocking[:3]] == [what for what, _ in brief._NEW_MODEL_NEEDS]
    assert all(f"**Blocking:** {item.what}" in page for item in blocking)
    # the first page's record shows lesson 05's champion, the model the checks were about
    record = page.split("## 2.")[1].split("## 3.")[0]
    assert "C = 0.1 earns $12,650, $430 more than the best rule (risk points ≥ 2)" in record and "run *model C=0.1*" in record

def test_when_the_champion_is_lesson_05s_model_the_brief_says_so(work):
    log_course_runs(("05",))
    text = brief.render(_words(), brief.collect_evidence())
    section = text.split("## A1.")[1].split("## A2.")[0]
    assert "Two different models" not in section
    assert "The champion's run beat the best rule by $430" in section
    page = text.split("# Appendix")[0]
    assert "the alias *champion*: lesson 05's champion" in page and "newly promoted" not in page
    assert ("**Blocking:** Any model that replaces the champion first needs a fairness re-review (lesson 06); a comparison "
            "with the rule on the same customers") in page


def test_a_kept_champion_with_an_agreed_margin_says_so(work):
    from churnlab import monitoring
    from churnlab.exercises.core import course_model, course_split
    from churnlab.model import FEATURES

    log_course_runs(("05",))
    split = course_split()
    rows = split.X_test.assign(churned=split.y_test.to_numpy())
    comparison = monitoring.compare_models({"champion": course_model(1.0), "challenger": course_model(0.1)}, rows)
    monitoring.log_retrain(comparison, course_model(0.1), split.X_train[list(FEATURES)], months=[8, 9, 10], min_margin=500)
    evidence = brief.collect_evidence()
    assert evidence.retrain["min_margin"] == 500 and evidence.retrain["decision"] != "promote"
    text = brief.render(_words(), evidence)
    assert "against a minimum margin of $500 agreed beforehand. The champion stays; the champion alias did not move." in text
    assert "Two different models" not in text, "the champion stayed lesson 05's model"
    assert "challenger not promoted" in text.split("# Appendix")[0]


def test_every_run_is_named_in_the_sources_table(complete_store):
    html = complete_store["files"].html.read_text(encoding="utf-8")
    sources = html.split('<table id="source-runs">')[1]
    for name in ("retrain: challenger", "model C=0.1", "rule: risk points ≥ 2", "fairness review",
                 "A/B test plan: model vs rule", "A/B test result: model vs rule", "monitoring plan"):
        assert f"<td>{name}</td>" in sources, name
    assert "run_id" not in html and not re.search(r"\b[0-9a-f]{32}\b", html), "run names, never ids"


def test_building_the_brief_logs_nothing_and_leaves_the_champion(complete_store):
    import mlflow
    from mlflow import MlflowClient

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHURNLAB_WORKDIR", str(complete_store["folder"]))
        mlflow.set_tracking_uri(None)
        try:
            from churnlab import tracking

            mlflow.set_tracking_uri(tracking.default_tracking_uri())  # the store the brief reads
            before = len(mlflow.search_runs(experiment_names=["churn-lab"]))
            brief.write_brief(_words())
            brief.write_brief(_words())  # re-runs overwrite the files
            assert len(mlflow.search_runs(experiment_names=["churn-lab"])) == before
            version = MlflowClient().get_model_version_by_alias("churn-model", "champion")
            assert version.version == complete_store["champion"].version
        finally:
            mlflow.set_tracking_uri(None)


# --- the words, the stories, the templates -----------------------------------------------------------------------


def test_empty_words_show_as_prompts_and_learner_dollars_do_not_become_maths(work):
    text = brief.render(brief.words(problem="A $20 offer to customers who pay $70 a month"), brief.collect_evidence(),
                        kind="notebook")
    assert "*(to write: the feature's name)*" in text and "*(to write: who decides" in text
    assert "A 20 dollars offer to customers who pay 70 dollars a month" in text
    assert "$" not in text, "in the notebook every amount is written in words: no $ for MathJax to pair, no backslash"


def _maths_spans(text: str) -> list[str]:
    """Lines GitHub's (and pandoc's) Markdown would typeset as maths: a closing $ must follow a non-space."""
    return [line for line in text.splitlines() if re.search(r"(?<!\\)\$\S[^$]*?(?<=[^\s\\])\$", line)]


def test_the_markdown_file_is_plain_markdown_to_paste_anywhere(complete_store, work):
    text = complete_store["files"].markdown.read_text(encoding="utf-8")
    assert "<span>" not in text and "\\$" not in text, "no HTML, no escapes: it pastes into a wiki, Slack or an e-mail"
    assert "$12,650" in text and "$430" in text
    assert not _maths_spans(text), _maths_spans(text)
    learner = brief.render(brief.words(problem="A $20 offer (not $70) to customers paying ($70) a month"),
                           brief.collect_evidence())
    assert "A $20 offer (not $70) to customers paying (\\$70) a month" in learner and not _maths_spans(learner)
    assert _maths_spans("from $20 to ($70)"), "the check finds a maths span"
    assert brief._plain_dollars(-1234) == "minus $1,234", "−$1,234 would close a maths span"



def test_learner_words_are_escaped_in_the_html(work):
    html = brief.render(brief.words(product="<script>alert(1)</script>"), brief.collect_evidence(), kind="html")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_story_with_gaps_is_listed_with_what_to_finish(work):
    story = product.user_story("agent", "a list", "", "", "the model", "works well")
    gaps = product.story_gaps(story)
    assert len(gaps) == 5
    text = brief.render(brief.words(stories=[story]), brief.collect_evidence())
    assert text.count("*To finish:*") == 5
    assert "The course's example stories" not in text


def test_the_templates_ship_inside_the_package():
    import churnlab

    templates = Path(churnlab.__file__).parent / brief.TEMPLATES
    assert {path.name for path in templates.iterdir()} >= {"product_brief.md.j2", "product_brief.html.j2"}
    pyproject = (Path(churnlab.__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert "templates/*.j2" in pyproject, "pyproject.toml's package data should list the templates"


def test_wrong_arguments_say_what_to_fix(work):
    with pytest.raises(CourseError, match="made with brief.words"):
        brief.render("my brief")
    with pytest.raises(CourseError, match="what brief.collect_evidence"):
        brief.write_brief(brief.words(), evidence={"champion": None})
    with pytest.raises(CourseError, match="list of user stories"):
        brief.words(stories=["As a agent, I want..."])


# --- the HTML page in a browser ----------------------------------------------------------------------------------


def _open_in_chromium(path: Path, screenshot: str) -> dict:
    """Open ``path`` in headless Chromium; what a reader sees, and every request and console message it caused."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from local_servers import CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    shots = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1100, "height": 900})
            requests, messages = [], []
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
            page.goto(path.as_uri())
            page.screenshot(path=str(shots / screenshot), full_page=True)
            seen = page.evaluate("""() => ({
                text: document.body.innerText,
                headings: [...document.querySelectorAll('h2')].map(h => h.innerText),
                missing: [...document.querySelectorAll('.missing')].map(box => ({
                    lesson: box.dataset.lesson || '', background: getComputedStyle(box).backgroundColor,
                    height: box.getBoundingClientRect().height})),
                tables: [...document.querySelectorAll('table')].map(t => t.rows.length),
                overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                scripts: document.scripts.length,
            })""")
        finally:
            chromium.close()
    seen.update(requests=requests, messages=messages)
    return seen


def test_the_empty_folder_brief_reads_well_in_a_browser(work):
    files = brief.write_brief(_words(), brief.collect_evidence())
    seen = _open_in_chromium(files.html, "product-brief-empty-folder.png")
    assert seen["requests"] == [files.html.as_uri()], "a self-contained page loads nothing else"
    assert not seen["messages"] and seen["scripts"] == 0
    assert seen["headings"] == [*brief.SECTIONS.values(), *brief.APPENDIX.values()]
    boxes = seen["missing"]
    assert [box["lesson"] for box in boxes if box["lesson"]] == list(ALL_LESSONS), "one missing note per lesson"
    assert all(box["background"] == "rgb(255, 243, 205)" and box["height"] > 20 for box in boxes), "the notes show as yellow boxes"
    assert "run lesson 07 (07_testing_in_production.ipynb)" in seen["text"]
    assert "Computed by the course on its data instead" in seen["text"]
    assert seen["overflow"] <= 0, "nothing sticks out to the right: no sideways scrolling"


def test_the_complete_brief_reads_well_in_a_browser(complete_store):
    seen = _open_in_chromium(complete_store["files"].html, "product-brief-complete.png")
    assert seen["requests"] == [complete_store["files"].html.as_uri()] and not seen["messages"]
    assert not seen["missing"], "no missing note when every lesson's runs are there"
    assert seen["headings"] == [*brief.SECTIONS.values(), *brief.APPENDIX.values()]
    assert min(seen["tables"]) >= 2 and len(seen["tables"]) >= 5, "the metric tree, runs, gaps, thresholds and sources show as tables"
    assert "$430" in seen["text"] and "switch from the rule to the model" in seen["text"]
    assert seen["overflow"] <= 0


# --- the printed page: the brief on one page (A4 and Letter), the appendix from the next ----------------------------


def _pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF: its page objects (``/Type /Page``, not the ``/Type /Pages`` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def _printed_pages(path: Path) -> dict:
    """Pages of the page printed by headless Chromium with its own print style: whole, brief alone, appendix alone."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from local_servers import CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    counts = {}
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page()
            for paper in ("A4", "Letter"):
                for part, hidden in (("whole", None), ("brief", "#appendix"), ("appendix", "#brief")):
                    page.goto(path.as_uri())
                    if hidden:
                        page.add_style_tag(content=f"{hidden} {{ display: none; }}")
                    counts[paper, part] = _pdf_pages(page.pdf(format=paper))
        finally:
            chromium.close()
    return counts


def _assert_one_page_and_an_appendix(counts: dict) -> None:
    for paper in ("A4", "Letter"):
        assert counts[paper, "brief"] == 1, f"on {paper} the brief takes {counts[paper, 'brief']} pages, not one"
        assert counts[paper, "whole"] == 1 + counts[paper, "appendix"] >= 2, f"on {paper} the appendix starts a new page"


def test_the_empty_folder_brief_prints_on_one_page_with_the_appendix_after(work):
    words = brief.words(**{name: 2 * getattr(_words(), name) for name in ("problem", "readiness", "risks", "privacy")},
                        product="Churn retention offers", decision_owner="Head of retention", users="Retention agents")
    _assert_one_page_and_an_appendix(_printed_pages(brief.write_brief(words).html))  # the six example stories


def test_the_complete_brief_prints_on_one_page_with_the_appendix_after(complete_store):
    _assert_one_page_and_an_appendix(_printed_pages(complete_store["files"].html))


def test_lesson_05s_champion_registered_by_lesson_08_is_not_a_promotion(work):
    from churnlab import monitoring, tracking

    tracking.setup()
    assert monitoring.ensure_champion()  # lesson 05 skipped: lesson 08 registers lesson 05's champion (C = 0.1)
    evidence = brief.collect_evidence()
    assert evidence.champion["C"] == 0.1 and not brief._promoted(evidence.champion)
    page = brief.render(_words(), evidence).split("# Appendix")[0]
    assert "lesson 05's champion" in page and "newly promoted" not in page
