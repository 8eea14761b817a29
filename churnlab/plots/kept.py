"""A chart the notebook showed before, shown again from the work folder instead of drawn again.

Printing a chart (laying it out, rendering it, writing the PNG) is most of what a lesson's chart costs: about a
tenth of a second each, and lessons show up to eight. The same numbers drawn by the same code with the same settings
give the same picture, so each chart function of ``churnlab.plots`` is wrapped with ``shown_once``:

- when it is called, it names what the chart will show: the function, every argument it was given (numbers, text,
  tables, arrays, down to the last bit) and the package's code. An argument it cannot name exactly (the ``ax`` you
  pass, an object of your own) leaves the chart to be drawn as before;
- the figure it makes is marked as not changed since (matplotlib's own ``stale`` flag, which every change to a
  figure sets: a title, a line, a size, ``ax.axvline``...);
- when the notebook prints the figure and it has not changed since, the printed picture is read from
  ``work/shown-charts`` if an earlier run printed it with the same matplotlib settings and printer, else printed
  and kept there.

A first run pays a few milliseconds a chart to name it; a re-run shows each unchanged chart without drawing it.
The picture is the same to the byte (tests/unit/test_shown_charts.py). Delete the folder to draw every chart again.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import numpy as np

from churnlab.kept_results import call_name, code_version

FOLDER = "shown-charts"  # inside the work folder
_KEY = "_churnlab_shown_as"  # the figure attribute that names what it shows
_folder: Path | None = None  # another folder (tests); None: the work folder's


@functools.cache
def _code_version() -> str:
    """A fingerprint of the package's code, the data and the libraries that compute and draw: any change names every chart anew."""
    import matplotlib

    return hashlib.sha256(f"{code_version()}\0matplotlib {matplotlib.__version__}".encode()).hexdigest()


def what_it_shows(function, args, kwargs) -> str | None:
    """A name for the chart ``function(*args, **kwargs)`` draws, or None when an argument cannot be named exactly."""
    return call_name(function, args, kwargs, version=_code_version())


def _figures_in(value) -> set:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if isinstance(value, Axes):
        return {value.get_figure(root=True)}
    if isinstance(value, Figure):
        return {value}
    if isinstance(value, (list, tuple, np.ndarray)):
        return set().union(*(_figures_in(item) for item in (value.ravel() if isinstance(value, np.ndarray) else value)))
    return set()


def shown_once(chart):
    """Wrap a chart function so that the figure it makes, printed unchanged, is printed once and kept (see above)."""

    @functools.wraps(chart)
    def named_chart(*args, **kwargs):
        import matplotlib.pyplot as plt

        name = what_it_shows(chart, args, kwargs)
        before = set(plt.get_fignums())
        result = chart(*args, **kwargs)
        figures = _figures_in(result)
        if name is not None and len(figures) == 1:
            [figure] = figures
            if getattr(figure, "number", None) not in before:  # a figure of its own, not the ax it was given
                setattr(figure, _KEY, name)
                figure.stale = False  # any change from here on sets it again (matplotlib propagates it up)
        return result

    return named_chart


def matplotlib_settings() -> str:
    """matplotlib's settings now, as text: what a saved or printed picture depends on besides what it shows."""
    import matplotlib

    # dict.items: the raw values; reading rcParams["backend"] would resolve (and may switch) the backend. Neither the
    # backend nor "interactive" (which a notebook's inline backend switches on at the first figure) changes a picture.
    return repr(sorted((name, value) for name, value in dict.items(matplotlib.rcParams)
                       if name not in ("backend", "interactive")))


def _printing_settings(options) -> bytes:
    """The matplotlib settings and printer options a printed picture depends on, besides what the chart shows."""
    return (matplotlib_settings() + repr(sorted(options.items(), key=lambda item: item[0]))).encode()


def printed(figure, options: dict, print_it):
    """``print_it()``, read from the work folder when this unchanged chart was printed before with these settings."""
    name = getattr(figure, _KEY, None)
    if name is None or figure.stale:
        return print_it()
    from churnlab.workspace import kept, work_dir

    key = hashlib.sha256(name.encode() + _printing_settings(options)).hexdigest()[:32]
    try:
        folder = _folder or work_dir() / FOLDER
    except OSError:  # no work folder can be made: print as before
        return print_it()
    return kept(folder / f"{key}.pickle", print_it)

