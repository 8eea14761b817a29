"""Drift (lesson 08): the population stability index of the inputs and scores, month by month, and why a test's
p-value alarms on tiny shifts at large volumes."""
from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.model import FEATURES
from churnlab.monitoring.kept import kept_result
from churnlab.world import _checked_simulation

EMPTY_BIN_SHARE = 1e-4  # a bin empty on one side counts as this share, so the logarithm stays finite
PSI_BINS = 10  # the monitoring plan's one binning: numbers cut at the reference month's deciles
PSI_BINNING = ("numbers in 10 bins cut at the reference month's deciles (text: one bin per value); "
               "empty values left out of PSI and counted as data quality")
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
        raise CourseError(f"{name} is one value ({values:g}: one customer's value), not a column of values. A number "
                          "inside .loc[...] picks one row, not a month: customers.loc[12, 'tenure'] is the tenure of row 12. "
                          "To keep one month's customers, select the rows with a condition: "
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
    """Each bin's share of the reference's and of the current's known values (empty values are left out).

    Empty values are a data-quality problem, counted apart (the health page's empty share): left in
    a bin of their own, 30 % empty rows against none would score a PSI of about 2.4, set by the
    floor ``EMPTY_BIN_SHARE`` rather than by any change in the values.
    """
    reference, current = reference.dropna(), current.dropna()
    if reference.empty:
        raise CourseError("reference has only empty values: PSI needs reference values to cut the bins.")
    if current.empty:
        raise CourseError("current has only empty values: there is nothing to compare. Empty values are a data-quality "
                          "problem (the share of empty inputs), not drift: PSI leaves them out.")
    if _is_number(reference) and _is_number(current):
        ref = reference.to_numpy(dtype=float)
        cur = current.to_numpy(dtype=float)
        cuts = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
        labels = [f"< {cuts[0]:g}"] + [f"{a:g} to {b:g}" for a, b in zip(cuts[:-1], cuts[1:])] + [f">= {cuts[-1]:g}"] \
            if cuts.size else ["all values"]
        ref_counts = np.bincount(np.searchsorted(cuts, ref, side="right"), minlength=cuts.size + 1)
        cur_counts = np.bincount(np.searchsorted(cuts, cur, side="right"), minlength=cuts.size + 1)
    elif _is_number(reference) != _is_number(current):
        raise CourseError("reference and current hold different kinds of values (numbers in one, text in the other): "
                          "compare the same column in both tables.")
    else:
        ref_text, cur_text = reference.astype(str), current.astype(str)
        labels = sorted(set(ref_text) | set(cur_text))
        ref_counts = ref_text.value_counts().reindex(labels, fill_value=0).to_numpy()
        cur_counts = cur_text.value_counts().reindex(labels, fill_value=0).to_numpy()
    return ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum(), labels


def _psi_of_shares(ref: np.ndarray, cur: np.ndarray) -> float:
    used = (ref > 0) | (cur > 0)
    ref, cur = np.maximum(ref[used], EMPTY_BIN_SHARE), np.maximum(cur[used], EMPTY_BIN_SHARE)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def _psi(reference: pd.Series, current: pd.Series, bins: int = PSI_BINS) -> float:
    ref, cur, _ = _shares(reference, current, bins)
    return _psi_of_shares(ref, cur)


@course_function
def psi(reference, current, bins: int = 10) -> float:
    """The population stability index of ``current`` against ``reference``: 0 when they are spread alike.

    The course's one binning (``PSI_BINNING``): numbers are cut into ``bins`` bins at the
    reference's quantiles (10 bins: its deciles); text columns use one bin per value. Empty
    values (NaN) are left out on both sides: an input that starts arriving empty is a
    data-quality problem, counted apart (the health table's ``empty_share``), not drift.
    Then PSI = sum over bins of (current share - reference share) x ln(current share /
    reference share), with a share of 0 (a bin one side never fills) counted as
    ``EMPTY_BIN_SHARE`` (0.0001). Identical data gives 0. The same data cut another way
    (equal-width bins, 20 bins) gives another number: keep one binning, and read a PSI
    against what it shows under no change (``drift_at_sizes(..., shift=0)``).
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


def _psi_by_month(values: pd.Series, months: np.ndarray, reference_month: int, month_list: list, bins: int = PSI_BINS) -> list:
    """``_psi`` of each month against the reference month, with the bins cut once (the same bins as ``_shares``).

    Empty values are left out, as in ``psi``; a month with no known value gets NaN.
    """
    reference = months == reference_month
    if _is_number(values):
        x = values.to_numpy(dtype=float, na_value=np.nan)
        known = ~np.isnan(x)
        cuts = np.unique(np.quantile(x[reference & known], np.linspace(0, 1, bins + 1)[1:-1]))
        codes = np.searchsorted(cuts, np.nan_to_num(x), side="right")
        size = cuts.size + 1
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        known = codes >= 0
        size = len(uniques)
    counts = np.bincount(codes[reference & known], minlength=size)
    ref = counts / counts.sum()
    found = []
    for month in month_list:
        here = (months == month) & known
        found.append(_psi_of_shares(ref, np.bincount(codes[here], minlength=size) / here.sum()) if here.any() else math.nan)
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


def _sample_psis(reference: np.ndarray, current: np.ndarray, bins: int = PSI_BINS) -> np.ndarray:
    """PSI of each row of ``current`` against the same row of ``reference`` (one draw a row), binned as ``_shares``."""
    found = []
    for ref, cur in zip(reference, current):
        cuts = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
        shares = [np.bincount(np.searchsorted(cuts, x, side="right"), minlength=cuts.size + 1) / x.size for x in (ref, cur)]
        found.append(_psi_of_shares(*shares))
    return np.array(found)


def _ks_p_values(reference: np.ndarray, current: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """The two-sample Kolmogorov-Smirnov test's p-value for each row pair (asymptotic, as scipy's method='asymp').

    ``grid``: every value the samples can take, sorted (the largest gap between the two empirical
    distributions lies at one of them); default each pair's own values.
    """
    from scipy.special import kolmogorov

    n, m = reference.shape[1], current.shape[1]
    a, b = np.sort(reference, axis=1), np.sort(current, axis=1)
    points = [grid] * len(a) if grid is not None else list(np.concatenate([a, b], axis=1))
    gaps = [np.abs(np.searchsorted(x, z, side="right") / n - np.searchsorted(y, z, side="right") / m).max()
            for x, y, z in zip(a, b, points)]
    return kolmogorov(np.sqrt(n * m / (n + m)) * np.array(gaps))


@course_function
def drift_at_sizes(values, shift: float = 0.02, sizes=(500, 7_000), draws: int = 40, seed: int = 0) -> pd.DataFrame:
    """PSI and a KS test's verdict for the same shift, over many random samples of growing size.

    For each size n and each of ``draws`` draws: a reference sample of n values drawn (with
    replacement) from ``values``, and a current sample of n other draws, each value multiplied by
    1 + ``shift`` (0.02 = 2 % higher; 0 = **no change at all**: both samples come from the same
    customers). One row per size: the PSI's mean and its 5th, 95th and 99th percentiles over the
    draws (binned as ``psi``), and the share of draws where a two-sample Kolmogorov-Smirnov test
    says "different" (p < 0.05; asymptotic p-values, as ``scipy.stats.ks_2samp(..., method='asymp')``).
    With ``shift=0`` it shows what PSI reads when nothing changed: the noise an alert threshold
    must sit above. PSI's noise shrinks as n grows; the KS test alarms on a tiny shift once n is large.
    """
    values = _values(values, "values")
    if not _is_number(values):
        raise CourseError("values should be numbers (like customers['monthly_charges']); a KS test compares numbers.")
    values = values.dropna().to_numpy(dtype=float)
    shift = validate.number(shift, "shift", low=-0.5, high=1.0, example="0.02")
    if isinstance(sizes, (int, float)) or not hasattr(sizes, "__len__") or isinstance(sizes, str) or not len(sizes):
        raise CourseError("sizes should be a list of sample sizes, like [500, 5000, 50000].")
    sizes = [validate.whole_number(n, "each size", low=20, example="5000") for n in sizes]
    draws = validate.whole_number(draws, "draws", low=2, example="40")
    if draws > 2_000:
        raise CourseError(f"draws is {draws}; 40 to 200 draws show the spread well, at most 2,000.")
    seed = validate.whole_number(seed, "seed", low=0, example="0")

    def draw() -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        grid = np.unique(np.concatenate([values, values * (1 + shift)]))  # every value a sample can take
        rows = []
        for n in sizes:
            reference = values[rng.integers(0, values.size, (draws, n))]
            current = values[rng.integers(0, values.size, (draws, n))] * (1 + shift)
            psis = _sample_psis(reference, current)
            alarms = np.mean(_ks_p_values(reference, current, grid) < 0.05)
            rows.append({"customers per sample": n, "PSI mean": float(psis.mean()),
                         "PSI 5th percentile": float(np.percentile(psis, 5)),
                         "PSI 95th percentile": float(np.percentile(psis, 95)),
                         "PSI 99th percentile": float(np.percentile(psis, 99)), "KS says different (p < 0.05)": float(alarms)})
        table = pd.DataFrame(rows).set_index("customers per sample")
        table.attrs["draws"] = draws
        return table

    # the same values, shift, sizes, draws and seed always give the same table: a re-run reads it from the work folder
    return kept_result("drift-at-sizes", [values], {"shift": shift, "sizes": sizes, "draws": draws, "seed": seed}, draw)


@course_function
def psi_no_change(simulation, columns=(*TOP_INPUTS, "churn_score"), month: int = 1, draws: int = 100, seed: int = 0) -> pd.Series:
    """What PSI reads when nothing changed, for each watched column: the 99th percentile over ``draws`` draws.

    For each column of the customer table (or ``"churn_score"``, the model's output), two samples
    of the month's volume (the customers scored in ``month``) are drawn, with replacement, from
    that month's own values, and their PSI is taken with the course's binning (``PSI_BINNING``;
    text columns one bin per value). Both samples come from the same customers, so any PSI is
    sampling noise: an alert threshold must sit well above this level for **every** column it
    watches. Returns a Series, one value per column (the PSI's 99th percentile over the draws).
    """
    simulation = _checked_simulation(simulation)
    month = _checked_month(simulation, month, "month")
    if isinstance(columns, str):
        columns = [columns]
    if not isinstance(columns, (list, tuple)) or not columns:
        raise CourseError("columns should be a list of column names, like ['tenure', 'churn_score'].")
    draws = validate.whole_number(draws, "draws", low=20, example="100")
    if draws > 2_000:
        raise CourseError(f"draws is {draws}; 100 draws show the spread well, at most 2,000.")
    seed = validate.whole_number(seed, "seed", low=0, example="0")
    table = simulation.customers.assign(churn_score=simulation.predictions["churn_score"].to_numpy())
    here = table["month"].to_numpy() == month
    size = int(here.sum())
    for column in columns:
        validate.column(table, column, "columns", "the customer table")
    pools = [table.loc[here, column].dropna() for column in columns]

    def draw() -> pd.Series:
        rng = np.random.default_rng(seed)
        found = {}
        for column, values in zip(columns, pools):
            if _is_number(values):
                pool = values.to_numpy(dtype=float)
                psis = _sample_psis(pool[rng.integers(0, pool.size, (draws, size))],
                                    pool[rng.integers(0, pool.size, (draws, size))])
            else:
                codes, uniques = pd.factorize(values)
                counts = [np.bincount(codes[rng.integers(0, codes.size, size)], minlength=len(uniques)) / size
                          for _ in range(2 * draws)]
                psis = np.array([_psi_of_shares(counts[2 * i], counts[2 * i + 1]) for i in range(draws)])
            found[column] = float(np.percentile(psis, 99))
        result = pd.Series(found, name="PSI with no change (99th percentile)")
        result.index.name = "watched"
        return result

    # the same month's values, draws and seed always give the same spread: a re-run reads it from the work folder
    data = [values.to_numpy(dtype=float) if _is_number(values) else values.astype(str).to_numpy(dtype=str) for values in pools]
    return kept_result("psi-no-change", data, {"columns": list(columns), "size": size, "draws": draws, "seed": seed}, draw)
