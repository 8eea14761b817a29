"""Every chart the lessons draw has a title and labelled axes (with a unit or a range where there is one)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from churnlab import load_churn, plots  # noqa: E402
from churnlab.economics import CampaignEconomics, compare_campaigns, profit_curve  # noqa: E402
from churnlab.exercises.core import course_model, course_split  # noqa: E402
from churnlab.model import feature_weights  # noqa: E402

UNIT_WORDS = ("%", "dollars", "0–1", "months", "customers", "log-odds")


pytestmark = pytest.mark.usefixtures("close_figures")  # scored and close_figures: tests/unit/conftest.py


def _charts(scored):
    y_test, scores = scored
    customers = load_churn()
    economics = CampaignEconomics()
    curve = profit_curve(y_test, scores, economics)
    contacted = (scores >= 0.5).astype(int)
    campaigns = {"model ≥ 0.5": pd.Series(contacted, index=y_test.index), "everyone": pd.Series(1, index=y_test.index)}
    table = compare_campaigns(y_test, campaigns, {"model ≥ 0.5": pd.Series(scores, index=y_test.index)},
                              {"profit at $10 ($)": economics})
    return {
        "churn_rate_by": [plots.churn_rate_by(customers, "contract")],
        "churn_rate_by_bins": [plots.churn_rate_by_bins(customers, "tenure", [0, 12, 24, 73], "months")],
        "feature_weights": [plots.feature_weights(feature_weights(course_model()))],
        "campaign_confusion_matrix": [plots.campaign_confusion_matrix(y_test, contacted)],
        "confusion_in_customer_words": [plots.confusion_in_customer_words(y_test, contacted)],
        "confusion_small_multiples": list(plots.confusion_small_multiples(y_test, scores, [0.2, 0.5])),
        "metrics_by_threshold": [plots.metrics_by_threshold(y_test, scores, marks={"0.5": 0.5})],
        "profit_by_threshold": [plots.profit_by_threshold(curve, 0.167)],
        "profit_curves_by_threshold": [plots.profit_curves_by_threshold({"$10 per contact": curve})],
        "runs_by_profit": [plots.runs_by_profit(pd.Series({"model C=1.0": 12640.0, "rule: month-to-month": 12010.0}))],
        "campaign_comparison": list(plots.campaign_comparison(table, ["profit at $10 ($)"])),
    }


def test_every_chart_has_a_title_and_labelled_axes(scored):
    for name, axes in _charts(scored).items():
        for ax in axes:
            assert ax.get_title(loc="left") or ax.get_title(), f"{name}: no title"
            assert ax.get_xlabel().strip() and ax.get_ylabel().strip(), f"{name}: an axis has no label"


def test_number_axes_say_their_unit(scored):
    charts = _charts(scored)
    for name in ("churn_rate_by", "churn_rate_by_bins", "feature_weights", "metrics_by_threshold",
                 "profit_by_threshold", "profit_curves_by_threshold", "runs_by_profit"):
        ax = charts[name][0]
        labels = ax.get_xlabel() + " " + ax.get_ylabel()
        assert any(word in labels for word in UNIT_WORDS), f"{name}: say the unit in an axis label ({labels!r})"


def test_profit_axes_read_as_dollars(scored):
    y_test, scores = scored
    ax = plots.profit_by_threshold(profit_curve(y_test, scores, CampaignEconomics()), 0.167)
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks and all("$" in t for t in ticks), ticks


def test_two_economics_keep_the_colours_of_lesson_04(scored):
    # Lesson 03's profit curves and lesson 04's profit bars both show $10 in blue and $30 in red.
    y_test, scores = scored
    cheap, expensive = CampaignEconomics(), CampaignEconomics(cost_per_contact=30)
    ax = plots.profit_curves_by_threshold({"$10": profit_curve(y_test, scores, cheap),
                                           "$30": profit_curve(y_test, scores, expensive)})
    colours = [matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines()[:2]]
    assert colours == [plots.STAY_COLOUR, plots.CHURN_COLOUR]
    assert np.isfinite([line.get_ydata() for line in ax.get_lines()[:2]]).all()


def test_feature_weights_speak_plain_english_and_say_what_the_colours_mean(scored):
    ax = plots.feature_weights(feature_weights(course_model()), top=39)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert "two-year contract" in names and "fibre-optic internet" in names and "months with us (tenure)" in names
    assert not [name for name in names if "_" in name], f"a column name shows as code: {names}"
    legend = ax.get_legend() or ax.figure.legends[0]
    meanings = {text.get_text(): matplotlib.colors.to_hex(handle.get_facecolor())
                for text, handle in zip(legend.get_texts(), legend.legend_handles)}
    assert meanings == {"red: raises churn risk": plots.CHURN_COLOUR, "blue: lowers churn risk": plots.STAY_COLOUR}
    bars = {t.get_text(): bar for t, bar in zip(ax.get_yticklabels(), ax.patches)}
    assert matplotlib.colors.to_hex(bars["two-year contract"].get_facecolor()) == plots.STAY_COLOUR
    assert matplotlib.colors.to_hex(bars["fibre-optic internet"].get_facecolor()) == plots.CHURN_COLOUR


def test_every_trait_of_the_model_has_words():
    for name in feature_weights(course_model()).index:
        known = name in plots.TRAIT_WORDS or name.startswith(tuple(plots.ADD_ON_WORDS))
        assert known, f"{name}: add its words to plots.TRAIT_WORDS"
        assert "_" not in plots.trait_in_words(name)


def _lesson_04_comparison(scored):
    from churnlab import rules

    y_test, scores = scored
    split = course_split()
    churn_scores = pd.Series(scores, index=y_test.index)
    points = rules.risk_points(split.X_test)
    month_to_month = rules.month_to_month(split.X_test)
    campaigns = {
        "contact everyone": pd.Series(1, index=y_test.index), "rule: month-to-month": month_to_month,
        "rule: month-to-month & new": month_to_month.eq(1) & split.X_test["tenure"].lt(12),
        "scorecard ≥ 3 points": points.ge(3), "scorecard ≥ 2 points": points.ge(2), "scorecard ≥ 4 points": points.ge(4),
        "model ≥ 0.167": churn_scores.ge(1 / 6), "model ≥ 0.500": churn_scores.ge(0.5),
    }
    ranking = {name: points for name in campaigns if name.startswith("scorecard")}
    ranking.update({name: churn_scores for name in campaigns if name.startswith("model")})
    economics = {"profit at $10 ($)": CampaignEconomics(), "profit at $30 ($)": CampaignEconomics(cost_per_contact=30)}
    return compare_campaigns(y_test, campaigns, ranking, economics)


def test_lesson_04_points_carry_their_names_without_overlap(scored):
    # Lesson 04's eight campaigns: three of them sit close together; each is named next to its point.
    table = _lesson_04_comparison(scored)
    left, _ = plots.campaign_comparison(table, ["profit at $10 ($)", "profit at $30 ($)"])
    figure = left.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    names = [text for text in left.texts]
    assert sorted(t.get_text() for t in names) == sorted(plots._plain_text(name) for name in table.index)
    assert left.get_legend() is None, "the points are named directly; a legend would repeat them"
    # The words themselves (an annotation's own extent also spans its thin line back to the point).
    boxes = [Text.get_window_extent(text, renderer) for text in names]
    axes_box = left.get_window_extent(renderer)
    for number, box in enumerate(boxes):
        assert axes_box.x0 <= box.x0 and box.x1 <= axes_box.x1 and axes_box.y0 <= box.y0 and box.y1 <= axes_box.y1
        for other in boxes[number + 1:]:
            assert not box.overlaps(other), f"labels overlap: {names[number].get_text()!r}"
    markers = left.transData.transform(np.column_stack([table["recall"], table["precision"]]))
    for text, box in zip(names, boxes):
        assert not any(box.x0 < x < box.x1 and box.y0 < y < box.y1 for x, y in markers), f"{text.get_text()!r} covers a point"


def test_lesson_04_names_are_placed_by_the_boxes_they_really_take(scored):
    # _label_points measures each name once per alignment, before the figure is drawn, and moves that box to each
    # spot it tries: the box it placed each name in must be where the name is finally drawn (padded as it pads).
    table = _lesson_04_comparison(scored)
    left, _ = plots.campaign_comparison(table, ["profit at $10 ($)", "profit at $30 ($)"])
    figure = left.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    assert len(left.texts) == len(table)
    for text in left.texts:
        drawn = Text.get_window_extent(text, renderer).expanded(1.04, 1.15)
        assert np.allclose(drawn.get_points(), text._churnlab_placed_in.get_points(), atol=1e-6), text.get_text()


def test_runs_chart_reads_in_dollars():
    ax = plots.runs_by_profit(pd.Series({"model C=0.1": 12650.0, "rule: month-to-month": 12010.0, "rule: bad": -3450.0}))
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all("$" in t for t in ticks), ticks
    bar_labels = sorted(text.get_text().replace("\\", "") for text in ax.texts)
    assert bar_labels == ["$12,010", "$12,650", "-$3,450"]


def test_small_multiples_share_one_colour_scale(scored):
    y_test, scores = scored
    axes = plots.confusion_small_multiples(y_test, scores, [0.17, 0.3, 0.5])
    limits = {ax.images[0].get_clim() for ax in axes}
    assert len(limits) == 1, f"each matrix has its own colour scale: {limits}"
    low, high = limits.pop()
    largest = max(int(text.get_text().split("\n")[0].replace(",", "")) for ax in axes for text in ax.texts)
    assert low == 0 and high == largest


def test_dollar_signs_in_charts_show_as_typed(scored):
    # Matplotlib reads the text between two $ as mathematics, as Jupyter's markdown does.
    for name, axes in _charts(scored).items():
        figure = axes[0].figure
        texts = [t for t in figure.findobj(matplotlib.text.Text) if t.get_text()]
        for text in texts:
            raw = text.get_text()
            unescaped = [i for i, char in enumerate(raw) if char == "$" and (i == 0 or raw[i - 1] != "\\")]
            assert len(unescaped) < 2, f"{name}: {raw!r} would be typeset as maths"


def test_plots_are_course_functions_with_friendly_errors():
    from churnlab.errors import CourseError

    assert plots.__all__ and all(getattr(getattr(plots, name), "course_function", False) for name in plots.__all__)
    with pytest.raises(CourseError, match="did you mean 'contract'"):
        plots.churn_rate_by(load_churn(), "Contract")


def test_profit_gaps_and_reliability_charts_read_in_dollars_and_shares(scored):
    from churnlab.economics import calibration_table
    from churnlab.uncertainty import Interval

    y_test, scores = scored
    ax = plots.profit_gaps({"at $10: model minus rule": Interval(420, -110, 920, share_above_zero=0.94),
                            "at $30: model minus rule": Interval(570, 100, 1200, share_above_zero=0.99)})
    ax.figure.canvas.draw()
    texts = [t.get_text().replace("\\", "") for t in ax.texts]
    assert "$420 [-$110, $920]: likely but not certain" in texts and "$570 [$100, $1,200]: clear" in texts
    assert "dollars" in ax.get_xlabel() and ax.get_title(loc="left")
    ax = plots.reliability(calibration_table(y_test, scores))
    assert "0–1" in ax.get_xlabel() and "0–1" in ax.get_ylabel() and ax.get_title(loc="left")
    plt.close("all")
