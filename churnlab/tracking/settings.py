"""The course's MLflow names (experiments, model, tags), the settings that keep MLflow quiet, and what a logged model needs.

Importing this module sets the quiet settings: it must run before ``import mlflow`` (``churnlab.tracking`` imports it first).
"""
from __future__ import annotations

import logging
import os
import sys
from importlib import metadata


def learner_suffix() -> str:
    """"-<username>" on an instructor's shared server, "" on a learner's own machine.

    On a shared server each learner may write only to their own experiments and
    model (see instructor/README.md), so the names carry their MLflow username.
    """
    uri = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    user = os.environ.get("MLFLOW_TRACKING_USERNAME", "").strip()
    return f"-{user}" if uri.startswith(("http://", "https://")) and user else ""


EXPERIMENT_NAME = "churn-lab" + learner_suffix()
PRACTICE_EXPERIMENT_NAME = "churn-lab-practice" + learner_suffix()  # the exercises' runs, kept apart from the lesson's
MODEL_NAME = "churn-model" + learner_suffix()
PRACTICE_MODEL_NAME = "churn-model-practice" + learner_suffix()  # the exercises' champion: the lesson's alias never moves
CHAMPION_ALIAS = "champion"
STORE_FILE = "mlflow.db"
SESSION_TAG = "churnlab.session"  # set on every run started after setup(): which notebook session logged it
ROLE_TAG = "churnlab.role"  # what a run is for, e.g. "candidate" for exercise 05's candidates
ARTIFACTS_FOLDER = "mlflow-artifacts"

# Set before ``import mlflow`` (an instructor's own values win): no INFO lines, no
# links printed after each run, no progress bars when models are downloaded, and no
# usage telemetry: the course promises to work offline and to send nothing anywhere.
QUIET_SETTINGS = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "MLFLOW_LOGGING_LEVEL": "WARNING",
    "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT": "true",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}

# skops is MLflow's safe format for scikit-learn models: loading refuses any type
# not on a trust list. The course pipeline needs these two (the second only on
# scikit-learn < 1.7); tests check that nothing else is needed.
SKOPS_TRUSTED_TYPES = ["numpy.dtype", "sklearn.compose._column_transformer._RemainderColsList"]

# What the logged model needs to run elsewhere. Written out because letting MLflow
# infer it costs 3-5 seconds per run.
_MODEL_PACKAGES = ("scikit-learn", "pandas", "numpy", "scipy", "skops")


def _quiet_mlflow() -> None:
    for name, value in QUIET_SETTINGS.items():
        os.environ.setdefault(name, value)
    if "mlflow" in sys.modules:  # imported before us: the variables came too late, set the loggers
        level = getattr(logging, os.environ["MLFLOW_LOGGING_LEVEL"].upper(), logging.WARNING)
        logging.getLogger("mlflow").setLevel(level)
        logging.getLogger("alembic").setLevel(max(level, logging.WARNING))


_quiet_mlflow()


def pip_requirements() -> list[str]:
    """The packages (pinned to the versions running now) a logged churn model needs."""
    return [f"{name}=={metadata.version(name)}" for name in _MODEL_PACKAGES]
