"""Charts for the lessons: each one titled, with labelled axes and units.

Every function draws on a new figure (or the ``ax`` you give) and returns the
axes; the notebook ends the cell with ``plt.show()``.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import PercentFormatter

FIGURE_SIZE = (7, 4)
CHURN_COLOUR, STAY_COLOUR, NEUTRAL_COLOUR = "#d1495b", "#00798c", "#8d99ae"


def new_axes(ax=None):
    """The axes to draw on: yours, or a fresh figure of the course's size."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
    return ax


def label(ax, title: str, xlabel: str, ylabel: str):
    """Give a chart its title and axis labels (with units) in one call."""
    ax.set_title(title, loc="left", fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def churn_rate_by(customers: pd.DataFrame, column: str, ax=None, overall_line: bool = True):
    """Bar chart: the share of customers who churned, for each value of ``column``."""
    rates = customers["churn"].eq("Yes").groupby(customers[column]).mean().sort_values(ascending=False)
    ax = new_axes(ax)
    ax.barh(rates.index.astype(str), rates.to_numpy(), color=CHURN_COLOUR)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if overall_line:
        overall = customers["churn"].eq("Yes").mean()
        ax.axvline(overall, color="black", linestyle="--", linewidth=1)
        ax.annotate(f"all customers: {overall:.1%}", (overall, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(4, -12), textcoords="offset points", fontsize=9)
    for y, rate in enumerate(rates.to_numpy()):
        ax.annotate(f"{rate:.0%}", (rate, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    pretty = column.replace("_", " ")
    return label(ax, f"Churn rate by {pretty}", "customers who churned (%)", pretty)


def feature_weights(weights: pd.Series, top: int = 10, ax=None):
    """Horizontal bars: the ``top`` largest weights by size; red raises churn risk, teal lowers it."""
    strongest = weights.reindex(weights.abs().sort_values(ascending=False).index).head(top)[::-1]
    ax = new_axes(ax)
    colours = [CHURN_COLOUR if w > 0 else STAY_COLOUR for w in strongest.to_numpy()]
    ax.barh(strongest.index, strongest.to_numpy(), color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    return label(ax, f"The {top} traits the model leans on most", "weight (> 0 raises churn risk, < 0 lowers it)", "customer trait")

def churn_rate_by_bins(customers: pd.DataFrame, column: str, bins, unit: str, ax=None):
    """Line chart: churn rate for ranges of a number (tenure in months, charges in dollars)."""
    groups = pd.cut(customers[column], bins=bins, right=False)
    churned = customers["churn"].eq("Yes")
    rates = churned.groupby(groups, observed=True).mean()
    ax = new_axes(ax)
    labels = [f"{int(b.left)}–{int(b.right) - 1}" for b in rates.index]
    ax.plot(labels, rates.to_numpy(), marker="o", color=CHURN_COLOUR)
    ax.set_ylim(0, max(0.6, float(rates.max()) + 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    pretty = column.replace("_", " ")
    return label(ax, f"Churn rate by {pretty}", f"{pretty} ({unit})", "customers who churned (%)")
