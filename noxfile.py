"""The whole test suite, under two sets of library versions.

    python -m nox            # both sessions: newest releases, then a twin of Google Colab (on Python 3.13 if pyenv has it)
    python -m nox -s newest  # one session; add -r to reuse its environment on the next run

Each session builds its own virtual environment in .nox/ and runs pytest over
the unit tests, the lessons and solutions (nbval, strict) and the exercises
(run unfilled). The newest session installs requirements.txt as a learner's
computer does. The colab session is a twin of a Colab runtime: Colab's own
versions (tests/colab-pip-freeze.txt) of every package the course uses that
Colab has, the notebook kernel included; then the course's own Colab set-up
(churnlab.colab.add_missing_packages) adds what Colab lacks, exactly as the
notebooks' first cells do there.
The newest session also runs every lesson in JupyterLab in headless Chromium
(tests/test_browser.py; skipped, with the reason, where Chromium is missing)
and a smoke run of the cohort MLflow server recipe (tests/test_instructor.py).
"""
import json
import re
from pathlib import Path

import nox

nox.options.sessions = ["newest", "colab"]
nox.options.error_on_missing_interpreters = True

# Google Colab's own list of preinstalled packages and versions (its published pip-freeze.txt).
COLAB_FREEZE = Path(__file__).resolve().parent / "tests" / "colab-pip-freeze.txt"
# What runs the notebooks and the tests there: Colab's kernel (IPython 7, ipykernel 6) and notebook tools.
COLAB_KERNEL_AND_TOOLS = ["ipykernel", "ipython", "jupyter_client", "nbclient", "nbformat", "packaging", "pytest"]
# Colab's Python is 3.13: use it where pyenv has it (as on the course's CI machines), else the Python running nox.
COLAB_PYTHON = next((str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.13*/bin/python3.13"))), None)
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
PYTEST = ["pytest", "-n", "2", "--dist", "loadfile", "--durations=20", *NBVAL, "tests", "notebooks", "solutions"]
# The capstone builds its brief from the runs lessons 05-08 logged. Run in parallel with them, it would
# see some of their runs or none, by chance: so it runs afterwards, alone, in an empty work folder
# (its stored outputs are the brief a learner gets who skipped 05-08: it says what is missing).
ALONE = sorted(str(path) for folder in ("notebooks", "solutions") for path in Path(folder).glob("09_*.ipynb"))


def _run_suite(session: nox.Session) -> None:
    # Learners' runs must not land in the course folder during tests.
    work = Path(session.create_tmp())
    session.env["CHURNLAB_WORKDIR"] = str(work / "work")
    session.env.pop("MLFLOW_TRACKING_URI", None)
    session.run("python", "-m", "churnlab", "doctor", silent=True)
    # One process creates the MLflow store before the notebooks run in parallel (no "table already exists" race).
    session.run("python", "-c", "from churnlab.tracking import prepare_store; prepare_store()")
    session.run(*PYTEST, *([f"--ignore={path}" for path in ALONE] if not session.posargs else []), *session.posargs)
    if ALONE and not session.posargs:
        session.env["CHURNLAB_WORKDIR"] = str(work / "alone")
        session.run("pytest", "-n", "2", "--dist", "loadfile", *NBVAL, *ALONE)


@nox.session
def newest(session: nox.Session) -> None:
    """The newest releases that requirements.txt allows."""
    session.install("--upgrade", "-r", "requirements.txt", "-e", ".[test,browser]")
    # The cohort-server smoke test (basic auth, 2 learners, permission checks; ~35 s) runs once, here.
    session.env["CHURNLAB_INSTRUCTOR_SMOKE"] = "1"
    _run_suite(session)


def _names(lines) -> list[str]:
    return [re.split(r"[<>=!~;@ \[]", line.strip(), maxsplit=1)[0] for line in lines
            if line.strip() and not line.lstrip().startswith(("#", "-"))]


@nox.session(python=COLAB_PYTHON)
def colab(session: nox.Session) -> None:
    """A twin of a Colab runtime, so the stored outputs hold there too."""
    pins = [line for line in COLAB_FREEZE.read_text().splitlines() if line and not line.startswith("#") and "@" not in line]
    colab_has = {name.lower().replace("_", "-") for name in _names(pins)}
    constraints = Path(session.create_tmp()) / "colab-constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    requirements = [line.split("#")[0].strip() for line in Path("requirements.txt").read_text().splitlines()]
    shipped = [name for name in _names(requirements) if name.lower() in colab_has]
    # What the packages Colab lacks depend on (pyarrow, SQLAlchemy, Flask...): Colab has many of those already.
    lacking = [line for line in requirements if _names([line]) and _names([line])[0].lower() not in colab_has | {"jupyterlab"}]
    report = Path(session.create_tmp()) / "resolution.json"
    session.run_install("python", "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed", "--report", str(report),
                        *lacking, silent=True)
    dependencies = {item["metadata"]["name"] for item in json.loads(report.read_text())["install"]}
    shipped += sorted(name for name in dependencies if name.lower().replace("_", "-") in colab_has)
    # 1. What Colab has: its own versions of everything the course pulls in (the pins cover every dependency).
    session.install("-c", str(constraints), *shipped, *COLAB_KERNEL_AND_TOOLS)
    session.install("--no-deps", "-e", ".")
    # 2. What Colab lacks, added by the course's own Colab set-up, as the notebooks' first cells do in Colab.
    session.run_install("python", "-c", "from churnlab.colab import COLAB_LACKS, add_missing_packages; "
                "add_missing_packages(*COLAB_LACKS.values())")
    # 3. The test tools, changing nothing that is installed.
    installed = Path(session.create_tmp()) / "installed.txt"
    frozen = session.run_install("python", "-m", "pip", "freeze", "--exclude-editable", silent=True)
    installed.write_text("\n".join(line for line in frozen.splitlines() if "==" in line) + "\n")
    session.install("-c", str(installed), "nbval>=0.11", "pytest-xdist>=3.5")
    session.run("python", "-c", "import sys, pandas, sklearn, IPython, ipykernel, duckdb; print('Colab twin: Python', "
                "sys.version.split()[0], '/ pandas', pandas.__version__, '/ scikit-learn', sklearn.__version__, '/ IPython', "
                "IPython.__version__, '/ ipykernel', ipykernel.__version__, '/ duckdb', duckdb.__version__)")
    # Lesson 00's pre-flight check as a Colab learner sees it (the notebooks' Colab cell still sees no Colab).
    session.env["CHURNLAB_AS_COLAB"] = "1"
    _run_suite(session)
