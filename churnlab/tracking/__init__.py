"""Experiment tracking for the churn lab (lesson 05): where runs live, and a few thin helpers.

The lesson itself calls MLflow's own API (``mlflow.start_run``, ``log_params``,
``log_metrics``, ``search_runs``, ``mlflow.sklearn.load_model``): that is what a
product manager meets at work. This module only does what every notebook would
otherwise repeat:

- ``setup()``: one call that points MLflow at the course's store and experiment,
  quietly. The store is ``work/mlflow.db`` in the course folder (a SQLite file,
  MLflow's own default since 3.7), or the server in ``MLFLOW_TRACKING_URI`` when
  an instructor has set one. Re-running adds runs to the same experiment.
- ``prepare_store()``: creates the store, the experiment and the registered
  model once. Safe when several processes start at the same moment; the test
  harness calls it before running notebooks in parallel.
- ``decision_metrics()``: the numbers every run logs, for a model or a rule.
- ``log_decision_plots()``, ``log_churn_model()``, ``register_champion()``:
  MLflow calls with the course's choices filled in (see each docstring).
- ``log_rule_run()``: one rule logged as a run with a model run's parameters, metrics and
  charts (lesson 05 logs its whiteboard rules with it).
- ``measure_logging_overhead()``: seconds that logging adds to a run.
- ``session_filter()``: the ``filter_string`` that keeps this session's runs. Each
  ``setup()`` starts a session: a random id that MLflow writes as the tag
  ``churnlab.session`` on every run ``mlflow.start_run`` creates afterwards (through
  MLflow's ``MLFLOW_RUN_CONTEXT`` default tags). "This session's runs" is that tag,
  never a start time: other notebooks logging to the same experiment at the same
  moment (a second tab, the test suite's parallel workers) carry their own id.

MLflow is imported lazily: importing this module first sets the environment
variables that keep MLflow quiet, which only work before ``import mlflow``.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from churnlab import validate
from churnlab.errors import CourseError
from churnlab.validate import course_function
from churnlab.workspace import course_relative

# settings first: it sets the variables that keep MLflow quiet, which only work before ``import mlflow``.
# The package gathers its modules' names (every name the one module tracking.py had), so a learner sees one
# module, churnlab.tracking; this session's state (_session_id) and the functions that read it stay here.
from churnlab.tracking.settings import (  # noqa: F401
    _MODEL_PACKAGES,
    _quiet_mlflow,
    ARTIFACTS_FOLDER,
    CHAMPION_ALIAS,
    EXPERIMENT_NAME,
    learner_suffix,
    MODEL_NAME,
    pip_requirements,
    PRACTICE_EXPERIMENT_NAME,
    PRACTICE_MODEL_NAME,
    QUIET_SETTINGS,
    ROLE_TAG,
    SESSION_TAG,
    SKOPS_TRUSTED_TYPES,
    STORE_FILE,
)
from churnlab.tracking.store import (  # noqa: F401
    _artifact_location,
    _creation_lock,
    _ensure_registered_model,
    _experiment_id,
    _is_already_exists,
    _local_sqlite_file,
    _reading_uri,
    _stored_experiment,
    default_tracking_uri,
    prepare_store,
    tracking_uri,
)
from churnlab.tracking.runs import (  # noqa: F401
    _active_run,
    _checked_decision,
    _contacted,
    churn_model_signature,
    data_params,
    decision_metrics,
    economics_params,
    log_churn_model,
    log_decision_plots,
    log_rule_run,
    measure_logging_overhead,
    register_champion,
)

__all__ = [
    "CHAMPION_ALIAS", "EXPERIMENT_NAME", "MODEL_NAME", "PRACTICE_EXPERIMENT_NAME", "PRACTICE_MODEL_NAME", "ROLE_TAG",
    "SESSION_TAG", "TrackingSetup", "data_params", "decision_metrics", "economics_params", "log_churn_model",
    "log_decision_plots", "log_rule_run", "measure_logging_overhead", "register_champion", "session_filter", "setup",
]
# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)


# --- this session's runs ----------------------------------------------------------------------

_session_id: str | None = None  # set by setup(); the tag SESSION_TAG of every run started since


def _filter_value(value: object) -> str:
    text = str(value)
    if "'" in text:
        raise CourseError(f"A tag value in a filter cannot contain a single quote ('): {text!r}.")
    return f"'{text}'"


def _tags_filter(tags: dict) -> str:
    return " and ".join(f"tags.`{key}` = {_filter_value(value)}" for key, value in tags.items())


def _start_session() -> str:
    """A new session id, which MLflow then writes as the tag ``churnlab.session`` on every run it starts.

    MLflow adds the tags in the environment variable ``MLFLOW_RUN_CONTEXT`` (a JSON object)
    to every run that ``mlflow.start_run`` creates; tags already there (an instructor's) are kept.
    Runs made with ``MlflowClient().create_run`` do not get them.
    """
    import json
    import uuid

    global _session_id
    _session_id = uuid.uuid4().hex[:12]  # 12 characters: never mistaken for a 32-character run id
    try:
        tags = json.loads(os.environ.get("MLFLOW_RUN_CONTEXT", "") or "{}")
    except ValueError:
        tags = {}
    if not isinstance(tags, dict):
        tags = {}
    tags[SESSION_TAG] = _session_id
    os.environ["MLFLOW_RUN_CONTEXT"] = json.dumps(tags)
    return _session_id


def _session_tags(session_id: str, role: str | None) -> dict:
    tags = {SESSION_TAG: session_id}
    if role is not None:
        tags[ROLE_TAG] = validate.text(role, "role", example="'candidate'")
    return tags


@course_function
def session_filter(role: str | None = None) -> str:
    """The ``filter_string`` that keeps the runs of this session (since the last ``tracking.setup()``).

    ``mlflow.search_runs(experiment_names=[...], filter_string=tracking.session_filter())``;
    combine it with ``and``: ``f"params.kind = 'rule' and {tracking.session_filter()}"``.
    ``role``: keep only the runs whose tag ``churnlab.role`` has that value, e.g. ``"candidate"``.
    """
    tags = _session_tags(_session_id or "", role)  # a mistaken role is named first, session or not
    if _session_id is None:
        raise CourseError("No session yet: run tracking.setup() first (the set-up cell), then log runs and search them.")
    return _tags_filter(tags)


@dataclass(frozen=True)
class TrackingSetup:
    """Where this notebook's runs go."""

    tracking_uri: str
    experiment_name: str
    experiment_id: str
    started_ms: int = 0  # when setup() ran, in MLflow's time unit (ms); this session's runs are session_filter()'s
    session_id: str = ""  # the tag SESSION_TAG on every run started since setup() (not printed in lessons)

    def session_filter(self, role: str | None = None) -> str:
        """The ``filter_string`` that keeps the runs started since this ``setup()`` (``role``: see ``tracking.session_filter``)."""
        if not self.session_id:
            raise CourseError("This set-up has no session: call tracking.setup() to get one.")
        return _tags_filter(_session_tags(self.session_id, role))

    @property
    def on_a_server(self) -> bool:
        """True when runs go to a tracking server (``MLFLOW_TRACKING_URI``), not a local file."""
        return _local_sqlite_file(self.tracking_uri) is None

    @property
    def where(self) -> str:
        """Where the runs live, in words (without the machine-specific path)."""
        experiment = f"experiment {self.experiment_name!r}"
        if self.on_a_server:
            return f"the tracking server set in MLFLOW_TRACKING_URI, {experiment}"
        if self.tracking_uri == default_tracking_uri():
            return f"a SQLite file ({STORE_FILE}) in the course's work folder, {experiment}"
        return f"the SQLite file set in MLFLOW_TRACKING_URI, {experiment}"

    @property
    def store_location(self) -> str:
        """The store as a learner would find it: ``work/mlflow.db in the course folder``, a server's address, or a full path."""
        store_file = _local_sqlite_file(self.tracking_uri)
        if store_file is None:
            return self.tracking_uri
        relative = course_relative(store_file)
        return f"{Path(relative).as_posix()} in the course folder" if relative is not None else str(store_file)

    @property
    def ui_command(self) -> str:
        """The terminal command that opens MLflow's web page on these runs.

        It starts MLflow with the course's own Python, so it works without
        activating ``.venv``. Paths inside the course folder are written
        relative to it (``.venv/bin/python``, ``sqlite:///work/mlflow.db``):
        run the command in the course folder, where the README's commands run.
        """
        if self.on_a_server:
            return f"open {self.tracking_uri} in your browser"
        python = course_relative(sys.executable)
        python = python if python is not None else f'"{sys.executable}"'
        store_file = _local_sqlite_file(self.tracking_uri)
        relative_store = course_relative(store_file) if store_file is not None else None
        store = "sqlite:///" + Path(relative_store).as_posix() if relative_store else f'"{self.tracking_uri}"'
        return f"{python} -m mlflow ui --backend-store-uri {store} --port 5000"


@course_function
def setup(experiment_name: str = EXPERIMENT_NAME) -> TrackingSetup:
    """Point MLflow at the course's store and experiment, quietly; safe to re-run.

    Afterwards every ``mlflow.start_run()`` in this notebook logs to that
    experiment. Equivalent to ``mlflow.set_tracking_uri(...)`` plus
    ``mlflow.set_experiment(...)``, with the store created safely first.
    Each call starts a new session: the runs started afterwards carry its id in
    the tag ``churnlab.session``, and ``session_filter()`` finds them.
    """
    experiment_name = validate.text(experiment_name, "experiment_name", example="tracking.EXPERIMENT_NAME")
    _quiet_mlflow()
    import mlflow

    uri = prepare_store(tracking_uri(), (experiment_name,))
    mlflow.set_tracking_uri(uri)  # the model registry follows the tracking URI
    experiment = mlflow.set_experiment(experiment_name)
    return TrackingSetup(uri, experiment_name, experiment.experiment_id, started_ms=int(time.time() * 1000),
                         session_id=_start_session())
