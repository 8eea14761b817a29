"""Every learner can see the charts: alt text on every chart, and colours that colour-blind readers tell apart.

- **Alt text.** Each chart of ``churnlab.plots`` writes a sentence saying what it shows and its main message,
  from the numbers it draws; IPython's PNG formatter of figures, wrapped when ``churnlab.plots`` is imported,
  puts it in the output's metadata (``{"image/png": {"alt": ...}}``), which nbconvert's HTML writes as the
  ``<img>``'s ``alt``. The stored outputs of ``notebooks/`` and ``solutions/`` are checked too: every image has
  alt text. To check a re-executed copy of the course instead, point ``CHURNLAB_NOTEBOOKS_ROOT`` at it (the
  folder holding its ``notebooks/`` and ``solutions/``).
- **Colours.** The simulation of the two common colour-vision deficiencies, protanopia and deuteranopia, uses
  Machado, Oliveira & Fernandes (2009)'s matrices at severity 1 on linear RGB; colours are compared in CIELAB
  (D65) with CIEDE2000. Colours that series of one chart are told apart by stay at least ``SERIES_DISTANCE``
  apart in normal vision and in both simulations, or the series also differ in line style or marker.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import os
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402
from matplotlib.container import ErrorbarContainer  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from churnlab import load_churn, plots  # noqa: E402
from churnlab.economics import CampaignEconomics, compare_campaigns, profit_curve  # noqa: E402
from churnlab.errors import CourseError  # noqa: E402
from churnlab.exercises.core import course_model  # noqa: E402
from churnlab.model import feature_weights  # noqa: E402
from churnlab.plots.alt_text import alt_text, install_alt_formatter  # noqa: E402
from churnlab.plots.basics import VERDICT_COLOURS  # noqa: E402

ROOT = Path(os.environ.get("CHURNLAB_NOTEBOOKS_ROOT") or Path(__file__).resolve().parents[2])
SERIES_DISTANCE = 20.0  # CIEDE2000; 2.3 is a just-noticeable difference, 20 tells lines apart at a glance

# Machado et al. 2009, severity 1.0, applied to linear RGB.
MACHADO = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
}
VISIONS = (None, "protanopia", "deuteranopia")
RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])


def seen_as_lab(colour, vision=None) -> np.ndarray:
    """CIELAB (D65) of a colour as a reader with ``vision`` sees it (None: normal colour vision)."""
    rgb = np.array(to_rgb(colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if vision is not None:
        linear = np.clip(MACHADO[vision] @ linear, 0, 1)
    xyz = (RGB_TO_XYZ @ linear) / RGB_TO_XYZ.sum(axis=1)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e_2000(first, second) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu & Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = first, second
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    rotation = -np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))) * 2 * np.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    terms = ((l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h)
    return float(np.sqrt(terms[0] ** 2 + terms[1] ** 2 + terms[2] ** 2 + rotation * terms[1] * terms[2]))


def closest_seen(first, second) -> tuple[float, str]:
    """The smallest difference of two colours over normal vision, protanopia and deuteranopia, and where."""
    return min((delta_e_2000(seen_as_lab(first, vision), seen_as_lab(second, vision)), vision or "normal vision")
               for vision in VISIONS)


# --- the simulation itself -------------------------------------------------------------------------------------


def test_the_colour_difference_matches_the_published_test_data():
    # Sharma, Wu & Dalal (2005), table 1, pairs 1 and 7.
    assert delta_e_2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert delta_e_2000((50.0, 0.0, 0.0), (50.0, -1.0, 2.0)) == pytest.approx(2.3669, abs=1e-4)


def test_the_simulation_confuses_red_and_green_as_colour_blind_readers_do():
    red, green = "#d62728", "#2ca02c"  # matplotlib's old default red and green
    assert delta_e_2000(seen_as_lab(red), seen_as_lab(green)) > 60
    assert delta_e_2000(seen_as_lab(red, "deuteranopia"), seen_as_lab(green, "deuteranopia")) < 10
    assert closest_seen("#ffffff", "#000000")[0] == pytest.approx(100, abs=0.1)  # greys stay as they are


# --- the palette --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, colours", [
    ("churn, stay, neutral and black lines", [plots.CHURN_COLOUR, plots.STAY_COLOUR, plots.NEUTRAL_COLOUR, "black"]),
    ("profit gaps' verdicts", list(VERDICT_COLOURS.values())),
    ("the first three default colours (C0-C2) of plain matplotlib charts", plots.PALETTE[:3]),
])
def test_colours_charts_set_side_by_side_stay_apart_for_colour_blind_readers(name, colours):
    for first, second in itertools.combinations(colours, 2):
        distance, vision = closest_seen(first, second)
        assert distance >= SERIES_DISTANCE, f"{name}: {first} and {second} are only {distance:.1f} apart in {vision}"


def test_every_chart_uses_the_okabe_ito_palette():
    assert plots.CHURN_COLOUR == plots.OKABE_ITO["vermillion"] and plots.STAY_COLOUR == plots.OKABE_ITO["blue"]
    assert [to_hex(c) for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]] == plots.PALETTE
    assert set(plots.PALETTE) == set(plots.OKABE_ITO.values())


# --- every chart: alt text, and series told apart ---------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("close_figures")  # scored and close_figures: tests/unit/conftest.py


def _figures(y_test, scores) -> dict:
    from churnlab.economics import calibration_table
    from churnlab.uncertainty import profit_difference

    customers = load_churn()
    cheap, expensive = CampaignEconomics(), CampaignEconomics(cost_per_contact=30)
    curve = profit_curve(y_test, scores, cheap)
    contacted = pd.Series((scores >= 0.5).astype(int), index=y_test.index)
    everyone = pd.Series(1, index=y_test.index)
    table = compare_campaigns(y_test, {"model ≥ 0.5": contacted, "everyone": everyone},
                              {"model ≥ 0.5": pd.Series(scores, index=y_test.index)},
                              {"profit at $10 ($)": cheap, "profit at $30 ($)": expensive})
    gap = profit_difference(y_test, contacted, everyone, cheap)
    charts = {
        "churn_rate_by": plots.churn_rate_by(customers, "contract"),
        "churn_rate_by_bins": plots.churn_rate_by_bins(customers, "tenure", [0, 12, 24, 73], "months"),
        "feature_weights": plots.feature_weights(feature_weights(course_model())),
        "campaign_confusion_matrix": plots.campaign_confusion_matrix(y_test, contacted),
        "confusion_in_customer_words": plots.confusion_in_customer_words(y_test, contacted),
        "confusion_small_multiples": plots.confusion_small_multiples(y_test, scores, [0.2, 0.5])[0],
        "metrics_by_threshold": plots.metrics_by_threshold(y_test, scores, marks={"a": 0.2, "b": 0.3, "c": 0.4, "d": 0.5}),
        "profit_by_threshold": plots.profit_by_threshold(curve, 0.167),
        "profit_curves_by_threshold": plots.profit_curves_by_threshold(
            {"$10": curve, "$30": profit_curve(y_test, scores, expensive)}, marks={"break-even": 0.167, "F1-best": 0.3}),
        "runs_by_profit": plots.runs_by_profit(pd.Series({"model C=1.0": 12640.0, "rule: month-to-month": 12010.0})),
        "campaign_comparison": plots.campaign_comparison(table, ["profit at $10 ($)", "profit at $30 ($)"])[0],
        "profit_gaps": plots.profit_gaps({"model vs everyone at $10": gap}),
        "reliability": plots.reliability(calibration_table(y_test, scores)),
    }
    return {name: ax.figure for name, ax in charts.items()}


def test_every_chart_says_what_it_shows_and_its_message_in_numbers(scored):
    for name, figure in _figures(*scored).items():
        text = alt_text(figure)
        assert text and len(text) > 60, f"{name}: no alt text worth the name: {text!r}"
        assert any(ch.isdigit() for ch in text), f"{name}: its alt text states no number from the chart: {text}"
        assert "\\$" not in text and "\n" not in text, f"{name}: {text!r} reads plot markup aloud"


def test_alt_text_states_what_the_chart_draws():
    customers = load_churn()
    figure = plots.churn_rate_by(customers, "contract").figure
    rates = customers["churn"].eq("Yes").groupby(customers["contract"]).mean()
    assert f"Highest: Month-to-month, {rates['Month-to-month']:.0%}" in alt_text(figure)
    assert f"lowest: Two year, {rates['Two year']:.0%}" in alt_text(figure)


def _legend_entries(figure):
    for legend in [ax.get_legend() for ax in figure.axes] + list(figure.legends):
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            if isinstance(handle, ErrorbarContainer):
                handle = handle.lines[0]
            if isinstance(handle, Line2D):
                yield text.get_text(), handle.get_color(), (str(handle.get_linestyle()), str(handle.get_marker()))
            elif isinstance(handle, Patch):
                yield text.get_text(), handle.get_facecolor(), ("patch", "patch")


def test_no_chart_tells_two_series_apart_by_a_colour_colour_blind_readers_confuse(scored):
    for name, figure in _figures(*scored).items():
        for (label1, colour1, style1), (label2, colour2, style2) in itertools.combinations(list(_legend_entries(figure)), 2):
            if style1 != style2:
                continue  # the lines differ in style or marker too
            distance, vision = closest_seen(colour1, colour2)
            assert distance >= SERIES_DISTANCE, (f"{name}: {label1!r} and {label2!r} differ by colour alone, only "
                                                 f"{distance:.1f} apart in {vision}")


# --- the notebook output: IPython's figure formatter carries the alt text ------------------------------------------------


class _Shell:
    """What install_alt_formatter uses of IPython's shell, with the inline backend's PNG printer registered."""

    def __init__(self, printer):
        from IPython.core.formatters import DisplayFormatter
        from matplotlib.figure import Figure

        self.display_formatter = DisplayFormatter()
        self.display_formatter.formatters["image/png"].for_type(Figure, printer)
        self.events = type("Events", (), {"callbacks": [], "register": lambda self, event, f: self.callbacks.append((event, f))})()


def _png_printers():
    from IPython.core.pylabtools import print_figure, retina_figure

    return {"png": partial(print_figure, fmt="png", base64=True), "retina": partial(retina_figure, base64=True)}


@pytest.mark.parametrize("kind", ["png", "retina"])
def test_a_displayed_chart_carries_its_alt_text_in_the_png_metadata(kind):
    shell = _Shell(_png_printers()[kind])
    assert install_alt_formatter(shell)
    figure = plots.churn_rate_by(load_churn(), "contract").figure
    data, metadata = shell.display_formatter.format(figure)
    assert data["image/png"] and metadata["image/png"]["alt"] == alt_text(figure)
    if kind == "retina":  # the printer's own metadata (the size) stays
        assert {"width", "height"} <= set(metadata["image/png"])


def _inline_png_printer():
    from IPython.core.pylabtools import print_figure

    return partial(print_figure, fmt="png", base64=True, bbox_inches="tight")  # what the inline backend registers


@pytest.mark.parametrize("draw", ["bars", "three panels and a colour bar", "scatter with named points"])
def test_a_chart_prints_with_one_layout_the_same_png_as_the_inline_printer(draw, scored):
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    y_test, scores = scored
    charts = {
        "bars": lambda: plots.churn_rate_by(load_churn(), "contract").figure,
        "three panels and a colour bar": lambda: plots.confusion_small_multiples(y_test, scores, [0.2, 0.5])[0].figure,
        "scatter with named points": lambda: plots.campaign_comparison(
            pd.DataFrame({"precision": [0.5, 0.52, 0.7], "recall": [0.8, 0.79, 0.3], "profit, 10 dollars": [900.0, 880.0, 400.0]},
                         index=["model >= 0.2", "scorecard >= 3", "month-to-month"]), ["profit, 10 dollars"])[0].figure,
    }
    printer = _inline_png_printer()
    expected = printer(charts[draw]())
    plt.close("all")
    shell = _Shell(printer)
    install_alt_formatter(shell)
    figure = charts[draw]()
    data, metadata = shell.display_formatter.format(figure)
    assert data["image/png"] == expected
    assert metadata["image/png"]["alt"] == alt_text(figure)
    assert isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)  # set aside only while printing
    plt.close("all")


def test_within_measured_once_a_print_measures_each_text_once_and_works_out_ticks_less_often(monkeypatch):
    import matplotlib
    from matplotlib.axis import Axis
    from matplotlib.backends.backend_agg import RendererAgg

    from churnlab.plots import alt_text as module

    calls = {"measure": 0, "ticks": 0}
    measure, update_ticks = RendererAgg.get_text_width_height_descent, Axis._update_ticks

    def counted_measure(self, *args, **kwargs):
        calls["measure"] += 1
        return measure(self, *args, **kwargs)

    def counted_ticks(self):
        calls["ticks"] += 1
        return update_ticks(self)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counted_measure)
    monkeypatch.setattr(Axis, "_update_ticks", counted_ticks)
    monkeypatch.setattr(module, "_TEXT_SIZES", {})
    printer, customers = _inline_png_printer(), load_churn()
    text_sizes = matplotlib.text._get_text_metrics_with_cache

    def printed(once=False, **rc):
        with matplotlib.rc_context(rc):
            figure = plots.churn_rate_by(customers, "payment_method").figure
            calls.update(measure=0, ticks=0)
            with module.measured_once() if once else contextlib.nullcontext():
                png = printer(figure)
            plt.close(figure)
            return png, dict(calls)

    plain, before = printed()
    once, within = printed(once=True)
    again, second = printed(once=True)  # the same texts: measured already (matplotlib 3.10 measures a legend's "lp" itself)
    hinted, other_settings = printed(once=True, **{"text.hinting": "no_hinting"})
    assert once == plain and again == plain  # the same picture
    assert 0 < within["measure"] < before["measure"] and second["measure"] < within["measure"]
    assert other_settings["measure"] > 0 and hinted != plain  # other text settings: measured anew, other sizes
    assert 0 < within["ticks"] <= before["ticks"] / 2
    # matplotlib is as it was after the block
    assert matplotlib.text._get_text_metrics_with_cache is text_sizes and Axis._update_ticks is counted_ticks
    _, after = printed()
    assert after == before


def test_a_printer_with_other_options_prints_as_before():
    from churnlab.plots.alt_text import _printed_with_one_layout

    calls = []

    def printer(figure, **options):
        calls.append(options)
        return b"png"

    figure = plots.churn_rate_by(load_churn(), "contract").figure
    assert _printed_with_one_layout(partial(printer, dpi=200), figure) == b"png"
    assert calls == [{"dpi": 200}] and figure.get_layout_engine() is not None
    plt.close("all")


def test_the_alt_text_survives_the_inline_backend_registering_its_formatter_again():
    from matplotlib.figure import Figure

    shell = _Shell(_png_printers()["png"])
    install_alt_formatter(shell)
    install_alt_formatter(shell)  # wraps once
    assert not getattr(shell.display_formatter.formatters["image/png"].lookup_by_type(Figure).wrapped, "churnlab_alt_text", False)
    shell.display_formatter.formatters["image/png"].for_type(Figure, _png_printers()["retina"])  # %config figure_format
    [(event, rewrap)] = shell.events.callbacks
    assert event == "pre_run_cell"
    rewrap(None)
    figure = plots.churn_rate_by(load_churn(), "contract").figure
    assert shell.display_formatter.format(figure)[1]["image/png"]["alt"] == alt_text(figure)


def test_a_plain_matplotlib_chart_gets_a_sentence_from_its_own_words_and_an_empty_one_none():
    ax = plots.new_axes()
    ax.plot([0, 1], [0, 1], label="churn model (AUC = 0.84)")
    ax.legend()
    plots.label(ax, "The model ranks churners well above chance", "false positive rate", "true positive rate")
    assert alt_text(ax.figure) == ("Chart: The model ranks churners well above chance. It shows true positive rate against "
                                   "false positive rate. Legend: churn model (AUC = 0.84).")
    _, bare = plt.subplots()
    bare.imshow(np.zeros((2, 2)))
    bare.set_axis_off()
    assert alt_text(bare.figure) is None
    plots.describe(bare, "The profit curve logged with the best run: it peaks at $1,234.")
    assert alt_text(bare.figure) == "The profit curve logged with the best run: it peaks at $1,234."


def test_describe_says_what_to_fix():
    with pytest.raises(CourseError, match="axes or a figure"):
        plots.describe("my chart", "A chart.")
    with pytest.raises(CourseError):
        plots.describe(plots.new_axes(), 3)


# --- the stored outputs of the lessons and solutions -------------------------------------------------------------


def _stored_notebooks():
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))


@pytest.mark.parametrize("path", _stored_notebooks(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_stored_image_output_has_alt_text(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    missing = []
    for number, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            for kind in [k for k in output.get("data", {}) if k.startswith("image/")]:
                alt = output.get("metadata", {}).get(kind, {}).get("alt")
                if not (isinstance(alt, str) and alt.strip()):
                    missing.append(f"cell {number} ({kind}): {''.join(cell['source'])[:80]!r}")
    assert not missing, (f"{path.name}: images without alt text (draw with churnlab.plots, or plots.describe(ax, ...), then "
                         "re-run the notebook with tools/execute_notebooks.py):\n" + "\n".join(missing))
