"""Where runs live: the store's address, reading it, and creating the store, experiment and registered model once."""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from churnlab.errors import CourseError
from churnlab.tracking.settings import (
    ARTIFACTS_FOLDER,
    EXPERIMENT_NAME,
    MODEL_NAME,
    PRACTICE_EXPERIMENT_NAME,
    PRACTICE_MODEL_NAME,
    STORE_FILE,
    _quiet_mlflow,
)
from churnlab.workspace import work_dir

# Packages Colab lacks that this module's functions import when they run (see churnlab.colab.notebook_needs).
COLAB_NEEDS = ("mlflow",)

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
