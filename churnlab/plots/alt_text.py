"""Alt text for the course's charts: a sentence saying what a chart shows and its main message, for screen readers.

Each chart of ``churnlab.plots`` writes its sentence from the numbers it draws (``describe``). When a notebook
shows a figure, IPython turns it into a PNG with the figure formatter that matplotlib's inline backend registers;
``install_alt_formatter`` wraps that formatter so the PNG's output metadata carries the sentence::

    {"image/png": "<base64>"}, metadata {"image/png": {"alt": "Bar chart of ..."}}

nbconvert's HTML writes it as the ``<img>``'s ``alt`` attribute. No notebook needs to change: importing
``churnlab.plots`` installs the wrapper, and every chart function installs it again after drawing (the inline
backend re-registers its own formatter when it starts, which may be after the import). A figure drawn without
the course's charts (``plt.plot``, scikit-learn's displays) gets a plainer sentence built from its titles, axis
labels and legend; one with no text at all gets none. ``describe(ax_or_figure, "...")`` gives any figure its own.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager

from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.plots.kept import printed

_ATTRIBUTE = "_churnlab_alt_text"


@course_function
def describe(ax_or_figure, text: str):
    """Give a chart its alt text: one or two sentences saying what it shows and its main message. Returns what you gave.

    On axes, the sentence describes that chart; on a figure, the whole figure (it replaces the charts' own).
    """
    if isinstance(ax_or_figure, SubFigure):
        ax_or_figure = ax_or_figure.figure
    if not isinstance(ax_or_figure, (Axes, Figure)):
        raise CourseError("describe needs a chart's axes or a figure, like plots.describe(ax, 'Line chart of ...'), "
                          f"not {validate.kind_of(ax_or_figure)}.")
    text = validate.text(text, "text", example="'Line chart of churn by month: it doubles in March.'")
    setattr(ax_or_figure, _ATTRIBUTE, " ".join(text.split()))
    install_alt_formatter()
    return ax_or_figure


def alt_text(figure) -> str | None:
    """The alt text of a figure: its own, else its charts' sentences in order (a plain one from the labels for a
    chart without one), else None when nothing on it has any text."""
    own = getattr(figure, _ATTRIBUTE, None)
    if own:
        return own
    parts = []
    for ax in figure.axes:
        if not ax.get_visible() or getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>":
            continue
        parts.append(getattr(ax, _ATTRIBUTE, None) or _plain_description(ax))
    parts = [part for part in parts if part]
    title = figure._suptitle.get_text() if getattr(figure, "_suptitle", None) is not None else ""
    if title and parts:
        parts.insert(0, f"{_unescaped(title)}.")
    return " ".join(parts) or None


def _unescaped(text: str) -> str:
    return " ".join(str(text).replace("\\$", "$").split())


def _plain_description(ax) -> str | None:
    """A sentence from a chart's own words (title, axes, legend), for charts drawn outside churnlab.plots."""
    title, xlabel, ylabel = (_unescaped(t) for t in (ax.get_title(loc="left") or ax.get_title(), ax.get_xlabel(),
                                                      ax.get_ylabel()))
    legend = ax.get_legend()
    entries = [_unescaped(t.get_text()) for t in legend.get_texts()] if legend is not None else []
    if not (title or xlabel or ylabel):
        return None
    sentence = f"Chart: {title}." if title else "Chart without a title."
    if xlabel and ylabel:
        sentence += f" It shows {ylabel} against {xlabel}."
    elif xlabel or ylabel:
        sentence += f" Axis: {xlabel or ylabel}."
    if entries:
        sentence += " Legend: " + "; ".join(entries) + "."
    return sentence


def _with_alt(printer):
    def figure_with_alt(figure, *args, **kwargs):
        def print_it():
            with measured_once():
                return _printed_with_one_layout(printer, figure, *args, **kwargs)

        if args:
            result = print_it()
        else:  # a chart unchanged since a chart function drew it: printed once, then read (churnlab.plots.kept)
            result = printed(figure, {**getattr(printer, "keywords", {}), **kwargs,
                                      "printer": getattr(getattr(printer, "func", printer), "__qualname__", "")}, print_it)
        text = alt_text(figure) if result is not None else None
        if not text:
            return result
        data, metadata = result if isinstance(result, tuple) else (result, None)
        return data, {**(metadata or {}), "alt": text}

    figure_with_alt.churnlab_alt_text = True
    figure_with_alt.wrapped = printer
    return figure_with_alt


def _printed_with_one_layout(printer, figure, *args, **kwargs):
    """``printer(figure)``, the same PNG, with one pass over the chart fewer.

    The inline backend prints with ``bbox_inches="tight"``: matplotlib then lays a constrained-layout figure out while
    drawing it once without rendering, measures its tight box, and draws it again to render it. The layout alone
    places everything the box measures, so here the layout runs, the box is measured and padded exactly as
    matplotlib pads it, and the figure is rendered once with its layout engine set aside (and restored after). Only
    for IPython's plain PNG printer at the figure's own resolution; any other printer or option prints as before.
    """
    from IPython.core.pylabtools import print_figure
    from matplotlib import rcParams
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    options = {**getattr(printer, "keywords", {}), **kwargs}
    engine = figure.get_layout_engine()
    if (getattr(printer, "func", None) is not print_figure or args or getattr(printer, "args", ())
            or options.get("fmt", "png") != "png" or options.get("bbox_inches") != "tight"
            or set(options) - {"fmt", "base64", "bbox_inches"} or not isinstance(engine, ConstrainedLayoutEngine)
            or not figure.axes or getattr(figure.canvas, "print_png", None) is None
            or getattr(figure.canvas, "device_pixel_ratio", 1) != 1):
        return printer(figure, *args, **kwargs)
    try:
        engine.execute(figure)
    except ValueError:  # matplotlib ignores a layout that fails while drawing: so does its own printer
        return printer(figure, *args, **kwargs)
    pad = rcParams["savefig.pad_inches"]
    box = figure.get_tightbbox(figure.canvas.get_renderer()).padded(pad, pad)
    figure._layout_engine = None  # laid out above: matplotlib would lay it out again in an extra pass
    try:
        return printer(figure, **{**kwargs, "bbox_inches": box})
    finally:
        figure._layout_engine = engine


def install_alt_formatter(shell=None) -> bool:
    """Wrap IPython's PNG formatter of matplotlib figures so each figure's alt text lands in the output's metadata.

    Does nothing outside IPython, or before a figure formatter exists. Safe to call again: it wraps once, and wraps
    anew when the inline backend has replaced the formatter (``%config InlineBackend.figure_format = 'retina'``).
    Returns whether the formatter carries alt text now.
    """
    if shell is None:
        if "IPython" not in sys.modules:  # not in a notebook: nothing displays figures
            return False
        shell = sys.modules["IPython"].get_ipython()
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", None)
    if not formatters or "image/png" not in formatters:
        return False
    png = formatters["image/png"]
    try:
        printer = png.lookup_by_type(Figure)
    except KeyError:  # no PNG formatter for figures (another backend): leave it alone
        return False
    if not getattr(printer, "churnlab_alt_text", False):
        png.for_type(Figure, _with_alt(printer))
    _watch(shell)
    return True


_WATCHED: set[int] = set()


def _watch(shell) -> None:
    """Before each cell, wrap the formatter again if something replaced it (the inline backend starting late)."""
    events = getattr(shell, "events", None)
    if events is None or id(shell) in _WATCHED:
        return
    _WATCHED.add(id(shell))

    def rewrap(*_info):
        install_alt_formatter(shell)

    events.register("pre_run_cell", rewrap)


# --- printing a figure measures each text and works out each axis's ticks once -------------------------------------

_TEXT_SIZES: dict = {}  # (the text settings, text, font, math or not, dpi) -> (width, height, descent) in pixels
_MOST_TEXT_SIZES = 20_000
_UNSET = object()
_ACTIVE = []


@contextmanager
def measured_once():
    """Within this block, matplotlib measures each text once and works out each axis's ticks once per view and size.

    Printing a chart the way a notebook shows it (a tight box round it) passes over the chart four times: the layout
    engine twice, the tight box, the drawing. matplotlib keeps a text's size per renderer, and the drawing of the
    cropped picture gets a renderer of its own, so every text was measured again; and each pass worked out every
    axis's ticks (and their labels) several times, some 60 times a chart. Inside the block:

    - a text's size on matplotlib's Agg renderer, which depends only on the text, its font, the dpi and the text
      settings (``rcParams["font.*"]``, ``["text.*"]``, ``["mathtext.*"]``), is measured once and kept, for later charts
      too (other renderers measure as before);
    - ``Axis._update_ticks`` gives an axis the ticks it gave last time while the axis's view limits, its length in
      pixels, its locators and formatters are the same, as they are throughout one print.

    The same picture to the byte, in about four fifths of the time. matplotlib is left as it was after the block.
    """
    if _ACTIVE:  # nested: the outer block has it in place
        yield
        return
    import matplotlib
    import matplotlib.axis
    import matplotlib.text
    from matplotlib.backends.backend_agg import RendererAgg

    measure, update_ticks = matplotlib.text._get_text_metrics_with_cache, matplotlib.axis.Axis._update_ticks
    settings = tuple((key, repr(value)) for key, value in matplotlib.rcParams.items()
                     if key.startswith(("font.", "text.", "mathtext.")))
    ticks_of = {}  # id(axis) -> (what its ticks depend on, its ticks)

    def text_size(renderer, text, fontprop, ismath, dpi):
        if type(renderer) is not RendererAgg or ismath == "TeX":
            return measure(renderer, text, fontprop, ismath, dpi)
        key = (settings, text, fontprop, ismath, renderer.dpi)
        size = _TEXT_SIZES.get(key, _UNSET)
        if size is _UNSET:
            if len(_TEXT_SIZES) >= _MOST_TEXT_SIZES:
                _TEXT_SIZES.clear()
            size = measure(renderer, text, fontprop, ismath, dpi)
            _TEXT_SIZES[(settings, text, fontprop.copy(), ismath, renderer.dpi)] = size
        return size

    def remembered_ticks(axis):
        box = axis.axes.bbox
        needs = (tuple(axis.get_view_interval()), box.width, box.height, axis.get_figure(root=True).dpi,
                 id(axis.major.locator), id(axis.major.formatter), id(axis.minor.locator), id(axis.minor.formatter))
        last = ticks_of.get(id(axis))
        if last is not None and last[0] == needs:
            return list(last[1])
        ticks = update_ticks(axis)
        ticks_of[id(axis)] = (needs, list(ticks))
        return ticks

    matplotlib.text._get_text_metrics_with_cache = text_size
    matplotlib.axis.Axis._update_ticks = remembered_ticks
    _ACTIVE.append(True)
    try:
        yield
    finally:
        _ACTIVE.pop()
        matplotlib.text._get_text_metrics_with_cache = measure
        matplotlib.axis.Axis._update_ticks = update_ticks
