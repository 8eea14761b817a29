"""Every chart the lessons draw has a title and labelled axes (with a unit or a range where there is one)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from churnlab import load_churn, plots  # noqa: E402
from churnlab.economics import CampaignEconomics, compare_campaigns, profit_curve  # noqa: E402
from churnlab.exercises.core import course_model, course_split  # noqa: E402
from churnlab.model import feature_weights  # noqa: E402

UNIT_WORDS = ("%", "dollars", "0–1", "months", "customers", "log-odds")


@pytest.fixture(scope="module")
def scored():
    split = course_split()
    return split.y_test, course_model().predict_proba(split.X_test)[:, 1]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


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
    # Lesson 03's profit curves and lesson 04's profit bars both show $10 in teal and $30 in red.
    y_test, scores = scored
    cheap, expensive = CampaignEconomics(), CampaignEconomics(cost_per_contact=30)
    ax = plots.profit_curves_by_threshold({"$10": profit_curve(y_test, scores, cheap),
                                           "$30": profit_curve(y_test, scores, expensive)})
    colours = [matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines()[:2]]
    assert colours == [plots.STAY_COLOUR, plots.CHURN_COLOUR]
    assert np.isfinite([line.get_ydata() for line in ax.get_lines()[:2]]).all()
