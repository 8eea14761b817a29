"""Binder (repo2docker) builds the course from requirements.txt alone, and the course works there.

repo2docker, given this repository, installs requirements.txt after copying the
repository (it contains ``-e .``), then runs ``pip install .`` because
pyproject.toml declares a package. That second install puts a copy of
churnlab in site-packages, away from ``datasets/``: the package must still find
the course folder. No build service is reachable from the test machine, so
these tests check the files repo2docker reads and the copy-install case.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from churnlab.data import DATA_FILE_IN_COURSE, find_course_root

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import course_config  # noqa: E402  (tools/ is a folder of scripts, not a package)
# Files that would make repo2docker ignore requirements.txt or build another way.
OVERRIDING_FILES = ("binder", ".binder", "environment.yml", "Pipfile", "Pipfile.lock", "Dockerfile", "Project.toml",
                    "install.R", "DESCRIPTION")


def test_requirements_txt_is_what_repo2docker_uses():
    assert (ROOT / "requirements.txt").is_file()
    present = [name for name in OVERRIDING_FILES if (ROOT / name).exists()]
    assert not present, f"repo2docker would build from {present} instead of requirements.txt"


def test_requirements_install_the_course_package_from_the_repository():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "-e ." in lines, "repo2docker installs requirements.txt after copying the repository only when it refers to it"


def test_runtime_txt_gives_binder_a_python_the_course_supports():
    # repo2docker's default Python is 3.10, older than the course's minimum; runtime.txt sets it.
    from churnlab.doctor import MINIMUM_PYTHON

    name, version = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip().split("-")
    assert name == "python"
    assert tuple(int(part) for part in version.split(".")) >= MINIMUM_PYTHON


def test_a_copied_package_still_finds_the_course_folder(tmp_path):
    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    (course / DATA_FILE_IN_COURSE).parent.mkdir()
    shutil.copy(ROOT / DATA_FILE_IN_COURSE, course / DATA_FILE_IN_COURSE)
    site_packages_copy = tmp_path / "site-packages" / "churnlab"
    site_packages_copy.mkdir(parents=True)
    # A notebook's kernel starts in notebooks/; a terminal may start in the course folder.
    assert find_course_root(site_packages_copy, course / "notebooks") == course
    assert find_course_root(site_packages_copy, course) == course
    # The editable install (the README's way) needs no search at all.
    assert find_course_root(ROOT / "churnlab", tmp_path) == ROOT


def test_readme_binder_link_opens_this_repository_in_jupyterlab():
    owner_repo = course_config.repository_url().removeprefix("https://github.com/")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"https://mybinder.org/v2/gh/{owner_repo}/HEAD?urlpath=lab/tree/notebooks/00_welcome.ipynb" in readme
