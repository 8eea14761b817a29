"""The course's chart style: sizes, colours, new axes, titles and labels, dollar axes, and the checks of ``ax``."""
from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import cycler
from matplotlib.axes import Axes

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.plots.alt_text import install_alt_formatter, measured_once

FIGURE_SIZE = (7, 4)
WIDE_FIGURE_SIZE = (11, 4)  # two or three charts side by side
# The four cells of a campaign's confusion matrix, in customer words: rows = what happened, columns = what we did.
CUSTOMER_WORDS = (
    ("loyal customers\nwe leave alone", "loyal customers\nwe bother"),
    ("churners\nwe miss", "churners\nwe call"),
)
# Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008): 8 colours that people with the common
# colour-vision deficiencies still tell apart. tests/unit/test_alt_text_and_palette.py simulates protanopia and
# deuteranopia (Machado et al. 2009) on every pair of colours a chart sets side by side and checks they stay
# apart. Churn is vermillion ("red") and staying blue: never red against green.
OKABE_ITO = {"black": "#000000", "orange": "#e69f00", "sky blue": "#56b4e9", "bluish green": "#009e73",
             "yellow": "#f0e442", "blue": "#0072b2", "vermillion": "#d55e00", "reddish purple": "#cc79a7"}
CHURN_COLOUR, STAY_COLOUR, NEUTRAL_COLOUR = OKABE_ITO["vermillion"], OKABE_ITO["blue"], "#999999"
# Every chart's default colours (C0, C1, ...) too, for charts drawn with plain matplotlib in a lesson. The first
# three stay apart for colour-blind readers; from the fourth on, give lines a marker or style of their own too.
PALETTE = [OKABE_ITO[name] for name in ("blue", "vermillion", "sky blue", "orange", "bluish green", "reddish purple",
                                        "black", "yellow")]
plt.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
MOST_BARS = 30  # a category column with more values than this is a number: use churn_rate_by_bins
MOST_SIDE_BY_SIDE = 4


# --- checking what a learner passes -----------------------------------------------------------------


def _checked_axes(ax, name: str = "ax", may_be_none: bool = True):
    if ax is None and may_be_none:
        return None
    if isinstance(ax, Axes):
        return ax
    if isinstance(ax, np.ndarray) and ax.size and all(isinstance(a, Axes) for a in ax.flat):
        raise CourseError(f"{name} holds several charts; pass one of them, e.g. {name}[0].")
    if ax is plt or getattr(ax, "__name__", "") == "matplotlib.pyplot":
        raise CourseError(f"{name} should be one chart's axes, not the plt module. Make one with ax = plots.new_axes().")
    if hasattr(ax, "add_subplot"):
        raise CourseError(f"{name} should be one chart's axes, but it is a whole figure. Use figure.axes[0], "
                          "or make axes with ax = plots.new_axes().")
    if callable(ax):
        raise CourseError(f"{name} is a function, not a chart's axes: add the brackets, e.g. ax = plots.new_axes().")
    needed = "one chart's axes, like ax = plots.new_axes()" + (", or left out (a new chart is drawn)" if may_be_none else "")
    raise CourseError(f"{name} should be a matplotlib chart: {needed}; not {validate.kind_of(ax)}.")


def _checked_title(value, name: str) -> str:
    return _plain_text(validate.text(value, name, example="'Churn rate by contract'"))


# --- the charts -------------------------------------------------------------------------------------


@course_function
def new_axes(ax=None):
    """The axes to draw on: yours, or a fresh figure of the course's size."""
    ax = _checked_axes(ax)
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
    install_alt_formatter()  # the first figure may start the inline backend, which replaces the figure formatter
    return ax


@course_function
def label(ax, title: str, xlabel: str, ylabel: str):
    """Give a chart its title and axis labels (with units) in one call. A $ sign shows as typed."""
    ax = _checked_axes(ax, may_be_none=False)
    ax.set_title(_checked_title(title, "title"), loc="left", fontweight="bold")
    ax.set_xlabel(_checked_title(xlabel, "xlabel"))
    ax.set_ylabel(_checked_title(ylabel, "ylabel"))
    return ax


def _dollar_text(value, _position=None) -> str:
    amount = f"{abs(value) / 1000:,.4g}k" if abs(value) >= 1000 else f"{abs(value):,.0f}"
    return f"-${amount}" if value < 0 else f"${amount}"


def _exact_dollars(value) -> str:
    """$12,650 and -$3,450: a bar's label, to the dollar."""
    return f"-${abs(value):,.0f}" if value < 0 else f"${value:,.0f}"


def _dollar_axis(axis):
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=6))
    axis.set_major_formatter(FuncFormatter(_dollar_text))


def _plain_text(text: str) -> str:
    """Text shown as typed: a pair of $ signs would otherwise start matplotlib's maths mode."""
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))


# Where a point's name may go, in points from the point: beside, above, below, then further out.
LABEL_SPOTS = [(10, 0, "left", "center"), (-10, 0, "right", "center"), (0, 10, "center", "bottom"), (0, -10, "center", "top"),
               (8, 8, "left", "bottom"), (-8, 8, "right", "bottom"), (8, -8, "left", "top"), (-8, -8, "right", "top")]
LABEL_SPOTS += [(dx * 3, dy * 3, ha, va) for dx, dy, ha, va in LABEL_SPOTS if dx or dy]
LABEL_SPOTS += [(dx * 6, dy * 6, ha, va) for dx, dy, ha, va in LABEL_SPOTS[:8]]


def _label_points(ax, x, y, names) -> list:
    """Write each point's name next to it where it overlaps no other name, no point and stays inside the axes.

    Each name is measured once per alignment (a probe at the figure's corner) and its box at every spot is that
    measure moved to the spot: the same boxes as drawing the name at each spot, without an artist per try.
    """
    from matplotlib.transforms import Bbox

    figure = ax.figure
    # Lay the figure out first: the labels are placed in its final pixels (the layout engine alone is enough and
    # costs half a drawing; a figure without one is drawn, without rendering).
    engine = figure.get_layout_engine()
    with measured_once():  # the print measures these texts and ticks again: once is enough
        if engine is not None:
            engine.execute(figure)
        else:
            figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    markers = [ax.transData.transform((px, py)) for px, py in zip(x, y)]
    radius = 5 * figure.dpi / 72
    marker_boxes = [_marker_box(m, radius) for m in markers]
    points_to_pixels = figure.dpi / 72
    taken = []
    labels = []
    # The most crowded points choose first, while there is still room around them.
    crowding = [sum(np.hypot(*(m - other)) < 60 for other in markers) for m in markers]
    for index in sorted(range(len(names)), key=lambda i: (-crowding[i], i)):
        best = None
        anchor = markers[index]
        shapes = {}  # (ha, va) -> the name's box when its anchor is at pixel (0, 0)
        for dx, dy, ha, va in LABEL_SPOTS:
            if (ha, va) not in shapes:
                probe = ax.annotate(names[index], (0, 0), xycoords="figure pixels", xytext=(0, 0),
                                    textcoords="offset points", ha=ha, va=va, fontsize=8, annotation_clip=False)
                shapes[ha, va] = probe.get_window_extent(renderer)
                probe.remove()
            box = shapes[ha, va].translated(anchor[0] + dx * points_to_pixels,
                                            anchor[1] + dy * points_to_pixels).expanded(1.04, 1.15)
            inside = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1 and box.y0 >= axes_box.y0 and box.y1 <= axes_box.y1)
            clash = sum(1e5 + _overlap(box, other) for other in taken if _overlap(box, other) > 0)
            clash += sum(_overlap(box, marker_box) for marker_box in marker_boxes)
            # No other point right beside a name, or a reader pairs the name with the wrong point.
            clash += 1e4 * sum(_distance_to_box(m, box) < 2.5 * radius for k, m in enumerate(markers) if k != index)
            cost = clash + (0 if inside else 1e6)
            if best is None or cost < best[0]:
                best = (cost, (dx, dy, ha, va), Bbox(box.get_points()))
            if cost == 0:
                break
        _, (dx, dy, ha, va), box = best
        # every name gets a thin line to its point: no guessing which
        text = ax.annotate(names[index], (x[index], y[index]), xytext=(dx, dy), textcoords="offset points",
                           ha=ha, va=va, fontsize=8, annotation_clip=False,
                           arrowprops={"arrowstyle": "-", "color": NEUTRAL_COLOUR, "linewidth": 0.8, "shrinkA": 0, "shrinkB": 4})
        text.set_in_layout(False)
        text._churnlab_placed_in = box  # the padded pixels the name was placed in (tests check it is where it is drawn)
        taken.append(box)
        labels.append(text)
    return labels


def _distance_to_box(point, box) -> float:
    dx = max(box.x0 - point[0], 0.0, point[0] - box.x1)
    dy = max(box.y0 - point[1], 0.0, point[1] - box.y1)
    return float(np.hypot(dx, dy))


def _marker_box(centre, radius):
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius)


def _overlap(first, second) -> float:
    width = min(first.x1, second.x1) - max(first.x0, second.x0)
    height = min(first.y1, second.y1) - max(first.y0, second.y0)
    return max(width, 0.0) * max(height, 0.0)


def _checked_table(table, name: str, needs: tuple[str, ...], made_by: str) -> pd.DataFrame:
    return validate.dataframe(table, name, needs=needs, example=made_by)

