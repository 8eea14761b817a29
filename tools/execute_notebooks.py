"""Re-run notebooks top to bottom in a fresh kernel and store their outputs, as the test suite expects.

    python tools/execute_notebooks.py                                   # every lesson and solution
    python tools/execute_notebooks.py notebooks/03_precision_recall_threshold.ipynb

Each notebook runs as a README user runs it: in a fresh copy of the course (a
new temporary folder, so an earlier run's or a learner's MLflow runs never
leak into stored outputs, and several runs can go on at once), with the
course's own Python at ``.venv/bin/python`` inside that copy and the working
folder at ``work/``. So the few outputs that show a path show ``.venv/...`` or
``work/``, never the author's machine. Execution times are not stored: they
would change every diff. Run this after editing a lesson or a solution, then
``python tools/make_exercises.py``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
# What a course copy leaves out: version control, environments, and every working folder.
NOT_COPIED = shutil.ignore_patterns(".git", ".nox", ".venv", "work", "test-artifacts", "__pycache__", "*.egg-info",
                                    ".ipynb_checkpoints", "mlflow.db", "mlruns")
# Variables that would point the kernel away from the copy (an instructor's server, another work folder).
CLEARED = ("CHURNLAB_WORKDIR", "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD",
           "MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME",
           # lesson 05 sets it for its session tag: a kernel must start its own session, not join the caller's
           "MLFLOW_RUN_CONTEXT")


def course_copy(folder: Path) -> Path:
    """A copy of the course in ``folder``, with ``.venv`` pointing at the Python running this script."""
    copy = folder / "churn-lab"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED, symlinks=True)
    (copy / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return copy


def kernel_environment(copy: Path, folder: Path) -> dict[str, str]:
    """The kernel's environment: the copy's package first, a ``python3`` kernel that runs ``.venv/bin/python``."""
    python = copy / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    spec = folder / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python"}))
    environment = {name: value for name, value in os.environ.items() if name not in CLEARED}
    environment["PYTHONPATH"] = os.pathsep.join([str(copy), *filter(None, [os.environ.get("PYTHONPATH")])])
    environment["JUPYTER_PATH"] = str(folder / "jupyter")  # our python3 kernel wins over the installed one
    return environment


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    relative = path.resolve().relative_to(ROOT)
    with tempfile.TemporaryDirectory(prefix="churnlab-run-") as temporary:
        folder = Path(temporary)
        copy = course_copy(folder)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(kernel_environment(copy, folder))  # the kernel inherits it
        try:
            # Errors in cells are stored in the notebook; the kernel's own log lines would only be noise here.
            NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                           resources={"metadata": {"path": str(copy / relative.parent)}}).execute(stderr=subprocess.DEVNULL)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    # A cell's printed lines arrive in one or several messages, as the kernel happens to flush them: stored as one.
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor  # JupyterLab's own dependency

    notebook, _ = CoalesceStreamsPreprocessor().preprocess(notebook, {})
    for cell in notebook.cells:  # left by earlier tools that did record timings
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
    for path in paths:
        print(f"running {path} ...", flush=True)
        execute(path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
