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
