"""The brief's fixed parts: its files, sections and decision metric, and the learner's words (``words()``)."""
from __future__ import annotations

from dataclasses import dataclass

from churnlab import monitoring
from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.product import UserStory

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
ALERTS_FIRED_TAG, OPEN_ACTIONS_TAG = monitoring.ALERTS_FIRED_TAG, monitoring.OPEN_ACTIONS_TAG  # lesson 08's plan run
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

