"""A simulated year kept in the work folder (lesson 08): simulated once, read back on every re-run.

``kept_result`` keeps other seeded results the same way (the no-change spreads of PSI, the health page's drawing),
under a fingerprint of the course version and the data they are computed from."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from churnlab._base.validate import course_function
from churnlab.data import REPO_ROOT
from churnlab.workspace import fingerprint, kept, work_dir

KEPT_FOLDER = "simulations"  # inside the work folder; delete it to simulate again
_PLAIN = (bool, int, float, str, type(None))


def _fingerprinted_files() -> list[Path]:
    """The files a simulation depends on: the package's code, the world's frozen truth and launch day, the data."""
    package = Path(__file__).resolve().parent.parent
    return sorted(package.rglob("*.py")) + sorted(package.rglob("*.npz")) + sorted((REPO_ROOT / "datasets").glob("*.csv"))


@cache
def _course_version() -> str:
    """A fingerprint of everything a simulation depends on: those files and the libraries' versions."""
    import numpy
    import pandas
    import sklearn

    return fingerprint(_fingerprinted_files(), versions=(numpy.__version__, pandas.__version__, sklearn.__version__))


def _nameable(value) -> bool:
    """Whether ``repr(value)`` says all there is to it: plain values, and the simulator's policies made of them.

    A model is not: a fitted and an unfitted model print alike.
    """
    import dataclasses

    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (tuple, list)):
        return all(_nameable(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and type(value).__module__.startswith("churnlab.world"):
        return all(_nameable(getattr(value, item.name)) for item in dataclasses.fields(value))
    return False


def _key(arguments: dict) -> str | None:
    """The file name for these arguments, or None when one of them cannot be named reliably (a model, a function)."""
    shown = []
    for name, value in sorted(arguments.items()):
        if not _nameable(value):
            return None
        shown.append(f"{name}={value!r}")
    digest = hashlib.sha256((_course_version() + "\n" + "\n".join(shown)).encode()).hexdigest()[:24]
    return f"simulation-{digest}.pickle"


def kept_result(kind: str, data: list, arguments: dict, compute):
    """``compute()``, kept in the work folder under a fingerprint of the course version, ``data`` and ``arguments``.

    ``data``: the arrays the result depends on (their bytes and shapes are fingerprinted); ``arguments``: plain
    values (their ``repr``). The same data and arguments on the same course version give the same result, so a
    re-run reads it back. Only for results that are a pure function of those (a seeded draw, say).
    """
    import numpy as np

    digest = hashlib.sha256(f"{_course_version()}\n{kind}\n{sorted(arguments.items())!r}".encode())
    for values in data:
        values = np.ascontiguousarray(values)
        digest.update(f"{values.dtype.str}{values.shape}".encode())
        digest.update(values.tobytes())
    return kept(work_dir() / KEPT_FOLDER / f"{kind}-{digest.hexdigest()[:24]}.pickle", compute)


@course_function
def simulate_once(**arguments):
    """``world.simulate(**arguments)``, kept in the work folder: a re-run with the same arguments reads the year back.

    The same arguments on the same course version (its code, its data and the libraries'
    versions: all part of the file's name) always give the same simulated year, so there is
    nothing to recompute: the first run simulates and writes ``work/simulations/...``, the next
    ones read it (a fraction of a second instead of seconds). Arguments that cannot be named
    reliably (a model passed as ``new_model``, say) are simulated every time. Delete the folder
    to simulate again; the result is exactly ``world.simulate``'s.
    """
    from churnlab import world

    name = _key(arguments)
    if name is None:
        return world.simulate(**arguments)
    # whole or not at all: a run stopped half-way leaves no broken file
    return kept(work_dir() / KEPT_FOLDER / name, lambda: world.simulate(**arguments))
