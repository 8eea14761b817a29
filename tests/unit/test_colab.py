"""churnlab.colab and the Colab cells of every notebook: Colab gets only what it lacks, elsewhere nothing happens."""
from __future__ import annotations

import re
import sys
import types
from importlib import metadata
from pathlib import Path

import nbformat
import pytest

from churnlab import colab

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import course_config  # noqa: E402  (tools/ is not a package)

URL = "https://github.com/some-owner/some-repo"


# --- add_missing_packages ---------------------------------------------------------------


class RecordingRun:
    def __init__(self):
        self.calls = []

    def __call__(self, command, **kwargs):
        self.calls.append((command, kwargs))
        # The constraints file only lives while pip runs: read it now.
        if "--constraint" in command:
            self.constraints = Path(command[command.index("--constraint") + 1]).read_text().split()


def test_requirements_come_from_requirements_txt():
    assert colab.requirement_for("mlflow") == "mlflow>=3.9,<4"
    assert colab.requirement_for("fairlearn").startswith("fairlearn>=")
    with pytest.raises(LookupError):
        colab.requirement_for("not-a-course-package")


def test_nothing_to_install_when_nothing_is_missing():
    run = RecordingRun()
    assert colab.missing_packages("mlflow", "fairlearn") == []  # both course environments have them
    assert colab.add_missing_packages("mlflow", "fairlearn", run=run) == []
    assert colab.add_missing_packages(run=run) == []  # lessons 00-04 need nothing
    assert run.calls == []


def test_installs_only_the_missing_package_with_colab_versions_pinned(monkeypatch, capsys):
    monkeypatch.setattr(colab, "_installed", lambda name: None if name == "fairlearn" else metadata.version(name))
    run = RecordingRun()
    installed = colab.add_missing_packages("mlflow", "fairlearn", run=run)
    assert installed == [colab.requirement_for("fairlearn")]
    assert len(run.calls) == 1
    command, kwargs = run.calls[0]
    assert kwargs == {"check": True}
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    constraints = Path(command[command.index("--constraint") + 1])
    assert not constraints.exists(), "the temporary constraints file is cleaned up"
    for name in ("pandas", "scikit-learn", "matplotlib", "numpy", "scipy"):
        assert f"{name}=={metadata.version(name)}" in run.constraints
    targets = [arg for arg in command[4:] if not arg.startswith("-") and arg != str(constraints)]
    assert targets == [colab.requirement_for("fairlearn")]
    assert "fairlearn" in capsys.readouterr().out


def test_what_colab_lacks_is_what_requirements_txt_has_and_colabs_list_does_not():
    freeze = {re.split(r"[=@ ]", line, maxsplit=1)[0].strip().lower().replace("_", "-")
              for line in (ROOT / "tests" / "colab-pip-freeze.txt").read_text().splitlines() if line and not line.startswith("#")}
    wanted = {line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()}
    names = {re.split(r"[<>=!~; \[]", line, maxsplit=1)[0].lower() for line in wanted if line and not line.startswith("-")}
    # JupyterLab is how the course opens on a learner's computer; Colab has its own notebook interface.
    assert names - freeze - {"jupyterlab"} == set(colab.COLAB_LACKS.values())


# --- which notebook needs what ----------------------------------------------------------------


def test_needs_follow_imports_through_the_course_package():
    assert colab.notebook_needs(["import pandas as pd", "from churnlab import plots"]) == ()
    assert colab.notebook_needs(["from churnlab import tracking  # first\nimport mlflow"]) == ("mlflow",)
    # lesson 05's exercise imports only churnlab.exercises.lesson05, which imports churnlab.tracking (MLflow).
    assert colab.notebook_needs(["from churnlab.exercises.lesson05 import *"]) == ("mlflow",)
    assert colab.notebook_needs(["import fairlearn\nimport mlflow"]) == ("mlflow", "fairlearn")
    assert colab.notebook_needs(["%matplotlib inline"]) == ()


# --- the bootstrap cell --------------------------------------------------------------------


def test_bootstrap_cell_is_valid_python():
    compile(colab.bootstrap_cell(URL), "<bootstrap cell>", "exec")


def _fail_if_called(*args, **kwargs):
    raise AssertionError(f"subprocess.run must not be called outside Colab: {args}")


def test_bootstrap_cell_does_nothing_outside_colab(monkeypatch):
    import subprocess

    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", _fail_if_called)
    monkeypatch.setattr(colab, "add_missing_packages", _fail_if_called)
    path_before = list(sys.path)
    namespace: dict = {}
    exec(compile(colab.bootstrap_cell(URL), "<bootstrap cell>", "exec"), namespace)
    assert sys.path == path_before
    assert "add_missing_packages" not in namespace


@pytest.mark.parametrize("needs", [(), ("mlflow",), ("mlflow", "fairlearn")])
def test_bootstrap_cell_in_colab_clones_once_and_adds_only_what_the_notebook_needs(monkeypatch, needs):
    import subprocess

    calls = []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append(("run", args, kwargs)))
    monkeypatch.setattr(colab, "add_missing_packages", lambda *args, **kwargs: calls.append(("add", args, kwargs)))
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(compile(colab.bootstrap_cell(URL, needs), "<bootstrap cell>", "exec"), {})
    clone = ("run", (f"test -d /content/churn-lab || git clone --quiet --depth 1 {URL} /content/churn-lab",),
             {"shell": True, "check": True})
    assert calls == ([clone, ("add", needs, {})] if needs else [clone])
    assert sys.path[0] == colab.COLAB_FOLDER == "/content/churn-lab"


def test_badge_points_at_the_notebook_on_colab():
    badge = colab.badge_markdown(URL + "/", "notebooks/01_frame.ipynb")
    assert badge == (
        "[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/some-owner/some-repo/blob/main/notebooks/01_frame.ipynb)"
    )


# --- every notebook carries the badge and the cell for the current repository --------------


NOTEBOOKS = course_config.all_notebooks()


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook found under notebooks/, solutions/ or exercises/"
    assert ROOT / "notebooks" / "00_welcome.ipynb" in NOTEBOOKS


def test_repository_url_comes_from_pyproject():
    url = course_config.repository_url()
    assert url.startswith("https://github.com/")
    assert f'Repository = "{url}"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_notebook_starts_with_badge_and_a_colab_cell_that_installs_only_what_it_needs(notebook):
    url = course_config.repository_url()
    cells = nbformat.read(notebook, as_version=4).cells
    code = [c.source for c in cells if c.cell_type == "code"]
    first_markdown = next(c for c in cells if c.cell_type == "markdown")
    assert code[0] == colab.bootstrap_cell(url, colab.notebook_needs(code[1:])), "run python tools/colab_cells.py"
    assert colab.badge_markdown(url, notebook.relative_to(ROOT).as_posix()) in first_markdown.source


def test_lessons_00_to_04_install_nothing_in_colab_and_lesson_05_only_mlflow():
    def needs(path):
        code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        return colab.notebook_needs(code[1:])

    for path in NOTEBOOKS:
        number = int(path.name[:2])
        if number <= 4:
            assert needs(path) == (), path.name
        elif number == 5:
            assert needs(path) == ("mlflow",), path.name


def test_readme_has_a_colab_badge():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    owner_repo = course_config.repository_url().removeprefix("https://github.com/")
    assert "https://colab.research.google.com/assets/colab-badge.svg" in text
    assert f"https://colab.research.google.com/github/{owner_repo}/blob/main/" in text


def test_every_module_that_imports_what_colab_lacks_declares_it():
    # A function-level import is invisible to the module-level scan: the module must say COLAB_NEEDS.
    for path in sorted((ROOT / "churnlab").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        anywhere = {name.split(".")[0] for name in colab._imported_names(source)}
        at_import = {name.split(".")[0] for name in colab._imported_names(source, module_level_only=True)}
        for module, package in colab.COLAB_LACKS.items():
            if module in anywhere - at_import:
                name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                assert package in colab.notebook_needs([f"import {name}"]), f"{path.relative_to(ROOT)}: add COLAB_NEEDS = ({package!r},)"


def test_a_function_level_import_does_not_spread_to_every_lesson():
    # plots.model_health imports churnlab.monitoring inside the function; lesson 01 only draws bar charts.
    assert colab.notebook_needs(["from churnlab import load_churn, plots"]) == ()
    assert colab.notebook_needs(["from churnlab import monitoring"]) == ("mlflow",)
