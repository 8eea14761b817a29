"""The test suite, whole or in parts, under two sets of library versions.

    python -m nox                       # what CI runs: everything, on the newest releases, then in a twin of Google Colab
    python -m nox -s newest             # everything on one version set (add -r to reuse its environment next time)
    python -m nox -s unit-newest -R     # one part on one version set; -R reuses the environment as it is (no reinstall)
    python -m nox -t unit               # one part on both version sets
    python -m nox -s unit-newest -R -- tests/unit/test_data.py -k bad   # after --: pytest paths and options
    python -m nox --list                # every session

The parts are the folders of tests/, by kind:

    unit         tests/unit: the package and the tools, in-process (about a minute on 2 idle cores)
    checks       tests/mistakes, tests/exercises: every mistaken call gets a CourseError that says what to fix, and
                 every exercise question passes its right answers and names each listed wrong one
    integration  tests/integration: real MLflow stores, notebook kernels and subprocesses
    notebooks    tests/notebooks, and every lesson and solution under nbval (strict); the exercises run unfilled;
                 lesson 09 and its solution last, alone
    browser      tests/browser: every lesson in JupyterLab in headless Chromium (skipped, with the reason, where
                 Chromium or Playwright is missing), the MLflow UI over lesson 05's runs, the cohort server recipe

Each version set has one environment, built by its install-* session and shared by all its parts. install-newest
installs requirements.txt as a learner's computer does. install-colab is a twin of a Colab runtime: Colab's own
versions (tests/colab-pip-freeze.txt) of every package the course uses that Colab has, the notebook kernel
included; then the course's own Colab set-up (churnlab.colab.add_missing_packages) adds what Colab lacks, exactly
as the notebooks' first cells do there.
The colab session runs every part but browser: JupyterLab, the MLflow UI and the cohort server run on a learner's
or an instructor's own computer, never in Colab, so they run on the newest set only.
"""
import json
import os
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
PYTEST = ["-m", "pytest", "-n", "2", "--dist", "loadfile"]
PARTS = {
    "unit": ["tests/unit"],
    "checks": ["tests/mistakes", "tests/exercises"],
    "integration": ["tests/integration"],
    "notebooks": ["tests/notebooks", "notebooks", "solutions"],
    "browser": ["tests/browser"],
}
# What each version set runs when nothing is named: everything CI needs, in one pytest run (one start-up, and
# pytest-xdist balances the slow browser tests against the rest).
EVERYTHING = {"newest": list(PARTS), "colab": [part for part in PARTS if part != "browser"]}
# Set for every run on that version set.
ENVIRONMENT = {
    # The cohort-server smoke test (basic auth, 2 learners, permission checks; ~35 s) runs there.
    "newest": {"CHURNLAB_INSTRUCTOR_SMOKE": "1"},
    # Lesson 00's pre-flight check as a Colab learner sees it (the notebooks' Colab cell still sees no Colab).
    "colab": {"CHURNLAB_AS_COLAB": "1"},
}
# The capstone builds its brief from the runs lessons 05-08 logged. Run in parallel with them, it would
# see some of their runs or none, by chance: so it runs afterwards, alone, in an empty work folder
# (its stored outputs are the brief a learner gets who skipped 05-08: it says what is missing).
ALONE = sorted(str(path) for folder in ("notebooks", "solutions") for path in Path(folder).glob("09_*.ipynb"))


def _inside(path: str, folder: str) -> bool:
    return Path(path.split("::")[0]).resolve().is_relative_to(Path(folder.split("::")[0]).resolve())


def _run_tests(session: nox.Session, version_set: str, paths: list[str]) -> None:
    """pytest over ``paths`` in the environment of ``version_set``, then lesson 09 alone if ``paths`` hold it.

    Extra arguments (after --) go to pytest: paths among them replace ``paths``; the rest (-k, -x, -v...) are
    passed on. Lesson 09 still runs alone, last, whenever the paths run hold it."""
    bin_dir = _environment(session, version_set)
    python = str(Path(bin_dir) / "python")
    session.env["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    session.env["VIRTUAL_ENV"] = str(Path(bin_dir).parent)
    session.env.update(ENVIRONMENT[version_set])
    chosen = [arg for arg in session.posargs if not arg.startswith("-") and Path(arg.split("::")[0]).exists()]
    options = [arg for arg in session.posargs if arg not in chosen]
    paths = chosen or paths
    alone = [notebook for notebook in ALONE if any(_inside(notebook, path) for path in paths)]
    together = [path for path in paths if not any(_inside(path, notebook) for notebook in ALONE)]
    # Learners' runs must not land in the course folder during tests.
    work = Path(session.create_tmp())
    session.env["CHURNLAB_WORKDIR"] = str(work / "work")
    session.env["MLFLOW_TRACKING_URI"] = None  # None: unset even when the outer environment has it (pop would not)
    session.run(python, "-m", "churnlab", "doctor", silent=True)
    if together:
        # One process creates the MLflow store before the notebooks run in parallel (no "table already exists" race).
        session.run(python, "-c", "from churnlab.tracking import prepare_store; prepare_store()")
        session.run(python, *PYTEST, "--durations=20", *NBVAL, *together, *[f"--ignore={path}" for path in alone], *options)
    if alone:
        session.env["CHURNLAB_WORKDIR"] = str(work / "alone")
        # An option such as -k may leave nothing to run in these two notebooks: that is no failure.
        session.run(python, *PYTEST, *NBVAL, *alone, *options, success_codes=[0, 5] if options else [0])


def _environment(session: nox.Session, version_set: str) -> str:
    """The bin folder of the version set's environment, which its install-* session (run first: requires) recorded."""
    record = session.cache_dir / f"install-{version_set}.bin"
    if not record.exists() or not (Path(record.read_text().strip()) / "python").exists():
        session.error(f"no {version_set} environment: run python -m nox -s install-{version_set}")
    return record.read_text().strip()


def _record_environment(session: nox.Session, version_set: str) -> None:
    (session.cache_dir / f"install-{version_set}.bin").write_text(session.bin + "\n")


@nox.session(name="install-newest", default=False)
def install_newest(session: nox.Session) -> None:
    """The newest releases that requirements.txt allows (the environment every *-newest session uses)."""
    session.install("--upgrade", "-r", "requirements.txt", "-e", ".[test,browser]")
    _record_environment(session, "newest")


def _names(lines) -> list[str]:
    return [re.split(r"[<>=!~;@ \[]", line.strip(), maxsplit=1)[0] for line in lines
            if line.strip() and not line.lstrip().startswith(("#", "-"))]


@nox.session(name="install-colab", python=COLAB_PYTHON, default=False)
def install_colab(session: nox.Session) -> None:
    """A twin of a Colab runtime, so the stored outputs hold there too (the environment every *-colab session uses)."""
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
    if report.exists():  # not when the environment is reused as it is (-R): nothing is installed then
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
    if frozen:
        installed.write_text("\n".join(line for line in frozen.splitlines() if "==" in line) + "\n")
        session.install("-c", str(installed), "nbval>=0.11", "pytest-xdist>=3.5")
    session.run("python", "-c", "import sys, pandas, sklearn, IPython, ipykernel, duckdb; print('Colab twin: Python', "
                "sys.version.split()[0], '/ pandas', pandas.__version__, '/ scikit-learn', sklearn.__version__, '/ IPython', "
                "IPython.__version__, '/ ipykernel', ipykernel.__version__, '/ duckdb', duckdb.__version__)")
    _record_environment(session, "colab")


@nox.session(python=False, requires=["install-newest"])
def newest(session: nox.Session) -> None:
    """Everything CI needs on the newest releases: every part, in one pytest run, then lesson 09 alone."""
    _run_tests(session, "newest", [path for part in EVERYTHING["newest"] for path in PARTS[part]])


@nox.session(python=False, requires=["install-colab"])
def colab(session: nox.Session) -> None:
    """Everything CI needs in the Colab twin: every part but browser, in one pytest run, then lesson 09 alone."""
    _run_tests(session, "colab", [path for part in EVERYTHING["colab"] for path in PARTS[part]])


def _part_session(part: str, version_set: str, description: str) -> None:
    def run_part(session: nox.Session) -> None:
        _run_tests(session, version_set, PARTS[part])

    run_part.__doc__ = f"{description} ({version_set} set)"
    nox.session(run_part, name=f"{part}-{version_set}", python=False, requires=[f"install-{version_set}"],
                tags=[part], default=False)


DESCRIPTIONS = {
    "unit": "tests/unit: the package and the tools, in-process",
    "checks": "tests/mistakes, tests/exercises: every mistaken call and every exercise answer",
    "integration": "tests/integration: real MLflow stores, notebook kernels, subprocesses",
    "notebooks": "every lesson and solution under nbval, the exercises unfilled, lesson 09 last and alone",
    "browser": "tests/browser: JupyterLab in Chromium, the MLflow UI, the cohort server",
}
for _version_set in ("newest", "colab"):
    for _part, _description in DESCRIPTIONS.items():
        _part_session(_part, _version_set, _description)
