"""Results computed once and kept in the work folder, under a name that says exactly what they were computed from.

A lesson calls the same functions on the same customers at every "Run all": cross-validation, out-of-fold scores,
permutation importance, a model fitted on the course split. Their results are a pure function of their arguments,
the package's code, the course data and the libraries' versions (every seed is fixed). ``computed_once`` wraps such a
function: when called, it names the call (the function, every argument down to the last bit, and that fingerprint of
code, data and versions); a result kept under that name in ``work/kept-results`` is read back, else the function runs
and its result is kept there. An argument that cannot be named exactly (an object of your own, a function, a model
holding a fitted tree) leaves the function to run as before. The result read back is the one computed, to the bit
(pickle); each call gets its own copy, so changing it changes nothing kept. Delete the folder to compute everything
again. ``name_into`` is also how ``plots.kept`` names a chart.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import inspect
from pathlib import Path

import numpy as np
import pandas as pd

from churnlab._base.course_folder import REPO_ROOT
from churnlab.workspace import fingerprint, kept, work_dir

FOLDER = "kept-results"  # inside the work folder
PLAIN = (str, int, float, bool, complex, bytes, type(None), datetime.date, datetime.time, datetime.timedelta,
          pd.Timestamp, pd.Timedelta, pd.Period, type(pd.NaT), type(pd.NA))  # their repr says all they hold


class Unnamed(Exception):
    """A value that cannot be named exactly: what depends on it is computed (or drawn) as before."""


def _is_estimator(value) -> bool:
    """Whether ``value`` is a scikit-learn estimator (fitted or not), without importing scikit-learn for it."""
    return any(cls.__module__ == "sklearn.base" and cls.__name__ == "BaseEstimator" for cls in type(value).__mro__)


# Where a class's code is named by code_version (the package's files, the libraries' versions), so that naming an
# object of that class by its fields (or the class by where it is defined) says all there is: a class of your own, in a
# notebook, could change its code under the same name.
_NAMED_MODULES = ("builtins", "datetime", "numpy", "pandas", "sklearn", "scipy", "churnlab")


def _named_code(cls: type) -> bool:
    return cls.__module__.split(".")[0] in _NAMED_MODULES


def name_into(digest, value) -> None:
    """Feed ``value`` into ``digest`` so that two values get the same bytes only when they are equal, type included."""
    digest.update(type(value).__qualname__.encode() + b"\0")
    if isinstance(value, PLAIN):
        digest.update(repr(value).encode() + b"\0")
    elif isinstance(value, np.generic):
        digest.update(str(value.dtype).encode() + value.tobytes() + b"\0")
    elif isinstance(value, np.ndarray):
        digest.update(f"{value.dtype.str}{value.shape}".encode())
        if value.dtype.hasobject and pd.api.types.infer_dtype(value.ravel(), skipna=False) == "string":  # all str: fast
            items = value.ravel().tolist()
            joined = "J" + "\0".join(items)
            if joined.count("\0") != len(items) - 1:  # a text holds the separator itself: each one with its length
                joined = "L" + "".join(f"{len(item)}:{item}" for item in items)
            digest.update(joined.encode("utf-8", "surrogatepass"))
        elif value.dtype.hasobject:
            for item in value.ravel():
                name_into(digest, item)
        else:
            digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, pd.DataFrame):
        name_into(digest, value.index)
        name_into(digest, value.columns)
        for _, column in value.items():
            name_into(digest, column)
    elif isinstance(value, pd.Series):
        name_into(digest, value.name)
        name_into(digest, value.index)
        name_into(digest, value.array)
    elif isinstance(value, pd.MultiIndex):
        name_into(digest, value.names)
        name_into(digest, list(value.levels))
        name_into(digest, list(value.codes))
    elif isinstance(value, pd.Index):
        name_into(digest, value.names)
        name_into(digest, value.array)
    elif isinstance(value, pd.Categorical):
        name_into(digest, value.categories)
        name_into(digest, value.ordered)
        name_into(digest, value.codes)
    elif isinstance(value, pd.api.extensions.ExtensionArray) and hasattr(value, "asi8"):  # dates, durations, periods
        digest.update(str(value.dtype).encode() + b"\0")
        name_into(digest, value.asi8)
    elif isinstance(value, pd.api.extensions.ExtensionArray):  # numbers as numbers, text as text
        digest.update(str(value.dtype).encode() + b"\0")
        name_into(digest, value.to_numpy())
    elif isinstance(value, (list, tuple)):
        digest.update(f"{len(value)}\0".encode())
        for item in value:
            name_into(digest, item)
    elif isinstance(value, dict):
        digest.update(f"{len(value)}\0".encode())
        for name, item in value.items():  # in order: a legend lists them in that order
            name_into(digest, name)
            name_into(digest, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type) and _named_code(type(value)):
        for field in dataclasses.fields(value):
            name_into(digest, field.name)
            name_into(digest, getattr(value, field.name))
    elif type(value).__module__.startswith("PIL.") and hasattr(value, "tobytes"):  # a picture (Pillow): its pixels
        name_into(digest, (value.mode, tuple(value.size)))
        digest.update(value.tobytes())
    elif isinstance(value, type) and _named_code(value):  # a class (a dtype such as numpy.float64): where it is defined
        digest.update(f"{value.__module__}.{value.__qualname__}\0".encode())
    elif isinstance(value, slice):
        digest.update(repr(value).encode() + b"\0")
    elif _is_estimator(value) and type(value).__module__.startswith("sklearn."):  # what it was asked to be, and learnt
        digest.update(f"{type(value).__module__}\0".encode())
        name_into(digest, value.get_params(deep=False))
        name_into(digest, {name: item for name, item in sorted(vars(value).items())
                           if name.endswith("_") and not name.startswith("_")})
    else:
        raise Unnamed(type(value).__qualname__)


def fingerprinted_files() -> list[Path]:
    """What a kept result may depend on besides its arguments: every file of the package (its code, the world's frozen
    truth and launch day, the frozen records, the templates) and the course data."""
    package = Path(__file__).resolve().parent
    files = sorted(path for path in package.rglob("*") if path.is_file() and "__pycache__" not in path.parts)
    return files + sorted((REPO_ROOT / "datasets").glob("*.csv"))


@functools.cache
def code_version() -> str:
    """A fingerprint of the package's files, the course data and the versions of the libraries that compute."""
    import scipy
    import sklearn

    return fingerprint(fingerprinted_files(), versions=(np.__version__, pd.__version__, sklearn.__version__, scipy.__version__))


def call_name(function, args, kwargs, version: str | None = None) -> str | None:
    """A name for ``function(*args, **kwargs)``, or None when an argument cannot be named exactly.

    Defaults are named too, so ``f(x)`` and ``f(x, folds=5)`` share a name when 5 is the default.
    """
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    version = code_version() if version is None else version
    digest = hashlib.sha256(f"{function.__module__}.{function.__qualname__}\0{version}\0".encode())
    try:
        name_into(digest, dict(bound.arguments))
    except Exception:  # Unnamed, or a value that will not say what it holds
        return None
    return digest.hexdigest()


_folder: Path | None = None  # another folder (tests); None: the work folder's


def computed_once(function):
    """Wrap ``function`` so that a call named exactly as an earlier one reads that call's result back (see above).

    Only for functions whose result depends on nothing but their arguments, the package's code, the course data
    and the libraries' versions. A call that raises keeps nothing.
    """

    @functools.wraps(function)
    def kept_call(*args, **kwargs):
        name = call_name(function, args, kwargs)
        if name is None:
            return function(*args, **kwargs)
        try:
            folder = _folder or work_dir() / FOLDER
        except OSError:  # no work folder can be made: compute as before
            return function(*args, **kwargs)
        return kept(folder / f"{function.__name__}-{name[:32]}.pickle", lambda: function(*args, **kwargs))

    return kept_call
