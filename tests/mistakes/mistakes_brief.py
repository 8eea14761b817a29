"""Natural mistakes with churnlab.brief (lesson 09's product brief); format: tests/mistakes/mistakes.py.

None of these calls reads a store: each mistake is caught before the runs are read.
"""
from __future__ import annotations

from mistakes import Mistake

from churnlab import brief, product


def _evidence():
    return brief.Evidence("a test folder")


MISTAKES = [
    Mistake("brief.words", "a number where a text goes", lambda course: brief.words(product=9), "should be a text in quotes"),
    Mistake("brief.words", "a misspelled field", lambda course: brief.words(decision_maker="Head of retention"),
            "did you mean 'decision_owner'"),
    Mistake("brief.words", "stories typed as sentences", lambda course: brief.words(stories=["As a retention agent, I want..."]),
            "list of user stories"),
    Mistake("brief.words", "stories as the edge-case table", lambda course: brief.words(stories=product.edge_cases()),
            "made with product.user_story"),
    Mistake("brief.collect_evidence", "a lesson's number instead of the experiment's name",
            lambda course: brief.collect_evidence(5), "should be a text in quotes"),
    Mistake("brief.collect_evidence", "an empty experiment name", lambda course: brief.collect_evidence(""), "is empty"),
    Mistake("brief.render", "the words typed as one text", lambda course: brief.render("my brief", _evidence()),
            "made with brief.words"),
    Mistake("brief.render", "a kind the brief has no template for",
            lambda course: brief.render(brief.words(), _evidence(), kind="pdf"), "one of 'markdown', 'html', 'notebook'"),
    Mistake("brief.render", "evidence as a dictionary", lambda course: brief.render(brief.words(), {"champion": None}),
            "what brief.collect_evidence() returns"),
    Mistake("brief.write_brief", "the words as a dictionary", lambda course: brief.write_brief({"product": "Churn offers"}),
            "made with brief.words"),
    Mistake("brief.write_brief", "a user story instead of the words",
            lambda course: brief.write_brief(product.example_stories()[0], _evidence()), "made with brief.words"),
    Mistake("brief.write_brief", "the evidence's list of missing lessons instead of the evidence",
            lambda course: brief.write_brief(brief.words(), _evidence().missing), "what brief.collect_evidence() returns"),
]
MISTAKES += [
    Mistake("brief.write_brief", "a file name with its ending", lambda course: brief.write_brief(brief.words(), _evidence(),
            name="my_brief.html"), "without folder or ending"),
    Mistake("brief.write_brief", "a folder in the name", lambda course: brief.write_brief(brief.words(), _evidence(),
            name="briefs/mine"), "without folder or ending"),
    Mistake("product.named_edge_case", "a story instead of its text",
            lambda course: product.named_edge_case(product.example_stories()[0]), "should be a text in quotes"),
]
MISTAKES += [
    Mistake("brief.course_ab_test", "the lesson's seed, as if it took one", lambda course: brief.course_ab_test(7),
            "more values than it takes"),
    Mistake("brief.reconciliation", "the words instead of the evidence",
            lambda course: brief.reconciliation(brief.words()), "what brief.collect_evidence() returns"),
    Mistake("brief.blocking_items", "the evidence's list of missing lessons instead of the evidence",
            lambda course: brief.blocking_items(_evidence().missing), "what brief.collect_evidence() returns"),
]
