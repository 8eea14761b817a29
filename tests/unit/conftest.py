"""Fixtures the chart tests share (tests/unit/test_plots.py, test_alt_text_and_palette.py)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from churnlab.model import course_model, course_split  # noqa: E402


@pytest.fixture(scope="module")
def scored():
    """The test customers' labels and the course model's churn scores."""
    split = course_split()
    return split.y_test, course_model().predict_proba(split.X_test)[:, 1]


@pytest.fixture
def close_figures():
    """Close every figure a test drew (request it, or use it with autouse in a module that draws)."""
    yield
    plt.close("all")
