"""Lesson 09 questions: the right answers pass, and each mistake a PM plausibly makes gets its own message.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike (blanks, odd answers, arbitrary values,
hints); this file adds what is lesson 09's own: what the right answers say.

The numbers are computed here with the course's public functions (the way a learner computes them). Question 6's
answers are briefs written into a private folder of their own (``Lazy``), so parallel test processes never share one.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from churnlab import product
from churnlab.exercises.lesson09 import q1, q3, q4, q6

from answers import Lazy, Several, assert_mistake, assert_right

pytest.importorskip("jinja2", reason="Jinja2 is not installed")

NUMBERS = product.churn_campaign_numbers()
EDGE = NUMBERS["model_profit"] - NUMBERS["best_rule_profit"]
MONTH_TO_MONTH_EDGE = NUMBERS["model_profit"] - NUMBERS["rule_profits"]["month-to-month"]

STORY = dict(as_a="retention agent", i_want="new customers kept off the retention call list",
             so_that="my first call with a customer is not a discount offer",
             edge_case="a brand-new customer: tenure 0, no charges yet",
             fallback="the onboarding journey, not the retention campaign",
             acceptance="Given a customer with tenure 0, when the call list is built, then they are not on it.")


def story(**changes):
    return product.user_story(**{**STORY, **changes})


WORDS = dict(product="Churn retention offers", problem="Whom do we offer a discount?", decision_owner="Head of retention",
             users="Retention agents", readiness="Ready, with care.", risks="Missed churners with dependents.",
             privacy="No sex, no age in the reasons.")


def written_brief(stories=None, name="exercise_09_brief", **changes):
    """A brief written into a folder of its own (as ``brief.write_brief(..., name=name)`` writes it), as ``BriefFiles``."""

    def make(_context):
        from churnlab import brief

        words = brief.words(**{**WORDS, **changes}, stories=[story()] if stories is None else stories)
        evidence = brief.Evidence("a test folder", course_test=brief.course_ab_test())
        folder = Path(tempfile.mkdtemp(prefix="brief-"))
        files = brief.BriefFiles(folder / f"{name}.md", folder / f"{name}.html")
        files.markdown.write_text(brief.render(words, evidence, "markdown"), encoding="utf-8")
        files.html.write_text(brief.render(words, evidence, "html"), encoding="utf-8")
        return files

    return Lazy(make, f"brief {name} {changes or ''} {'stories' if stories is not None else ''}")


def deleted_brief():
    def make(context):
        files = written_brief().make(context)
        files.html.unlink()
        return files

    return Lazy(make, "a brief whose page was deleted")


RIGHT_ANSWERS = {
    "q1": [EDGE, np.float64(EDGE), round(EDGE)],
    "q2": ["data and labels at decision time", " Data and labels at decision time "],
    "q3": [Several("net retained revenue", "contact rate"), Several("Net retained revenue", "complaints and opt-outs"),
           Several("net retained revenue", "recall per group"), Several("retained revenue", "scoring failures and latency")],
    "q4": [story(), story(edge_case="a new customer with tenure 0", fallback="no retention call; the onboarding e-mails",
                          acceptance="Customers with tenure 0 are on 0 call lists in the first month.")],
    "q5": ["serve", " Serving ", "deployment"],
    "q6": [written_brief()],
}

WRONG_ANSWERS = {
    "q1": [
        (-EDGE, "sign is reversed"),
        (NUMBERS["model_profit"], "model's expected profit on its own"),
        (NUMBERS["best_rule_profit"], "best rule's profit"),
        (MONTH_TO_MONTH_EDGE, "edge over the rule 'month-to-month'"),
        (EDGE / NUMBERS["test_customers"], "edge per customer"),
        ("$430", "Remove the quotes"),
        (1000, "Subtract the best rule's profit"),
    ],
    "q2": [
        ("value above the cost", "'to check', not 'no'"),
        ("team capacity", "'to check', not 'no'"),
        ("acceptable risk", "'to check', not 'no'"),
        ("a baseline rule to beat", "There is a rule to beat"),
        ("decision", "There is a decision and an action"),
        ("not enough fraud", "not one of the six criteria"),
        (12, "name of a criterion in quotes"),
        ("labels", "not the criterion's name as the table writes it"),
        ("data", "not the criterion's name as the table writes it"),
        ("Data and labels", "not the criterion's name as the table writes it"),
    ],
    "q3": [
        (Several("contact rate", "net retained revenue"), "You swapped them"),
        (Several("precision at capacity", "contact rate"), "is a model metric"),
        (Several("churn within 3 months", "contact rate"), "driver of the goal, not the goal"),
        (Several("offer acceptance", "contact rate"), "not the decision metric"),
        (Several("net retained revenue", "net retained revenue"), "decision metric again"),
        (Several("net retained revenue", "offer acceptance"), "is a driver of the goal in the tree, not a guardrail"),
        (Several("net retained revenue", "calibration"), "is a diagnostic in the tree"),
        (Several("net retained revenue", "customer happiness"), "not a metric of the lesson's metric tree"),
        (Several(0.2, "contact rate"), "metric's name in quotes"),
    ],
    "q4": [
        (story(edge_case=""), "The edge case is missing"),
        (story(edge_case="the model is down on campaign day"), "is the edge case 'model unavailable'"),
        (story(edge_case="something unusual happens"), "does not say which customers"),
        (story(fallback=""), "the fallback is missing"),
        (story(fallback="the model"), "is not a fallback"),
        (story(acceptance="it works well"), "cannot be checked"),
        (story(acceptance=""), "acceptance criterion is missing"),
        (story(so_that=""), "'so that' is missing"),
        # the right edge case and fallback with the outage row's acceptance criterion (issue 20)
        (story(acceptance=product.EDGE_CASES["model unavailable"][4]), "checks the edge case 'model unavailable'"),
        (story(acceptance="Within 1 hour of the campaign's start, the list is ready."), "does not say which customers"),
        (story(fallback=product.EDGE_CASES["model unavailable"][3]), "belongs to another edge case"),
        ("As a retention agent, I want new customers kept off the list", "made with product.user_story"),
    ],
    "q5": [
        ("retrain", "Retraining makes a new version"),
        ("monitor", "Monitoring tells you"),
        ("train", "happens before a model is live"),
        ("evaluate", "happens before a model is live"),
        ("rollback", "not a step of the lifecycle"),
        (5, "lifecycle step in quotes"),
    ],
    "q6": [
        (written_brief(privacy=""), "still empty (which personal data is used"),
        (written_brief(product=""), "still empty (the feature's name"),
        (written_brief(stories=[]), "course's example stories"),
        (written_brief(stories=[story(fallback="none")]), "has a gap"),
        (deleted_brief(), "exercise_09_brief.html is not in the work folder"),
        ("product_brief.md", "what brief.write_brief(...) returns"),
        (written_brief(name="product_brief"), "wrote over the lesson's own brief"),
    ],
}


def test_q1_says_the_edge_per_customer():
    text = assert_right(q1, EDGE)
    assert f"${EDGE:,.0f} more than the best rule" in text and "a customer per campaign" in text
    assert EDGE == pytest.approx(430)  # the number the lesson states (lesson 05's champion, C = 0.1)


def test_q3_names_the_guardrail_it_was_given():
    assert "contact rate must not get worse" in assert_right(q3, Several("net retained revenue", "contact rate"))


def test_q4_accepts_the_solution_and_the_lessons_example_story():
    example = next(item for item in product.example_stories() if item.edge_case_key == "new customer")
    assert "story_gaps(story) finds nothing missing" in assert_right(q4, example)


def test_q6_rejects_a_brief_with_a_story_of_the_wrong_kind_only_when_it_has_a_gap():
    from answers import resolve

    files = resolve(written_brief(stories=[story(acceptance="works")]))
    assert_mistake(q6, files, "has a gap")


def test_q6_solution_is_code_that_runs_as_written():
    assert "..." not in q6.solution_code, "no placeholders: the solution is the code, in full"
    assert 'name="exercise_09_brief"' in q6.solution_code, "the exercise keeps the lesson's own product_brief files"
