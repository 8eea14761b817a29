"""Shared by the authoring tools and tests: where things are, and the repository URL."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
NOTEBOOK_FOLDERS = ("notebooks", "exercises", "solutions")
# Lessons, exercises and solutions are numbered (01_frame_and_explore.ipynb); other notebooks
# beside them (a glossary) are reference pages, not lessons.
NUMBERED = "[0-9][0-9]_*.ipynb"


def repository_url() -> str:
    """The course repository's URL, read from pyproject.toml ([project.urls] Repository)."""
    match = re.search(r'^Repository\s*=\s*"([^"]+)"', PYPROJECT.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise SystemExit("pyproject.toml has no [project.urls] Repository line")
    return match.group(1)


def all_notebooks() -> list[Path]:
    return sorted(p for folder in NOTEBOOK_FOLDERS for p in (ROOT / folder).glob(NUMBERED))
