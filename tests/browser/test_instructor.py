"""The instructor kit (instructor/): scripts answer --help, the guide's links exist, the pure helpers work.

Fast by default: add_learners.py and check_connection.py are tested against
stand-ins for MLflow's clients. Two slower checks use a real MLflow server with
basic auth (the load test starts its own; the re-runs use the session's shared
cohort server, tests/browser/conftest.py) and are skipped unless asked for:

    CHURNLAB_INSTRUCTOR_SMOKE=1 python -m pytest tests/browser/test_instructor.py   # + load test (2 learners x 1 run, SQLite) and add_learners.py re-runs (~35 s)

The full load test (50 learners x 5 runs on PostgreSQL, 15-35 minutes on 2 cores) is not part of the suite:
run ``python instructor/load_test.py`` (see instructor/README.md, section 7).
"""
from __future__ import annotations

import csv
import http.server
import importlib.util
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTRUCTOR = REPO / "instructor"
GUIDE = INSTRUCTOR / "README.md"
SCRIPTS = ["start_server.py", "add_learners.py", "reset_cohort.py", "load_test.py", "check_connection.py", "progress.py"]
SLOW = pytest.mark.skipif(
    os.environ.get("CHURNLAB_INSTRUCTOR_SMOKE") != "1",
    reason="starts a real MLflow server (~15 s); set CHURNLAB_INSTRUCTOR_SMOKE=1 to run",
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
    if "--data-dir" in result.stdout:  # one variable, set once per terminal, replaces --data-dir everywhere
        assert "CHURNLAB_COHORT_DIR" in result.stdout


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
                  "127.0.0.1", "known pitfalls", "reset", "--allowed-hosts", "mlflow_auth_admin_password",
                  "churnlab_cohort_dir", "--check-isolation", "apt-get update"]:
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
    assert cohortlib.learner_models("ben_k") == ["churn-model-ben_k", "churn-model-practice-ben_k"]


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
    proxied = cohortlib.server_command(tmp_path, port=5050, allowed_hosts="mlflow.example.org")
    # The list replaces MLflow's default: the instructor's scripts on 127.0.0.1 must stay allowed.
    assert proxied[proxied.index("--allowed-hosts") + 1] == "mlflow.example.org,127.0.0.1:5050,localhost:5050"


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


def test_server_environment_sizes_the_postgresql_pool_only(tmp_path):
    secrets_ = {"MLFLOW_AUTH_ADMIN_PASSWORD": "p" * 12}
    env = cohortlib.server_environment(tmp_path, secrets_, base={}, backend="postgresql")
    assert env["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"] == str(cohortlib.DEFAULT_POOL_SIZE)
    assert env["MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"] == str(cohortlib.DEFAULT_MAX_OVERFLOW)
    own = cohortlib.server_environment(tmp_path, secrets_, backend="postgresql",
                                       base={"MLFLOW_SQLALCHEMYSTORE_POOL_SIZE": "4", "MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW": "6"})
    assert (own["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"], own["MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"]) == ("4", "6")
    # SQLite keeps SQLAlchemy's default pool: more writers there only means more "database is locked".
    assert "MLFLOW_SQLALCHEMYSTORE_POOL_SIZE" not in cohortlib.server_environment(tmp_path, secrets_, base={})


def test_postgresql_max_connections_bound_every_pool():
    """The 50-learner failure: handlers queued for one of 5 + 10 connections and gave up after 30 s."""
    pool_size, max_overflow = cohortlib.pool_settings({})
    assert pool_size + max_overflow >= cohortlib.HANDLER_THREADS_PER_WORKER  # no handler thread waits for a connection
    for workers in (1, 2, 4):
        needed = workers * cohortlib.RUN_STORE_ENGINES_PER_WORKER * (pool_size + max_overflow)
        assert cohortlib.postgres_max_connections(workers, {}) >= needed + 3  # PostgreSQL reserves 3 for its superuser
    small = {"MLFLOW_SQLALCHEMYSTORE_POOL_SIZE": "5", "MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW": "10"}
    assert cohortlib.postgres_max_connections(2, small) == 2 * cohortlib.RUN_STORE_ENGINES_PER_WORKER * 15 + 20
    for bad in ("0", "ten"):  # MLflow silently ignores 0: say so instead
        with pytest.raises(cohortlib.CohortError, match="MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"):
            cohortlib.pool_settings({"MLFLOW_SQLALCHEMYSTORE_POOL_SIZE": bad})


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised inside MLflow's server imports, not ours
def test_the_pool_covers_the_threads_mlflow_serves_requests_with():
    """MLflow's server runs its Flask handlers through anyio's default thread limiter: the pool is sized on it."""
    anyio = pytest.importorskip("anyio")

    async def threads():
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(threads) == cohortlib.HANDLER_THREADS_PER_WORKER
    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore

    # Two engines per worker on the run store: the tracking store's and the registry's own.
    assert TrackingStore._engine_map is not RegistryStore._engine_map
    assert cohortlib.RUN_STORE_ENGINES_PER_WORKER == 2


def test_learners_lines_give_a_busy_server_time_before_a_retry():
    add_learners = _load("add_learners")
    lines = add_learners.learner_instructions("https://mlflow.example.org", "ben_k", "k7mq-2xha-p9tw-c4ne")
    assert "MLFLOW_HTTP_REQUEST_TIMEOUT=300" in lines and "$env:MLFLOW_HTTP_REQUEST_TIMEOUT='300'" in lines
    assert cohortlib.CLIENT_RETRY_SETTINGS["MLFLOW_HTTP_REQUEST_TIMEOUT"] == str(cohortlib.LEARNER_REQUEST_TIMEOUT)
    assert f"MLFLOW_HTTP_REQUEST_TIMEOUT={cohortlib.LEARNER_REQUEST_TIMEOUT}" in GUIDE.read_text(encoding="utf-8")


def test_load_test_watches_the_servers_memory():
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("Linux only")
    load_test = _load("load_test")
    watch = load_test.ServerWatch(os.getpgid(0), None, None)
    watch.sample()
    peak = watch.stop()
    assert peak["server_processes"] >= 1 and 10 < peak["server_rss_mb"] == peak["total_rss_mb"]
    assert peak["postgres_processes"] == 0 and peak["postgres_connections"] == 0


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
    report = {"learners": 2, "runs_attempted": 2, "runs_logged": 2, "runs_found": 2, "runs_complete": 2, "runs_lost": 0,
              "errors": 0, "champions_registered": 2,
              "permission_checks": [{"passed": True}], "server_log": {"http_5xx": 0, "database_locked": 0}}
    assert load_test.passed(report)
    assert not load_test.passed({**report, "champions_registered": 1})
    with_events = {**report, "events": "recorded", "events_sent": 6, "events_found": 6, "events_lost": 0}
    assert load_test.passed(with_events)
    assert not load_test.passed({**with_events, "events_found": 5, "events_lost": 1})
    assert [event["do"] for event in load_test.planned_events(0)] == ["check", "hint", "check"]
    assert not load_test.passed({**report, "server_log": {"http_5xx": 1, "database_locked": 0}})
    assert not load_test.passed({**report, "runs_lost": 1})
    assert not load_test.passed({**report, "permission_checks": [{"passed": False}]})


# --- add_learners.py against a stand-in for MLflow's clients ---------------------------------------


def _mlflow_error(message: str, code: str):
    """An error as MLflow's clients raise it (its HTTP status follows from the code)."""
    from mlflow.exceptions import MlflowException
    from mlflow.protos import databricks_pb2

    return MlflowException(message, error_code=getattr(databricks_pb2, code))


class FakeServer:
    """Stands in for both of MLflow's clients (AuthServiceClient, MlflowClient) as add_learners.py uses them,
    with the server's rules: duplicate users and grants are RESOURCE_ALREADY_EXISTS, deleted experiments
    cannot be renamed, and a registered model's grants follow its name."""

    def __init__(self):
        self.users = {}  # name -> password
        self.grants = {}  # (user, resource type, resource id) -> permission
        self.experiments = {}  # id -> SimpleNamespace(experiment_id, name, tags, lifecycle_stage)
        self.models = {}  # name -> SimpleNamespace(name, tags)

    # auth client
    def get_user(self, username):
        return SimpleNamespace(username=username)

    def create_user(self, username, password):
        if username in self.users:
            raise _mlflow_error(f"User '{username}' already exists.", "RESOURCE_ALREADY_EXISTS")
        self.users[username] = password

    def update_user_password(self, username, password):
        self.users[username] = password

    def grant_user_permission(self, username, resource_type, resource_id, permission):
        key = (username, resource_type, str(resource_id))
        if key in self.grants:
            raise _mlflow_error(f"Permission for user={username} on resource_type={resource_type}, "
                                f"resource_id={resource_id} already exists.", "RESOURCE_ALREADY_EXISTS")
        self.grants[key] = permission

    def get_user_permission(self, username, resource_type, resource_id):
        return SimpleNamespace(permission=self.grants.get((username, resource_type, str(resource_id)), "READ"))

    def revoke_user_permission(self, username, resource_type, resource_id):
        del self.grants[(username, resource_type, str(resource_id))]

    # tracking client
    def get_experiment_by_name(self, name):
        return next((e for e in self.experiments.values() if e.name == name), None)

    def create_experiment(self, name, tags=None, made_by=None):
        if self.get_experiment_by_name(name):
            raise _mlflow_error(f"Experiment '{name}' already exists.", "RESOURCE_ALREADY_EXISTS")
        experiment_id = str(len(self.experiments) + 1)
        self.experiments[experiment_id] = SimpleNamespace(experiment_id=experiment_id, name=name, tags=dict(tags or {}),
                                                          lifecycle_stage="active")
        if made_by:  # as on the server, the maker of an experiment may manage it
            self.grants[(made_by, "experiment", experiment_id)] = "MANAGE"
        return experiment_id

    def restore_experiment(self, experiment_id):
        self.experiments[experiment_id].lifecycle_stage = "active"

    def rename_experiment(self, experiment_id, new_name):
        if self.experiments[experiment_id].lifecycle_stage != "active":
            raise _mlflow_error("Cannot rename a non-active experiment.", "INVALID_STATE")
        self.experiments[experiment_id].name = new_name

    def get_registered_model(self, name):
        if name not in self.models:
            raise _mlflow_error(f"Registered Model with name={name} not found", "RESOURCE_DOES_NOT_EXIST")
        return self.models[name]

    def create_registered_model(self, name, tags=None, made_by=None):
        if name in self.models:
            raise _mlflow_error(f"Registered Model (name={name}) already exists.", "RESOURCE_ALREADY_EXISTS")
        self.models[name] = SimpleNamespace(name=name, tags=dict(tags or {}))
        if made_by:
            self.grants[(made_by, "registered_model", name)] = "MANAGE"

    def rename_registered_model(self, name, new_name):
        self.models[new_name] = self.models.pop(name)
        self.models[new_name].name = new_name
        for (user, kind, resource), permission in list(self.grants.items()):
            if kind == "registered_model" and resource == name:
                del self.grants[(user, kind, resource)]
                self.grants[(user, kind, new_name)] = permission

    # what the tests look at
    def owners(self, resource_type, resource_id):
        return {user for (user, kind, resource), permission in self.grants.items()
                if kind == resource_type and resource == str(resource_id) and permission == "MANAGE"}


def _run_add_learners(server, tmp_path, monkeypatch, capsys, names, *options):
    """add_learners.py's main, as typed by the instructor, against the stand-in server: (exit code, stdout, stderr)."""
    add_learners = _load("add_learners")
    monkeypatch.setattr(add_learners, "server_clients", lambda url: (server, server))
    monkeypatch.setattr(cohortlib, "wait_until_healthy", lambda *args, **kwargs: 0.0)
    monkeypatch.setenv("MLFLOW_AUTH_ADMIN_PASSWORD", "the-admin-password")
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):  # main() sets them; restored after the test
        monkeypatch.setenv(name, "unset")
    monkeypatch.setenv("MLFLOW_LOGGING_LEVEL", "WARNING")
    data_dir = tmp_path / "cohort"
    if not data_dir.exists():
        cohortlib.make_cohort_folder(data_dir)
        cohortlib.write_auth_config(data_dir)
    learners_file = tmp_path / "learners.txt"
    learners_file.write_text("\n".join(names) + "\n")
    code = add_learners.main([str(learners_file), "--url", "http://127.0.0.1:1", "--data-dir", str(data_dir), *options])
    printed = capsys.readouterr()
    return code, printed.out, printed.err


def _saved_passwords(tmp_path) -> dict:
    with open(tmp_path / "cohort" / cohortlib.CREDENTIALS_FILE, newline="", encoding="utf-8") as handle:
        return {row["username"]: row["password"] for row in csv.DictReader(handle)}


def test_add_learners_re_run_is_safe(tmp_path, monkeypatch, capsys):
    server = FakeServer()
    code, out, err = _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ana", "ben"])
    assert code == 0, err
    first_passwords = _saved_passwords(tmp_path)
    assert first_passwords == server.users

    # A late-comer added to the same file; ana deleted her experiment in the web page meanwhile.
    server.get_experiment_by_name("churn-lab-ana").lifecycle_stage = "deleted"
    code, out, err = _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ana", "ben", "chen"])
    assert code == 0, err
    assert "FAILED" not in err
    assert "3 learner(s) ready, 0 failed" in out
    assert "# ana (existed)" in out and "# chen (created)" in out
    assert f"MLFLOW_TRACKING_PASSWORD='{first_passwords['ana']}'" in out  # re-printed from learners.csv
    assert server.get_experiment_by_name("churn-lab-ana").lifecycle_stage == "active"
    assert {name: password for name, password in _saved_passwords(tmp_path).items() if name != "chen"} == first_passwords
    for name in ("ana", "ben", "chen"):
        for experiment in cohortlib.learner_experiments(name):
            assert server.owners("experiment", server.get_experiment_by_name(experiment).experiment_id) == {name}
        for model in cohortlib.learner_models(name):
            assert server.owners("registered_model", model) == {name}


def test_add_learners_new_password_is_printed_and_saved(tmp_path, monkeypatch, capsys):
    server = FakeServer()
    assert _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ana", "ben"])[0] == 0
    old = _saved_passwords(tmp_path)["ben"]
    code, out, err = _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ben"], "--new-passwords")
    assert code == 0, err
    new = server.users["ben"]
    assert new != old
    assert "# ben (password reset)" in out and f"MLFLOW_TRACKING_PASSWORD='{new}'" in out
    assert _saved_passwords(tmp_path)["ben"] == new


def test_add_learners_keeps_a_new_password_even_if_a_later_step_fails(tmp_path, monkeypatch, capsys):
    server = FakeServer()
    assert _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ben"])[0] == 0

    def broken_grant(*args):
        raise _mlflow_error("the auth store is down", "INTERNAL_ERROR")

    monkeypatch.setattr(server, "grant_user_permission", broken_grant)
    server.grants.clear()
    code, out, err = _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ben"], "--new-passwords")
    assert code == 1
    assert "ben: FAILED: " in err
    assert _saved_passwords(tmp_path)["ben"] == server.users["ben"]  # the learner is not locked out
    assert f"MLFLOW_TRACKING_PASSWORD='{server.users['ben']}'" in out


def test_add_learners_raises_a_lower_grant_to_manage(tmp_path, monkeypatch, capsys):
    server = FakeServer()
    assert _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ana"])[0] == 0
    experiment_id = server.get_experiment_by_name("churn-lab-ana").experiment_id
    server.grants[("ana", "experiment", experiment_id)] = "READ"
    assert _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ana"])[0] == 0
    assert server.grants[("ana", "experiment", experiment_id)] == "MANAGE"


def test_add_learners_moves_what_someone_else_made_under_a_learners_name(tmp_path, monkeypatch, capsys):
    add_learners = _load("add_learners")
    assert add_learners.made_for({add_learners.OWNER_TAG: "dan"}, "dan")
    assert not add_learners.made_for({}, "dan")
    assert not add_learners.made_for({add_learners.OWNER_TAG: "eve"}, "dan")

    # Before dan was added, eve (logged in) made dan's lesson experiment and model; she made his practice
    # experiment and deleted it; and tagged his practice model as if add_learners had made it for her.
    server = FakeServer()
    squatted_experiment = server.create_experiment("churn-lab-dan", made_by="eve")
    deleted_experiment = server.create_experiment("churn-lab-practice-dan", made_by="eve")
    server.experiments[deleted_experiment].lifecycle_stage = "deleted"
    server.create_registered_model("churn-model-dan", made_by="eve")
    server.create_registered_model("churn-model-practice-dan", tags={add_learners.OWNER_TAG: "eve"}, made_by="eve")

    code, out, err = _run_add_learners(server, tmp_path, monkeypatch, capsys, ["dan"])
    assert code == 0, err
    assert out.count("#   moved: ") == 4
    for name in cohortlib.learner_experiments("dan"):
        experiment = server.get_experiment_by_name(name)
        assert experiment.experiment_id not in (squatted_experiment, deleted_experiment)
        assert experiment.tags == {add_learners.OWNER_TAG: "dan"}
        assert server.owners("experiment", experiment.experiment_id) == {"dan"}
        assert re.search(rf"moved: experiment {name} .* renamed it to {name}-taken-\d{{8}}-\d{{6}}", out)
    assert server.experiments[squatted_experiment].name.startswith("churn-lab-dan-taken-")
    assert server.owners("experiment", squatted_experiment) == {"eve"}  # eve keeps what she made, under its new name
    for name in cohortlib.learner_models("dan"):
        assert server.models[name].tags == {add_learners.OWNER_TAG: "dan"}
        assert server.owners("registered_model", name) == {"dan"}
    assert [server.owners("registered_model", name) for name in server.models if "-taken-" in name] == [{"eve"}, {"eve"}]

    # Now all four are dan's: a re-run moves nothing.
    code, out, err = _run_add_learners(server, tmp_path, monkeypatch, capsys, ["dan"])
    assert code == 0 and "moved" not in out


def test_add_learners_says_once_that_the_admin_password_is_wrong(tmp_path, monkeypatch, capsys):
    server = FakeServer()

    def refuse(*args):
        raise _mlflow_error("API request to endpoint /api/2.0/mlflow/users/get failed with error code 401 != 200. "
                            "Response body: 'You are not authenticated.'", "UNAUTHENTICATED")

    monkeypatch.setattr(server, "get_user", refuse)
    monkeypatch.setattr(server, "create_user", refuse)
    code, out, err = _run_add_learners(server, tmp_path, monkeypatch, capsys, ["ana", "ben"])
    assert code == 2
    assert err.count("the server did not accept the admin password: MLFLOW_AUTH_ADMIN_PASSWORD must be the one set "
                     "at the server's first start") == 1
    assert "FAILED" not in err
    assert not server.users


# --- the cohort folder, ports, hints -----------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_cohort_folder_and_credentials_are_for_the_instructor_only(tmp_path):
    cohort = tmp_path / "cohort"
    cohortlib.make_cohort_folder(cohort)
    assert cohort.stat().st_mode & 0o777 == 0o700
    assert (cohort / "auth.db").stat().st_mode & 0o777 == 0o600
    add_learners = _load("add_learners")
    add_learners.write_credentials(cohort / cohortlib.CREDENTIALS_FILE,
                                   [add_learners.create_account(FakeServer(), "ana", None)], "http://127.0.0.1:5000")
    assert (cohort / cohortlib.CREDENTIALS_FILE).stat().st_mode & 0o777 == 0o600
    gitignore = (REPO / ".gitignore").read_text().splitlines()
    assert "learners*.txt" in gitignore and "learners.csv" in gitignore  # they can hold passwords


def test_port_probe_counts_a_listener_not_a_connection_closed_a_moment_ago():
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert not cohortlib.port_is_free("127.0.0.1", port)
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the server's side closes first: it keeps the port in TIME-WAIT for about a minute
        time.sleep(0.2)
        client.close()
    time.sleep(0.2)
    if sys.platform.startswith("linux"):  # the situation the probe must see through: a plain bind fails
        with socket.socket() as plain, pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))
    assert cohortlib.port_is_free("127.0.0.1", port)


def test_start_server_says_which_postgres_port_is_taken(tmp_path):
    cohort = tmp_path / "cohort"
    env = {**os.environ, "MLFLOW_FLASK_SERVER_SECRET_KEY": "x" * 32, "MLFLOW_AUTH_ADMIN_PASSWORD": "long-enough-password"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        postgres_port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(INSTRUCTOR / "start_server.py"), "--data-dir", str(cohort), "--backend", "postgresql",
             "--port", str(cohortlib.free_port()), "--postgres-port", str(postgres_port)],
            capture_output=True, text=True, env=env, timeout=60,
        )
    assert result.returncode == 2
    assert f"port {postgres_port} is taken: use --postgres-port" in result.stderr
    assert "Traceback" not in result.stderr
    assert not cohort.exists()  # a failed first start leaves no half-made cohort folder behind


def test_start_server_hint_names_this_python(tmp_path):
    start_server = _load("start_server")
    parts = shlex.split(start_server.next_step_command("http://127.0.0.1:5050", tmp_path))
    assert Path(parts[0]).absolute() == Path(sys.executable).absolute()
    assert Path(parts[1]).absolute() == INSTRUCTOR / "add_learners.py"
    assert parts[2:] == ["LEARNERS.txt", "--url", "http://127.0.0.1:5050", "--data-dir", str(tmp_path)]
    assert "--data-dir" not in start_server.next_step_command("http://127.0.0.1:5000", cohortlib.HOME_DATA_DIR.resolve())


# --- check_connection.py -------------------------------------------------------------------------------


class _RefusesHostHandler(http.server.BaseHTTPRequestHandler):
    """Answers like an MLflow server that does not know the Host header: /health is exempt, the API is not."""

    def do_GET(self):
        allowed = self.path in ("/health", "/version")
        body = b"OK" if allowed else b"Invalid Host header - possible DNS rebinding attack detected"
        self.send_response(200 if allowed else 403)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


def test_check_connection_explains_a_refused_host_name(monkeypatch):
    check_connection = _load("check_connection")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RefusesHostHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{server.server_address[1]}"
    try:
        for name, value in [("MLFLOW_TRACKING_URI", f"http://{address}"), ("MLFLOW_TRACKING_USERNAME", "ana"),
                            ("MLFLOW_TRACKING_PASSWORD", "k7mq-2xha-p9tw-c4ne"), ("MLFLOW_LOGGING_LEVEL", "WARNING"),
                            ("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true"), ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")]:
            monkeypatch.setenv(name, value)
        with pytest.raises(cohortlib.CohortError, match=re.escape(f"--allowed-hosts {address}")):
            check_connection.check()
    finally:
        server.shutdown()
        server.server_close()


class _OtherLearnersServer:
    """MlflowClient calls check_isolation makes; refuses (403) every write unless told to accept them."""

    def __init__(self, accepts_writes: bool, accepts_deletes: bool = True):
        self.accepts_writes, self.accepts_deletes = accepts_writes, accepts_deletes
        self.undone = []

    def get_experiment_by_name(self, name):
        return SimpleNamespace(experiment_id="7", name=name)

    def _write(self, result=None):
        if not self.accepts_writes:
            raise _mlflow_error("Permission denied", "PERMISSION_DENIED")
        return result

    def create_run(self, experiment_id, run_name):
        return self._write(SimpleNamespace(info=SimpleNamespace(run_id="run-1")))

    def delete_run(self, run_id):
        if not self.accepts_deletes:  # like EDIT without MANAGE: may write, may not delete
            raise _mlflow_error("Permission denied", "PERMISSION_DENIED")
        self.undone.append(run_id)

    def set_registered_model_tag(self, name, key, value):
        return self._write()

    def delete_registered_model_tag(self, name, key):
        self.undone.append(key)


def test_check_isolation_expects_the_server_to_refuse():
    check_connection = _load("check_connection")
    assert "403" in check_connection.check_isolation(_OtherLearnersServer(accepts_writes=False), "ana", "ben")
    leaky = _OtherLearnersServer(accepts_writes=True)
    with pytest.raises(cohortlib.CohortError, match="Isolation is broken"):
        check_connection.check_isolation(leaky, "ana", "ben")
    assert leaky.undone == ["run-1"]  # the intruding run is removed at once
    with pytest.raises(cohortlib.CohortError, match="Isolation is broken.*not undone"):  # a refused undo is no pass
        check_connection.check_isolation(_OtherLearnersServer(accepts_writes=True, accepts_deletes=False), "ana", "ben")
    with pytest.raises(cohortlib.CohortError, match="another learner"):
        check_connection.check_isolation(leaky, "ana", "ana")


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


@SLOW
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised inside MLflow's imports, not ours
def test_add_learners_re_runs_against_a_real_server(cohort_server, tmp_path, monkeypatch, capsys):
    """Re-runs, a squatted name, a new password, a wrong admin password and isolation, on a real server.

    The session's cohort server (tests/browser/conftest.py), under learner names of this test's own."""
    add_learners, check_connection = _load("add_learners"), _load("check_connection")
    from mlflow import MlflowClient

    ana, ben, dan = cohort_server.learner_names("ana", "ben", "dan").values()
    data_dir = tmp_path / "cohort"  # this test's learners.csv; the server keeps its own folder
    cohortlib.make_cohort_folder(data_dir)
    cohortlib.write_auth_config(data_dir)
    url = cohort_server.url
    for name, value in [("MLFLOW_AUTH_ADMIN_PASSWORD", cohort_server.admin_password), ("MLFLOW_TRACKING_URI", url),
                        ("MLFLOW_TRACKING_USERNAME", "unset"), ("MLFLOW_TRACKING_PASSWORD", "unset"),
                        ("MLFLOW_LOGGING_LEVEL", "WARNING"), ("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")]:
        monkeypatch.setenv(name, value)

    def run(names, *options):
        learners_file = tmp_path / "learners.txt"
        learners_file.write_text("\n".join(names) + "\n")
        code = add_learners.main([str(learners_file), "--url", url, "--data-dir", str(data_dir), *options])
        printed = capsys.readouterr()
        return code, printed.out, printed.err

    def log_in_as(user):
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", user)
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", _saved_passwords(tmp_path)[user])

    code, out, err = run([ana, ben])
    assert code == 0, out + err

    # Before dan is added, ana takes his experiment and model names.
    log_in_as(ana)
    squatter = MlflowClient(tracking_uri=url, registry_uri=url)
    squatter.create_experiment(f"churn-lab-{dan}")
    squatter.create_registered_model(f"churn-model-{dan}")

    code, out, err = run([ana, ben, dan])
    assert code == 0, out + err
    assert f"# {ana} (existed)" in out and f"# {dan} (created)" in out
    assert f"moved: experiment churn-lab-{dan} " in out and f"moved: registered model churn-model-{dan} " in out

    old_password = _saved_passwords(tmp_path)[ben]
    code, out, err = run([ben], "--new-passwords")
    new_password = _saved_passwords(tmp_path)[ben]
    assert code == 0, out + err
    assert new_password != old_password and f"MLFLOW_TRACKING_PASSWORD='{new_password}'" in out

    log_in_as(ben)  # with the new password
    assert any(f"cannot write to {dan}'s" in line for line in check_connection.check(dan))
    log_in_as(ana)  # the squatter cannot write to dan's new experiment and model
    assert any(f"cannot write to {dan}'s" in line for line in check_connection.check(dan))

    monkeypatch.setenv("MLFLOW_AUTH_ADMIN_PASSWORD", "not-the-admin-password")
    code, out, err = run([ana])
    assert code == 2 and "did not accept the admin password" in err
