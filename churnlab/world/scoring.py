"""The models that score the simulated customers, and the simulated scoring service (latency, failed calls)."""
from __future__ import annotations

import numpy as np

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.model import FEATURES
from churnlab.model import course_model as _course_model
from churnlab.world.constants import LATENCY_MEDIAN_MS, LATENCY_SHAPE, SCORING_FAILURE_RATE, SCORING_TIMEOUT_MS
from churnlab.world.dates import _draws
from churnlab.world.truth import _real

# --- models -------------------------------------------------------------------------------------------------


@course_function
def course_model(C: float = 1.0):
    """The course model (``make_churn_model(C)`` trained on the course split's training customers), fitted once per session.

    The same cached object as ``churnlab.model.course_model``: a notebook that
    uses both pays for one fit.
    """
    value = validate.number(C, "C", example="1.0")
    if value <= 0:
        raise CourseError(f"C is {value:g}; it must be above 0 (smaller C, simpler model), like 1.0.")
    return _course_model(value)


def _model_columns(model, name: str) -> list[str]:
    columns = [str(c) for c in getattr(model, "feature_names_in_", FEATURES)]
    known = set(_real()["columns"])
    missing = [c for c in columns if c not in known]
    if missing:
        raise CourseError(f"{name} was trained on a column the customer table does not have ({missing[0]!r}). "
                          "Train it on the course's columns (churnlab.model.FEATURES), e.g. on year.customers.")
    return columns


def _checked_model(model, name: str):
    model = validate.fitted_model(model, name)
    columns = _model_columns(model, name)
    sample = _real()["profiles"].loc[:4, columns]
    try:
        scores = np.asarray(model.predict_proba(sample))
    except Exception as error:  # a model that cannot score the course's table: say so in the learner's words
        raise CourseError(f"{name} could not score customers of the course's table ({type(error).__name__}: {error}). "
                          "Pass a model trained on the course's columns, like make_churn_model().fit(X_train, y_train).") from None
    if scores.ndim != 2 or scores.shape[1] != 2:
        raise CourseError(f"{name} should predict two columns (stay, churn) with predict_proba, like a scikit-learn classifier.")
    return model, columns


def _score_month(models, swap, month: int, inputs, seed: int, n: int):
    """The model live in ``month`` scores everyone; some calls fail; latency is simulated.

    Returns the model's version, the scores (NaN where the call failed), which calls failed and each call's latency.
    """
    version, scorer, columns = models
    if swap is not None and month >= swap[0]:
        version, scorer, columns = swap[1], swap[2], swap[3]
    try:
        scores = np.asarray(scorer.predict_proba(inputs[columns]))[:, 1].astype(float)
    except Exception as error:
        raise CourseError(f"model {version!r} could not score the customers of month {month} "
                          f"({type(error).__name__}: {error}).") from None
    failed = _draws(seed, "failure", month, n) < SCORING_FAILURE_RATE
    scores[failed] = np.nan
    u = np.clip(_draws(seed, "latency", month, n), 1e-9, 1 - 1e-9)
    latency = np.where(failed, SCORING_TIMEOUT_MS, np.round(LATENCY_MEDIAN_MS * (u / (1 - u)) ** (1 / LATENCY_SHAPE), 1))
    return version, scores, failed, latency
