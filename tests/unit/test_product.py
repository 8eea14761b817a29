"""Lesson 09's frameworks (churnlab.product): the readiness numbers, the tables, and what story_gaps finds."""
from __future__ import annotations

import pytest

from churnlab import product
from churnlab.economics import expected_campaign_profit
from churnlab.exercises.core import course_split
from churnlab.model import champion_model

TABLES = {"readiness_questions": product.readiness_questions, "churn_readiness": product.churn_readiness,
          "readiness_examples": product.readiness_examples, "metric_tree": product.metric_tree,
          "lifecycle": product.lifecycle, "questions_for_engineers": product.questions_for_engineers,
          "edge_cases": product.edge_cases}


def test_the_churn_readiness_numbers_are_lesson_05s_champion_against_lesson_04s_rules():
    numbers = product.churn_campaign_numbers()
    split = course_split()
    contacted = champion_model().predict_proba(split.X_test)[:, 1] >= 1 / 6  # one model's story: C = 0.1
    assert numbers["C"] == 0.1 and numbers["contacted"] == contacted.sum() == 751
    assert numbers["model_profit"] == expected_campaign_profit(split.y_test, contacted) == 12650
    assert numbers["best_rule"] == "risk points ≥ 2" and numbers["best_rule_profit"] == 12220
    assert numbers["best_rule_profit"] == max(numbers["rule_profits"].values())
    assert (numbers["customers"], numbers["churners"], numbers["empty_charges"], numbers["test_customers"]) == (7043, 1869, 11, 1409)
    evidence = product.churn_readiness()["evidence"]
    assert "$12,650" in evidence["a decision and an action"] and "$12,220" in evidence["a baseline rule to beat"]
    assert "the champion (C = 0.1) would call 751" in evidence["a decision and an action"]
    assert "$430 more" in evidence["value above the cost"]
    numbers["rule_profits"]["month-to-month"] = 0  # a copy: the learner cannot change the cached numbers
    assert product.churn_campaign_numbers()["rule_profits"]["month-to-month"] == 12010


@pytest.mark.parametrize("name", TABLES)
def test_every_table_cell_holds_at_most_one_dollar_amount(name):
    # JupyterLab typesets the text between two $ of one HTML cell as maths
    table = TABLES[name]().reset_index()
    cells = [str(value) for value in table.to_numpy().ravel()] + [str(column) for column in table.columns]
    assert not [cell for cell in cells if cell.count("$") > 1]


def test_the_metric_tree_has_one_decision_metric_and_says_leading_or_lagging():
    tree = product.metric_tree()
    assert list(tree.index[tree["role"] == "decision metric"]) == ["net retained revenue"]
    assert {"contact rate", "recall per group"} <= set(tree.index[tree["role"] == "guardrail"])
    assert tree["leading or lagging"].str.match(r"(leading|lagging): ").all()


def test_the_readiness_examples_are_not_all_yes():
    examples = product.readiness_examples()
    assert examples.loc["product recommendations", "verdict"] == "ready for ML"
    assert examples.loc["fraud flags", "data and labels at decision time"] == "no"
    assert examples["verdict"].str.startswith("not ready").sum() == 2


def test_the_example_stories_are_complete_and_cover_every_edge_case():
    stories = product.example_stories()
    assert [story.edge_case_key for story in stories] == list(product.EDGE_CASES)
    assert all(product.story_gaps(story) == [] for story in stories)


@pytest.mark.parametrize("edge_case, key", [
    ("a brand-new customer with tenure 0", "new customer"), ("The scoring service times out", "model unavailable"),
    ("customer asks “why me?”", "why me"), ("a score just below the threshold", "just under the threshold"),
    ("customer opted out of calls", "already contacted"), ("customers with dependents (fairness review)", "flagged group"),
    ("something else entirely", None), ("renewal", None),
])
def test_an_edge_case_is_recognised_by_its_words(edge_case, key):
    story = product.user_story("agent", "a call list", "I call the right people", edge_case, "the rule", "Given x, when y, then z")
    assert story.edge_case_key == key


@pytest.mark.parametrize("text, key", [
    ("Customers with tenure 0 are on 0 call lists.", "new customer"),
    ("Given the scoring service fails, when the campaign starts, then the rule's list is ready.", "model unavailable"),
    ("Within 1 hour, the list is ready.", None),
])
def test_named_edge_case_reads_an_acceptance_criterion_too(text, key):
    assert product.named_edge_case(text) == key


def test_story_gaps_names_each_missing_part():
    gaps = product.story_gaps(product.user_story("", "", "", "", "", ""))
    assert len(gaps) == 6 and all(gap.endswith((".", "...).")) for gap in gaps)
    assert any("'so that'" in gap for gap in gaps) and any("fallback is missing" in gap for gap in gaps)
    assert "is not a fallback" in " ".join(product.story_gaps(product.user_story(
        "agent", "a call list today", "we call churners", "the model is down", "Wait for the model.", "within 1 hour")))
    assert product.story_gaps(product.user_story(
        "agent", "a call list today", "we call churners", "the model is down", "the rule builds the list", "within 1 hour")) == []


def test_churn_readiness_writes_dollars_in_words_in_html_and_keeps_them_plain_in_text():
    # A renderer may pair two $ of one output into a formula: the HTML writes amounts in words.
    import pandas as pd

    table = product.churn_readiness()
    with pd.option_context("display.max_colwidth", None):
        markup = table._repr_html_()  # what JupyterLab shows
    for amount in ("12,650 dollars", "12,220 dollars", "430 dollars more", "10 dollars or"):
        assert amount in markup
    assert "$" not in markup, "no $ in the HTML: no renderer can pair two into maths, and no backslash shows"
    with pd.option_context("display.max_colwidth", None, "display.width", 1000):
        plain = repr(table)  # what a terminal, nbval's text/plain and a print show
    assert "$12,650" in plain and "$430 more" in plain and "\\$" not in plain
    # Still a table to compute with; what is computed from it is a plain DataFrame.
    assert isinstance(table, pd.DataFrame) and type(table.reset_index()) is pd.DataFrame
    assert type(table["evidence"]) is pd.Series


