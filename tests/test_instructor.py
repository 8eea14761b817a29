"""The instructor kit (instructor/): scripts answer --help, the guide's links exist, the pure helpers work.

Fast by default. Two slower checks start a real MLflow server with basic auth
and are skipped unless asked for:

    CHURNLAB_INSTRUCTOR_SMOKE=1 python -m pytest tests/test_instructor.py   # + load test, 2 learners x 1 run (~35 s)

The full load test (30 learners x 5 runs, ~5 minutes) is not part of the suite:
run ``python instructor/load_test.py`` (see instructor/README.md, section 7).
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INSTRUCTOR = REPO / "instructor"
GUIDE = INSTRUCTOR / "README.md"
SCRIPTS = ["start_server.py", "add_learners.py", "reset_cohort.py", "load_test.py", "check_connection.py"]
SLOW = pytest.mark.skipif(
    os.environ.get("CHURNLAB_INSTRUCTOR_SMOKE") != "1",
    reason="starts a real MLflow server (~35 s); set CHURNLAB_INSTRUCTOR_SMOKE=1 to run",
)


def _load(name: str):
    sys.path.insert(0, str(INSTRUCTOR))
    try:
        # cohortlib under its own name: the scripts import it so, and must share its CohortError.
        module_name = name if name == "cohortlib" else f"instructor_{name}"
        if module_name in sys.modules:
            return sys.modules[module_name]
        spec = importlib.util.spec_from_file_location(module_name, INSTRUCTOR / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(INSTRUCTOR))


cohortlib = _load("cohortlib")


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_answers_help(script):
    result = subprocess.run([sys.executable, str(INSTRUCTOR / script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_guide_links_exist():
    text = GUIDE.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not t.startswith(("http://", "https://", "mailto:"))]
    assert len(local) >= 15  # the scripts, every lesson and exercise
    missing = [t for t in local if not (GUIDE.parent / t).exists()]
    assert not missing, f"broken links in instructor/README.md: {missing}"


def test_guide_covers_what_the_issue_asks():
    text = GUIDE.read_text(encoding="utf-8").lower()
    for topic in ["audience and prerequisites", "agenda", "pre-flight", "mlflow_tracking_uri", "basic auth",
                  "127.0.0.1", "known pitfalls", "reset", "--allowed-hosts", "mlflow_auth_admin_password"]:
        assert topic in text, topic


def test_guide_names_every_script():
    text = GUIDE.read_text(encoding="utf-8")
    for script in SCRIPTS:
        assert script in text


def test_learner_names_are_checked():
    assert cohortlib.check_learner_name(" Ana.Lopez ") == "ana.lopez"
    for bad in ["", "admin", "ana lopez", "-ana", "a" * 41, "practice-bob", "ana/../x"]:
        with pytest.raises(cohortlib.CohortError):
            cohortlib.check_learner_name(bad)


def test_learner_names_map_to_their_own_experiments_and_model():
    assert cohortlib.learner_experiments("ben_k") == ["churn-lab-ben_k", "churn-lab-practice-ben_k"]
    assert cohortlib.learner_model("ben_k") == "churn-model-ben_k"


def test_passwords_are_random_and_long_enough():
    passwords = {cohortlib.new_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) >= cohortlib.MIN_PASSWORD_LENGTH and re.fullmatch(r"([a-z2-9]{4}-){3}[a-z2-9]{4}", p) for p in passwords)


def test_secrets_are_required_with_a_fix():
    with pytest.raises(cohortlib.CohortError, match="MLFLOW_AUTH_ADMIN_PASSWORD"):
        cohortlib.required_secrets({"MLFLOW_FLASK_SERVER_SECRET_KEY": "x" * 32, "MLFLOW_AUTH_ADMIN_PASSWORD": "short"})
    with pytest.raises(cohortlib.CohortError, match="MLFLOW_FLASK_SERVER_SECRET_KEY"):
        cohortlib.required_secrets({"MLFLOW_AUTH_ADMIN_PASSWORD": "long-enough-password"})
    ok = {"MLFLOW_FLASK_SERVER_SECRET_KEY": "x" * 32, "MLFLOW_AUTH_ADMIN_PASSWORD": "long-enough-password"}
    assert cohortlib.required_secrets(ok) == ok


def test_server_command_is_loopback_with_basic_auth(tmp_path):
    command = cohortlib.server_command(tmp_path)
    assert command[command.index("--app-name") + 1] == "basic-auth"
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--backend-store-uri") + 1].startswith("sqlite:///")
    assert "--allowed-hosts" not in command
    assert "--allowed-hosts" in cohortlib.server_command(tmp_path, allowed_hosts="mlflow.example.org")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised inside MLflow's server imports, not ours
def test_auth_config_is_what_mlflow_reads(tmp_path, monkeypatch):
    pytest.importorskip("flask_wtf", reason="MLflow's basic auth needs the extra: pip install 'mlflow[auth]'")
    from mlflow.server.auth.config import read_auth_config

    path = cohortlib.write_auth_config(tmp_path, "NO_PERMISSIONS")
    monkeypatch.setenv("MLFLOW_AUTH_CONFIG_PATH", str(path))
    monkeypatch.setenv("MLFLOW_AUTH_ADMIN_PASSWORD", "long-enough-password")
    config = read_auth_config()
    assert config.default_permission == "NO_PERMISSIONS"
    assert config.database_uri == f"sqlite:///{(tmp_path / 'auth.db').as_posix()}"
    assert config.admin_username == "admin"
    assert config.admin_password == "long-enough-password"
    assert config.auth_cache_ttl_seconds == 60


def test_server_environment_keeps_client_settings_out(tmp_path):
    env = cohortlib.server_environment(tmp_path, {"MLFLOW_AUTH_ADMIN_PASSWORD": "p" * 12},
                                       base={"MLFLOW_TRACKING_URI": "http://x", "MLFLOW_TRACKING_PASSWORD": "y", "PATH": "/bin"})
    assert "MLFLOW_TRACKING_URI" not in env and "MLFLOW_TRACKING_PASSWORD" not in env
    assert env["MLFLOW_AUTH_CONFIG_PATH"].endswith("basic_auth.ini")
    assert env["MLFLOW_DISABLE_TELEMETRY"] == "true"


def test_start_server_refuses_without_secrets(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    result = subprocess.run([sys.executable, str(INSTRUCTOR / "start_server.py"), "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert "MLFLOW_AUTH_ADMIN_PASSWORD" in result.stderr
    assert not (tmp_path / "server.pid").exists()


def test_learner_file_is_parsed_and_checked(tmp_path):
    add_learners = _load("add_learners")
    good = tmp_path / "learners.txt"
    good.write_text("# cohort 3\nAna.Lopez\n\nben_k, chosen-password-123\n")
    assert add_learners.read_learner_file(good) == [("ana.lopez", None), ("ben_k", "chosen-password-123")]
    for content, phrase in [("ana\nana\n", "twice"), ("ben,short\n", "shorter than 12"), ("bad name\n", "line 1"),
                            ("# nobody\n", "no learners")]:
        bad = tmp_path / "bad.txt"
        bad.write_text(content)
        with pytest.raises(cohortlib.CohortError, match=phrase):
            add_learners.read_learner_file(bad)


def test_reset_dry_run_touches_nothing(tmp_path):
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    cohortlib.write_auth_config(cohort)
    result = subprocess.run([sys.executable, str(INSTRUCTOR / "reset_cohort.py"), "--data-dir", str(cohort)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Dry run" in result.stdout
    assert cohort.exists()
    result = subprocess.run([sys.executable, str(INSTRUCTOR / "reset_cohort.py"), "--data-dir", str(cohort), "--yes"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert not cohort.exists()
    assert len(list(tmp_path.glob("cohort-archive-*"))) == 1


def test_reset_refuses_a_folder_that_is_not_a_cohort(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = subprocess.run([sys.executable, str(INSTRUCTOR / "reset_cohort.py"), "--data-dir", str(tmp_path), "--yes"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert (tmp_path / "notes.txt").exists()


def test_check_connection_says_what_to_set():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_TRACKING")}
    result = subprocess.run([sys.executable, str(INSTRUCTOR / "check_connection.py")], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 1
    assert "MLFLOW_TRACKING_URI" in result.stdout


def test_load_test_report_math():
    load_test = _load("load_test")
    assert load_test.percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert load_test.percentile(list(range(1, 101)), 0.95) == 95
    report = {"runs_attempted": 2, "runs_logged": 2, "runs_found": 2, "runs_complete": 2, "runs_lost": 0, "errors": 0,
              "permission_checks": [{"passed": True}], "server_log": {"http_5xx": 0, "database_locked": 0}}
    assert load_test.passed(report)
    assert not load_test.passed({**report, "server_log": {"http_5xx": 1, "database_locked": 0}})
    assert not load_test.passed({**report, "runs_lost": 1})
    assert not load_test.passed({**report, "permission_checks": [{"passed": False}]})


@SLOW
def test_load_test_smoke(tmp_path):
    result = subprocess.run(
        [sys.executable, str(INSTRUCTOR / "load_test.py"), "--learners", "2", "--runs", "1", "--timeout", "180", "--backend", "sqlite",
         "--json", str(tmp_path / "report.json")],
        capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RESULT: PASS" in result.stdout
    assert "runs lost             0" in result.stdout
