"""Where the course writes its own files (experiment store, saved charts).

Default: ``work/`` in the course folder. Set ``CHURNLAB_WORKDIR`` to use
another folder (a read-only install, a shared workshop machine).
"""
from __future__ import annotations

import os
from pathlib import Path

from churnlab.data import REPO_ROOT


def work_dir() -> Path:
    """The course's working folder, created if needed."""
    folder = Path(os.environ.get("CHURNLAB_WORKDIR") or REPO_ROOT / "work")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def course_relative(path: Path | str) -> str | None:
    """``path`` relative to the course folder (``work/mlflow.db``, ``.venv/bin/python``), or None if outside it.

    What the course prints for a learner: the README's commands run in the
    course folder, so a relative path works as printed and shows nothing of
    the machine it was printed on.
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(REPO_ROOT))))
    except ValueError:
        return None


def shown_path(path: Path | str) -> str:
    """A path as the course prints it: relative to the course folder when inside it, else in full."""
    relative = course_relative(path)
    return relative if relative is not None else str(path)
