"""Drift (lesson 08): the population stability index of the inputs and scores, month by month, and why a test's
p-value alarms on tiny shifts at large volumes."""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.model import FEATURES
from churnlab.world import _checked_simulation

EMPTY_BIN_SHARE = 1e-4  # a bin empty on one side counts as this share, so the logarithm stays finite
PSI_BANDS = (0.10, 0.25)  # little change below the first, moderate between, significant above the second
TOP_INPUTS = ("tenure", "contract", "monthly_charges", "total_charges", "internet_service")  # the inputs the model leans on most
EMPTY = "(empty)"

# --- drift ---------------------------------------------------------------------------------------------------


def _values(values, name: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        raise CourseError(f"{name} should be one column of values (like customers['tenure']), not a whole table. "
                          "Pick the column you want to compare.")
    if hasattr(values, "predict_proba"):
        raise CourseError(f"{name} should be values (a column of a table), not a model.")
    if isinstance(values, numbers.Number) and not isinstance(values, (bool, np.bool_)):
        raise CourseError(f"{name} should be a column of values, like customers['tenure'], not {validate.kind_of(values)} "
                          "(one customer's value). To keep one month's customers, select the rows with a condition: "
                          "customers.loc[month == 12, 'tenure'], where month = customers['month'].")
    if values is None or isinstance(values, (str, bytes, dict)) or np.ndim(values) != 1:
        raise CourseError(f"{name} should be a column of values, like customers['tenure'], not {validate.kind_of(values)}.")
    series = pd.Series(values).reset_index(drop=True)
    if series.empty:
        raise CourseError(f"{name} is empty: there is nothing to compare. Check the filter that made it (a month with no rows?).")
    return series


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _shares(reference: pd.Series, current: pd.Series, bins: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each bin's share of the reference and of the current values; empty values get a bin of their own."""
    if _is_number(reference) and _is_number(current):
        ref = reference.to_numpy(dtype=float, na_value=np.nan)
        cur = current.to_numpy(dtype=float, na_value=np.nan)
        known = ref[~np.isnan(ref)]
        if known.size == 0:
            raise CourseError("reference has only empty values: PSI needs reference values to cut the bins.")
        cuts = np.unique(np.quantile(known, np.linspace(0, 1, bins + 1)[1:-1]))
        labels = [f"< {cuts[0]:g}"] + [f"{a:g} to {b:g}" for a, b in zip(cuts[:-1], cuts[1:])] + [f">= {cuts[-1]:g}"] \
            if cuts.size else ["all values"]

        def counts(x):
            empty = np.isnan(x)
            positions = np.searchsorted(cuts, x[~empty], side="right")
            return np.append(np.bincount(positions, minlength=cuts.size + 1), empty.sum())

        ref_counts, cur_counts = counts(ref), counts(cur)
        labels = labels + [EMPTY]
    elif _is_number(reference) != _is_number(current) and not (reference.isna().all() or current.isna().all()):
        raise CourseError("reference and current hold different kinds of values (numbers in one, text in the other): "
                          "compare the same column in both tables.")
    else:
        ref_text = reference.astype(object).where(reference.notna(), EMPTY).astype(str)
        cur_text = current.astype(object).where(current.notna(), EMPTY).astype(str)
        labels = sorted(set(ref_text) | set(cur_text))
        ref_counts = ref_text.value_counts().reindex(labels, fill_value=0).to_numpy()
        cur_counts = cur_text.value_counts().reindex(labels, fill_value=0).to_numpy()
    return ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum(), labels


def _psi(reference: pd.Series, current: pd.Series, bins: int = 10) -> float:
    ref, cur, _ = _shares(reference, current, bins)
    used = (ref > 0) | (cur > 0)
    ref, cur = np.maximum(ref[used], EMPTY_BIN_SHARE), np.maximum(cur[used], EMPTY_BIN_SHARE)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


@course_function
def psi(reference, current, bins: int = 10) -> float:
    """The population stability index of ``current`` against ``reference``: 0 when they are spread alike.

    Numbers are cut into ``bins`` bins at the reference's quantiles (10 bins: its deciles);
    text columns use one bin per value. Empty values (NaN) get a bin of their own, so an
    input that starts arriving empty moves the PSI (many tools drop them and would not).
    Then PSI = sum over bins of (current share - reference share) x ln(current share /
    reference share), with a share of 0 counted as ``EMPTY_BIN_SHARE`` (0.0001).
    Identical data gives 0. Read it with ``psi_verdict``.
    """
    reference, current = _values(reference, "reference"), _values(current, "current")
    bins = validate.whole_number(bins, "bins", low=2, example="10")
    if bins > 100:
        raise CourseError(f"bins is {bins}; use about 10 (the usual choice), at most 100.")
    return _psi(reference, current, bins)


@course_function
def psi_verdict(value: float) -> str:
    """The usual reading of a PSI: below 0.10 'little change', 0.10-0.25 'moderate change', above 'significant change'.

    These bands are rules of thumb without error rates (Yurdakul and Naranjo, 2020), and the
    same shift gives a larger PSI on fewer customers: agree on your own threshold and keep it.
    """
    value = validate.number(value, "value", low=0, example="0.13")
    if value < PSI_BANDS[0]:
        return "little change"
    return "moderate change" if value < PSI_BANDS[1] else "significant change"


def _checked_month(simulation, month, name: str) -> int:
    last = simulation.settings["months"]
    month = validate.whole_number(month, name, low=1, example="1")
    if month > last:
        raise CourseError(f"{name} is {month}, but the simulation has {last} months.")
    return month


def _model_inputs() -> list[str]:
    return list(FEATURES)


def _psi_by_month(values: pd.Series, months: np.ndarray, reference_month: int, month_list: list, bins: int = 10) -> list:
    """``_psi`` of each month against the reference month, with the bins cut once (the same bins as ``_shares``)."""
    reference = months == reference_month
    if _is_number(values):
        x = values.to_numpy(dtype=float, na_value=np.nan)
        known = x[reference & ~np.isnan(x)]
        cuts = np.unique(np.quantile(known, np.linspace(0, 1, bins + 1)[1:-1]))
        codes = np.where(np.isnan(x), cuts.size + 1, np.searchsorted(cuts, np.nan_to_num(x), side="right"))
        size = cuts.size + 2
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        codes = np.where(codes < 0, len(uniques), codes)
        size = len(uniques) + 1
    ref = np.bincount(codes[reference], minlength=size) / reference.sum()
    found = []
    for month in month_list:
        here = months == month
        cur = np.bincount(codes[here], minlength=size) / here.sum()
        used = (ref > 0) | (cur > 0)
        r, c = np.maximum(ref[used], EMPTY_BIN_SHARE), np.maximum(cur[used], EMPTY_BIN_SHARE)
        found.append(float(np.sum((c - r) * np.log(c / r))))
    return found


@course_function
def psi_by_month(simulation, columns=TOP_INPUTS, reference_month: int = 1) -> pd.DataFrame:
    """The PSI of each column of the customer table (and of ``churn_score``), every month against ``reference_month``.

    One row per month, one column per input. ``columns`` may include ``"churn_score"``
    (the model's output: output drift). Simulated data: the table carries the caption.
    """
    simulation = _checked_simulation(simulation)
    reference_month = _checked_month(simulation, reference_month, "reference_month")
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns) if isinstance(columns, (list, tuple)) else None
    if not columns:
        raise CourseError("columns should be a list of column names, like ['tenure', 'monthly_charges'].")
    table = simulation.customers.assign(churn_score=simulation.predictions["churn_score"].to_numpy())
    for column in columns:
        validate.column(table, column, "columns", "the customer table")
    months = table["month"].to_numpy()
    month_list = sorted(set(months.tolist()))
    result = pd.DataFrame({c: _psi_by_month(table[c], months, reference_month, month_list) for c in columns},
                          index=pd.Index(month_list, name="month"))
    result.attrs.update(simulation.customers.attrs)
    return result


@course_function
def drift_at_sizes(values, shift: float = 0.02, sizes=(500, 5_000, 50_000), seed: int = 0) -> pd.DataFrame:
    """PSI and a KS test's p-value for the same small shift, measured on samples of growing size.

    For each size n: a reference sample of n values drawn (with replacement) from ``values``,
    and a current sample of n other draws, each value multiplied by 1 + ``shift`` (0.02 = 2 %
    higher). PSI stays about the same at every size; the KS test's p-value
    (``scipy.stats.ks_2samp``) falls towards 0 as n grows: at production volumes a p-value
    alarms on shifts nobody would act on.
    """
    from scipy.stats import ks_2samp

    values = _values(values, "values")
    if not _is_number(values):
        raise CourseError("values should be numbers (like customers['monthly_charges']); a KS test compares numbers.")
    values = values.dropna().to_numpy(dtype=float)
    shift = validate.number(shift, "shift", low=-0.5, high=1.0, example="0.02")
    if isinstance(sizes, (int, float)) or not hasattr(sizes, "__len__") or isinstance(sizes, str) or not len(sizes):
        raise CourseError("sizes should be a list of sample sizes, like [500, 5000, 50000].")
    sizes = [validate.whole_number(n, "each size", low=20, example="5000") for n in sizes]
    seed = validate.whole_number(seed, "seed", low=0, example="0")
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        reference = rng.choice(values, n)
        current = rng.choice(values, n) * (1 + shift)
        rows.append({"customers per sample": n, "PSI": _psi(pd.Series(reference), pd.Series(current)),
                     "KS p-value": float(ks_2samp(reference, current).pvalue)})
    return pd.DataFrame(rows)


