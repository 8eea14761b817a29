"""Charts for the lessons: each one titled, with labelled axes and units.

Every function draws on a new figure (or the ``ax`` you give) and returns the
axes; the notebook ends the cell with ``plt.show()``. Each one checks its
arguments first, so a natural mistake (``"Contract"`` for ``"contract"``, the
model where its weights belong) gives a one-line ``CourseError`` that says what
to fix.
"""
from __future__ import annotations

from churnlab.plots.alt_text import describe, install_alt_formatter
from churnlab.plots.basics import (  # noqa: F401
    ADD_ON_WORDS,
    TRAIT_WORDS,
    campaign_confusion_matrix,
    churn_rate_by,
    churn_rate_by_bins,
    confusion_in_customer_words,
    confusion_small_multiples,
    feature_weights,
    metrics_by_threshold,
    profit_by_threshold,
    profit_curves_by_threshold,
    roc_curve,
    runs_by_profit,
    saved_chart,
    trait_in_words,
)
from churnlab.plots.comparisons import campaign_comparison, profit_gaps, reliability  # noqa: F401
from churnlab.plots.style import (  # noqa: F401
    CHURN_COLOUR,
    CUSTOMER_WORDS,
    FIGURE_SIZE,
    LABEL_SPOTS,
    MOST_BARS,
    MOST_SIDE_BY_SIDE,
    NEUTRAL_COLOUR,
    OKABE_ITO,
    PALETTE,
    STAY_COLOUR,
    WIDE_FIGURE_SIZE,
    _plain_text,
    label,
    new_axes,
)

__all__ = [
    "aa_peeking",
    "ab_test_effects",
    "calibration_by_group",
    "campaign_comparison",
    "campaign_confusion_matrix",
    "churn_rate_by",
    "churn_rate_by_bins",
    "confusion_in_customer_words",
    "confusion_small_multiples",
    "describe",
    "detectable_effects",
    "feature_weights",
    "global_explanations",
    "label",
    "metrics_by_threshold",
    "model_health",
    "new_axes",
    "plot_truth",
    "power_curves",
    "profit_by_threshold",
    "profit_curves_by_threshold",
    "profit_gaps",
    "reason_codes",
    "recall_gaps",
    "reliability",
    "roc_curve",
    "runs_by_profit",
    "saved_chart",
]
# The launch lessons' charts (06-08) need fairness, abtest and monitoring: loaded on first use, so that
# lessons 01-05, which draw only the charts above, start quickly.
_LAUNCH_CHARTS = ('model_health', 'plot_truth', 'ab_test_effects', 'aa_peeking', 'power_curves', 'detectable_effects', 'recall_gaps', 'calibration_by_group', 'global_explanations',
                 'reason_codes')


install_alt_formatter()  # in a notebook: each chart's PNG carries its alt text (see churnlab.plots.alt_text)


def __getattr__(name: str):
    if name in _LAUNCH_CHARTS:
        from churnlab.plots import launch

        return getattr(launch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
