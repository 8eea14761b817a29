"""The MLflow tags the launch lessons (06-08) put on the runs they log, so lesson 09's brief can find them."""
from __future__ import annotations

LESSON_TAG, KIND_TAG = "churnlab.lesson", "churnlab.kind"


def run_tags(lesson: str, kind: str) -> dict[str, str]:
    """The tags of a run logged by ``lesson`` ("08") of ``kind`` ("retrain"): who logged it, and what it is."""
    return {LESSON_TAG: lesson, KIND_TAG: kind}


def tags_filter(tags: dict[str, str]) -> str:
    """MLflow's ``filter_string`` for runs that carry all of ``tags`` (dotted names in back quotes)."""
    return " and ".join(f"tags.`{key}` = '{value}'" for key, value in tags.items())
