"""Reset the cohort server between cohorts: stop it, and archive (or delete) everything it stored.

    python instructor/reset_cohort.py                 # dry run: says what it would do
    python instructor/reset_cohort.py --yes           # stop the server, move the folder to an archive
    python instructor/reset_cohort.py --yes --delete  # stop the server, delete the folder for good

Everything a cohort leaves - runs, models, plots, user accounts, passwords,
learners.csv, the server log - lives in one folder (--data-dir, default
$CHURNLAB_COHORT_DIR or ~/churnlab-cohort). Archiving renames it to
<folder>-archive-<date-time>, next to it (without the learners' progress
events, which are removed first: see instructor/progress.py), so the next start_server.py begins
empty: no runs, no learners, only a new admin (created from
MLFLOW_AUTH_ADMIN_PASSWORD at that first start). Choose a new
admin password for the new cohort if the old one was ever shown on screen.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cohortlib


def stop_server(data_dir: Path, timeout: float = 30.0) -> str:
    """Stop the server started by start_server.py for this folder, if it runs; say what happened."""
    pid = cohortlib.read_pid(data_dir)
    if pid is None:
        return "no server running for this folder"
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cohortlib.read_pid(data_dir) is None:
            return f"stopped the server (pid {pid})"
        time.sleep(0.5)
    raise cohortlib.CohortError(f"The server (pid {pid}) did not stop within {timeout:.0f} s; stop it by hand.")


def remove_progress(data_dir: Path, postgres_port: int = 5433) -> str:
    """Delete the learners' progress events (instructor/progress.py's data) and page from the stopped server's store.

    Progress runs are removed for good (not MLflow's "deleted" state), so the archive keeps the
    learners' own runs and models but not a record of how they worked. Say what was done.
    """
    page = data_dir / "progress.html"
    page.unlink(missing_ok=True)
    if (data_dir / "postgres").exists():
        if not cohortlib.postgres_is_running(data_dir):
            cohortlib.start_postgres(data_dir, postgres_port)  # stopped again by the caller
        fields = (data_dir / "postgres" / "postmaster.pid").read_text().splitlines()
        backend_uri = f"postgresql+psycopg2://mlflow@127.0.0.1:{int(fields[3])}/mlflow"
    elif (data_dir / "mlflow.db").exists():
        backend_uri = cohortlib.sqlite_backend(data_dir)
    else:
        return "no run store: no progress events to remove"
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    from mlflow.entities import ViewType
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore(backend_uri, (data_dir / "artifacts").resolve().as_uri())
    experiment_ids = [experiment.experiment_id for experiment in store.search_experiments(view_type=ViewType.ALL, max_results=50000)]
    removed, token = 0, None
    while experiment_ids:
        page_of_runs = store.search_runs(experiment_ids, "tags.`churnlab.progress` LIKE '%'", ViewType.ALL,
                                         max_results=1000, page_token=token)
        for run in page_of_runs:
            store._hard_delete_run(run.info.run_id)  # what `mlflow gc` does; progress runs have no artifacts
            removed += 1
        token = page_of_runs.token
        if not token:
            break
    store.engine.dispose()
    return f"removed the learners' progress events ({removed} progress run(s)) and the progress page"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    parser.add_argument("--data-dir", type=Path, default=cohortlib.DEFAULT_DATA_DIR, help=cohortlib.DATA_DIR_HELP)
    parser.add_argument("--yes", action="store_true", help="really do it (without it: a dry run)")
    parser.add_argument("--delete", action="store_true", help="delete the folder instead of archiving it")
    parser.add_argument("--postgres-port", type=int, default=5433,
                        help="with a PostgreSQL run store that is not running: the port to start it on to remove the "
                             "progress events (default 5433)")
    args = parser.parse_args(argv)
    data_dir = args.data_dir.expanduser().resolve()
    if not data_dir.exists():
        print(f"Nothing to reset: {data_dir} does not exist. The next start_server.py starts a new cohort there.")
        return 0
    if not (data_dir / cohortlib.AUTH_CONFIG_FILE).exists():
        print(f"{data_dir} does not look like a cohort folder (no {cohortlib.AUTH_CONFIG_FILE}); not touching it.",
              file=sys.stderr)
        return 2
    archive = data_dir.with_name(f"{data_dir.name}-archive-{datetime.now():%Y%m%d-%H%M%S}")
    action = f"delete {data_dir}" if args.delete else f"move {data_dir} to {archive}"
    running = cohortlib.read_pid(data_dir)
    if not args.yes:
        print(f"Dry run. With --yes this would: stop the server{f' (pid {running})' if running else ' (none running)'}, "
              f"remove the learners' progress events, stop its PostgreSQL if any, and {action}.")
        return 0
    try:
        print(stop_server(data_dir))
    except cohortlib.CohortError as error:
        print(error, file=sys.stderr)
        return 1
    if not args.delete:  # deleting the folder removes them anyway
        try:
            print(remove_progress(data_dir, args.postgres_port))
        except Exception as error:  # noqa: BLE001 - say it, and do not archive them silently
            cohortlib.stop_postgres(data_dir)
            print(f"Could not remove the progress events ({type(error).__name__}: {str(error)[:300]}); nothing was "
                  "archived. Fix that and run this again, or use --delete.", file=sys.stderr)
            return 1
    cohortlib.stop_postgres(data_dir)
    if args.delete:
        shutil.rmtree(data_dir)
    else:
        data_dir.rename(archive)
    print(f"Done: {action}. Start the next cohort with start_server.py; add its learners with add_learners.py.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
