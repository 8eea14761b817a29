"""A simulated year kept in the work folder (lesson 08): simulated once, read back on every re-run."""
from __future__ import annotations

import hashlib
import os
import pickle
import uuid
from functools import cache
from pathlib import Path

from churnlab._base.validate import course_function
from churnlab.data import REPO_ROOT
from churnlab.workspace import work_dir

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

    digest = hashlib.sha256(f"{numpy.__version__} {pandas.__version__} {sklearn.__version__}".encode())
    for path in _fingerprinted_files():
        digest.update(str(path.relative_to(path.parents[1])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


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
    path = work_dir() / KEPT_FOLDER / name
    if path.exists():
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except Exception:  # a file cut short by a crash, or written by another Python: simulate again
            path.unlink(missing_ok=True)
    year = world.simulate(**arguments)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A name of its own: two kernels (or two test workers) simulating the same year at once must not write into, or
    # move away, each other's file; whichever finishes last replaces the year with an identical one.
    partial = path.with_name(f"{path.stem}.{os.getpid()}.{uuid.uuid4().hex}.partial")
    with partial.open("wb") as file:
        pickle.dump(year, file, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # whole or not at all: a run stopped half-way leaves no broken file
    return year
