"""Create learner accounts on the cohort server, each with their own experiment and model name.

    export MLFLOW_AUTH_ADMIN_PASSWORD='...'        # the one the server was started with
    python instructor/add_learners.py learners.txt --url http://127.0.0.1:5000

learners.txt: one learner name a line (lower-case letters, digits, '.', '_', '-'),
optionally followed by a comma and a password of 12+ characters; blank lines and
lines starting with '#' are skipped. For each learner it creates, through
MLflow's auth REST API (mlflow.server.auth.client.AuthServiceClient):

- the user, with the given or a random password;
- the experiments ``churn-lab-<name>`` (the lesson's) and
  ``churn-lab-practice-<name>`` (the exercises') and the registered models
  ``churn-model-<name>`` and ``churn-model-practice-<name>``, on which only
  that learner (and the admin) may write
  (MANAGE). Everyone else gets the server's default permission (READ).

It writes every learner's settings to learners.csv in the cohort folder (readable
by you only) and prints them. Running it again is safe: learners who exist keep
their password and get back anything missing (a deleted experiment is restored),
so you can add late-comers to the same file and re-run it; --new-passwords
resets the passwords of the learners listed.

An experiment or model under a learner's name that this script did not make for
that learner (another learner created it before this one was added) is renamed
to <name>-taken-<date-time> and a new one is made; the output says so. Add every
learner before the workshop, and it does not happen.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# MLflow's server module imports a Starlette helper that warns on import; not ours to fix.
warnings.filterwarnings("ignore", message=".*starlette.middleware.wsgi is deprecated")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import cohortlib  # noqa: E402

# Set on every experiment and registered model made here, with the learner's name: a re-run tells by it
# whether one found under a learner's name is theirs or was made by someone else first.
OWNER_TAG = "churnlab.learner"


@dataclass
class Learner:
    username: str
    password: str  # "" when unchanged: it is in the learners.csv written the first time
    experiments: list[str]
    models: list[str]
    status: str  # created / existed / password reset
    notes: list[str] = field(default_factory=list)  # what was moved out of the learner's way


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


def server_clients(url: str):
    """(auth client, tracking client) for the server at url, as the admin (see use_admin_credentials)."""
    from mlflow import MlflowClient
    from mlflow.server.auth.client import AuthServiceClient

    return AuthServiceClient(url), MlflowClient(tracking_uri=url, registry_uri=url)


def _already_exists(error: Exception) -> bool:
    return getattr(error, "error_code", "") == "RESOURCE_ALREADY_EXISTS" or "already exists" in str(error).lower()


def _does_not_exist(error: Exception) -> bool:
    return getattr(error, "error_code", "") == "RESOURCE_DOES_NOT_EXIST"


def check_admin_password(auth) -> None:
    """CohortError if the server refuses the admin's password: said once, not as a 401 for every learner."""
    try:
        auth.get_user(cohortlib.ADMIN_USERNAME)
    except Exception as error:
        if cohortlib.http_status(error) == 401:
            raise cohortlib.CohortError(
                "the server did not accept the admin password: MLFLOW_AUTH_ADMIN_PASSWORD must be the one set at "
                "the server's first start (changing the variable later does not change the password)."
            ) from None
        if "Invalid Host header" in str(error):
            raise cohortlib.CohortError(
                "the server refused the host name in --url: use the address it listens on (e.g. "
                "http://127.0.0.1:5000), or restart it with --allowed-hosts <that host name>."
            ) from None
        raise


def made_for(tags: dict, username: str) -> bool:
    """Whether an experiment or model was made by add_learners for this learner: it carries their OWNER_TAG."""
    return tags.get(OWNER_TAG) == username


def taken_name(name: str, now: datetime | None = None) -> str:
    """Where an experiment or model that someone else made under a learner's name is moved."""
    return f"{name}-taken-{now or datetime.now():%Y%m%d-%H%M%S}"


def create_account(auth, username: str, password: str | None, new_passwords: bool = False) -> Learner:
    """Create the learner's user; one who exists keeps their password, or gets a new one with new_passwords."""
    password = password or cohortlib.new_password()
    try:
        auth.create_user(username, password)
        status = "created"
    except Exception as error:
        if not _already_exists(error):
            raise
        if new_passwords:
            auth.update_user_password(username, password)
            status = "password reset"
        else:
            status, password = "existed", ""  # the password is in the learners.csv written the first time
    return Learner(username, password, cohortlib.learner_experiments(username), cohortlib.learner_models(username), status)


def ensure_experiment(tracking, learner: Learner, name: str) -> str:
    """The id of the learner's experiment ``name``: created if missing, restored if deleted.

    One that exists without the learner's tag was made by someone else before the learner was added,
    and its maker can write to it: it is renamed out of the way and a new one made.
    """
    experiment = tracking.get_experiment_by_name(name)
    if experiment is not None and not made_for(experiment.tags, learner.username):
        if experiment.lifecycle_stage == "deleted":
            tracking.restore_experiment(experiment.experiment_id)  # MLflow renames only active experiments
        moved_to = taken_name(name)
        tracking.rename_experiment(experiment.experiment_id, moved_to)
        learner.notes.append(f"experiment {name} was not made for {learner.username} (someone created it first): "
                             f"renamed it to {moved_to} and made a new {name}")
        experiment = None
    if experiment is None:
        return tracking.create_experiment(name, tags={OWNER_TAG: learner.username})
    if experiment.lifecycle_stage == "deleted":  # deleted in the web page: bring it back, runs included
        tracking.restore_experiment(experiment.experiment_id)
    return experiment.experiment_id


def ensure_registered_model(tracking, learner: Learner, name: str) -> None:
    """Create the learner's registered model ``name`` if missing; one made by someone else is renamed away."""
    try:
        model = tracking.get_registered_model(name)
    except Exception as error:
        if not _does_not_exist(error):
            raise
        model = None
    if model is not None and not made_for(model.tags, learner.username):
        moved_to = taken_name(name)
        tracking.rename_registered_model(name, moved_to)  # the server moves its permissions along with the name
        learner.notes.append(f"registered model {name} was not made for {learner.username} (someone created it "
                             f"first): renamed it to {moved_to} and made a new {name}")
        model = None
    if model is None:
        tracking.create_registered_model(name, tags={OWNER_TAG: learner.username})


def grant_manage(auth, username: str, resource_type: str, resource_id: str) -> None:
    """Give the learner MANAGE on one experiment or model. A grant from an earlier run is fine (re-runs
    are safe); one below MANAGE is replaced, as MLflow's per-user grants have no update."""
    try:
        auth.grant_user_permission(username, resource_type, resource_id, "MANAGE")
    except Exception as error:
        if not _already_exists(error):
            raise
        if auth.get_user_permission(username, resource_type, resource_id).permission != "MANAGE":
            auth.revoke_user_permission(username, resource_type, resource_id)
            auth.grant_user_permission(username, resource_type, resource_id, "MANAGE")


def give_own_resources(auth, tracking, learner: Learner) -> None:
    """Make sure the learner's experiments and models exist, are theirs, and only they (and the admin) write to them."""
    for name in learner.experiments:
        grant_manage(auth, learner.username, "experiment", ensure_experiment(tracking, learner, name))
    for name in learner.models:
        ensure_registered_model(tracking, learner, name)
        grant_manage(auth, learner.username, "registered_model", name)


def add_learner(url: str, username: str, password: str | None, new_passwords: bool = False) -> Learner:
    """Create (or complete) one learner's account, experiments and models; needs admin credentials in the env."""
    auth, tracking = server_clients(url)
    learner = create_account(auth, username, password, new_passwords)
    give_own_resources(auth, tracking, learner)
    return learner


def add_all(auth, tracking, entries: list[tuple[str, str | None]], new_passwords: bool = False):
    """Add every learner, going on after a failure. Returns (learners to save and show, a line per failure).

    A learner whose account was made or whose password was reset is returned even if a later step
    failed: the password on the server is the new one, so it must be saved and shown.
    """
    learners, failures = [], []
    for name, password in entries:
        learner = None
        try:
            learner = create_account(auth, name, password, new_passwords)
            give_own_resources(auth, tracking, learner)
        except Exception as error:  # report and go on with the others
            failures.append(f"{name}: FAILED: {error}")
            if learner is not None:
                learner.status += ", then FAILED (see above; re-run to finish)"
        if learner is not None:
            learners.append(learner)
    return learners, failures


def write_credentials(path: Path, learners: list[Learner], url: str) -> dict[str, dict]:
    """Merge into learners.csv (a learner who existed keeps the password recorded before); return its rows by name."""
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
            "registered_models": " ".join(learner.models),
        }
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    os.chmod(path, 0o600)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["username", "password", "tracking_uri", "experiments", "registered_models"],
                                extrasaction="ignore")  # a learners.csv from an older version has "registered_model"
        writer.writeheader()
        writer.writerows(rows[name] for name in sorted(rows))
    return rows


def learner_instructions(url: str, username: str, password: str) -> str:
    """What one learner pastes into a terminal before starting JupyterLab (macOS/Linux, then Windows)."""
    return (
        f"export MLFLOW_TRACKING_URI={url} MLFLOW_TRACKING_USERNAME={username} MLFLOW_TRACKING_PASSWORD='{password}'"
        f" MLFLOW_HTTP_REQUEST_TIMEOUT={cohortlib.LEARNER_REQUEST_TIMEOUT}\n"
        f"  (Windows PowerShell: $env:MLFLOW_TRACKING_URI='{url}'; $env:MLFLOW_TRACKING_USERNAME='{username}'; "
        f"$env:MLFLOW_TRACKING_PASSWORD='{password}'; $env:MLFLOW_HTTP_REQUEST_TIMEOUT='{cohortlib.LEARNER_REQUEST_TIMEOUT}')"
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
                        help=cohortlib.DATA_DIR_HELP + "; learners.csv goes there")
    parser.add_argument("--new-passwords", action="store_true", help="reset the passwords of the learners listed")
    args = parser.parse_args(argv)
    try:
        entries = read_learner_file(args.learners)
        admin_password = os.environ.get("MLFLOW_AUTH_ADMIN_PASSWORD", "")
        if not admin_password:
            raise cohortlib.CohortError("Set MLFLOW_AUTH_ADMIN_PASSWORD to the admin password the server was started with.")
        cohortlib.wait_until_healthy(args.url, timeout=10)
        use_admin_credentials(admin_password)
        os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
        auth, tracking = server_clients(args.url)
        check_admin_password(auth)
    except cohortlib.CohortError as error:
        print(f"Cannot add learners: {error}", file=sys.stderr)
        return 2
    data_dir = args.data_dir.expanduser()
    if not (data_dir / cohortlib.AUTH_CONFIG_FILE).exists():
        print(f"Note: {data_dir} is not the folder of a server started by start_server.py on this machine; give every "
              "script the same --data-dir (or export CHURNLAB_COHORT_DIR in every terminal).", file=sys.stderr)
    public_url = args.public_url or args.url
    learners, failures = add_all(auth, tracking, entries, args.new_passwords)
    for failure in failures:
        print(f"  {failure}", file=sys.stderr)
    credentials = data_dir / cohortlib.CREDENTIALS_FILE
    saved = write_credentials(credentials, learners, public_url)
    print(f"{len(entries) - len(failures)} learner(s) ready, {len(failures)} failed. "
          f"Credentials: {credentials} (readable by you only).\n")
    for learner in learners:
        shown = saved[learner.username].get("password") or "(unchanged: not in learners.csv; --new-passwords sets one)"
        print(f"# {learner.username} ({learner.status}): experiments {', '.join(learner.experiments)}; models {', '.join(learner.models)}")
        for note in learner.notes:
            print(f"#   moved: {note}")
        print(learner_instructions(public_url, learner.username, shown) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
