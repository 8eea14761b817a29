"""Shared pieces of the instructor scripts: the cohort server's folder, command and checks.

The scripts beside this file (``start_server.py``, ``add_learners.py``,
``reset_cohort.py``, ``load_test.py``) import it; it needs only the standard
library until a function imports MLflow itself.

One cohort = one folder (``--data-dir``, default ``$CHURNLAB_COHORT_DIR`` or ``~/churnlab-cohort``) holding
everything the server writes: the run store (``mlflow.db``, SQLite), the user
store (``auth.db``), the artifacts (``artifacts/``), the auth settings
(``basic_auth.ini``), the server's pid and log, and the learners' credentials
(``learners.csv``). Resetting between cohorts = archiving that folder.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOME_DATA_DIR = Path.home() / "churnlab-cohort"
# Every script reads it, so one `export CHURNLAB_COHORT_DIR=...` per terminal replaces --data-dir on each.
DEFAULT_DATA_DIR = Path(os.environ.get("CHURNLAB_COHORT_DIR") or HOME_DATA_DIR)
DATA_DIR_HELP = "the cohort's folder (default: $CHURNLAB_COHORT_DIR, else ~/churnlab-cohort); the same for every script"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
# MLflow's default is 4 uvicorn workers. On a 2-core machine the load test measured 2 as
# fast as 4 (the work is CPU-bound: password hashing, plots, model files).
DEFAULT_WORKERS = 2
# Sizing for 50 learners (instructor/README.md, section 7). Each server worker runs MLflow's request
# handlers in a pool of at most 40 threads (anyio's default), and each handler may hold one database
# connection from each of the two SQLAlchemy engines a worker opens on the run store (tracking and
# model registry). SQLAlchemy's default pool (5 + 10 overflow) made handlers queue for a connection and
# fail after 30 s ("QueuePool limit of size 5 overflow 10 reached") with 50 learners on a busy machine:
# the pool now covers every thread, so a request waits for the CPU, never for a connection.
HANDLER_THREADS_PER_WORKER = 40
RUN_STORE_ENGINES_PER_WORKER = 2
DEFAULT_POOL_SIZE = 10  # connections each engine keeps open
DEFAULT_MAX_OVERFLOW = 30  # opened under load, closed after: pool + overflow = the handler threads
# PostgreSQL's own sessions (3 reserved for its superuser) plus the instructor's scripts and a psql.
POSTGRES_SPARE_CONNECTIONS = 20
# What the learners' MLflow clients do when a request fails (MLflow's own settings): MLflow's 7 retries
# with exponential backoff (2, 4, 8 ... s, about 4 minutes in all) on 408/429/5xx and dropped
# connections, but 300 s per request instead of 120: with 50 learners on a busy 2-core machine one
# "create run" waited over 120 s, the client gave up and retried, and the server made the run twice
# (a run left RUNNING with nothing in it). A retry is only safe once the first try has surely failed.
LEARNER_REQUEST_TIMEOUT = 300
CLIENT_RETRY_SETTINGS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "7",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "2",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": str(LEARNER_REQUEST_TIMEOUT),
}
ADMIN_USERNAME = "admin"
MIN_PASSWORD_LENGTH = 12  # MLflow's basic-auth rule (mlflow.utils.validation._validate_password)

# Names of what each learner owns on the server. The lesson must log to these (see
# instructor/README.md, "What the lesson must do on a shared server").
# Lesson 05 logs to experiment "churn-lab" and registers model "churn-model"; its exercises use
# "churn-lab-practice" and "churn-model-practice". On a shared server each learner needs their own
# copy of the four (churnlab.tracking adds "-<username>" to each name there).
EXPERIMENT_BASES = ("churn-lab", "churn-lab-practice")
MODEL_BASES = ("churn-model", "churn-model-practice")

PID_FILE = "server.pid"
LOG_FILE = "server.log"
CREDENTIALS_FILE = "learners.csv"
AUTH_CONFIG_FILE = "basic_auth.ini"

# Learner names become MLflow user names and parts of experiment names: keep them plain.
_LEARNER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
# No 0/O, 1/l/I: passwords are read aloud and copied from paper.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class CohortError(Exception):
    """A problem the instructor can fix; the message says how."""


# --- names and secrets ----------------------------------------------------------------------


def learner_experiments(username: str) -> list[str]:
    """The experiments a learner writes to: ['churn-lab-<name>', 'churn-lab-practice-<name>']."""
    return [f"{base}-{username}" for base in EXPERIMENT_BASES]


def learner_experiment(username: str) -> str:
    return learner_experiments(username)[0]


def learner_models(username: str) -> list[str]:
    """The registered models a learner writes to: ['churn-model-<name>', 'churn-model-practice-<name>']."""
    return [f"{base}-{username}" for base in MODEL_BASES]


def learner_model(username: str) -> str:
    """The learner's registered model for the lesson: 'churn-model-<name>'."""
    return learner_models(username)[0]


def check_learner_name(name: str) -> str:
    """The name, lower-cased, or CohortError if it cannot be a user name."""
    clean = name.strip().lower()
    if not _LEARNER_NAME.match(clean):
        raise CohortError(
            f"Learner name {name!r} is not usable: use 1-40 characters, lower-case letters, digits, "
            "'.', '_' or '-', starting with a letter or digit (e.g. 'ana.lopez')."
        )
    if clean == ADMIN_USERNAME:
        raise CohortError("'admin' is the instructor's account: pick another learner name.")
    if clean.startswith("practice"):  # 'churn-lab-practice-x' would read as learner x's practice experiment
        raise CohortError(f"Learner name {name!r}: names may not start with 'practice'.")
    return clean


def new_password() -> str:
    """A random 19-character password in four groups, easy to copy: 'k7mq-2xha-p9tw-c4ne'."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))


def required_secrets(environ=os.environ) -> dict[str, str]:
    """The two secrets the server needs from the instructor's environment, checked."""
    problems = []
    secret_key = environ.get("MLFLOW_FLASK_SERVER_SECRET_KEY", "")
    admin_password = environ.get("MLFLOW_AUTH_ADMIN_PASSWORD", "")
    if len(secret_key) < 16:
        problems.append(
            "MLFLOW_FLASK_SERVER_SECRET_KEY is missing or shorter than 16 characters. It signs the "
            "login forms; set it once, e.g.:  export MLFLOW_FLASK_SERVER_SECRET_KEY=$(python3 -c "
            "'import secrets; print(secrets.token_hex(32))')"
        )
    if len(admin_password) < MIN_PASSWORD_LENGTH:
        problems.append(
            f"MLFLOW_AUTH_ADMIN_PASSWORD is missing or shorter than {MIN_PASSWORD_LENGTH} characters "
            "(MLflow's rule; it ships no default). It is the password of the server's 'admin' "
            "account, which you use to add learners:  export MLFLOW_AUTH_ADMIN_PASSWORD='...'"
        )
    if problems:
        raise CohortError("\n".join(problems))
    return {"MLFLOW_FLASK_SERVER_SECRET_KEY": secret_key, "MLFLOW_AUTH_ADMIN_PASSWORD": admin_password}


def http_status(error: Exception) -> int | None:
    """The HTTP status behind an error of MLflow's clients (they carry it as an error code), else None."""
    get_status = getattr(error, "get_http_status_code", None)
    return get_status() if get_status else None


def shown_path(path) -> str:
    """A path as the instructor would type it here: relative when it is inside the current folder."""
    path = Path(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- the server -----------------------------------------------------------------------------


def free_port(host: str = DEFAULT_HOST) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now.

    The probe sets SO_REUSEADDR, as servers do (MLflow's uvicorn, PostgreSQL), so the connections a
    stopped server leaves in TCP TIME-WAIT for about a minute do not count: only a listener does.
    Not on Windows, where SO_REUSEADDR would let the probe bind even beside a live listener.
    """
    with socket.socket() as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def make_cohort_folder(data_dir: Path) -> None:
    """Create the cohort folder (and its artifacts folder) for the instructor's eyes only.

    It holds the user store auth.db (password hashes) and learners.csv (passwords), so the folder is
    0700 and auth.db 0600, made before the server first opens it. A folder that existed before and
    is not a cohort folder (no basic_auth.ini) keeps its mode: it is not ours to change.
    """
    ours = not data_dir.exists() or (data_dir / AUTH_CONFIG_FILE).exists()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if ours:
        os.chmod(data_dir, 0o700)
    (data_dir / "artifacts").mkdir(mode=0o700, exist_ok=True)
    auth_db = data_dir / "auth.db"
    auth_db.touch(mode=0o600, exist_ok=True)  # an empty file is an empty SQLite database
    os.chmod(auth_db, 0o600)


def write_auth_config(data_dir: Path, default_permission: str = "READ", auth_cache_seconds: int = 60) -> Path:
    """Write the basic-auth settings file for this cohort and return its path.

    default_permission: what a learner may do in experiments that are not theirs.
    READ lets learners see each other's runs (useful to compare); NO_PERMISSIONS
    hides them. Writing always needs an explicit grant (add_learners.py gives
    each learner MANAGE on their own experiment and model only).
    auth_cache_seconds: how long a worker remembers a checked password. Checking
    one costs a deliberate, slow hash on every request; the cache makes logging
    about 3x cheaper. A password change reaches other workers within that time.
    """
    if default_permission not in {"READ", "USE", "EDIT", "MANAGE", "NO_PERMISSIONS"}:
        raise CohortError(f"default permission {default_permission!r}: use READ or NO_PERMISSIONS.")
    path = data_dir / AUTH_CONFIG_FILE
    path.write_text(
        "# Written by instructor/start_server.py at every start; edit its options, not this file.\n"
        "[mlflow]\n"
        f"default_permission = {default_permission}\n"
        f"database_uri = sqlite:///{(data_dir / 'auth.db').as_posix()}\n"
        f"admin_username = {ADMIN_USERNAME}\n"
        "# admin_password comes from MLFLOW_AUTH_ADMIN_PASSWORD, read on the first start only.\n"
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
        "grant_default_workspace_access = false\n"
        f"auth_cache_ttl_seconds = {auth_cache_seconds}\n"
    )
    return path


def sqlite_backend(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'mlflow.db').as_posix()}"


def server_command(
    data_dir: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = DEFAULT_WORKERS,
    backend_uri: str | None = None,
    allowed_hosts: str | None = None,
    python: str = sys.executable,
) -> list[str]:
    """The ``mlflow server`` command line for a cohort server with basic auth."""
    command = [
        python, "-m", "mlflow", "server",
        "--app-name", "basic-auth",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--backend-store-uri", backend_uri or sqlite_backend(data_dir),
        # Artifacts (plots, models) travel through the server, so learners need no access
        # to its disk; they land in data_dir/artifacts.
        "--serve-artifacts",
        "--artifacts-destination", (data_dir / "artifacts").resolve().as_uri(),
    ]
    if allowed_hosts:
        # The list replaces MLflow's default (loopback and private addresses): keep loopback, or the
        # instructor's own add_learners.py --url http://127.0.0.1:PORT would get 403 Invalid Host header.
        hosts = [name.strip() for name in allowed_hosts.split(",") if name.strip()]
        hosts += [name for name in (f"127.0.0.1:{port}", f"localhost:{port}") if name not in hosts]
        command += ["--allowed-hosts", ",".join(hosts)]
    return command


def pool_settings(environ=os.environ) -> tuple[int, int]:
    """(pool size, max overflow) of each run-store engine: the instructor's MLFLOW_SQLALCHEMYSTORE_* or ours."""
    values = []
    for name, default in (("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE", DEFAULT_POOL_SIZE),
                          ("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW", DEFAULT_MAX_OVERFLOW)):
        text = environ.get(name, "").strip()
        if not text:
            values.append(default)
            continue
        try:
            value = int(text)
        except ValueError:
            raise CohortError(f"{name}={text!r} is not a whole number: unset it to use {default}.") from None
        if value < 1:  # MLflow ignores 0 and uses SQLAlchemy's default (5 / 10) instead
            raise CohortError(f"{name}={text!r}: use 1 or more (MLflow ignores 0), or unset it to use {default}.")
        values.append(value)
    return values[0], values[1]


def postgres_max_connections(workers: int, environ=os.environ) -> int:
    """PostgreSQL's max_connections for this server: every worker's engines full, plus spare sessions."""
    pool_size, max_overflow = pool_settings(environ)
    return workers * RUN_STORE_ENGINES_PER_WORKER * (pool_size + max_overflow) + POSTGRES_SPARE_CONNECTIONS


def server_environment(data_dir: Path, secrets_: dict[str, str], base=None, backend: str = "sqlite") -> dict[str, str]:
    """The server's environment: the secrets, the auth config, no client settings; for PostgreSQL, the pool's size."""
    env = dict(os.environ if base is None else base)
    env.update(secrets_)
    if backend == "postgresql":
        # SQLite keeps SQLAlchemy's default pool: more connections there only means more "database is locked".
        pool_size, max_overflow = pool_settings(env)
        env["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"] = str(pool_size)
        env["MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"] = str(max_overflow)
    # MLflow sends anonymous usage telemetry by default; a course server keeps learners' use to itself.
    env.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    # The job runner (six extra processes) serves MLflow's GenAI features, which the course does not use.
    env.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
    env["MLFLOW_AUTH_CONFIG_PATH"] = str((data_dir / AUTH_CONFIG_FILE).resolve())
    # The instructor's own client settings must not leak into the server.
    for name in ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        env.pop(name, None)
    return env


def wait_until_healthy(url: str, timeout: float = 90.0, process: subprocess.Popen | None = None) -> float:
    """Wait for ``url``/health to answer 200; return the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise CohortError(f"The server stopped while starting (exit code {process.returncode}); see its log.")
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    raise CohortError(f"The server at {url} did not answer within {timeout:.0f} s; see its log.")


def read_pid(data_dir: Path) -> int | None:
    """The pid in data_dir/server.pid if that process is still running, else None."""
    try:
        pid = int((data_dir / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


# --- PostgreSQL (optional backend) ----------------------------------------------------------


def _pg_bin(name: str) -> str:
    """A PostgreSQL server program (Debian keeps them out of PATH, in /usr/lib/postgresql/N/bin)."""
    from shutil import which

    found = which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    if not candidates:
        raise CohortError(
            f"PostgreSQL's {name} was not found. On Debian/Ubuntu: apt-get update && apt-get install -y postgresql "
            "(with sudo unless you are root); "
            "then pip install psycopg2-binary into the server's Python environment."
        )
    return str(candidates[0])


def _as_postgres_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the 'postgres' user then."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def start_postgres(data_dir: Path, port: int, max_connections: int | None = None) -> str:
    """Start (creating on first use) a private PostgreSQL cluster in data_dir/postgres on 127.0.0.1:port.

    max_connections: at least what the server's pools may open (postgres_max_connections; default:
    for DEFAULT_WORKERS). A cluster left running with fewer (a crashed server's) is restarted.
    Returns the SQLAlchemy URI for ``--backend-store-uri``. Idempotent.
    """
    if max_connections is None:
        max_connections = postgres_max_connections(DEFAULT_WORKERS)
    cluster = data_dir / "postgres"
    log = data_dir / "postgres.log"
    running_as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    # Checked first, before anything is created: otherwise pg_ctl fails with the cause only in postgres.log.
    if not postgres_is_running(data_dir) and not port_is_free("127.0.0.1", port):
        raise CohortError(f"PostgreSQL's port {port} is taken: use --postgres-port with another port (e.g. {port + 1}).")
    if running_as_root:
        # The cohort folder is the instructor's only (make_cohort_folder); the 'postgres' user needs to
        # pass through it to reach its cluster: add that (x), not the right to list or read the rest.
        os.chmod(data_dir, data_dir.stat().st_mode | 0o011)
        reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(data_dir)], capture_output=True)
        if reachable.returncode != 0:
            raise CohortError(
                f"Running as root, PostgreSQL runs as the user 'postgres', which cannot enter {data_dir}. "
                "Use a folder it can reach: export CHURNLAB_COHORT_DIR=/srv/churnlab-cohort in every terminal "
                "(or --data-dir /srv/churnlab-cohort on every script), or run as a normal user."
            )
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        raise CohortError(
            "The PostgreSQL driver is missing: pip install psycopg2-binary (into the environment that runs the server)."
        ) from None
    if not (cluster / "PG_VERSION").exists():
        cluster.mkdir(parents=True, exist_ok=True)
        if running_as_root:
            subprocess.run(["chown", "-R", "postgres", str(cluster)], check=True)
            log.touch()
            subprocess.run(["chown", "postgres", str(log)], check=True)
        subprocess.run(
            _as_postgres_user([_pg_bin("initdb"), "-D", str(cluster), "-U", "mlflow", "--auth=trust", "-E", "UTF8"]),
            check=True, stdout=subprocess.DEVNULL,
        )
    if postgres_is_running(data_dir) and _postgres_setting(cluster, "max_connections") not in (None, max_connections):
        stop_postgres(data_dir)  # no server uses it (start_server.py checked): start it again, sized for this one
    if not postgres_is_running(data_dir):
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {cluster} -c max_connections={max_connections}"
        started = subprocess.run(
            _as_postgres_user([_pg_bin("pg_ctl"), "-D", str(cluster), "-l", str(log), "-o", options, "-w", "start"]),
            stdout=subprocess.DEVNULL,
        )
        if started.returncode != 0:
            # Quoted here: a failed first start removes the new cohort folder, log included.
            last_lines = log.read_text(errors="replace").splitlines()[-5:] if log.exists() else []
            raise CohortError("PostgreSQL did not start. The end of its log:\n" + "\n".join(last_lines))
        created = subprocess.run(
            _as_postgres_user([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "mlflow", "mlflow"]),
            capture_output=True, text=True,
        )
        if created.returncode != 0 and "already exists" not in created.stderr:
            raise CohortError(f"Could not create the mlflow database: {created.stderr.strip()}")
    # psycopg2 named explicitly: SQLAlchemy 2.1's default PostgreSQL driver is psycopg 3.
    return f"postgresql+psycopg2://mlflow@127.0.0.1:{port}/mlflow"


def _postgres_setting(cluster: Path, name: str) -> int | None:
    """An integer setting of the running cluster (read from its pid file's port), or None if unreadable."""
    import psycopg2

    try:
        port = int((cluster / "postmaster.pid").read_text().splitlines()[3])
        db = psycopg2.connect(host="127.0.0.1", port=port, user="mlflow", dbname="postgres", connect_timeout=5)
        try:
            with db.cursor() as cursor:
                cursor.execute(f"SHOW {name}")
                return int(cursor.fetchone()[0])
        finally:
            db.close()
    except (OSError, IndexError, ValueError, psycopg2.Error):
        return None


def postgres_is_running(data_dir: Path) -> bool:
    """Whether this cohort's own PostgreSQL cluster runs (e.g. left over from a server that crashed)."""
    cluster = data_dir / "postgres"
    if not (cluster / "PG_VERSION").exists():
        return False
    status = subprocess.run(_as_postgres_user([_pg_bin("pg_ctl"), "-D", str(cluster), "status"]), capture_output=True)
    return status.returncode == 0


def stop_postgres(data_dir: Path) -> None:
    cluster = data_dir / "postgres"
    if (cluster / "PG_VERSION").exists():
        subprocess.run(
            _as_postgres_user([_pg_bin("pg_ctl"), "-D", str(cluster), "-m", "fast", "stop"]),
            capture_output=True,
        )
