"""Python's garbage collector in a lesson's kernel: the libraries a cell loaded are set out of its reach.

Python frees most objects as soon as nothing refers to them; its cyclic garbage collector looks for the rest (objects
that refer to each other in a circle). Every so often it examines *every* object the kernel holds, and after a lesson
has loaded pandas, scikit-learn, matplotlib and MLflow that is over a million objects, nearly all of them the
libraries' own modules, classes and functions, which live until the kernel stops. Measured on the course's 2-core
machine: 0.1-0.25 s for each such pass, several passes in a lesson, most of a lesson's MLflow cells' time.

``install_import_freezing`` registers a hook that, after a cell that loaded new modules, collects the young objects
(cheap) and then calls ``gc.freeze()``: Python's own way of leaving the objects alive at that moment out of every
later pass. Everything a later cell creates is collected as before. The price: an object alive at that moment that
later becomes part of a garbage circle is not reclaimed until the kernel restarts (a little memory, never a wrong
result). Outside IPython nothing changes.
"""
from __future__ import annotations

import gc
import sys

MOST_NEW_MODULES = 20  # a cell that loads more modules than this has loaded a library worth setting aside
_seen_modules = [0]
_installed: set[int] = set()


def _after_cell(*_info) -> None:
    loaded = len(sys.modules)
    if loaded - _seen_modules[0] > MOST_NEW_MODULES:
        gc.collect(1)  # the young objects: whatever the cell left behind that can go, goes
        gc.freeze()
    _seen_modules[0] = loaded


def install_import_freezing(shell=None) -> bool:
    """In IPython, after each cell that loaded new libraries, set what is alive out of the collector's reach.

    Returns whether the hook is in place (once per shell)."""
    if shell is None:
        if "IPython" not in sys.modules:
            return False
        shell = sys.modules["IPython"].get_ipython()
    events = getattr(shell, "events", None)
    if events is None:
        return False
    if id(shell) not in _installed:
        _installed.add(id(shell))
        _seen_modules[0] = len(sys.modules)
        gc.collect(1)
        gc.freeze()  # what the kernel and the course's first import loaded
        events.register("post_run_cell", _after_cell)
    return True
