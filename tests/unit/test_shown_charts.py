"""A chart printed unchanged is printed once and read back after (churnlab.plots.kept): the same picture, never a stale one."""
from __future__ import annotations

from functools import partial

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from churnlab import plots
from churnlab.data import load_churn
from churnlab.plots import alt_text, kept

pytestmark = pytest.mark.usefixtures("close_figures")  # tests/unit/conftest.py


class _Shell:
    """What install_alt_formatter uses of IPython's shell, with the inline backend's PNG printer registered."""

    def __init__(self):
        from IPython.core.formatters import DisplayFormatter
        from IPython.core.pylabtools import print_figure
        from matplotlib.figure import Figure

        self.display_formatter = DisplayFormatter()
        self.display_formatter.formatters["image/png"].for_type(
            Figure, partial(print_figure, fmt="png", base64=True, bbox_inches="tight"))
        self.events = type("Events", (), {"register": lambda self, event, f: None})()


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """A shell whose printed charts are kept in a folder of this test; counts the charts really printed."""
    monkeypatch.setattr(kept, "_folder", tmp_path / "shown-charts")
    printed = []
    real = alt_text._printed_with_one_layout

    def counted(*args, **kwargs):
        printed.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(alt_text, "_printed_with_one_layout", counted)
    shell = _Shell()
    alt_text.install_alt_formatter(shell)
    shell.printed = printed
    return shell


def _png(shell, figure) -> str:
    data, metadata = shell.display_formatter.format(figure)
    assert metadata["image/png"]["alt"] == alt_text.alt_text(figure)  # the alt text is the figure's, kept or not
    return data["image/png"]


def _bars():
    return plots.churn_rate_by(load_churn(), "contract")


def test_an_unchanged_chart_is_printed_once_and_read_back_the_same_to_the_byte(shell):
    first = _png(shell, _bars().figure)
    assert len(shell.printed) == 1
    again = _png(shell, _bars().figure)
    assert again == first and len(shell.printed) == 1  # read back, not printed
    kept_folder = kept._folder
    kept._folder = None  # the same chart printed fresh, nothing kept: the same bytes
    try:
        figure = _bars().figure
        figure.stale = True
        assert shell.display_formatter.format(figure)[0]["image/png"] == first
    finally:
        kept._folder = kept_folder


def test_a_chart_changed_after_it_was_drawn_is_printed_again(shell):
    first = _png(shell, _bars().figure)
    ax = _bars()
    ax.set_title("Another title")
    changed = _png(shell, ax.figure)
    assert changed != first and len(shell.printed) == 2
    ax = _bars()
    ax.lines[0].set_color("#ff00ff")  # a change deep inside the chart marks the figure too
    assert _png(shell, ax.figure) != first and len(shell.printed) == 3


def test_other_numbers_other_settings_or_other_code_print_anew(shell, monkeypatch):
    customers = load_churn()
    _png(shell, plots.churn_rate_by(customers, "contract").figure)
    fewer = customers.iloc[:-1]
    _png(shell, plots.churn_rate_by(fewer, "contract").figure)
    assert len(shell.printed) == 2
    one_changed = customers.copy()
    first_answer = one_changed["churn"].iloc[0]
    one_changed.loc[one_changed.index[0], "churn"] = "No" if first_answer == "Yes" else "Yes"  # one customer of 7,043
    _png(shell, plots.churn_rate_by(one_changed, "contract").figure)
    assert len(shell.printed) == 3
    with matplotlib.rc_context({"font.size": 13}):
        _png(shell, plots.churn_rate_by(customers, "contract").figure)
    assert len(shell.printed) == 4
    monkeypatch.setattr(kept, "_code_version", lambda: "the package edited")
    _png(shell, plots.churn_rate_by(customers, "contract").figure)
    assert len(shell.printed) == 5


def test_a_chart_on_axes_you_give_or_with_an_argument_it_cannot_name_is_printed_as_before(shell):
    _, ax = plt.subplots()
    plots.churn_rate_by(load_churn(), "contract", ax=ax)
    _png(shell, ax.figure)
    _, ax = plt.subplots()
    plots.churn_rate_by(load_churn(), "contract", ax=ax)
    _png(shell, ax.figure)
    assert len(shell.printed) == 2
    assert kept.what_it_shows(plots.churn_rate_by, (object(),), {}) is None


def test_names_tell_apart_values_that_print_alike():
    def name(value):
        return kept.what_it_shows(lambda value: None, (value,), {})

    values = [1, 1.0, True, "1", np.int64(1), np.float64(1.0), [1], (1,), {"a": 1}, {"b": 1},
              np.array([1, 2]), np.array([1.0, 2.0]), np.array([2, 1]), pd.Series([1, 2]), pd.Series([1, 2], name="x"),
              pd.Series([1, 2], index=[5, 6]), pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"b": [1, 2]}),
              pd.Series(["a", "b"], dtype="category"), pd.Series(["a", "b"]), pd.Series([0.1, 0.2 + 1e-16]),
              pd.DataFrame({"a": [1, 2]}, index=pd.MultiIndex.from_tuples([("x", 1), ("x", 2)])),
              pd.DataFrame({"a": [1, 2]}, index=pd.MultiIndex.from_tuples([("x", 1), ("y", 2)])),
              pd.Series(pd.to_datetime(["2027-01-01", "2027-02-01"])), pd.Series(pd.to_datetime(["2027-01-01", "2027-02-02"])),
              pd.Series(pd.to_datetime(["2027-01-01", "2027-02-01"]).tz_localize("UTC")), pd.Timestamp("2027-01-01"),
              pd.Timestamp("2027-01-01 00:00:00.000000001"), pd.NaT, pd.Series([pd.Timedelta(days=1)]),
              np.array(["a\0", "b"], dtype=object), np.array(["a", "\0b"], dtype=object), np.array(["a", "b"], dtype=object),
              np.array(["ab"], dtype=object), pd.Series(["a", None]), pd.Series(["a", "None"]),
              np.array(["\0"], dtype=object), np.array(["1:", ""], dtype=object)]
    names = [name(value) for value in values]
    assert None not in names and len(set(names)) == len(values)
    assert name(pd.DataFrame({"a": [1, 2]})) == name(pd.DataFrame({"a": [1, 2]}))


def test_every_chart_function_names_what_it_shows():
    drawing_helpers = {"describe", "label", "new_axes"}  # they draw nothing of their own
    charts = [name for name in plots.__all__ if name not in drawing_helpers]
    unwrapped = [name for name in charts
                 if getattr(getattr(plots, name), "__wrapped__", None) is None
                 or getattr(getattr(plots, name).__wrapped__, "__wrapped__", None) is None]
    assert not unwrapped, f"chart functions without @shown_once under @course_function: {unwrapped}"
