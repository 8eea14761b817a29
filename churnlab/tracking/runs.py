"""What each run logs (parameters, metrics, charts, the model, the champion alias), and what logging costs."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from churnlab import validate
from churnlab.errors import CourseError
from churnlab.kept_results import computed_once
from churnlab.tracking.settings import (
    CHAMPION_ALIAS,
    MODEL_NAME,
    SKOPS_TRUSTED_TYPES,
    STORE_FILE,
    pip_requirements,
)
from churnlab.validate import course_function

# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)

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
@computed_once
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


CHARTS_FOLDER = "run-charts"  # inside the work folder: each logged chart drawn once, by what it shows; delete to redraw
_charts_folder: Path | None = None  # another folder for the kept charts (measure_logging_overhead: a new one per run)


def _chart_code_files() -> list[Path]:
    """The code a logged chart depends on: the package's charts, the profit curve and this module."""
    package = Path(__file__).resolve().parent.parent
    return sorted((package / "plots").glob("*.py")) + sorted((package / "_base").glob("*.py")) + [
        package / "economics.py", Path(__file__).resolve()]


@functools.cache
def _chart_code_version() -> str:
    """A fingerprint of the code and libraries that draw the logged charts (their files and versions)."""
    import matplotlib
    import numpy
    import pandas
    import sklearn

    from churnlab.workspace import fingerprint

    return fingerprint(_chart_code_files(),
                       versions=(matplotlib.__version__, numpy.__version__, pandas.__version__, sklearn.__version__))


def _chart_key(*what_it_shows: bytes) -> str:
    """The name of a chart's file: the drawing code, matplotlib's settings now, and the numbers the chart shows."""
    from churnlab.plots.kept import matplotlib_settings

    digest = hashlib.sha256(_chart_code_version().encode() + matplotlib_settings().encode())
    for part in what_it_shows:
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.hexdigest()[:24]


def _kept_chart(key: str, file_name: str, draw) -> Path:
    """The PNG of a chart kept in the work folder under ``key``; ``draw()`` makes its figure the first time only.

    The same numbers drawn by the same code with the same settings give the same picture, so a
    re-run logs the file drawn before instead of drawing it again (drawing is most of a run's logging time).
    """
    import matplotlib.pyplot as plt

    from churnlab.workspace import work_dir, write_whole

    path = (_charts_folder or work_dir() / CHARTS_FOLDER) / key / file_name
    if path.is_file() and path.stat().st_size > 0:
        return path
    figure = draw()
    try:
        write_whole(path, figure.savefig)  # two kernels drawing the same chart at once never see half a file
    finally:
        plt.close(figure)
    return path


@course_function
def log_decision_plots(y_true, churn_scores, threshold: float, economics) -> list[str]:
    """Log the confusion matrix (and, for scores with more than two values, the profit curve) as images.

    Logs them in the active run as ``plots/confusion_matrix.png`` and ``plots/profit_curve.png``, the
    PNGs ``mlflow.log_figure`` would write; nothing is drawn in the notebook. Each chart is drawn once and
    kept in the work folder (``work/run-charts``), named by the numbers it shows and the code that draws
    it: a re-run with the same numbers logs that file again. Returns the artifact paths.
    """
    import mlflow

    from churnlab import plots
    from churnlab.economics import profit_curve

    _, threshold, economics = _checked_decision(y_true, churn_scores, threshold, economics)
    _active_run("log_decision_plots")
    outcomes = np.asarray(y_true).astype(np.int64)
    contacted = _contacted(churn_scores, threshold)
    counts = np.array([np.sum((outcomes == truth) & (contacted == chosen)) for truth in (0, 1) for chosen in (False, True)])
    charts = {"confusion_matrix.png": (
        _chart_key(b"campaign_confusion_matrix", counts.astype(np.int64).tobytes()),
        lambda: plots.campaign_confusion_matrix(y_true, contacted).figure)}
    if len(np.unique(churn_scores)) > 2:
        curve = profit_curve(y_true, churn_scores, economics)
        shown = curve[["threshold", "expected_profit"]].to_numpy(dtype=np.float64)
        charts["profit_curve.png"] = (
            _chart_key(b"profit_by_threshold", shown.tobytes(), repr(float(threshold)).encode()),
            lambda: plots.profit_by_threshold(curve, threshold).figure)
    logged = []
    for file_name, (key, draw) in charts.items():
        mlflow.log_artifact(str(_kept_chart(key, file_name, draw)), artifact_path="plots")
        logged.append(f"plots/{file_name}")
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
    from mlflow.entities import Metric, Param

    from churnlab.rules import RULES

    run_name = validate.text(run_name, "run_name", example="'rule: month-to-month'")
    rule = validate.one_of(rule, "rule", [name for name in RULES if not name.startswith("_")])
    at_least = validate.number(at_least, "at_least", example="1")
    at_least = int(at_least) if at_least.is_integer() else at_least  # logged as "1", not "1.0", like a typed cut-off
    if mlflow.active_run() is not None:
        raise CourseError("log_rule_run starts a run of its own: call it outside any `with mlflow.start_run(...)` block.")
    rule_scores = RULES[rule](X)
    _checked_decision(y_true, rule_scores, at_least, economics)  # before the run starts: no half-logged run
    params = {"kind": "rule", "rule": rule, "threshold": at_least, **economics_params(economics), **data_params()}
    metrics = decision_metrics(y_true, rule_scores, at_least, economics)
    with mlflow.start_run(run_name=run_name) as run:
        # What mlflow.log_params and mlflow.log_metrics log, in one call: each call is a transaction in the store.
        logged_at = int(time.time() * 1000)
        mlflow.MlflowClient().log_batch(run.info.run_id,
                                        metrics=[Metric(name, value, logged_at, 0) for name, value in metrics.items()],
                                        params=[Param(name, str(value)) for name, value in params.items()])
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


def _site_folders() -> str:
    """Each folder Python imports from, with the time it last changed: installing or removing a package changes it."""
    import os
    import sys

    seen = []
    for folder in sys.path:
        try:
            seen.append(f"{folder}\0{os.stat(folder or '.').st_mtime_ns}")
        except OSError:
            seen.append(f"{folder}\0missing")
    return "\n".join([sys.executable, *seen])


def _give_mlflow_its_package_map() -> None:
    """Hand MLflow the map of installed packages it made in an earlier kernel, while no package was installed since.

    Before logging a model, MLflow checks that the model's pinned requirements match what is installed, and to do so it
    maps every importable module to its package (``importlib.metadata.packages_distributions()``: it reads the file
    list of every installed package, about 21,000 files here, 0.35-0.8 s once per kernel). The course keeps MLflow's
    own result in the work folder, named by MLflow's version and the folders Python imports from with the time each
    last changed, and gives it back to MLflow in the variable MLflow fills itself
    (``mlflow.utils.requirements_utils._MODULES_TO_PACKAGES``). The check itself runs as before. An MLflow without that
    variable, or a work folder that cannot be used, leaves MLflow to make its map as it always did.
    """
    import mlflow
    from mlflow.utils import requirements_utils

    from churnlab.workspace import kept, work_dir

    if getattr(requirements_utils, "_MODULES_TO_PACKAGES", False) is not None:  # made already, or not MLflow's way
        return
    if not callable(getattr(requirements_utils, "_init_modules_to_packages_map", None)):
        return

    def made_by_mlflow() -> dict:
        requirements_utils._init_modules_to_packages_map()
        return dict(requirements_utils._MODULES_TO_PACKAGES)

    name = hashlib.sha256(f"mlflow {mlflow.__version__}\n{_site_folders()}".encode()).hexdigest()[:32]
    try:
        package_map = kept(work_dir() / "mlflow-package-map" / f"{name}.pickle", made_by_mlflow)
    except OSError:
        return
    if isinstance(package_map, dict) and requirements_utils._MODULES_TO_PACKAGES is None:
        requirements_utils._MODULES_TO_PACKAGES = package_map


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
    _give_mlflow_its_package_map()
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
    parameters, metrics, two plots (drawn, as for a new run: none read back
    from ``work/run-charts``) and the model. Training time is not
    counted. A first warm-up run (one-off imports) is not counted either,
    and everything goes to a temporary store that is deleted afterwards.
    """
    global _charts_folder
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
                _charts_folder = Path(folder) / f"charts-{attempt}"  # a new run's charts are drawn, not read back
                with mlflow.start_run(experiment_id=experiment_id, run_name="overhead"):
                    mlflow.log_params({"kind": "model", "C": 1.0, "threshold": threshold, **data_params(), **economics_params(economics)})
                    mlflow.log_metrics(decision_metrics(split.y_test, churn_scores, threshold, economics))
                    log_decision_plots(split.y_test, churn_scores, threshold, economics)
                    log_churn_model(model, split.X_train)
                if attempt:  # the first run pays one-off imports
                    overheads.append(time.perf_counter() - trained)
        finally:
            _charts_folder = None
            mlflow.set_tracking_uri(previous_uri)
    return statistics.median(overheads)
