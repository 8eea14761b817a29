"""Reset the cohort server between cohorts: stop it, and archive (or delete) everything it stored.

    python instructor/reset_cohort.py                 # dry run: says what it would do
    python instructor/reset_cohort.py --yes           # stop the server, move the folder to an archive
    python instructor/reset_cohort.py --yes --delete  # stop the server, delete the folder for good

Everything a cohort leaves - runs, models, plots, user accounts, passwords,
learners.csv, the server log - lives in one folder (--data-dir, default
$CHURNLAB_COHORT_DIR or ~/churnlab-cohort). Archiving renames it to
<folder>-archive-<date-time>, next to it, so the next start_server.py begins
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
import cohortlib  # noqa: E402


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    parser.add_argument("--data-dir", type=Path, default=cohortlib.DEFAULT_DATA_DIR, help=cohortlib.DATA_DIR_HELP)
    parser.add_argument("--yes", action="store_true", help="really do it (without it: a dry run)")
    parser.add_argument("--delete", action="store_true", help="delete the folder instead of archiving it")
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
              f"stop its PostgreSQL if any, and {action}.")
        return 0
    try:
        print(stop_server(data_dir))
    except cohortlib.CohortError as error:
        print(error, file=sys.stderr)
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
