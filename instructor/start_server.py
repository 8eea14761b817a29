"""Start the cohort's shared MLflow server: basic auth, loopback by default, one folder per cohort.

    export MLFLOW_FLASK_SERVER_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
    export MLFLOW_AUTH_ADMIN_PASSWORD='a password of 12+ characters'
    python instructor/start_server.py                 # http://127.0.0.1:5000, $CHURNLAB_COHORT_DIR or ~/churnlab-cohort, PostgreSQL
    python instructor/start_server.py --port 5050 --data-dir /srv/cohort-2026-11

It runs in the foreground (stop it with Ctrl+C) and writes its pid and log in
the data folder. Everything the server stores lives in that folder; see
instructor/README.md for putting it behind your own HTTPS proxy, adding
learners and resetting between cohorts.
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cohortlib  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="The secrets come from the environment: MLFLOW_FLASK_SERVER_SECRET_KEY and MLFLOW_AUTH_ADMIN_PASSWORD.",
    )
    parser.add_argument("--data-dir", type=Path, default=cohortlib.DEFAULT_DATA_DIR, help=cohortlib.DATA_DIR_HELP)
    parser.add_argument("--host", default=cohortlib.DEFAULT_HOST,
                        help="interface to listen on (default 127.0.0.1: reachable only through your proxy "
                             "or an SSH tunnel; 0.0.0.0 only on a trusted network, with --allowed-hosts)")
    parser.add_argument("--port", type=int, default=cohortlib.DEFAULT_PORT, help="default 5000")
    parser.add_argument("--workers", type=int, default=cohortlib.DEFAULT_WORKERS,
                        help="server processes (default 2, measured with 50 learners on 2 cores; PostgreSQL's "
                             "max_connections follows: workers x 2 engines x (pool + overflow) + 20)")
    parser.add_argument("--allowed-hosts", default=None,
                        help="the host name(s) learners type, e.g. 'mlflow.example.org' when a proxy forwards "
                             "to this server; MLflow rejects other Host headers (default: localhost and private IPs; "
                             "with this option, 127.0.0.1:PORT and localhost:PORT stay allowed for your own scripts)")
    parser.add_argument("--default-permission", default="READ", choices=["READ", "NO_PERMISSIONS"],
                        help="what learners may do in experiments that are not theirs (default READ: look, not write)")
    parser.add_argument("--backend", default="postgresql", choices=["postgresql", "sqlite"],
                        help="run store: a private PostgreSQL cluster in the data folder (default; needs the "
                             "postgresql server package and pip install psycopg2-binary), or one SQLite file "
                             "(no install; showed 'database is locked' errors with 30 learners logging at once)")
    parser.add_argument("--postgres-port", type=int, default=5433, help="with --backend postgresql (default 5433)")
    parser.add_argument("--print-command", action="store_true", help="print the mlflow command and exit")
    return parser.parse_args(argv)


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def next_step_command(url: str, data_dir: Path) -> str:
    """The add_learners.py command to run next, with this Python (the course's .venv, usually)."""
    command = [cohortlib.shown_path(sys.executable), cohortlib.shown_path(Path(__file__).resolve().parent / "add_learners.py"),
               "LEARNERS.txt", "--url", url]
    if data_dir != cohortlib.HOME_DATA_DIR.resolve():
        command += ["--data-dir", str(data_dir)]  # learners.csv belongs in this cohort's folder
    return shlex.join(command)


def main(argv=None) -> int:
    args = parse_args(argv)
    # Everything the server writes (run store, artifacts, log) is for the instructor's eyes only.
    os.umask(0o077)
    data_dir = args.data_dir.expanduser().resolve()
    new_folder = not data_dir.exists()
    try:
        secrets_ = cohortlib.required_secrets()
        if args.print_command:
            print(" ".join(cohortlib.server_command(data_dir, args.host, args.port, args.workers, None, args.allowed_hosts)))
            return 0
        running = cohortlib.read_pid(data_dir)
        if running:
            raise cohortlib.CohortError(f"A server for {data_dir} is already running (pid {running}).")
        if not cohortlib.port_is_free(args.host, args.port):
            raise cohortlib.CohortError(f"Port {args.port} on {args.host} is taken: pick another with --port.")
        cohortlib.make_cohort_folder(data_dir)
        cohortlib.write_auth_config(data_dir, args.default_permission)
        backend_uri = None
        if args.backend == "postgresql":
            backend_uri = cohortlib.start_postgres(data_dir, args.postgres_port,
                                                   cohortlib.postgres_max_connections(args.workers))
        command = cohortlib.server_command(
            data_dir, args.host, args.port, args.workers, backend_uri, args.allowed_hosts
        )
    except cohortlib.CohortError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        if new_folder and data_dir.exists():
            # A half-made cohort folder would be picked up by the other scripts: leave nothing behind.
            cohortlib.stop_postgres(data_dir)
            shutil.rmtree(data_dir, ignore_errors=True)
        return 2
    env = cohortlib.server_environment(data_dir, secrets_, backend=args.backend)
    url = f"http://{args.host}:{args.port}"
    print(f"Starting the cohort server on {url} (data: {data_dir}; log: {data_dir / cohortlib.LOG_FILE}).")
    if args.backend == "postgresql":
        print(f"Sized for {args.workers} workers: database pool {env['MLFLOW_SQLALCHEMYSTORE_POOL_SIZE']} + "
              f"{env['MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW']} per engine, PostgreSQL max_connections "
              f"{cohortlib.postgres_max_connections(args.workers, env)}.")
    with open(data_dir / cohortlib.LOG_FILE, "a") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    (data_dir / cohortlib.PID_FILE).write_text(str(os.getpid()))
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # reset_cohort.py --stop sends SIGTERM
    try:
        seconds = cohortlib.wait_until_healthy(url, process=server)
        print(f"Ready after {seconds:.0f} s. Next, in another terminal: {next_step_command(url, data_dir)}")
        print("Stop with Ctrl+C.")
        return server.wait()
    except cohortlib.CohortError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        print("Last lines of the log:\n" + "".join((data_dir / cohortlib.LOG_FILE).read_text().splitlines(True)[-15:]),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping the server...")
        return 0
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        (data_dir / cohortlib.PID_FILE).unlink(missing_ok=True)
        if args.backend == "postgresql":
            cohortlib.stop_postgres(data_dir)


if __name__ == "__main__":
    sys.exit(main())
