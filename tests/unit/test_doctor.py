"""churnlab.doctor: the pre-flight check says what is fine and exactly what to fix."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from churnlab import doctor
from churnlab.workspace import shown_path
from churnlab.__main__ import USAGE, main as cli_main
from churnlab.data import CHURN_CSV


def test_everything_is_ok_in_this_environment():
    report = doctor.run_checks()
    problems = [f.line() for f in report.findings if not f.ok]
    assert report.all_ok, problems
    # Python, one line per requirement (JupyterLab is not checked in Colab), the data and the working folder.
    assert len(report.findings) == 1 + len(doctor.course_requirements()) - doctor.in_colab() + 2
    assert report.text().endswith("All set: this machine is ready for the course.")


def test_report_counts_problems():
    report = doctor.Report([doctor.Finding(True, "fine"), doctor.Finding(False, "broken", "mend it")])
    assert not report.all_ok
    assert "❌ broken\n   → fix: mend it" in report.text()
    assert report.text().endswith("1 problem to fix before the course (see → fix above).")
    report.findings.append(doctor.Finding(False, "also broken", "mend that"))
    assert "2 problems to fix" in report.text()


def test_current_python_passes():
    finding = doctor.check_python()
    assert finding.ok
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in finding.what


def test_old_python_fails_with_a_fix():
    finding = doctor.check_python((3, 8, 10))
    assert not finding.ok
    assert "3.8.10 is too old" in finding.what
    assert "3.11" in finding.what
    assert "python.org" in finding.fix


def test_installed_package_in_range_passes():
    finding = doctor.check_package(Requirement("pandas>=2.2.3,<4"))
    assert finding.ok
    assert "supported: >=2.2.3, <4" in finding.what


def test_missing_package_fails_with_the_install_command():
    finding = doctor.check_package(Requirement("surely-not-an-installed-package-xyz>=1"))
    assert not finding.ok
    assert "is not installed" in finding.what
    assert "pip install -r requirements.txt" in finding.fix


@pytest.mark.parametrize("requirement", ["pandas>=99", "numpy<1", "scikit-learn>=0.1,<1"])
def test_package_outside_the_supported_range_fails_with_a_fix(requirement):
    finding = doctor.check_package(Requirement(requirement))
    assert not finding.ok
    assert "is outside what the course supports" in finding.what
    assert finding.fix == f'{doctor.course_python()} -m pip install "{Requirement(requirement)}"'


def test_course_requirements_reads_requirements_txt():
    requirements = {r.name: r for r in doctor.course_requirements()}
    assert {"pandas", "scikit-learn", "matplotlib", "numpy"} <= set(requirements)
    assert requirements["pandas"].specifier.contains("2.2.3")
    assert not requirements["pandas"].specifier.contains("2.2.2")
    # "-e ." (the course package itself) is not a package to check.
    assert all(not r.name.startswith("-") for r in requirements.values())


def test_course_requirements_skips_comments_options_and_junk(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("# a comment\n\npandas>=2  # inline comment\n-e .\n--index-url x\nnot a requirement!!\nnumpy<3\n")
    assert [str(r) for r in doctor.course_requirements(path)] == ["pandas>=2", "numpy<3"]


def test_shipped_data_passes():
    finding = doctor.check_data()
    assert finding.ok
    assert "checksum matches the course copy" in finding.what


def test_modified_data_fails_on_the_checksum(tmp_path):
    copy = tmp_path / "telco_churn.csv"
    copy.write_text(CHURN_CSV.read_text(encoding="utf-8").replace("C0001,No,", "C0001,Yes,", 1), encoding="utf-8")
    finding = doctor.check_data(copy)
    assert not finding.ok
    assert "differs from the course copy (checksum)" in finding.what
    assert "7,043 customers" in finding.what
    assert "git checkout -- datasets/telco_churn.csv" in finding.fix


def test_broken_data_fails_with_the_loading_problem(tmp_path):
    copy = tmp_path / "telco_churn.csv"
    copy.write_text(CHURN_CSV.read_text(encoding="utf-8").replace("C0001,No,", "C0001,Maybe,", 1), encoding="utf-8")
    finding = doctor.check_data(copy)
    assert not finding.ok
    assert finding.what.startswith("the data file does not load:")
    assert "'Maybe'" in finding.what
    assert "git checkout" in finding.fix


def test_missing_data_file_fails(tmp_path):
    finding = doctor.check_data(tmp_path / "telco_churn.csv")
    assert not finding.ok
    assert "is missing" in finding.what


def test_in_colab_jupyterlab_is_not_checked(monkeypatch):
    def names(report):
        return " ".join(f.what for f in report.findings)

    monkeypatch.delenv("CHURNLAB_AS_COLAB", raising=False)  # the Colab test session sets it

    assert "jupyterlab" in names(doctor.run_checks())
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    report = doctor.run_checks()
    assert "jupyterlab" not in names(report)
    assert "pandas" in names(report)


def test_in_colab_what_the_lessons_add_is_not_a_problem_and_colabs_versions_pass(monkeypatch):
    # A Colab runtime before lesson 05: no MLflow, no fairlearn, and DuckDB 1.3.2 (older than requirements.txt asks).
    real_version = doctor.metadata.version

    def colab_version(name):
        if name in ("mlflow", "fairlearn", "jupyterlab"):
            raise doctor.metadata.PackageNotFoundError(name)
        return {"duckdb": "1.3.2", "pandas": "2.2.3"}.get(name) or real_version(name)

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(doctor.metadata, "version", colab_version)
    report = doctor.run_checks()
    assert report.all_ok, report.text()
    assert "mlflow: not part of Colab; each lesson that uses it adds it in its first cell" in report.text()
    assert "duckdb 1.3.2 (Colab's own)" in report.text()
    assert "pip install -r requirements.txt" not in report.text()


def test_pandas_3_with_an_old_duckdb_is_a_problem_everywhere(monkeypatch):
    real_version = doctor.metadata.version
    monkeypatch.setattr(doctor.metadata, "version", lambda name: {"duckdb": "1.3.2", "pandas": "3.1.1"}.get(name) or real_version(name))
    finding = doctor.check_duckdb_reads_pandas()
    assert not finding.ok and "cannot read the text columns of pandas 3.1.1" in finding.what
    assert 'pip install "duckdb>=1.4.4"' in finding.fix
    monkeypatch.setattr(doctor.metadata, "version", lambda name: {"duckdb": "1.3.2", "pandas": "2.2.3"}.get(name) or real_version(name))
    assert doctor.check_duckdb_reads_pandas() is None


def test_fixes_name_the_course_python_as_a_readme_user_types_it(monkeypatch):
    from churnlab.data import REPO_ROOT

    monkeypatch.setattr(sys, "executable", str(REPO_ROOT / ".venv" / "bin" / "python"))
    finding = doctor.check_package(Requirement("surely-not-an-installed-package-xyz>=1"))
    assert f"{Path('.venv/bin/python')} -m pip install -r requirements.txt" in finding.fix


def test_writable_work_folder_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path / "work"))
    finding = doctor.check_work_folder()
    assert finding.ok
    assert finding.what.removeprefix("working folder is writable: ") in (str(tmp_path / "work"), f"{shown_path(tmp_path / 'work')}/ in the course folder")
    assert (tmp_path / "work").is_dir()


def test_the_default_work_folder_is_named_without_the_machine_path(monkeypatch):
    monkeypatch.delenv("CHURNLAB_WORKDIR", raising=False)
    finding = doctor.check_work_folder()
    assert finding.ok
    assert finding.what == "working folder is writable: work/ in the course folder"


def _chmod_is_enforced(folder) -> bool:
    """Root (and some file systems) ignore permissions: then a read-only folder cannot be tested."""
    probe = folder / "probe"
    try:
        probe.write_text("x")
    except PermissionError:
        return True
    probe.unlink()
    return False


def test_read_only_work_folder_fails_with_a_fix(tmp_path, monkeypatch):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if not _chmod_is_enforced(folder):
            pytest.skip("running as root (or on a file system without permissions): a read-only folder is still writable")
        monkeypatch.setenv("CHURNLAB_WORKDIR", str(folder))
        finding = doctor.check_work_folder()
        assert not finding.ok
        assert "not writable" in finding.what
        assert "CHURNLAB_WORKDIR" in finding.fix
    finally:
        folder.chmod(0o755)


def test_unusable_work_folder_fails_with_a_fix(tmp_path, monkeypatch):
    # Works even as root: a folder cannot be created inside a regular file.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(blocker / "work"))
    finding = doctor.check_work_folder()
    assert not finding.ok
    assert "not writable" in finding.what
    assert "export CHURNLAB_WORKDIR=" in finding.fix


def test_doctor_command_exits_0_and_says_all_set():
    result = subprocess.run(
        [sys.executable, "-m", "churnlab", "doctor"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All set" in result.stdout
    assert "Pre-flight check for the churn lab" in result.stdout
    assert result.stderr == ""


def test_doctor_main_returns_1_when_something_is_wrong(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "check_python", lambda: doctor.Finding(False, "Python 2.7 is too old", "upgrade"))
    assert doctor.main() == 1
    assert "1 problem to fix" in capsys.readouterr().out


def test_doctor_without_the_course_packages_says_which_python_to_use():
    # Simulate a Python without pandas: importing it fails as it would there.
    code = "import sys; sys.modules['pandas'] = None; from churnlab.__main__ import main; sys.exit(main(['doctor']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1
    assert "pandas is missing" in result.stdout
    assert "→ fix:" in result.stdout


def test_no_command_prints_usage_and_exits_2():
    result = subprocess.run([sys.executable, "-m", "churnlab"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout.strip() == USAGE


@pytest.mark.parametrize(("argv", "code"), [(["--help"], 0), (["-h"], 0), (["docter"], 2), ([], 2)])
def test_cli_main_usage(argv, code, capsys):
    assert cli_main(argv) == code
    assert "python -m churnlab doctor" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum is not installed")
def test_sha256sum_check_works_as_the_datasheet_says():
    result = subprocess.run(["sha256sum", "-c", "telco_churn.csv.sha256"], cwd=CHURN_CSV.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "telco_churn.csv: OK"


def test_python_3_10_is_now_too_old():
    # fairlearn (lesson 06) needs Python 3.11 or newer.
    assert not doctor.check_python((3, 10, 13)).ok
    assert doctor.check_python((3, 11, 0)).ok


def test_the_minimum_python_is_stated_alike_everywhere():
    needed = ".".join(str(part) for part in doctor.MINIMUM_PYTHON)
    root = Path(__file__).resolve().parents[2]
    assert f'requires-python = ">={needed}"' in (root / "pyproject.toml").read_text(encoding="utf-8")
    assert f"Python {needed} or newer" in (root / "README.md").read_text(encoding="utf-8")
    assert f"Python {needed} or newer" in (root / "instructor" / "README.md").read_text(encoding="utf-8")


def test_the_colab_twin_runs_the_check_as_colab(monkeypatch):  # noqa: D103
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setenv("CHURNLAB_AS_COLAB", "1")
    assert doctor.in_colab()
    assert "jupyterlab" not in " ".join(f.what for f in doctor.run_checks().findings)
    monkeypatch.delenv("CHURNLAB_AS_COLAB")
    assert not doctor.in_colab()
