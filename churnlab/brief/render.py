"""Rendering the brief with its templates (``render()``) and writing its files (``write_brief()``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from churnlab import product
from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.brief.evidence import (
    Evidence,
    _checked_evidence,
    _fairness_numbers,
    _monitoring_numbers,
)
from churnlab.brief.formatting import _MONEY, _environment
from churnlab.brief.settings import (
    _WORD_PROMPTS,
    APPENDIX,
    COLAB_NOTE,
    DECISION_METRIC,
    PROXY,
    SECTIONS,
    BriefWords,
)
from churnlab.brief.verdicts import (
    _promoted,
    _readiness_numbers,
    _reconciled,
    _test_numbers,
    blocking_items,
)
from churnlab.model import CHAMPION_C
from churnlab.workspace import work_dir


def _context(brief_words: BriefWords, evidence: Evidence, kind: str) -> dict:
    stories = brief_words.stories or tuple(product.example_stories())
    course = product.churn_campaign_numbers()  # computed from the course data: shown only where lesson 05's runs are missing
    course["edge"] = course["model_profit"] - course["best_rule_profit"]
    plan, retrain = _monitoring_numbers(evidence)  # lesson 08's: the runs', else the course's (labelled so)
    return {
        "plan": plan,
        "retrain": retrain,
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
