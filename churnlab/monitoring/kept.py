"""A simulated year kept in the work folder (lesson 08): simulated once, read back on every re-run.

``kept_result`` keeps other seeded results the same way (the no-change spreads of PSI, the health page's drawing),
under a fingerprint of the course version and the data they are computed from. Both name what they keep as
``churnlab.kept_results`` does (every argument exactly, and ``kept_results.code_version()``: the package's files,
the world's frozen truth included, the course data and the libraries' versions)."""
from __future__ import annotations

import hashlib

from churnlab._base.validate import course_function
from churnlab.kept_results import call_name, code_version, name_into
from churnlab.workspace import kept, work_dir

KEPT_FOLDER = "simulations"  # inside the work folder; delete it to simulate again


def kept_result(kind: str, data: list, arguments: dict, compute):
    """``compute()``, kept in the work folder under a fingerprint of the course version, ``data`` and ``arguments``.

    ``data``: the arrays the result depends on; ``arguments``: the values it depends on besides them (both named
    exactly, as ``kept_results.name_into`` names them). The same data and arguments on the same course version give
    the same result, so a re-run reads it back. Only for results that are a pure function of those (a seeded draw).
    """
    digest = hashlib.sha256(f"{code_version()}\n{kind}\n".encode())
    name_into(digest, [list(data), dict(sorted(arguments.items()))])
    return kept(work_dir() / KEPT_FOLDER / f"{kind}-{digest.hexdigest()[:24]}.pickle", compute)


@course_function
def simulate_once(**arguments):
    """``world.simulate(**arguments)``, kept in the work folder: a re-run with the same arguments reads the year back.

    The same arguments on the same course version (its code, its data and the libraries'
    versions: all part of the file's name) always give the same simulated year, so there is
    nothing to recompute: the first run simulates and writes ``work/simulations/...``, the next
    ones read it (a fraction of a second instead of seconds). A model passed as ``new_model`` is named by
    its recipe and what it learnt; an argument that cannot be named exactly (a function, an object of your
    own) is simulated every time. Delete the folder to simulate again; the result is exactly ``world.simulate``'s.
    """
    from churnlab import world

    name = call_name(world.simulate, (), arguments)
    if name is None:
        return world.simulate(**arguments)
    # whole or not at all: a run stopped half-way leaves no broken file
    return kept(work_dir() / KEPT_FOLDER / f"simulation-{name[:24]}.pickle", lambda: world.simulate(**arguments))
