"""Load test of the cohort server recipe: N learners log M runs each, at once, on 127.0.0.1 only.

    python instructor/load_test.py --learners 50 --runs 5 --backend postgresql   # the recipe's promise
    python instructor/load_test.py --learners 50 --cpu-burners 2   # the same on a machine busy with other work
    python instructor/load_test.py --learners 2 --runs 1 --backend sqlite  # a smoke test (~30 s)

It starts the server exactly as start_server.py does (basic auth, a free port on
127.0.0.1, a temporary cohort folder), creates the learners with add_learners.py's
code, then every learner - one process each, released together - logs its runs:
parameters, metrics (a 10-step curve too), a plot (PNG) and a small model
(scikit-learn LogisticRegression via mlflow.sklearn.log_model with explicit
pip_requirements); the last run's model is registered as the learner's
'churn-model-<name>' with the alias 'champion', as lesson 05 does. Then, as the admin, it checks that every run is present and
complete (FINISHED, all params and metrics, the plot, a READY logged model with
its files; one model is loaded back and used), and that a learner without a
password, with a wrong one, or with their own cannot write to someone else's
experiment, run, artifacts or model. It prints a report: runs logged, found,
lost, errors, throughput, p50/p95 seconds per logged run, server 5xx responses,
permission checks, the server's memory (resident set of the server's
processes and PostgreSQL's, at its peak) and the most database connections
open at once. Exit code 0 only if nothing was lost, no request failed (not
even one that the MLflow client's retries recovered) and every check passed.

When the course has progress events (churnlab.progress), every learner also
records exercise 05's events around each run (a wrong check, a hint, a correct
check: 3 per run) in the background, as a notebook does, and the test reads
them back as instructor/progress.py does: none may be lost (--no-events skips).

--cpu-burners N adds N processes that only spin the CPU while the learners log:
the machine is busy with other work, as on a shared server or a laptop that
also runs the room's notebooks.

Bounded: at most --learners x --runs runs (each a handful of requests, plus the
MLflow client's own retries), and a hard --timeout (default 1800 s; 50 learners
on a busy 2-core machine took about 25 minutes) after which everything is
stopped. Only 127.0.0.1 is contacted.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import warnings
import tempfile
import time
from pathlib import Path

# MLflow's server module imports a Starlette helper that warns on import; not ours to fix.
warnings.filterwarnings("ignore", message=".*starlette.middleware.wsgi is deprecated")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import add_learners  # noqa: E402
import cohortlib  # noqa: E402

PARAMS_PER_RUN = 6
METRICS = ("roc_auc", "precision", "recall", "f1", "expected_profit")
CURVE_STEPS = 10
PLOT_PATH = "plots/coefficients.png"
CHAMPION_ALIAS = "champion"  # churnlab.tracking.CHAMPION_ALIAS: lesson 05 registers its champion under it
EVENT_LESSON = "05"


def progress_module():
    """churnlab.progress when this copy of the course has it (progress events, instructor/progress.py), else None."""
    repo = str(Path(__file__).resolve().parents[1])
    if repo not in sys.path:
        sys.path.append(repo)
    try:
        from churnlab import progress
    except ImportError:
        return None
    return progress if hasattr(progress, "Recorder") and hasattr(progress, "read_events") else None


def planned_events(run_index: int) -> list[dict]:
    """What a learner's exercise 05 records around one run: a wrong check, a hint, then a correct check."""
    question = f"q{run_index + 1}"
    return [
        {"q": question, "do": "check", "outcome": "wrong", "hints": 0, "solution": False},
        {"q": question, "do": "hint", "hints": 1, "solution": False},
        {"q": question, "do": "check", "outcome": "correct", "hints": 1, "solution": False},
    ]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, int(-(-share * len(ordered) // 1)))  # ceil
    return ordered[min(rank, len(ordered)) - 1]


# --- what one learner does ------------------------------------------------------------------


def _training_data(seed: int):
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 5))
    y = (X @ np.array([1.5, -1.0, 0.5, 0.0, 0.8]) + rng.normal(scale=1.0, size=300) > 0).astype(int)
    return X, y


def learner_process(username, password, url, experiment_id, runs, barrier, results, pip_requirements, with_events=False):
    """One learner: wait for the start signal, then log ``runs`` runs back to back; report each.

    with_events: also record exercise 05's progress events (three per run) the way a learner's
    notebook does (churnlab.progress.Recorder: in the background, batched), and report whether
    all of them reached the server.
    """
    import matplotlib.pyplot as plt
    import mlflow
    import mlflow.sklearn
    from sklearn.linear_model import LogisticRegression

    os.environ["MLFLOW_TRACKING_USERNAME"] = username
    os.environ["MLFLOW_TRACKING_PASSWORD"] = password
    mlflow.set_tracking_uri(url)
    recorder = progress_module().Recorder(url=url, username=username, password=password) if with_events else None
    events_added = 0
    try:
        barrier.wait(timeout=300)
    except Exception as error:  # noqa: BLE001 - reported, not raised
        results.put({"learner": username, "run": -1, "ok": False, "error": f"never started: {error!r}", "seconds": 0.0})
        return
    for index in range(runs):
        started = time.perf_counter()
        steps = {}
        run_id = None
        try:
            if recorder is not None:
                for event in planned_events(index):
                    recorder.add(EVENT_LESSON, {**event, "t": round(time.time(), 3)})
                    events_added += 1
            C = [0.01, 0.1, 1.0, 10.0, 100.0][index % 5]
            X, y = _training_data(seed=index)
            model = LogisticRegression(C=C, max_iter=500).fit(X, y)
            with mlflow.start_run(experiment_id=experiment_id, run_name=f"{username}-run{index + 1}") as run:
                run_id = run.info.run_id
                mlflow.log_params({"C": C, "kind": "model", "learner": username, "run_number": index + 1,
                                   "features": 5, "rows": len(y)})
                accuracy = float(model.score(X, y))
                mlflow.log_metrics({"roc_auc": accuracy, "precision": accuracy * 0.9, "recall": accuracy * 0.8,
                                    "f1": accuracy * 0.85, "expected_profit": 1000.0 * accuracy})
                for step in range(CURVE_STEPS):
                    mlflow.log_metric("profit_curve", 100.0 * step * accuracy, step=step)
                steps["params_metrics"] = time.perf_counter() - started
                figure, axes = plt.subplots(figsize=(5, 3))
                axes.bar([f"x{i}" for i in range(5)], model.coef_[0])
                axes.set_title(f"{username}: coefficients (C={C})")
                mark = time.perf_counter()
                mlflow.log_figure(figure, PLOT_PATH)
                plt.close(figure)
                steps["plot"] = time.perf_counter() - mark
                mark = time.perf_counter()
                logged = mlflow.sklearn.log_model(model, name="model", pip_requirements=pip_requirements)
                steps["model"] = time.perf_counter() - mark
            if index == runs - 1:  # lesson 05 registers its champion once, at the end
                mark = time.perf_counter()
                with contextlib.redirect_stderr(io.StringIO()):  # "Created version '1' of model ..." per learner
                    version = mlflow.register_model(f"models:/{logged.model_id}", cohortlib.learner_model(username))
                mlflow.MlflowClient().set_registered_model_alias(cohortlib.learner_model(username), CHAMPION_ALIAS,
                                                                 version.version)
                steps["register"] = time.perf_counter() - mark
            results.put({"learner": username, "run": index, "ok": True, "run_id": run_id,
                         "seconds": time.perf_counter() - started, "steps": steps})
        except Exception as error:  # noqa: BLE001 - every failure is counted in the report
            results.put({"learner": username, "run": index, "ok": False, "run_id": run_id,
                         "error": f"{type(error).__name__}: {str(error)[:300]}", "seconds": time.perf_counter() - started})
    if recorder is not None:
        # A notebook sends its last events in the background; here the learner waits for them, bounded.
        flushed = recorder.flush(timeout=300)
        results.put({"learner": username, "events_added": events_added, "flushed": flushed,
                     "failed_requests": recorder.failures})


# --- checks as the admin --------------------------------------------------------------------


def verify_runs(url: str, learners: dict, runs: int, load_one_model: bool = True) -> dict:
    """Count, per learner experiment, the runs that are present and complete."""
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=url)
    found = complete = 0
    problems = []
    sample_model_id = None
    for username, info in learners.items():
        found_runs = client.search_runs([info["experiment_id"]], max_results=1000)
        found += len(found_runs)
        models = {m.source_run_id: m for m in client.search_logged_models(experiment_ids=[info["experiment_id"]], max_results=1000)}
        for run in found_runs:
            missing = []
            if run.info.status != "FINISHED":
                missing.append(f"status {run.info.status}")
            if len(run.data.params) != PARAMS_PER_RUN:
                missing.append(f"{len(run.data.params)} params")
            if not all(name in run.data.metrics for name in (*METRICS, "profit_curve")):
                missing.append("metrics")
            elif len(client.get_metric_history(run.info.run_id, "profit_curve")) != CURVE_STEPS:
                missing.append("metric curve")
            artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "plots")}
            if PLOT_PATH not in artifacts:
                missing.append("plot")
            model = models.get(run.info.run_id)
            if model is None or str(model.status).split(".")[-1] != "READY":
                missing.append("model")
            else:
                files = {a.path for a in client.list_logged_model_artifacts(model.model_id)}
                if not {"MLmodel", "requirements.txt"} <= files or not any(f.startswith("model.") for f in files):
                    missing.append(f"model files {sorted(files)}")
                sample_model_id = sample_model_id or model.model_id
            if missing:
                problems.append(f"{username}/{run.info.run_name}: missing {', '.join(missing)}")
            else:
                complete += 1
    registered = 0
    for username in learners:
        try:
            version = client.get_model_version_by_alias(cohortlib.learner_model(username), CHAMPION_ALIAS)
        except Exception as error:  # noqa: BLE001 - counted and shown
            problems.append(f"{username}: no '{CHAMPION_ALIAS}' of {cohortlib.learner_model(username)} ({str(error)[:80]})")
            continue
        if str(version.status).split(".")[-1] == "READY":
            registered += 1
        else:
            problems.append(f"{username}: {cohortlib.learner_model(username)} version {version.version} is {version.status}")
    loaded = None
    if load_one_model and sample_model_id:
        import mlflow.sklearn

        mlflow.set_tracking_uri(url)  # models:/ URIs resolve through the current tracking URI
        model = mlflow.sklearn.load_model(f"models:/{sample_model_id}")
        X, _ = _training_data(seed=0)
        loaded = int(len(model.predict(X[:5])) == 5)
    return {"found": found, "complete": complete, "registered": registered, "problems": problems,
            "sample_model_loaded_and_predicted": loaded}


def verify_events(url: str, learners: dict, runs: int) -> dict:
    """Read every learner's progress events back as the instructor's page does, and compare with what was sent."""
    from mlflow import MlflowClient

    progress = progress_module()
    stored = progress.read_events(MlflowClient(tracking_uri=url))
    expected_each = sorted((e["q"], e["do"], e.get("outcome", "")) for index in range(runs) for e in planned_events(index))
    found = lost = 0
    problems = []
    for username in learners:
        mine = sorted((e["q"], e["do"], e.get("outcome", "")) for e in stored
                      if e.get("learner") == username and e.get("lesson") == EVENT_LESSON)
        found += len(mine)
        missing = len(expected_each) - sum(min(mine.count(item), expected_each.count(item)) for item in set(expected_each))
        lost += missing
        if mine != expected_each:
            problems.append(f"{username}: {len(mine)} events stored, {missing} missing, expected {len(expected_each)}")
    return {"events_found": found, "events_lost": lost, "event_problems": problems[:5]}


def permission_checks(url: str, learners: dict) -> list[dict]:
    """Try to write into learner A's experiment as nobody, as A with B's password, and as B."""
    import requests

    names = sorted(learners)
    owner, other = learners[names[0]], learners[names[1]]
    owner_name, other_name = names[0], names[1]
    api = url.rstrip("/") + "/api/2.0/mlflow"
    run_id = owner["a_run_id"]
    exp_id = owner["experiment_id"]
    checks = []

    def attempt(label, method, path, auth, expected, **kwargs):
        full = path if path.startswith("http") else api + path
        response = requests.request(method, full, auth=auth, timeout=30, **kwargs)
        checks.append({"check": label, "status": response.status_code, "expected": expected,
                       "passed": response.status_code in expected})

    create_run = {"experiment_id": exp_id, "run_name": "intruder"}
    attempt(f"no password: create a run in {owner_name}'s experiment", "POST", "/runs/create", None, (401,), json=create_run)
    attempt(f"{owner_name}'s name with {other_name}'s password: create a run there", "POST", "/runs/create",
            (owner_name, other["password"]), (401,), json=create_run)
    attempt(f"{other_name} (own password): create a run in {owner_name}'s experiment", "POST", "/runs/create",
            (other_name, other["password"]), (403,), json=create_run)
    attempt(f"{other_name}: log a metric in {owner_name}'s run", "POST", "/runs/log-metric",
            (other_name, other["password"]), (403,),
            json={"run_id": run_id, "key": "roc_auc", "value": 0.0, "timestamp": 0, "step": 0})
    attempt(f"{other_name}: upload a file into {owner_name}'s run artifacts", "PUT",
            f"{url.rstrip('/')}/api/2.0/mlflow-artifacts/artifacts/{exp_id}/{run_id}/artifacts/intruder.txt",
            (other_name, other["password"]), (403,), data=b"not yours")
    attempt(f"{other_name}: add a version to {owner_name}'s registered model", "POST", "/model-versions/create",
            (other_name, other["password"]), (403,),
            json={"name": cohortlib.learner_model(owner_name), "source": f"runs:/{run_id}/model", "run_id": run_id})
    attempt(f"{other_name}: delete {owner_name}'s experiment", "POST", "/experiments/delete",
            (other_name, other["password"]), (403,), json={"experiment_id": exp_id})
    attempt(f"{other_name}: rename {owner_name}'s experiment", "POST", "/experiments/update",
            (other_name, other["password"]), (403,), json={"experiment_id": exp_id, "new_name": "taken"})
    attempt(f"{other_name}: read {owner_name}'s run (default permission READ: allowed)", "GET",
            f"/runs/get?run_id={run_id}", (other_name, other["password"]), (200,))
    return checks


def count_server_errors(log_path: Path) -> dict:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return {
        "http_5xx": len(re.findall(r'HTTP/1\.[01]" 5\d\d', text)),
        "http_429": len(re.findall(r'HTTP/1\.[01]" 429', text)),
        "database_locked": text.count("database is locked"),
        "tracebacks": text.count("Traceback (most recent call last)"),
    }


def process_group_cpu_seconds(group: int) -> float | None:
    """CPU seconds (user + system) used so far by the live processes of a process group (Linux only)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields after "(comm)": state, ppid, pgrp, ..., utime=[11], stime=[12]
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every live process (Linux /proc)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return table


def _memory_kib(pid: int) -> tuple[int, int]:
    """(resident set, proportional set) of a process in KiB; PSS splits pages the forked workers share."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss


class ServerWatch:
    """Samples, once a second while the learners log, the server's memory and its open database connections.

    Server = the process group of `mlflow server` (its uvicorn workers included) plus the PostgreSQL
    cluster (postmaster and its backends). Linux only; elsewhere it reports nothing.
    """

    def __init__(self, server_group: int, cluster: Path | None, postgres_port: int | None):
        import threading

        self.server_group, self.cluster, self.postgres_port = server_group, cluster, postgres_port
        self.peak = {"server_rss_mb": 0.0, "postgres_rss_mb": 0.0, "total_rss_mb": 0.0, "total_pss_mb": 0.0,
                     "server_processes": 0, "postgres_processes": 0, "postgres_connections": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self):
        if Path("/proc").is_dir():
            self._thread.start()
        return self

    def stop(self) -> dict:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        return {name: round(value, 1) if isinstance(value, float) else value for name, value in self.peak.items()}

    def _postmaster(self) -> int | None:
        try:
            return int((self.cluster / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError, TypeError, AttributeError):
            return None

    def _connections(self, database) -> int:
        try:
            with database.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'mlflow'")
                return int(cursor.fetchone()[0])
        except Exception:  # noqa: BLE001 - a missed sample, not a failure of the test
            return 0

    def sample(self, database=None) -> None:
        table = _process_table()
        server = [pid for pid, (_, group) in table.items() if group == self.server_group]
        postmaster = self._postmaster()
        postgres = [pid for pid, (parent, _) in table.items() if postmaster and (pid == postmaster or parent == postmaster)]
        server_memory = [_memory_kib(pid) for pid in server]
        postgres_memory = [_memory_kib(pid) for pid in postgres]
        now = {
            "server_rss_mb": sum(rss for rss, _ in server_memory) / 1024,
            "postgres_rss_mb": sum(rss for rss, _ in postgres_memory) / 1024,
            "total_pss_mb": sum(pss for _, pss in server_memory + postgres_memory) / 1024,
            "server_processes": len(server),
            "postgres_processes": len(postgres),
            "postgres_connections": self._connections(database) if database is not None else 0,
        }
        now["total_rss_mb"] = now["server_rss_mb"] + now["postgres_rss_mb"]
        for name, value in now.items():
            self.peak[name] = max(self.peak[name], value)

    def _loop(self) -> None:
        database = None
        if self.postgres_port:
            try:
                import psycopg2

                database = psycopg2.connect(host="127.0.0.1", port=self.postgres_port, user="mlflow",
                                            dbname="postgres", connect_timeout=5)
                database.autocommit = True
            except Exception:  # noqa: BLE001 - memory is still sampled
                database = None
        try:
            while not self._stop.is_set():
                self.sample(database)
                self._stop.wait(1.0)
        finally:
            if database is not None:
                database.close()


def _burn_cpu() -> None:  # pragma: no cover - runs in a child process until terminated
    while True:
        pass


# --- the whole test -------------------------------------------------------------------------


class HardTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise HardTimeout


def run_load_test(learner_count: int, runs: int, backend: str, workers: int, keep: bool, timeout: int,
                  cpu_burners: int = 0, events: bool = True) -> dict:
    import secrets

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401 - imported once here, shared by the forked learners
    import mlflow  # noqa: F401
    import mlflow.sklearn  # noqa: F401
    import sklearn
    from sklearn.linear_model import LogisticRegression  # noqa: F401

    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout)
    wall_started = time.monotonic()
    data_dir = Path(tempfile.mkdtemp(prefix="churnlab-loadtest-"))
    server = None
    children = []
    burners = []
    watch = None
    report = {"learners": learner_count, "runs_per_learner": runs, "backend": backend, "workers": workers,
              "cores": os.cpu_count(), "mlflow": mlflow.__version__, "cpu_burners": cpu_burners,
              "load_average_before": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None}
    with_events = events and progress_module() is not None
    report["events"] = ("recorded" if with_events else
                        "off (--no-events)" if not events else "not in this copy of the course (no churnlab.progress)")
    try:
        secrets_ = {"MLFLOW_FLASK_SERVER_SECRET_KEY": secrets.token_hex(32),
                    "MLFLOW_AUTH_ADMIN_PASSWORD": cohortlib.new_password()}
        (data_dir / "artifacts").mkdir()
        cohortlib.write_auth_config(data_dir)
        backend_uri = None
        postgres_port = None
        if backend == "postgresql":
            if os.geteuid() == 0:
                os.chmod(data_dir, 0o755)
            postgres_port = cohortlib.free_port()
            max_connections = cohortlib.postgres_max_connections(workers)
            backend_uri = cohortlib.start_postgres(data_dir, postgres_port, max_connections)
            report.update({"pool_size": int(os.environ.get("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE") or cohortlib.DEFAULT_POOL_SIZE),
                           "max_overflow": int(os.environ.get("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW")
                                               or cohortlib.DEFAULT_MAX_OVERFLOW),
                           "postgres_max_connections": max_connections})
        port = cohortlib.free_port()
        url = f"http://127.0.0.1:{port}"
        command = cohortlib.server_command(data_dir, "127.0.0.1", port, workers, backend_uri)
        log_path = data_dir / cohortlib.LOG_FILE
        with open(log_path, "w") as log:
            server = subprocess.Popen(command, env=cohortlib.server_environment(data_dir, secrets_, backend=backend),
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        report["server_start_seconds"] = round(cohortlib.wait_until_healthy(url, timeout=120, process=server), 1)

        add_learners.use_admin_credentials(secrets_["MLFLOW_AUTH_ADMIN_PASSWORD"])
        from mlflow import MlflowClient

        learners = {}
        for number in range(1, learner_count + 1):
            name = f"learner{number:02d}"
            learner = add_learners.add_learner(url, name, None)
            experiment = MlflowClient(tracking_uri=url).get_experiment_by_name(learner.experiments[0])
            learners[name] = {"password": learner.password, "experiment_id": experiment.experiment_id}

        pip_requirements = [f"scikit-learn=={sklearn.__version__}"]
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(learner_count + 1)
        results = context.Queue()
        for name, info in learners.items():
            child = context.Process(target=learner_process, daemon=True,
                                    args=(name, info["password"], url, info["experiment_id"], runs, barrier, results,
                                          pip_requirements, with_events))
            child.start()
            children.append(child)
        for _ in range(cpu_burners):
            burner = context.Process(target=_burn_cpu, daemon=True)
            burner.start()
            burners.append(burner)
        watch = ServerWatch(server.pid, data_dir / "postgres" if backend == "postgresql" else None, postgres_port).start()
        barrier.wait(timeout=120)
        server_cpu_before = process_group_cpu_seconds(server.pid)
        load_started = time.monotonic()
        outcomes = []
        event_reports = []
        while len(outcomes) < learner_count * runs or (with_events and len(event_reports) < learner_count):
            message = results.get(timeout=max(1, timeout - (time.monotonic() - wall_started)))
            (event_reports if "events_added" in message else outcomes).append(message)
        load_seconds = time.monotonic() - load_started
        server_cpu_after = process_group_cpu_seconds(server.pid)
        report["load_average_during"] = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None
        report["server_peak"] = watch.stop()
        for burner in burners:
            burner.terminate()
        for child in children:
            child.join(timeout=30)

        ok = [o for o in outcomes if o["ok"]]
        errors = [o for o in outcomes if not o["ok"]]
        latencies = [o["seconds"] for o in ok]
        for outcome in ok:
            learners[outcome["learner"]].setdefault("a_run_id", outcome["run_id"])
        report.update({
            "runs_attempted": learner_count * runs,
            "runs_logged": len(ok),
            "errors": len(errors),
            "error_samples": sorted({e["error"] for e in errors})[:5],
            "load_seconds": round(load_seconds, 1),
            "throughput_runs_per_second": round(len(ok) / load_seconds, 2) if load_seconds else None,
            "p50_seconds_per_run": round(statistics.median(latencies), 2) if latencies else None,
            "p95_seconds_per_run": round(percentile(latencies, 0.95), 2) if latencies else None,
            "max_seconds_per_run": round(max(latencies), 2) if latencies else None,
            "server_cpu_seconds": round(server_cpu_after - server_cpu_before, 1) if server_cpu_before is not None else None,
            "p50_seconds_by_step": {step: round(statistics.median(o["steps"][step] for o in ok if step in o["steps"]), 2)
                                    for step in ("params_metrics", "plot", "model", "register")
                                    if any(step in o["steps"] for o in ok)},
        })
        if with_events:
            verified_events = verify_events(url, learners, runs)
            report.update({
                "events_sent": sum(r["events_added"] for r in event_reports),
                "events_not_flushed": sum(not r["flushed"] for r in event_reports),
                "event_requests_retried": sum(r["failed_requests"] for r in event_reports),
                **verified_events,
            })
        verified = verify_runs(url, learners, runs)
        report.update({
            "runs_found": verified["found"],
            "runs_complete": verified["complete"],
            "runs_lost": len(ok) - verified["complete"],
            "champions_registered": verified["registered"],
            "incomplete_samples": verified["problems"][:5],
            "sample_model_loaded_and_predicted": verified["sample_model_loaded_and_predicted"],
        })
        if learner_count >= 2 and all("a_run_id" in info for info in learners.values()):
            checks = permission_checks(url, learners)
            owner = sorted(learners)[0]
            after = len(MlflowClient(tracking_uri=url).search_runs([learners[owner]["experiment_id"]]))
            checks.append({"check": f"{owner}'s experiment still holds only their {runs} run(s)", "status": after,
                           "expected": (runs,), "passed": after == runs})
            report["permission_checks"] = checks
        report["server_log"] = count_server_errors(log_path)
    except HardTimeout:
        report["aborted"] = f"hard timeout of {timeout} s reached"
    except Exception as error:  # noqa: BLE001 - reported as an aborted test, with the server log kept
        report["aborted"] = f"{type(error).__name__}: {error}"
        keep = True
    finally:
        signal.alarm(0)
        if watch is not None:
            report.setdefault("server_peak", watch.stop())
        for burner in burners:
            if burner.is_alive():
                burner.terminate()
        for child in children:
            if child.is_alive():
                child.terminate()
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if backend == "postgresql":
            cohortlib.stop_postgres(data_dir)
        if keep:
            report["data_dir"] = str(data_dir)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
        report["total_seconds"] = round(time.monotonic() - wall_started, 1)
    return report


def passed(report: dict) -> bool:
    return (
        "aborted" not in report
        and report.get("runs_lost") == 0
        and report.get("errors") == 0
        and report.get("runs_complete") == report.get("runs_attempted")
        and report.get("runs_found") == report.get("runs_attempted")
        and report.get("champions_registered") == report.get("learners")
        and (report.get("events") != "recorded" or (report.get("events_lost") == 0
                                                    and report.get("events_found") == report.get("events_sent")))
        and all(check["passed"] for check in report.get("permission_checks", []))
        # A server error that the client's retries hid still counts: the store is at its limit.
        and report.get("server_log", {}).get("http_5xx", 1) == 0
        and report.get("server_log", {}).get("database_locked", 1) == 0
    )


def _per_run(seconds, runs):
    return round(seconds / runs, 2) if seconds is not None and runs else None


def format_report(report: dict) -> str:
    lines = [
        f"Load test: {report['learners']} learners x {report['runs_per_learner']} runs, backend {report['backend']}, "
        f"{report['workers']} server workers, {report['cores']} cores, MLflow {report['mlflow']}",
        f"  machine               load average {report.get('load_average_before')} before, "
        f"{report.get('load_average_during')} at the end of the load; {report.get('cpu_burners', 0)} CPU burner(s) added",
    ]
    if "postgres_max_connections" in report:
        lines.append(f"  database pool         {report['pool_size']} + {report['max_overflow']} overflow per engine; "
                     f"PostgreSQL max_connections {report['postgres_max_connections']}")
    if "aborted" in report:
        lines.append(f"ABORTED: {report['aborted']}")
    if "runs_logged" in report:
        lines += [
            f"  server ready in       {report['server_start_seconds']} s",
            f"  runs logged           {report['runs_logged']} of {report['runs_attempted']}",
            f"  runs found            {report.get('runs_found')} (complete: {report.get('runs_complete')})",
            f"  runs lost             {report.get('runs_lost')}",
            f"  errors                {report['errors']}" + (f"  e.g. {report['error_samples']}" if report['errors'] else ""),
            f"  throughput            {report['throughput_runs_per_second']} runs/s over {report['load_seconds']} s",
            f"  seconds per run       p50 {report['p50_seconds_per_run']}, p95 {report['p95_seconds_per_run']}, "
            f"max {report['max_seconds_per_run']}",
            f"  p50 by step (s)       {report['p50_seconds_by_step']}",
            f"  server CPU            {report['server_cpu_seconds']} s during the load "
            f"({_per_run(report['server_cpu_seconds'], report['runs_logged'])} s per run; the rest went to the "
            "simulated learners, which share this machine)",
            f"  champions registered  {report.get('champions_registered')} of {report['learners']}",
            f"  progress events       {report.get('events')}" + (
                f": {report.get('events_found')} of {report.get('events_sent')} stored, lost {report.get('events_lost')}, "
                f"{report.get('event_requests_retried')} batch request(s) retried by the recorder"
                if report.get("events") == "recorded" else ""),
            f"  model reloaded        {'yes' if report.get('sample_model_loaded_and_predicted') else 'no'}",
            f"  server log            {report.get('server_log')}",
        ]
        peak = report.get("server_peak") or {}
        if peak:
            lines.append(
                f"  server memory (peak)  {peak['total_rss_mb']:.0f} MB resident: mlflow {peak['server_rss_mb']:.0f} MB "
                f"({peak['server_processes']} processes), PostgreSQL {peak['postgres_rss_mb']:.0f} MB "
                f"({peak['postgres_processes']} processes); {peak['total_pss_mb']:.0f} MB counting shared pages once (PSS)")
            if report["backend"] == "postgresql":
                lines.append(f"  database connections  {peak['postgres_connections']} open at the peak")
        for problem in report.get("incomplete_samples", []) + report.get("event_problems", []):
            lines.append(f"  incomplete: {problem}")
        for check in report.get("permission_checks", []):
            verdict = "PASS" if check["passed"] else "FAIL"
            lines.append(f"  [{verdict}] {check['check']}: got {check['status']}, expected {'/'.join(map(str, check['expected']))}")
    lines.append(f"  total time            {report.get('total_seconds')} s")
    lines.append("RESULT: " + ("PASS" if passed(report) else "FAIL"))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    parser.add_argument("--learners", type=int, default=50, help="simulated learners, logging at once (default 50, the most the guide promises)")
    parser.add_argument("--runs", type=int, default=5, help="runs per learner (default 5)")
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql",
                        help="run store (default postgresql, as start_server.py; sqlite to compare)")
    parser.add_argument("--workers", type=int, default=cohortlib.DEFAULT_WORKERS, help="server workers (default 2)")
    parser.add_argument("--timeout", type=int, default=1800, help="hard limit in seconds for the whole test (default 1800)")
    parser.add_argument("--cpu-burners", type=int, default=0,
                        help="processes that only spin the CPU during the load: a busy machine (default 0; at most 8)")
    parser.add_argument("--no-events", action="store_true",
                        help="do not record exercise 05's progress events (recorded by default when the course has them)")
    parser.add_argument("--json", type=Path, help="also write the report as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary cohort folder (server log, stores)")
    args = parser.parse_args(argv)
    if not 1 <= args.learners <= 60 or not 1 <= args.runs <= 20:
        parser.error("keep it bounded: 1-60 learners, 1-20 runs each")
    if not 0 <= args.cpu_burners <= 8:
        parser.error("keep it bounded: 0-8 CPU burners")
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    # Nothing may leave 127.0.0.1: switch off MLflow's usage telemetry (client and server).
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    os.environ["DO_NOT_TRACK"] = "true"
    os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
    for name in ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        os.environ.pop(name, None)
    for name, value in cohortlib.CLIENT_RETRY_SETTINGS.items():  # the learners' clients: the guide's settings
        os.environ[name] = value
    report = run_load_test(args.learners, args.runs, args.backend, args.workers, args.keep, args.timeout,
                           args.cpu_burners, not args.no_events)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if passed(report) else 1


if __name__ == "__main__":
    sys.exit(main())
