"""The whole test suite, under two sets of library versions.

    python -m nox            # both sessions: newest releases, then Google Colab's versions (on Python 3.13 if pyenv has it)
    python -m nox -s newest  # one session; add -r to reuse its environment on the next run

Each session builds its own virtual environment in .nox/, installs the course
(requirements.txt) and the test tools, and runs pytest over the unit tests,
the lessons and solutions (nbval, strict) and the exercises (run unfilled).
The newest session also runs every lesson in JupyterLab in headless Chromium
(tests/test_browser.py; skipped, with the reason, where Chromium is missing)
and a smoke run of the cohort MLflow server recipe (tests/test_instructor.py).
"""
from pathlib import Path

import nox

nox.options.sessions = ["newest", "colab"]
nox.options.error_on_missing_interpreters = True

# What Google Colab ships (checked 2026-08): the course must run on these without reinstalling them.
COLAB_VERSIONS = ["pandas==2.2.3", "scikit-learn==1.6.1", "matplotlib==3.10.0", "numpy==2.1.3", "ipywidgets==7.7.1"]
# Colab's Python is 3.13: use it where pyenv has it (as on the course's CI machines), else the Python running nox.
COLAB_PYTHON = next((str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.13*/bin/python3.13"))), None)
PYTEST = ["pytest", "-n", "2", "--dist", "loadfile", "--nbval", "--nbval-current-env",
          "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "tests", "notebooks", "solutions"]


def _run_suite(session: nox.Session) -> None:
    # Learners' runs must not land in the course folder during tests.
    session.env["CHURNLAB_WORKDIR"] = session.create_tmp()
    session.env.pop("MLFLOW_TRACKING_URI", None)
    session.run("python", "-m", "churnlab", "doctor", silent=True)
    # One process creates the MLflow store before the notebooks run in parallel (no "table already exists" race).
    session.run("python", "-c", "from churnlab.tracking import prepare_store; prepare_store()")
    session.run(*PYTEST, *session.posargs)


@nox.session
def newest(session: nox.Session) -> None:
    """The newest releases that requirements.txt allows."""
    session.install("--upgrade", "-r", "requirements.txt", "-e", ".[test,browser]")
    # The cohort-server smoke test (basic auth, 2 learners, permission checks; ~35 s) runs once, here.
    session.env["CHURNLAB_INSTRUCTOR_SMOKE"] = "1"
    _run_suite(session)


@nox.session(python=COLAB_PYTHON)
def colab(session: nox.Session) -> None:
    """The versions Google Colab ships, so the stored outputs hold there too."""
    constraints = session.create_tmp() + "/colab-constraints.txt"
    with open(constraints, "w") as handle:
        handle.write("\n".join(COLAB_VERSIONS) + "\n")
    session.install("-c", constraints, "-r", "requirements.txt", "-e", ".[test]")
    session.run("python", "-c", "import sys, pandas, sklearn; print('Colab versions: Python', sys.version.split()[0], "
                "'/ pandas', pandas.__version__, '/ scikit-learn', sklearn.__version__)")
    _run_suite(session)
