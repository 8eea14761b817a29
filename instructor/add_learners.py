"""Create learner accounts on the cohort server, each with their own experiment and model name.

    export MLFLOW_AUTH_ADMIN_PASSWORD='...'        # the one the server was started with
    python instructor/add_learners.py learners.txt --url http://127.0.0.1:5000

learners.txt: one learner name a line (lower-case letters, digits, '.', '_', '-'),
optionally followed by a comma and a password of 12+ characters; blank lines and
lines starting with '#' are skipped. For each learner it creates, through
MLflow's auth REST API (mlflow.server.auth.client.AuthServiceClient):

- the user, with the given or a random password;
- the experiments ``churn-lab-<name>`` (the lesson's) and
  ``churn-lab-practice-<name>`` (the exercises') and the registered model
  ``churn-model-<name>``, on which only that learner (and the admin) may write
  (MANAGE). Everyone else gets the server's default permission (READ).

It writes every learner's settings to learners.csv in the cohort folder (readable
by you only) and prints them. Running it again skips learners who exist, so you
can add late-comers to the same file and re-run it; --new-passwords resets the
passwords of the learners listed.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

# MLflow's server module imports a Starlette helper that warns on import; not ours to fix.
warnings.filterwarnings("ignore", message=".*starlette.middleware.wsgi is deprecated")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import cohortlib  # noqa: E402


@dataclass
class Learner:
    username: str
    password: str
    experiments: list[str]
    model: str
    status: str  # created / existed / password reset


def read_learner_file(path: Path) -> list[tuple[str, str | None]]:
    """(name, password or None) for each learner line; CohortError on a bad line or a duplicate."""
    entries, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, password = (part.strip() for part in line.partition(","))
        try:
            name = cohortlib.check_learner_name(name)
        except cohortlib.CohortError as error:
            raise cohortlib.CohortError(f"{path}, line {number}: {error}") from None
        if password and len(password) < cohortlib.MIN_PASSWORD_LENGTH:
            raise cohortlib.CohortError(
                f"{path}, line {number}: the password for {name} is shorter than "
                f"{cohortlib.MIN_PASSWORD_LENGTH} characters (MLflow's rule); leave it out to get a random one."
            )
        if name in seen:
            raise cohortlib.CohortError(f"{path}, line {number}: {name} is listed twice.")
        seen.add(name)
        entries.append((name, password or None))
    if not entries:
        raise cohortlib.CohortError(f"{path} lists no learners.")
    return entries


def use_admin_credentials(admin_password: str) -> None:
    """MLflow's clients read the credentials from these variables at every request."""
    os.environ["MLFLOW_TRACKING_USERNAME"] = cohortlib.ADMIN_USERNAME
    os.environ["MLFLOW_TRACKING_PASSWORD"] = admin_password


def _already_exists(error: Exception) -> bool:
    return getattr(error, "error_code", "") == "RESOURCE_ALREADY_EXISTS" or "already exists" in str(error).lower()


def add_learner(url: str, username: str, password: str | None, new_passwords: bool = False) -> Learner:
    """Create (or complete) one learner's account, experiment and model; needs admin credentials in the env."""
    from mlflow import MlflowClient
    from mlflow.server.auth.client import AuthServiceClient

    auth = AuthServiceClient(url)
    tracking = MlflowClient(tracking_uri=url, registry_uri=url)
    status = "created"
    password = password or cohortlib.new_password()
    try:
        auth.create_user(username, password)
    except Exception as error:
        if not _already_exists(error):
            raise
        if new_passwords:
            auth.update_user_password(username, password)
            status = "password reset"
        else:
            status, password = "existed", ""  # the password is in the learners.csv written the first time
    experiment_names = cohortlib.learner_experiments(username)
    for experiment_name in experiment_names:
        experiment = tracking.get_experiment_by_name(experiment_name)
        if experiment is None:
            experiment_id = tracking.create_experiment(experiment_name, tags={"churnlab.learner": username})
        else:
            experiment_id = experiment.experiment_id
            if experiment.lifecycle_stage == "deleted":
                tracking.restore_experiment(experiment_id)
        auth.grant_user_permission(username, "experiment", experiment_id, "MANAGE")
    model_name = cohortlib.learner_model(username)
    try:
        tracking.create_registered_model(model_name, tags={"churnlab.learner": username})
    except Exception as error:
        if not _already_exists(error):
            raise
    auth.grant_user_permission(username, "registered_model", model_name, "MANAGE")
    return Learner(username, password, experiment_names, model_name, status)


def write_credentials(path: Path, learners: list[Learner], url: str) -> None:
    """Merge into learners.csv (a learner who existed keeps the password recorded before)."""
    rows = {}
    if path.exists():
        with open(path, newline="", encoding="utf-8") as handle:
            rows = {row["username"]: row for row in csv.DictReader(handle)}
    for learner in learners:
        old = rows.get(learner.username, {})
        rows[learner.username] = {
            "username": learner.username,
            "password": learner.password or old.get("password", ""),
            "tracking_uri": url,
            "experiments": " ".join(learner.experiments),
            "registered_model": learner.model,
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    os.chmod(path, 0o600)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["username", "password", "tracking_uri", "experiments", "registered_model"])
        writer.writeheader()
        writer.writerows(rows[name] for name in sorted(rows))


def learner_instructions(url: str, username: str, password: str) -> str:
    """What one learner pastes into a terminal before starting JupyterLab (macOS/Linux, then Windows)."""
    return (
        f"export MLFLOW_TRACKING_URI={url} MLFLOW_TRACKING_USERNAME={username} MLFLOW_TRACKING_PASSWORD='{password}'\n"
        f"  (Windows PowerShell: $env:MLFLOW_TRACKING_URI='{url}'; $env:MLFLOW_TRACKING_USERNAME='{username}'; "
        f"$env:MLFLOW_TRACKING_PASSWORD='{password}')"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    parser.add_argument("learners", type=Path, help="file with one learner name a line (optionally ',password')")
    parser.add_argument("--url", default=f"http://{cohortlib.DEFAULT_HOST}:{cohortlib.DEFAULT_PORT}",
                        help="the server's address as this machine reaches it (default http://127.0.0.1:5000)")
    parser.add_argument("--public-url", default=None,
                        help="the address learners use, if different (e.g. https://mlflow.example.org behind your proxy)")
    parser.add_argument("--data-dir", type=Path, default=cohortlib.DEFAULT_DATA_DIR,
                        help="the cohort's folder, where learners.csv goes (default ~/churnlab-cohort)")
    parser.add_argument("--new-passwords", action="store_true", help="reset the passwords of the learners listed")
    args = parser.parse_args(argv)
    try:
        entries = read_learner_file(args.learners)
        admin_password = os.environ.get("MLFLOW_AUTH_ADMIN_PASSWORD", "")
        if not admin_password:
            raise cohortlib.CohortError("Set MLFLOW_AUTH_ADMIN_PASSWORD to the admin password the server was started with.")
        cohortlib.wait_until_healthy(args.url, timeout=10)
    except cohortlib.CohortError as error:
        print(f"Cannot add learners: {error}", file=sys.stderr)
        return 2
    use_admin_credentials(admin_password)
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    public_url = args.public_url or args.url
    learners, failures = [], 0
    for name, password in entries:
        try:
            learners.append(add_learner(args.url, name, password, args.new_passwords))
        except Exception as error:  # report and go on with the others
            failures += 1
            print(f"  {name}: FAILED: {error}", file=sys.stderr)
    credentials = args.data_dir.expanduser() / cohortlib.CREDENTIALS_FILE
    write_credentials(credentials, learners, public_url)
    print(f"{len(learners)} learner(s) ready, {failures} failed. Credentials: {credentials} (readable by you only).\n")
    for learner in learners:
        shown = learner.password or "(unchanged: see learners.csv)"
        print(f"# {learner.username} ({learner.status}): experiments {', '.join(learner.experiments)}; model {learner.model}")
        print(learner_instructions(public_url, learner.username, shown) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
