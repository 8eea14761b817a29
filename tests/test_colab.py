"""churnlab.colab and the Colab cells of every notebook: Colab gets only what it lacks, elsewhere nothing happens."""
from __future__ import annotations

import sys
import types
from importlib import metadata
from pathlib import Path

import nbformat
import pytest

from churnlab import colab

ROOT = Path(__file__).resolve().parent.parent
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


def test_nothing_to_install_when_nothing_is_missing(monkeypatch):
    monkeypatch.setattr(colab, "COURSE_EXTRAS", {"pandas": "pandas>=2"})  # installed here
    run = RecordingRun()
    assert colab.missing_packages() == []
    assert colab.add_missing_packages(run=run) == []
    assert run.calls == []


def test_the_shipped_extras_are_installed_here():
    # Both course venvs have mlflow, so the real Colab cell would install nothing on them.
    assert colab.missing_packages() == []


def test_installs_only_the_missing_package_with_colab_versions_pinned(monkeypatch, capsys):
    monkeypatch.setattr(colab, "COURSE_EXTRAS", {"pandas": "pandas>=2", "not-a-real-package-xyz": "not-a-real-package-xyz>=1,<2"})
    run = RecordingRun()
    installed = colab.add_missing_packages(run=run)
    assert installed == ["not-a-real-package-xyz>=1,<2"]
    assert len(run.calls) == 1
    command, kwargs = run.calls[0]
    assert kwargs == {"check": True}
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    constraints = Path(command[command.index("--constraint") + 1])
    pins = run.constraints
    assert not constraints.exists(), "the temporary constraints file is cleaned up"
    for name in ("pandas", "scikit-learn", "matplotlib", "numpy"):
        assert f"{name}=={metadata.version(name)}" in pins
    # What pip is asked to install: the missing requirement, and nothing Colab already has.
    targets = [arg for arg in command[4:] if not arg.startswith("-") and arg != str(constraints)]
    assert targets == ["not-a-real-package-xyz>=1,<2"]
    assert not any(name in arg for arg in targets for name in colab.COLAB_KEEPS)
    assert "not-a-real-package-xyz" in capsys.readouterr().out


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


def test_bootstrap_cell_in_colab_clones_once_and_adds_packages(monkeypatch):
    import subprocess

    calls = []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append(("run", args, kwargs)))
    monkeypatch.setattr(colab, "add_missing_packages", lambda *args, **kwargs: calls.append(("add", args, kwargs)))
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(compile(colab.bootstrap_cell(URL), "<bootstrap cell>", "exec"), {})
    assert calls == [
        (
            "run",
            (f"test -d /content/churn-lab || git clone --quiet --depth 1 {URL} /content/churn-lab",),
            {"shell": True, "check": True},
        ),
        ("add", (), {}),
    ]
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
def test_notebook_starts_with_badge_and_colab_cell(notebook):
    url = course_config.repository_url()
    cells = nbformat.read(notebook, as_version=4).cells
    first_code = next(c for c in cells if c.cell_type == "code")
    first_markdown = next(c for c in cells if c.cell_type == "markdown")
    assert first_code.source == colab.bootstrap_cell(url)
    assert colab.badge_markdown(url, notebook.relative_to(ROOT).as_posix()) in first_markdown.source


def test_readme_has_a_colab_badge():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    owner_repo = course_config.repository_url().removeprefix("https://github.com/")
    assert "https://colab.research.google.com/assets/colab-badge.svg" in text
    assert f"https://colab.research.google.com/github/{owner_repo}/blob/main/" in text
