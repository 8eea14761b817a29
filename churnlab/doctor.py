"""The pre-flight check: is this machine ready for the course?

Run it before a workshop (or in lesson 00), in the course folder::

    .venv/bin/python -m churnlab doctor

It checks the Python version, every package in requirements.txt against the
versions the course supports, the data file's checksum and columns, and a
writable working folder. It prints what is fine and exactly what to fix.
"""
from __future__ import annotations

import os
import platform
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from churnlab.colab import COLAB_LACKS
from churnlab.data import CHURN_CSV, REPO_ROOT, expected_checksum, file_checksum, load_churn
from churnlab._base.errors import CourseError
from churnlab.workspace import course_relative, work_dir

MINIMUM_PYTHON = (3, 11)
REQUIREMENTS_TXT = REPO_ROOT / "requirements.txt"


@dataclass
class Finding:
    ok: bool
    what: str
    fix: str = ""

    def line(self) -> str:
        return f"✅ {self.what}" if self.ok else f"❌ {self.what}\n   → fix: {self.fix}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def all_ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def text(self) -> str:
        problems = sum(not f.ok for f in self.findings)
        verdict = (
            "All set: this machine is ready for the course."
            if not problems
            else f"{problems} problem{'s' if problems > 1 else ''} to fix before the course (see → fix above)."
        )
        return "\n".join([*(f.line() for f in self.findings), "", verdict])


def course_requirements(path: Path = REQUIREMENTS_TXT) -> list[Requirement]:
    """The packages requirements.txt asks for (not the course package itself)."""
    requirements = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            requirements.append(Requirement(line))
        except InvalidRequirement:
            continue
    return requirements


def course_python() -> str:
    """The command that runs this Python, as a learner types it: ``.venv/bin/python`` in the course folder."""
    relative = course_relative(sys.executable)
    return relative if relative is not None else f'"{sys.executable}"'


def in_colab() -> bool:
    """True in Google Colab, and in the course's Colab twin (the test session sets CHURNLAB_AS_COLAB=1)."""
    return "google.colab" in sys.modules or os.environ.get("CHURNLAB_AS_COLAB") == "1"


def check_python(version=sys.version_info) -> Finding:
    found = ".".join(str(part) for part in version[:3])
    needed = ".".join(str(part) for part in MINIMUM_PYTHON)
    if tuple(version[:2]) >= MINIMUM_PYTHON:
        return Finding(True, f"Python {found} (the course needs {needed} or newer)")
    return Finding(False, f"Python {found} is too old: the course needs {needed} or newer", "install Python 3.12 from python.org, then run the install command again")


def _readable(specifier: SpecifierSet) -> str:
    # ">=2.2.3, <4" reads better than packaging's "<4,>=2.2.3".
    parts = sorted((str(s) for s in specifier), key=lambda s: not s.startswith(">"))
    return ", ".join(parts) or "any version"


def check_package(requirement: Requirement) -> Finding:
    wanted = _readable(requirement.specifier)
    try:
        found = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        return Finding(False, f"{requirement.name} is not installed (the course needs {wanted})",
                       f"run the README's install command in the course folder: {course_python()} -m pip install -r requirements.txt")
    if SpecifierSet(str(requirement.specifier)).contains(found, prereleases=True):
        return Finding(True, f"{requirement.name} {found} (supported: {wanted})")
    return Finding(False, f"{requirement.name} {found} is outside what the course supports ({wanted})",
                   f'{course_python()} -m pip install "{requirement}"')


def check_package_in_colab(requirement: Requirement) -> Finding:
    """In Colab: Colab's own versions are the ones the course is tested on; lessons add what Colab lacks."""
    try:
        found = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        if requirement.name in COLAB_LACKS.values():
            return Finding(True, f"{requirement.name}: not part of Colab; each lesson that uses it adds it in its first cell")
        return Finding(False, f"{requirement.name} is missing from this Colab runtime",
                       "Runtime ▸ Disconnect and delete runtime, then run the notebook again from its first cell")
    return Finding(True, f"{requirement.name} {found} (Colab's own)")


def check_duckdb_reads_pandas() -> Finding | None:
    """DuckDB before 1.4.4 cannot read pandas 3's text columns (lesson 08): a pair requirements.txt alone cannot rule out."""
    try:
        pandas_version, duckdb_version = metadata.version("pandas"), metadata.version("duckdb")
    except metadata.PackageNotFoundError:
        return None
    from packaging.version import Version

    if Version(pandas_version) >= Version("3") and Version(duckdb_version) < Version("1.4.4"):
        return Finding(False, f"duckdb {duckdb_version} cannot read the text columns of pandas {pandas_version}",
                       f'{course_python()} -m pip install "duckdb>=1.4.4"')
    return None


def check_data(path: Path = CHURN_CSV) -> Finding:
    if not path.exists():
        return Finding(False, f"the data file {path} is missing", "restore it: git checkout -- datasets/")
    if file_checksum(path) == expected_checksum():
        # The shipped file is the one the test suite loads, so a matching checksum means it loads too.
        return Finding(True, "data: the file's checksum matches the course copy")
    try:
        customers = load_churn(path)
    except CourseError as error:
        return Finding(False, f"the data file does not load: {error}", "restore it: git checkout -- datasets/telco_churn.csv")
    return Finding(False, f"the data file loads ({len(customers):,} customers) but differs from the course copy (checksum)", "restore it: git checkout -- datasets/telco_churn.csv")


def check_work_folder() -> Finding:
    try:
        folder = work_dir()
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        return Finding(False, f"the working folder is not writable ({error.strerror})", "set CHURNLAB_WORKDIR to a folder you can write to, e.g. export CHURNLAB_WORKDIR=~/churnlab-work")
    relative = course_relative(folder)
    where = f"{relative}/ in the course folder" if relative is not None else str(folder)
    return Finding(True, f"working folder is writable: {where}")


def run_checks() -> Report:
    """Run every check and return the report (``print(report.text())`` to read it)."""
    report = Report([check_python()])
    if in_colab():  # Colab runs notebooks in its own interface: JupyterLab is not needed there
        report.findings += [check_package_in_colab(r) for r in course_requirements() if r.name != "jupyterlab"]
    else:
        report.findings += [check_package(r) for r in course_requirements()]
    pair = check_duckdb_reads_pandas()
    report.findings += [pair] if pair else []
    report.findings += [check_data(), check_work_folder()]
    return report


def main() -> int:
    print(f"Pre-flight check for the churn lab ({platform.system()}, {sys.executable})\n")
    report = run_checks()
    print(report.text())
    return 0 if report.all_ok else 1
