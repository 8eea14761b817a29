"""Re-run notebooks top to bottom in a fresh kernel and store their outputs, as the test suite expects.

    python tools/execute_notebooks.py                                   # every lesson and solution
    python tools/execute_notebooks.py notebooks/03_precision_recall_threshold.ipynb

Each notebook runs in its own fresh kernel, from its own folder, with the
course's working folder (experiment store, saved charts) in a new, empty
temporary folder, so a learner's or an earlier run's MLflow runs never leak into stored
outputs. Execution times are not stored: they would change every diff.
Run this after editing a lesson or a solution, then ``python tools/make_exercises.py``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
# A fresh, empty folder for each notebook, always at the same place so that the few
# outputs that show it (the pre-flight check, lesson 05's store) do not change every run.
WORK_FOLDER = Path(tempfile.gettempdir()) / "churnlab-notebook-run"


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    shutil.rmtree(WORK_FOLDER, ignore_errors=True)
    WORK_FOLDER.mkdir()
    previous = os.environ.get("CHURNLAB_WORKDIR")
    os.environ["CHURNLAB_WORKDIR"] = str(WORK_FOLDER)  # the kernel inherits it
    try:
        # Errors in cells are stored in the notebook; the kernel's own log lines would only be noise here.
        NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute(stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(WORK_FOLDER, ignore_errors=True)
        if previous is None:
            os.environ.pop("CHURNLAB_WORKDIR", None)
        else:
            os.environ["CHURNLAB_WORKDIR"] = previous
    for cell in notebook.cells:  # left by earlier tools that did record timings
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
    for path in paths:
        print(f"running {path} ...", flush=True)
        execute(path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
