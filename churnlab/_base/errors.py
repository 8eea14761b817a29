"""The course's own errors: a learner's mistake (``CourseError``) and the course's own bug (``CourseBug``).

A ``CourseError`` is something the learner can fix, and its message says how; a
notebook shows it as one line (and the error behind it, if any). A ``CourseBug``
is an error inside the package that its checks did not foresee: not the
learner's fault, so it says so, says how to report it, and keeps its traceback.
"""
from __future__ import annotations

import re
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


class CourseError(Exception):
    """Something the learner can fix; the message says how."""


class ChurnDataError(CourseError, ValueError):
    """A data file that does not match the course's data dictionary."""


class CourseBug(Exception):
    """An unexpected error inside the course's package: the course's bug, not the learner's mistake."""


def issues_url() -> str:
    """Where to report a bug: the course repository's issues (its URL lives once, in pyproject.toml)."""
    try:
        match = re.search(r'^Repository\s*=\s*"([^"]+)"', PYPROJECT.read_text(encoding="utf-8"), re.MULTILINE)
    except OSError:
        match = None
    return f"{match.group(1).rstrip('/')}/issues" if match else "the course repository's issues page"


for _error in (CourseError, ChurnDataError, CourseBug):  # shown by their learner-facing address, churnlab.errors
    _error.__module__ = "churnlab.errors"
