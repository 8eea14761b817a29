"""Learners, on the workshop day: check that your notebooks can reach the cohort's MLflow server.

    python instructor/check_connection.py

Set the three values your instructor gave you first (MLFLOW_TRACKING_URI,
MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD) in the same terminal,
before starting JupyterLab. It checks, in order: the variables are set, the
server answers, your password is accepted, and your own experiment exists and
accepts a run (it logs one run named 'connection-check' and deletes it). It
says what to fix at the first problem, and what the exercises record for the
instructor's progress page while connected (and how to turn that off).

Instructors, before the workshop, with two test accounts: add
--check-isolation OTHER_LEARNER to also check that this account cannot write
to the other one's experiment and registered model (the server must refuse).
"""
from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cohortlib

VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")
PROGRESS_NOTE = (
    "While connected, each exercise check(), hint() and solution() also records, in your own practice experiment, "
    "the lesson, the question, whether the check passed (or which common mistake it spotted), how many hints you saw "
    "and when, for your instructor's progress page: never your answer or your code. To turn it off, run "
    "`export CHURNLAB_PROGRESS=off` here before starting JupyterLab (Windows: $env:CHURNLAB_PROGRESS='off'), or in a "
    "notebook: from churnlab import progress; progress.turn_off()"
)


def host_refused_message(url: str) -> str:
    """The fix when the server answers 403 'Invalid Host header': the host name typed is not allowed there."""
    typed = urllib.parse.urlsplit(url).netloc.rpartition("@")[2]  # host[:port], as the Host header carries it
    return (
        f"The server at {url} refused the host name you used, {typed!r} (403 Invalid Host header). Tell your "
        f"instructor: restart the server with  --allowed-hosts {typed}  (start_server.py), or give learners the "
        "address it already accepts."
    )


def check_isolation(client, user: str, other: str) -> str:
    """Try to write into another learner's experiment and registered model: the server must refuse (403).

    A write that goes through is undone at once (run deleted, tag removed) and reported as the problem.
    """
    other = cohortlib.check_learner_name(other)
    if other == user:
        raise cohortlib.CohortError("--check-isolation needs another learner's name, not your own.")
    experiment_name, model_name = cohortlib.learner_experiment(other), cohortlib.learner_model(other)
    experiment = client.get_experiment_by_name(experiment_name)
    if experiment is None:
        raise cohortlib.CohortError(f"{other}'s experiment {experiment_name!r} does not exist: add {other} first (add_learners.py).")

    # Each write returns how to undo it: only the write itself must be refused.
    def create_run():
        run = client.create_run(experiment.experiment_id, run_name="isolation-check")
        return lambda: client.delete_run(run.info.run_id)

    def tag_model():
        client.set_registered_model_tag(model_name, "churnlab.isolation-check", user)
        return lambda: client.delete_registered_model_tag(model_name, "churnlab.isolation-check")

    from mlflow.exceptions import MlflowException

    for what, write in [(f"create a run in {other}'s experiment {experiment_name!r}", create_run),
                        (f"tag {other}'s registered model {model_name!r}", tag_model)]:
        try:
            undo = write()
        except MlflowException as error:
            if cohortlib.http_status(error) == 403:
                continue  # refused, as it should be
            raise cohortlib.CohortError(f"Trying to {what} gave {error.error_code}, not the expected 403: {error}") from None
        try:
            undo()
            outcome = "undone"
        except MlflowException:  # a server may let a learner write but not delete
            outcome = "not undone: remove it in the web page as the admin"
        raise cohortlib.CohortError(
            f"Isolation is broken: as {user!r} you could {what} ({outcome}). Re-run add_learners.py for {other} "
            "(it moves away what someone else made under their name) and check that the server's "
            "--default-permission is READ or NO_PERMISSIONS."
        )
    return f"you cannot write to {other}'s experiment or registered model (the server refused: 403)"


def check(other_learner: str | None = None) -> list[str]:
    """What is fine, as lines; raises CohortError with the fix at the first problem.

    other_learner: also check that this user cannot write to that learner's experiment and model.
    """
    done = []
    missing = [name for name in VARIABLES if not os.environ.get(name, "").strip()]
    if missing:
        raise cohortlib.CohortError(
            f"{', '.join(missing)} not set in this terminal. Paste the line your instructor gave you "
            "(it starts with 'export MLFLOW_TRACKING_URI=' or, on Windows, '$env:MLFLOW_TRACKING_URI='), then run this again."
        )
    url = os.environ["MLFLOW_TRACKING_URI"].strip().rstrip("/")
    user = os.environ["MLFLOW_TRACKING_USERNAME"].strip()
    if not url.startswith(("http://", "https://")):
        raise cohortlib.CohortError(f"MLFLOW_TRACKING_URI is {url!r}: it should start with http:// or https://.")
    done.append("the three variables are set")
    try:
        with urllib.request.urlopen(url + "/health", timeout=10) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise cohortlib.CohortError(
            f"The server at {url} answered {error.code} to a health check: check the address with your instructor, "
            "and whether the server is up."
        ) from None
    except (urllib.error.URLError, OSError) as error:
        raise cohortlib.CohortError(
            f"Cannot reach {url} ({getattr(error, 'reason', error)}). Check the address for typos, your network "
            "(VPN, office Wi-Fi blocking the port), and ask your instructor whether the server is up."
        ) from None
    done.append(f"the server at {url} answers")

    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(tracking_uri=url)
    experiment_name = cohortlib.learner_experiment(user)
    try:
        experiment = client.get_experiment_by_name(experiment_name)
    except MlflowException as error:
        # /health answers any host name; the first API call is where the server checks it.
        if "Invalid Host header" in str(error):
            raise cohortlib.CohortError(host_refused_message(url)) from None
        if "401" in str(error) or "authenticated" in str(error).lower() or "unauthorized" in str(error).lower():
            raise cohortlib.CohortError(
                f"The server did not accept user {user!r} with that password. Copy both again exactly "
                "(no spaces; the password has dashes), or ask your instructor to reset it."
            ) from None
        raise
    done.append(f"user {user!r} and password accepted")
    if experiment is None:
        raise cohortlib.CohortError(
            f"Your experiment {experiment_name!r} does not exist on the server: ask your instructor to run "
            "add_learners.py with your name (spelled as in MLFLOW_TRACKING_USERNAME)."
        )
    try:
        run = client.create_run(experiment.experiment_id, run_name="connection-check")
        client.log_metric(run.info.run_id, "check", 1.0)
        client.set_terminated(run.info.run_id)
        client.delete_run(run.info.run_id)
    except MlflowException as error:
        raise cohortlib.CohortError(
            f"You may not write to {experiment_name!r} ({error.error_code}). Ask your instructor to re-run "
            "add_learners.py, which grants you that experiment."
        ) from None
    done.append(f"your experiment {experiment_name!r} accepts runs")
    if other_learner:
        done.append(check_isolation(client, user, other_learner))
    return done


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check-isolation", metavar="OTHER_LEARNER", default=None,
                        help="also check that you cannot write to this other learner's experiment and model "
                             "(instructors: run it with a test account before the workshop)")
    args = parser.parse_args(argv)
    try:
        for line in check(args.check_isolation):
            print(f"✅ {line}")
    except cohortlib.CohortError as error:
        print(f"❌ {error}")
        return 1
    print("Ready: start JupyterLab from this terminal, so the notebooks see these settings.")
    print(PROGRESS_NOTE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
