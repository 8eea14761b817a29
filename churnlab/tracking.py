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

import contextlib
import io
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from churnlab import validate
from churnlab.errors import CourseError
from churnlab.validate import course_function
from churnlab.workspace import course_relative, work_dir

__all__ = [
    "CHAMPION_ALIAS", "EXPERIMENT_NAME", "MODEL_NAME", "PRACTICE_EXPERIMENT_NAME", "PRACTICE_MODEL_NAME", "ROLE_TAG",
    "SESSION_TAG", "TrackingSetup", "data_params", "decision_metrics", "economics_params", "log_churn_model",
    "log_decision_plots", "log_rule_run", "measure_logging_overhead", "register_champion", "session_filter", "setup",
]
# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)



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


# --- where runs live ----------------------------------------------------------------------


def default_tracking_uri() -> str:
    """``sqlite:///<course work folder>/mlflow.db``: a local store, one file."""
    return "sqlite:///" + (work_dir() / STORE_FILE).as_posix()


def tracking_uri() -> str:
    """The store to use: ``MLFLOW_TRACKING_URI`` when set (an instructor's server), else the course's."""
    return os.environ.get("MLFLOW_TRACKING_URI", "").strip() or default_tracking_uri()


def _local_sqlite_file(uri: str) -> Path | None:
    if not uri.startswith("sqlite:///") or ":memory:" in uri:
        return None
    return Path(uri.removeprefix("sqlite:///").split("?")[0])


def _reading_uri() -> str:
    """The store a reader reads: the one MLflow points at (``setup()`` sets it), else the course's."""
    import mlflow

    return mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else tracking_uri()


def _stored_experiment(experiment_name: str | None = None):
    """Where the runs are read from, a client on that store, and the experiment: ``(uri, client, experiment)``.

    For the readers of what lessons 05-08 logged (``records``, ``monitoring``, the brief): the
    store MLflow points at (``setup()`` does that), or else the course's own store, which a
    reader never creates; ``client`` and ``experiment`` are None when there is no store yet,
    ``experiment`` alone when the store holds no such experiment.
    """
    _quiet_mlflow()
    from mlflow import MlflowClient

    uri = _reading_uri()
    store_file = _local_sqlite_file(uri)
    if store_file is not None and not store_file.exists():
        return uri, None, None  # no store yet: reading must not create one
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    return uri, client, client.get_experiment_by_name(EXPERIMENT_NAME if experiment_name is None else experiment_name)


def _artifact_location(uri: str) -> str | None:
    # With a local store, artifacts go in a folder next to the store file (MLflow would
    # use ./mlruns in whatever folder the notebook runs from). A server decides for itself.
    store_file = _local_sqlite_file(uri)
    if store_file is None:
        return None
    return (store_file.parent / ARTIFACTS_FOLDER).resolve().as_uri()


@contextlib.contextmanager
def _creation_lock(store_file: Path | None, timeout: float = 120.0, stale_after: float = 60.0):
    """Let one process at a time create a SQLite store (two at once fail with "table already exists")."""
    if store_file is None:
        yield
        return
    store_file.parent.mkdir(parents=True, exist_ok=True)
    lock = store_file.with_name(store_file.name + ".lock")
    deadline = time.monotonic() + timeout
    while True:
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - lock.stat().st_mtime > stale_after:  # left by a process that died
                    lock.unlink()
                    continue
            if time.monotonic() > deadline:
                raise CourseError(
                    f"Another notebook has been setting up the experiment store for {timeout:.0f} s. "
                    f"If none is running, delete {lock} and try again."
                ) from None
            time.sleep(0.05)
    try:
        yield
    finally:
        os.close(handle)
        with contextlib.suppress(OSError):
            lock.unlink()


def _is_already_exists(error: Exception) -> bool:
    return getattr(error, "error_code", "") in ("RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS")


def _experiment_id(client, experiment_name: str, artifact_location: str | None) -> str:
    experiment = client.get_experiment_by_name(experiment_name)
    if experiment is None:
        try:
            return client.create_experiment(experiment_name, artifact_location=artifact_location)
        except Exception as error:  # another process created it a moment ago
            if not _is_already_exists(error):
                raise
            experiment = client.get_experiment_by_name(experiment_name)
    if experiment.lifecycle_stage == "deleted":  # deleted in the UI: bring it back, runs included
        client.restore_experiment(experiment.experiment_id)
    return experiment.experiment_id


def _ensure_registered_model(client, model_name: str) -> None:
    try:
        client.create_registered_model(model_name, description="Churn model of the churn lab; the alias 'champion' marks the one to use.")
    except Exception as error:
        if not _is_already_exists(error):
            raise


def prepare_store(
    uri: str | None = None,
    experiment_names: tuple[str, ...] = (EXPERIMENT_NAME, PRACTICE_EXPERIMENT_NAME),
    model_names: tuple[str, ...] = (MODEL_NAME, PRACTICE_MODEL_NAME),
) -> str:
    """Create the tracking store, the experiments and the registered models if missing; return the store's URI.

    Safe to call any number of times, from several processes at once: for a
    SQLite store, a lock file lets one process at a time create the tables.
    Test harnesses call ``prepare_store()`` once before running notebooks in parallel.
    """
    _quiet_mlflow()
    from mlflow import MlflowClient

    uri = uri or tracking_uri()
    with _creation_lock(_local_sqlite_file(uri)):
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        for name in experiment_names:
            _experiment_id(client, name, _artifact_location(uri))
        for name in model_names:
            _ensure_registered_model(client, name)
    return uri


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


# --- what each run logs -------------------------------------------------------------------


@course_function
def data_params() -> dict[str, object]:
    """Which data and split a run used: the CSV's checksum (first 12 characters), split seed and test share."""
    from churnlab.data import file_checksum
    from churnlab.model import RANDOM_STATE, TEST_SHARE

    return {"data_sha256": file_checksum()[:12], "split_seed": RANDOM_STATE, "test_share": TEST_SHARE}


@course_function
def economics_params(economics) -> dict[str, float]:
    """The campaign economics behind ``expected_profit``, as parameters to log."""
    from churnlab.economics import _checked_economics

    economics = _checked_economics(economics)
    return {
        "value_of_saved_customer": economics.value_of_saved_customer,
        "acceptance_rate": economics.acceptance_rate,
        "cost_per_contact": economics.cost_per_contact,
    }


def _contacted(churn_scores, threshold: float) -> np.ndarray:
    return np.asarray(churn_scores, dtype=float) >= threshold


def _checked_decision(y_true, churn_scores, threshold, economics):
    """The checked inputs of a decision: outcomes, scores (same customers), threshold, economics."""
    from churnlab.economics import _checked_economics

    validate.outcomes(y_true)
    scores = validate.scores(churn_scores)
    validate.same_customers(y_true, churn_scores, "y_true", "churn_scores")
    return scores, validate.threshold(threshold, scores), _checked_economics(economics)


def _active_run(what: str):
    import mlflow

    if mlflow.active_run() is None:
        raise CourseError(f"{what} logs into the active run: call it inside a `with mlflow.start_run(run_name=...):` block.")


@course_function
def decision_metrics(y_true, churn_scores, threshold: float, economics) -> dict[str, float]:
    """The metrics every run logs, for a model (probabilities) or a rule (flags or points).

    Customers whose score is at or above ``threshold`` are contacted. Returns
    ``roc_auc`` (from the scores: how well they rank churners first), then for
    the contacted customers ``precision``, ``recall``, ``f1``,
    ``customers_contacted`` and ``expected_profit`` (dollars, from ``economics``).
    A yes/no rule does not rank customers, so it gets no ``roc_auc`` (as in lesson 04).
    """
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    from churnlab.economics import expected_campaign_profit

    _, threshold, economics = _checked_decision(y_true, churn_scores, threshold, economics)
    contacted = _contacted(churn_scores, threshold)
    metrics = {}
    if len(np.unique(np.asarray(churn_scores))) > 2:
        metrics["roc_auc"] = float(roc_auc_score(y_true, churn_scores))
    metrics.update(
        precision=float(precision_score(y_true, contacted, zero_division=0)),
        recall=float(recall_score(y_true, contacted, zero_division=0)),
        f1=float(f1_score(y_true, contacted, zero_division=0)),
        customers_contacted=float(contacted.sum()),
        expected_profit=float(expected_campaign_profit(y_true, contacted, economics)),
    )
    return metrics


@course_function
def log_decision_plots(y_true, churn_scores, threshold: float, economics) -> list[str]:
    """Log the confusion matrix (and, for scores with more than two values, the profit curve) as images.

    Calls ``mlflow.log_figure`` inside the active run; the figures are closed,
    so nothing is drawn in the notebook. Returns the artifact paths.
    """
    import matplotlib.pyplot as plt
    import mlflow

    from churnlab import plots
    from churnlab.economics import profit_curve

    _, threshold, economics = _checked_decision(y_true, churn_scores, threshold, economics)
    _active_run("log_decision_plots")
    logged = []
    contacted = _contacted(churn_scores, threshold)
    figures = {"plots/confusion_matrix.png": plots.campaign_confusion_matrix(y_true, contacted).figure}
    if len(np.unique(churn_scores)) > 2:
        curve = profit_curve(y_true, churn_scores, economics)
        figures["plots/profit_curve.png"] = plots.profit_by_threshold(curve, threshold).figure
    for path, figure in figures.items():
        mlflow.log_figure(figure, path)
        plt.close(figure)
        logged.append(path)
    return logged


@course_function
def log_rule_run(run_name: str, rule: str, at_least: float, X, y_true, economics) -> str:
    """Log one rule as a run, with what a model run logs (minus the model); returns the run's id.

    ``rule`` names one of ``churnlab.rules.RULES`` ("month_to_month", "month_to_month_and_new",
    "risk_points"); the customers of ``X`` whose rule score is at least ``at_least`` are contacted
    (1 for a yes/no rule, a cut-off in points for the scorecard). In one
    ``mlflow.start_run(run_name=run_name)`` it logs the parameters (kind "rule", the rule, the
    threshold, ``economics_params``, ``data_params``), ``decision_metrics`` and ``log_decision_plots``,
    judged on the outcomes ``y_true`` of the customers ``X``.
    """
    import mlflow

    from churnlab.rules import RULES

    run_name = validate.text(run_name, "run_name", example="'rule: month-to-month'")
    rule = validate.one_of(rule, "rule", [name for name in RULES if not name.startswith("_")])
    at_least = validate.number(at_least, "at_least", example="1")
    at_least = int(at_least) if at_least.is_integer() else at_least  # logged as "1", not "1.0", like a typed cut-off
    if mlflow.active_run() is not None:
        raise CourseError("log_rule_run starts a run of its own: call it outside any `with mlflow.start_run(...)` block.")
    rule_scores = RULES[rule](X)
    _checked_decision(y_true, rule_scores, at_least, economics)  # before the run starts: no half-logged run
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.log_params({"kind": "rule", "rule": rule, "threshold": at_least, **economics_params(economics), **data_params()})
        mlflow.log_metrics(decision_metrics(y_true, rule_scores, at_least, economics))
        log_decision_plots(y_true, rule_scores, at_least, economics)
    return run.info.run_id


def churn_model_signature(X, churn_scores):
    """The model's input and output columns, for ``log_model``.

    MLflow warns that integer columns cannot hold missing values; the course
    data never has missing integers (``load_churn`` checks), so that hint is
    silenced here instead of being shown to learners.
    """
    from mlflow.models import infer_signature

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*integer column", category=UserWarning)
        return infer_signature(X, churn_scores)


@course_function
def log_churn_model(model, X, name: str = "model"):
    """Log a fitted churn pipeline in the active run; returns MLflow's ``ModelInfo``.

    The same as ``mlflow.sklearn.log_model(model, name=name, signature=...,
    pip_requirements=..., serialization_format="skops", skops_trusted_types=...)`` with the course's
    choices: a signature from a few rows of ``X``, pinned requirements
    (inferring them takes seconds), and skops, the safe file format.
    """
    import mlflow

    from churnlab.model import FEATURES

    model = validate.fitted_model(model)
    X = validate.dataframe(X, "X", needs=FEATURES, example="X_train from split_customers(customers)")
    name = validate.text(name, "name", example="'model'")
    _active_run("log_churn_model")
    scores = model.predict_proba(X.head(20))[:, 1]
    return mlflow.sklearn.log_model(
        model,
        name=name,
        signature=churn_model_signature(X.head(20), scores),
        pip_requirements=pip_requirements(),
        serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_SKOPS,  # older MLflow 3 releases default to cloudpickle
        skops_trusted_types=SKOPS_TRUSTED_TYPES,
    )


@course_function
def register_champion(run_id: str, model_name: str = MODEL_NAME, alias: str = CHAMPION_ALIAS):
    """Register the model logged in run ``run_id`` as a new version, and point ``alias`` at it.

    The same as ``mlflow.register_model("models:/<model id>", model_name)``
    followed by ``MlflowClient().set_registered_model_alias(model_name, alias,
    version)``, without the lines ``register_model`` prints (they name a
    version number that changes at every re-run). Returns the ``ModelVersion``.
    """
    import mlflow
    from mlflow import MlflowClient

    run_id = validate.text(run_id, "run_id", example="best['run_id']").strip()
    model_name = validate.text(model_name, "model_name", example="tracking.MODEL_NAME")
    alias = validate.text(alias, "alias", example="'champion'")
    if len(run_id) != 32 or any(character not in "0123456789abcdef" for character in run_id):
        raise CourseError(f"run_id should be a run's id: 32 letters and digits, as in run.info.run_id or the column "
                          f"runs['run_id'], not {run_id!r} (a run's name is not its id).")
    try:
        outputs = mlflow.get_run(run_id).outputs
    except Exception:  # MLflow's own "Run ... not found": say it in the course's words
        raise CourseError(f"There is no run with id {run_id!r} in this store ({mlflow.get_tracking_uri()!r}). "
                          "Copy the id from the runs table of this experiment.") from None
    model_ids = [output.model_id for output in (outputs.model_outputs if outputs else [])]
    if not model_ids:
        raise CourseError("This run has no logged model to register: pick a model run (params.kind = 'model'), not a rule.")
    with contextlib.redirect_stderr(io.StringIO()):
        version = mlflow.register_model(f"models:/{model_ids[-1]}", model_name)
    MlflowClient().set_registered_model_alias(model_name, alias, version.version)
    return version


# --- what logging costs --------------------------------------------------------------------


@course_function
def measure_logging_overhead(runs: int = 3) -> float:
    """Seconds that logging adds to one run of the churn model, model included (median of ``runs``).

    Each run trains the course model, then logs what lesson 05 logs:
    parameters, metrics, two plots and the model. Training time is not
    counted. A first warm-up run (one-off imports) is not counted either,
    and everything goes to a temporary store that is deleted afterwards.
    """
    import mlflow

    from churnlab.data import load_churn
    from churnlab.economics import CampaignEconomics
    from churnlab.model import make_churn_model, split_customers

    runs = validate.whole_number(runs, "runs", low=1, example="3")
    split = split_customers(load_churn())
    economics = CampaignEconomics()
    threshold = economics.break_even_probability
    previous_uri = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
    overheads = []
    with tempfile.TemporaryDirectory() as folder:
        uri = "sqlite:///" + (Path(folder) / STORE_FILE).as_posix()
        experiment_id = mlflow.MlflowClient(uri).create_experiment(
            "logging-overhead", artifact_location=(Path(folder) / "artifacts").as_uri()
        )
        mlflow.set_tracking_uri(uri)
        try:
            for attempt in range(runs + 1):
                model = make_churn_model(C=1.0).fit(split.X_train, split.y_train)
                churn_scores = model.predict_proba(split.X_test)[:, 1]
                trained = time.perf_counter()
                with mlflow.start_run(experiment_id=experiment_id, run_name="overhead"):
                    mlflow.log_params({"kind": "model", "C": 1.0, "threshold": threshold, **data_params(), **economics_params(economics)})
                    mlflow.log_metrics(decision_metrics(split.y_test, churn_scores, threshold, economics))
                    log_decision_plots(split.y_test, churn_scores, threshold, economics)
                    log_churn_model(model, split.X_train)
                if attempt:  # the first run pays one-off imports
                    overheads.append(time.perf_counter() - trained)
        finally:
            mlflow.set_tracking_uri(previous_uri)
    return statistics.median(overheads)
