"""Learners, on the workshop day: check that your notebooks can reach the cohort's MLflow server.

    python instructor/check_connection.py

Set the three values your instructor gave you first (MLFLOW_TRACKING_URI,
MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD) in the same terminal,
before starting JupyterLab. It checks, in order: the variables are set, the
server answers, your password is accepted, and your own experiment exists and
accepts a run (it logs one run named 'connection-check' and deletes it). It
says what to fix at the first problem.
"""
from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cohortlib  # noqa: E402

VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")


def check() -> list[str]:
    """What is fine, as lines; raises CohortError with the fix at the first problem."""
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
            f"The server at {url} answered {error.code} to a health check. If it is 403, the address you typed "
            "is not one the server accepts (ask your instructor for the exact address)."
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
    return done


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    try:
        for line in check():
            print(f"✅ {line}")
    except cohortlib.CohortError as error:
        print(f"❌ {error}")
        return 1
    print("Ready: start JupyterLab from this terminal, so the notebooks see these settings.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
