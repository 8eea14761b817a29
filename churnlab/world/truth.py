"""The truth: who really leaves, and how likely (no team ever sees it); the real customers it reads.

The truth is **not** the course's model. It is a gradient-boosted tree model
(scikit-learn's ``HistGradientBoostingClassifier``: every input, gender included, with
interactions) fitted once on **all 7,043 real customers**, plus an **unobserved factor**
per customer (``UNOBSERVED_SD`` on the log-odds: what no data set records, like a new job
or a neighbour's better deal). So the course's logistic regression, which sees only the
recorded inputs through a simpler shape, is an imperfect estimate of the truth, as a
company's model is.

Frozen: the tree model is fitted once (``fit_truth_model``) and its log-odds are stored for
every real customer at every tenure from 1 to 72 months (``truth_lookup.npz`` next to this
module, int16 in hundredths; ``python tools/freeze_world_truth.py`` rewrites it). The world
reads only that table, so it does not depend on the installed scikit-learn or pandas;
``tests/unit/test_world_truth.py`` refits and compares.

The horizon: the real label (``churn``) is read as "leaves within the next 3 months"
(``TRUTH_HORIZON_MONTHS``), so the tree's probability ``p`` is a 3-month chance. The monthly
chance of leaving is chosen so that, averaged over the unobserved factor, 3 months of it
compound to ``p`` for every real customer at every tenure (``hazard_logits``). Read as 3
months, about 620 of the 7,043 real customers would leave each month, close to the 613 the
file shows in their first month (its inflow).

The unobserved factor **evolves** month to month (an AR(1) process: ``z' = ρ z + √(1 - ρ²) ε``,
``ρ = UNOBSERVED_PERSISTENCE``, each newcomer starting from a fresh standard normal draw). A
factor fixed for life would count survivor selection twice: the tree's chance at a long
tenure already describes the real survivors of that tenure, and a fixed factor would select
the survivors a second time (the base would get ever more loyal, and churn would fall month
after month with nothing planted). An evolving factor still makes next month's risk differ
from what the inputs say (over the 3-month horizon it is strongly correlated), but forgets
within about a year.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.data import DATA_DICTIONARY, load_churn
from churnlab.workspace import fingerprint, kept, work_dir
from churnlab.world.constants import (
    HAZARD_CAP,
    NEW_CUSTOMER_MAX_TENURE,
    PROMOTION_MAX_TENURE,
    TENURE_CAP,
    TRUTH_HORIZON_MONTHS,
    UNOBSERVED_SD,
)

TRUTH_FILE = Path(__file__).with_name("truth_lookup.npz")
_SCALE = 100.0  # the lookup stores log-odds in hundredths (int16)
TRUTH_SETTINGS = dict(max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, l2_regularization=1.0,
                      early_stopping=False, random_state=0)
INPUTS = tuple(c.name for c in DATA_DICTIONARY if c.name not in ("customer_id", "churn"))
_CATEGORIES = {c.name: c.allowed for c in DATA_DICTIONARY if c.kind == "category"}


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


# --- the tree model and its frozen table (the freezing tool and its test) ----------------------------------------


def truth_inputs(customers: pd.DataFrame) -> np.ndarray:
    """The tree model's inputs as numbers: flags and money as they are, each category as its place in the dictionary."""
    columns = []
    for name in INPUTS:
        if name in _CATEGORIES:
            codes = pd.Categorical(customers[name].astype(object), categories=list(_CATEGORIES[name])).codes
            columns.append(np.where(codes < 0, np.nan, codes).astype(float))
        else:
            columns.append(pd.to_numeric(customers[name], errors="coerce").to_numpy(dtype=float))
    return np.column_stack(columns)


def fit_truth_model(customers: pd.DataFrame | None = None):
    """Fit the tree model behind the truth on the real customers (the frozen table is its log-odds)."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # heavy: only the freezing tool and its test need it

    customers = load_churn() if customers is None else customers
    label = customers["churn"].eq("Yes").to_numpy(dtype=int)
    return HistGradientBoostingClassifier(categorical_features=[name in _CATEGORIES for name in INPUTS],
                                          **TRUTH_SETTINGS).fit(truth_inputs(customers), label)


def _charge_ratio(customers: pd.DataFrame) -> np.ndarray:
    """Each real customer's total charges per month of tenure, as a share of today's monthly charges (0.5 to 2)."""
    tenure = customers["tenure"].to_numpy(dtype=float)
    monthly = customers["monthly_charges"].to_numpy(dtype=float)
    total = customers["total_charges"].fillna(0.0).to_numpy(dtype=float)
    return np.clip(np.where(tenure > 0, total / (np.maximum(tenure, 1) * monthly), 1.0), 0.5, 2.0)


def truth_lookup(model, customers: pd.DataFrame | None = None) -> np.ndarray:
    """The model's log-odds for every real customer at tenure 1..72 (total charges grow with tenure), in hundredths."""
    customers = load_churn() if customers is None else customers
    tenures = np.arange(1, TENURE_CAP + 1)
    rows = customers.loc[customers.index.repeat(TENURE_CAP)].reset_index(drop=True)
    rows["tenure"] = np.tile(tenures, len(customers))
    per_month = customers["monthly_charges"].to_numpy(dtype=float) * _charge_ratio(customers)
    rows["total_charges"] = np.repeat(per_month, TENURE_CAP) * rows["tenure"].to_numpy()
    p = np.clip(model.predict_proba(truth_inputs(rows))[:, 1], 1e-6, 1 - 1e-6)
    logit = np.log(p / (1 - p)).reshape(len(customers), TENURE_CAP)
    return np.round(logit * _SCALE).astype(np.int16)


@cache
def frozen_logits() -> np.ndarray:
    """The frozen table: log-odds of leaving within 3 months, real customer x tenure 1..72 (before the factor)."""
    with np.load(TRUTH_FILE) as stored:
        return stored["logits"].astype(float) / _SCALE


def hazard_logits(logits: np.ndarray, sd: float | None = None, rounds: int = 6) -> np.ndarray:
    """Monthly chances of leaving (as log-odds, before the unobserved factor) that keep the tree's 3-month chances.

    A customer at tenure t leaves in each of the next 3 months with the chances h(t), h(t+1),
    h(t+2), each moved by their unobserved factor ``sd * z`` on the log-odds. The table is
    adjusted (fixed-point steps; the factor integrated with 9-point Gauss-Hermite quadrature,
    taken as constant over the 3 months, which it nearly is) until, averaged over the factor,
    1 - (1 - h(t)) (1 - h(t+1)) (1 - h(t+2)) is the tree's p(t) for every real customer and
    tenure. Tenure stops at 72.
    """
    sd = UNOBSERVED_SD if sd is None else sd
    nodes, weights = np.polynomial.hermite_e.hermegauss(9)
    weights = weights / weights.sum()
    target = np.clip(logits, -9, 9)
    p = _expit(target)
    stay = (1.0 - p) ** (1.0 / TRUTH_HORIZON_MONTHS)
    current = np.log1p(-stay) - np.log(stay)
    columns = logits.shape[1]
    stays, staying, achieved = np.empty_like(current), np.empty_like(current), np.empty_like(current)
    for _ in range(rounds):
        achieved[...] = 0.0
        for z, w in zip(nodes, weights):
            # stays = 1 - min(expit(current + sd z), cap), in place: the same operations as _expit, no new arrays
            np.add(current, sd * z, out=stays)
            np.negative(stays, out=stays)
            np.exp(stays, out=stays)
            stays += 1.0
            np.divide(1.0, stays, out=stays)
            np.minimum(stays, HAZARD_CAP, out=stays)
            np.subtract(1.0, stays, out=stays)
            # staying(t) = stays(t) stays(t+1) stays(t+2), tenure stopping at the last column: shifted slices multiplied
            # in the same order as the columns were before (the same numbers, bit for bit, in under half the time)
            staying[...] = stays
            for k in range(1, TRUTH_HORIZON_MONTHS):
                staying[:, :columns - k] *= stays[:, k:]
                staying[:, columns - k:] *= stays[:, columns - 1:]
            np.subtract(1.0, staying, out=staying)
            staying *= w
            achieved += staying
        np.clip(achieved, 1e-6, 1 - 1e-6, out=achieved)
        current = current + (target - np.log(achieved / (1.0 - achieved)))
    return current


# --- the real data, prepared once ----------------------------------------------------------------------


TENURE_BANDS = (0, 6, 12, 24, 48, 72)  # the bands the calibration matches (months of tenure, right-closed)
CONTRACTS = ("Month-to-month", "One year", "Two year")
_OFFSETS: dict = {}  # set only while the freezing tool calibrates


@cache
def _offsets() -> np.ndarray:
    """The calibration's log-odds shifts, one per contract and tenure band (frozen next to the tree's table)."""
    if "cells" in _OFFSETS:
        return _OFFSETS["cells"]
    with np.load(TRUTH_FILE) as stored:
        if "offsets" not in stored:
            return np.zeros((len(CONTRACTS), len(TENURE_BANDS) - 1))
        return stored["offsets"].astype(float)


def _band_of_tenure() -> np.ndarray:
    """Each tenure 1..72's band (0 to 4)."""
    return np.searchsorted(np.array(TENURE_BANDS[1:-1]), np.arange(1, TENURE_CAP + 1), side="left")


KEPT_FOLDER = "world"  # inside the work folder: the prepared real customers, kept between sessions (delete to redo)


def _real_fingerprint() -> str:
    """What ``_real()`` depends on: the code that prepares it, the data file, the frozen truth and the libraries."""
    import churnlab.data as data_module

    return fingerprint((Path(__file__), Path(__file__).with_name("constants.py"), Path(data_module.__file__),
                        data_module.CHURN_CSV, TRUTH_FILE), versions=(np.__version__, pd.__version__))


@cache
def _real():
    """The real customers: their profile columns, the frozen truth (monthly log-odds) and the newcomers' pools.

    The same every session on the same code, data and libraries, so it is kept in the work folder (``KEPT_FOLDER``,
    under a fingerprint of all of those) and read back: about 0.4 s of reading the data and of ``hazard_logits``'
    fixed point become a few milliseconds. Not while the freezing tool calibrates (its shifts change on every try).
    """
    if "cells" in _OFFSETS:
        return _prepared_real()
    try:
        path = work_dir() / KEPT_FOLDER / f"real-customers-{_real_fingerprint()[:24]}.pickle"
    except OSError:  # no work folder: prepare it every time
        return _prepared_real()
    return kept(path, _prepared_real)


def _prepared_real():
    """``_real()``'s contents, prepared from the data file and the frozen truth."""
    customers = load_churn()
    columns = [c.name for c in DATA_DICTIONARY if c.name not in ("customer_id", "churn")]
    tenure = customers["tenure"].to_numpy(dtype=np.int64)
    month_to_month = customers["contract"].eq("Month-to-month").to_numpy()
    profiles = customers[columns].reset_index(drop=True)
    return {
        "ids": customers["customer_id"].to_numpy(dtype=object),
        "index": pd.Series(np.arange(len(customers)), index=customers["customer_id"].to_numpy()),
        "profiles": profiles,
        "columns": columns,
        "hazard_logits": _calibrated(hazard_logits(frozen_logits()), customers["contract"].to_numpy(dtype=object)),
        "monthly": customers["monthly_charges"].to_numpy(dtype=float),
        "tenure": tenure,
        "total": customers["total_charges"].fillna(0.0).to_numpy(dtype=float),
        "fiber": customers["internet_service"].eq("Fiber optic").to_numpy(),
        "contract": customers["contract"].to_numpy(dtype=object),
        "newcomer_pool": np.flatnonzero(tenure <= NEW_CUSTOMER_MAX_TENURE),
        "promotion_pool": np.flatnonzero(month_to_month & (tenure >= 1) & (tenure <= PROMOTION_MAX_TENURE)),
    }


def _calibrated(logits: np.ndarray, contract: np.ndarray) -> np.ndarray:
    """The monthly log-odds with the calibration's shifts: one per contract and tenure band.

    Why: the real file is a snapshot, not a steady state. Under the tree's chances, the customers a
    steady process keeps (long-lived two-year customers, low-risk survivors) churn less, band by band
    and contract by contract, than the snapshot's customers did. The shifts (found by
    ``simulation._calibrate_offsets`` and frozen with the table) make launch day's customers, after the
    burn-in, leave within 3 months as often as the real customers of their contract and of their tenure
    band did (within the real rates' 95 % intervals). Within a contract and band, the tree's ranking
    (its interactions) is kept.
    """
    codes = pd.Categorical(contract, categories=list(CONTRACTS)).codes
    return logits + _offsets()[codes][:, _band_of_tenure()]


def _monthly_hazard(profile: np.ndarray, tenure: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """The truth's chance of leaving this month at this tenure, with each customer's unobserved factor (capped)."""
    at = np.clip(tenure, 1, TENURE_CAP) - 1
    return np.minimum(_expit(_real()["hazard_logits"][profile, at] + UNOBSERVED_SD * factor), HAZARD_CAP)


# --- reading the truth --------------------------------------------------------------------------------------


@course_function
def truth_probability(customers: pd.DataFrame) -> pd.Series:
    """The truth's chance that each customer leaves within 3 months, without any offer, knob or unobserved factor.

    ``customers``: real customers (``load_churn()``: their ``customer_id``) or simulated
    ones (``year.customers``: their ``source_customer_id``, the real profile they copy),
    with their ``tenure``. It is the tree model's chance, the average over the unobserved
    factor; ``year.truth_by_customer`` has each simulated customer's own probability,
    factor and knobs included.
    """
    table = validate.dataframe(customers, "customers", needs=["tenure"], example="year.customers or load_churn()")
    key = "source_customer_id" if "source_customer_id" in table.columns else "customer_id"
    if key not in table.columns:
        raise CourseError("customers has no column 'source_customer_id' or 'customer_id': pass year.customers or load_churn().")
    index = _real()["index"]
    known = table[key].isin(index.index)
    if not known.all():
        odd = table.loc[~known, key].iloc[0]
        raise CourseError(f"customers has the id {odd!r} in {key!r}, which is not a real customer's id: "
                          "pass year.customers (it has source_customer_id) or load_churn().")
    tenure = pd.to_numeric(table["tenure"], errors="coerce")
    if tenure.isna().any():
        raise CourseError("customers has empty or non-number values in 'tenure'; the truth needs each customer's tenure.")
    profile = index.loc[table[key]].to_numpy()
    at = np.clip(tenure.to_numpy(dtype=np.int64), 1, TENURE_CAP) - 1
    return pd.Series(_expit(frozen_logits()[profile, at]), index=table.index, name="true_churn_probability")
