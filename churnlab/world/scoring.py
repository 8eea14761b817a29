"""The models that score the simulated customers, and the simulated scoring service (latency, failed calls)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.model import CHAMPION_C, FEATURES, champion_model
from churnlab.model import course_model as _course_model
from churnlab.world.constants import LATENCY_MEDIAN_MS, LATENCY_SHAPE, SCORING_FAILURE_RATE, SCORING_TIMEOUT_MS
from churnlab.world.dates import _draws
from churnlab.world.truth import _expit, _real

# --- models -------------------------------------------------------------------------------------------------


@course_function
def course_model(C: float = CHAMPION_C):
    """The course model (``make_churn_model(C)`` trained on the course split's training customers), fitted once per session.

    By default lesson 05's champion (``C = CHAMPION_C`` = 0.1), the model the world runs live.
    The same cached object as ``churnlab.model.course_model(C)`` (for ``C = CHAMPION_C``, as
    ``churnlab.model.champion_model()``, the model every simulation scores with): a notebook that uses
    both pays for one fit.
    """
    value = validate.number(C, "C", example="0.1")
    if value <= 0:
        raise CourseError(f"C is {value:g}; it must be above 0 (smaller C, simpler model), like 0.1.")
    if value == CHAMPION_C:  # the champion the world runs live: the same recipe and customers, so one fit serves both
        return champion_model()
    return _course_model(value)


def _model_columns(model, name: str) -> list[str]:
    columns = [str(c) for c in getattr(model, "feature_names_in_", FEATURES)]
    known = set(_real()["columns"])
    missing = [c for c in columns if c not in known]
    if missing:
        raise CourseError(f"{name} was trained on a column the customer table does not have ({missing[0]!r}). "
                          "Train it on the course's columns (churnlab.model.FEATURES), e.g. on year.customers.")
    return columns


_CHECKED_CHAMPION: list = []  # (champion, columns): the champion passes the checks once per session (it is never refitted)


def _checked_model(model, name: str):
    if _CHECKED_CHAMPION and model is _CHECKED_CHAMPION[0][0]:
        return _CHECKED_CHAMPION[0]
    checked = _checked_any_model(model, name)
    if champion_model.cache_info().currsize > 0 and model is champion_model():
        _CHECKED_CHAMPION[:] = [checked]
    return checked


def _checked_any_model(model, name: str):
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


_DYNAMIC = ("tenure", "monthly_charges", "total_charges")  # the inputs that change month to month
_LINEAR: dict = {}  # id(model) -> (model, parts or None): each model's fast path, worked out once per session


def _table_of(shown: dict) -> pd.DataFrame:
    """The customer table of one month, as the model and the rules read it (the data bug's empty cells included)."""
    inputs = _real()["profiles"].take(shown["profile"]).reset_index(drop=True)
    for name in _DYNAMIC:
        inputs[name] = shown[name]
    if shown["emptied"].any():
        inputs[shown["column"]] = inputs[shown["column"]].where(~shown["emptied"])
    return inputs


def _linear_parts(model, columns: list[str]):
    """A fast, exact way to score a linear model's customers: its log-odds per real profile plus a slope per moving input.

    For a pipeline ending in a logistic regression whose log-odds add up input by input (like
    ``make_churn_model``), a customer's log-odds are their real profile's part (fixed) plus, for
    tenure and the charges, slope x value (or a fixed amount when the value is empty). Worked out
    once per model from its own ``predict_proba`` and checked on 400 customers against it (within
    1e-9); any other model returns None and is scored with ``predict_proba`` month by month.
    """
    from scipy.special import logit

    final = model.steps[-1][1] if hasattr(model, "steps") else None
    if type(final).__name__ != "LogisticRegression" or len(getattr(final, "classes_", ())) != 2:
        return None
    profiles = _real()["profiles"][columns]
    moving = [name for name in _DYNAMIC if name in columns]

    def log_odds(table):
        return logit(np.clip(np.asarray(model.predict_proba(table[columns]))[:, 1], 1e-300, None))

    zero = profiles.assign(**{name: 0.0 for name in moving})
    base = log_odds(zero)
    slopes, empties = {}, {}
    for name in moving:
        one = log_odds(zero.assign(**{name: 1.0}))
        empty = log_odds(zero.assign(**{name: np.nan}))
        if np.ptp(one - base) > 1e-9 or np.ptp(empty - base) > 1e-9:
            return None
        slopes[name], empties[name] = float(np.mean(one - base)), float(np.mean(empty - base))
    rng = np.random.default_rng(0)
    rows = rng.choice(len(profiles), 400, replace=False)
    check = profiles.iloc[rows].reset_index(drop=True)
    values = {"tenure": rng.integers(1, 73, 400).astype(float), "monthly_charges": rng.uniform(18, 130, 400),
              "total_charges": rng.uniform(0, 9000, 400)}
    for name in moving:
        check[name] = np.where(rng.random(400) < 0.1, np.nan, values[name])
    fast = base[rows] + sum(np.where(np.isnan(check[name].to_numpy(dtype=float)), empties[name],
                                     slopes[name] * np.nan_to_num(check[name].to_numpy(dtype=float))) for name in moving)
    exact = np.asarray(model.predict_proba(check[columns]))[:, 1]
    if np.abs(_expit(fast) - exact).max() > 1e-9:
        return None
    return base, slopes, empties


def _parts_of(model, columns: list[str]):
    """``_linear_parts(model, columns)``, worked out once per model and session (None: the model has no fast path).

    The champion's are also kept in the work folder (next to ``_real()``'s, under a fingerprint of the data, the
    model's recipe and code, the libraries and its coefficients), so a new session reads them back.
    """
    known = _LINEAR.get(id(model))
    if known is None or known[0] is not model:
        champion = champion_model.cache_info().currsize > 0 and model is champion_model()
        known = (model, _kept_champion_parts(model, columns) if champion else _linear_parts(model, columns))
        _LINEAR[id(model)] = known
    return known[1]


def _kept_champion_parts(model, columns: list[str]):
    """The champion's linear parts, read from the work folder when kept there, else worked out and kept."""
    import hashlib
    from pathlib import Path

    import sklearn

    import churnlab.model as model_module
    from churnlab.workspace import kept, work_dir
    from churnlab.world.truth import KEPT_FOLDER, _real_fingerprint

    final = model.steps[-1][1] if hasattr(model, "steps") else None
    digest = hashlib.sha256(f"{_real_fingerprint()} {sklearn.__version__} {columns}".encode())
    for path in (Path(__file__), Path(model_module.__file__)):
        digest.update(path.read_bytes())
    for name in ("coef_", "intercept_"):
        digest.update(np.ascontiguousarray(getattr(final, name, np.zeros(0))).tobytes())
    try:
        path = work_dir() / KEPT_FOLDER / f"champion-scores-{digest.hexdigest()[:24]}.pickle"
    except OSError:  # no work folder: work them out every time
        return _linear_parts(model, columns)
    return kept(path, lambda: _linear_parts(model, columns))


def _fast_scores(model, columns: list[str], shown: dict):
    """The model's scores from its linear parts, or None when the model has no fast path."""
    parts = _parts_of(model, columns)
    if parts is None:
        return None
    base, slopes, empties = parts
    log_odds = base[shown["profile"]].copy()
    for name, slope in slopes.items():
        values = np.asarray(shown[name], dtype=float)
        log_odds += slope * values
        if shown["emptied"].any() and shown["column"] == name:
            log_odds = np.where(shown["emptied"], log_odds - slope * values + empties[name], log_odds)
    return _expit(log_odds)


def _score_month(models, swap, month: int, shown: dict, seed: int, n: int):
    """The model live in ``month`` scores everyone; some calls fail; latency is simulated.

    Returns the model's version, the scores (NaN where the call failed), which calls failed, each call's latency, and
    a function that makes the month's customer table (once) for a rule that reads it.
    """
    version, scorer, columns = models
    if swap is not None and month >= swap[0]:
        version, scorer, columns = swap[1], swap[2], swap[3]
    made: list = []

    def table() -> pd.DataFrame:
        if not made:
            made.append(_table_of(shown))
        return made[0]

    scores = _fast_scores(scorer, columns, shown)
    if scores is None:
        try:
            scores = np.asarray(scorer.predict_proba(table()[columns]))[:, 1].astype(float)
        except Exception as error:
            raise CourseError(f"model {version!r} could not score the customers of month {month} "
                              f"({type(error).__name__}: {error}).") from None
    failed = _draws(seed, "failure", month, n) < SCORING_FAILURE_RATE
    scores[failed] = np.nan
    u = np.clip(_draws(seed, "latency", month, n), 1e-9, 1 - 1e-9)
    latency = np.where(failed, SCORING_TIMEOUT_MS, np.round(LATENCY_MEDIAN_MS * (u / (1 - u)) ** (1 / LATENCY_SHAPE), 1))
    return version, scores, failed, latency, table
