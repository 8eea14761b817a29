"""churnlab.monitoring: PSI against hand-computed cases, the health table against the simulator's truth, the SQL helper's
messages, the health page, and the MLflow readers."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from churnlab import kept_results, monitoring, world
from churnlab.errors import CourseError
from churnlab.exercises.core import course_split

INCIDENTS = dict(promotion=400, promotion_from=3, price_rise=0.08, price_rise_from=5,
                 data_bug=0.3, data_bug_from=7, fiber_competitor=0.6, fiber_competitor_from=9)


@pytest.fixture(scope="module")
def year():
    from churnlab.exercises.lesson08 import practice_year

    return practice_year()


@pytest.fixture(scope="module")
def health(year):
    return monitoring.health_table(year)


# --- PSI ------------------------------------------------------------------------------------------


def test_identical_data_gives_zero():
    values = pd.Series(np.arange(100.0))
    assert monitoring.psi(values, values) == 0.0
    text = pd.Series(["a", "b", "b", "c"])
    assert monitoring.psi(text, text) == 0.0


def test_two_bins_by_hand():
    # Reference cut at its median (2 bins): half and half. Current: a quarter below, three quarters above.
    reference = pd.Series([1.0, 2.0, 3.0, 4.0])
    current = pd.Series([1.0, 3.0, 3.0, 4.0])
    expected = (0.25 - 0.5) * math.log(0.25 / 0.5) + (0.75 - 0.5) * math.log(0.75 / 0.5)
    assert monitoring.psi(reference, current, bins=2) == pytest.approx(expected, abs=1e-12)


def test_categories_by_hand():
    reference = pd.Series(["Month-to-month"] * 6 + ["One year"] * 2 + ["Two year"] * 2)
    current = pd.Series(["Month-to-month"] * 8 + ["One year"] * 1 + ["Two year"] * 1)
    expected = (0.8 - 0.6) * math.log(0.8 / 0.6) + 2 * (0.1 - 0.2) * math.log(0.1 / 0.2)
    assert monitoring.psi(reference, current) == pytest.approx(expected, abs=1e-12)


def test_an_empty_bin_counts_as_a_tiny_share_not_infinity():
    reference = pd.Series(["a"] * 10)
    current = pd.Series(["a"] * 5 + ["b"] * 5)  # 'b' is empty in the reference
    share = monitoring.EMPTY_BIN_SHARE
    expected = (0.5 - 1.0) * math.log(0.5 / 1.0) + (0.5 - share) * math.log(0.5 / share)
    assert monitoring.psi(reference, current) == pytest.approx(expected, abs=1e-12)
    assert math.isfinite(monitoring.psi(pd.Series(np.arange(100.0)), pd.Series(np.full(100, 1e6))))


def test_empty_values_are_left_out_of_psi_and_counted_as_data_quality():
    reference = pd.Series(np.arange(100.0))
    current = reference.copy()
    current[::3] = np.nan  # the data bug: a third empty, at random places; the known values are spread as before
    assert monitoring.psi(reference, current) < 0.02  # no floor artefact: empties are not drift
    with pytest.raises(CourseError, match="data-quality"):
        monitoring.psi(reference, pd.Series([np.nan] * 10))
    assert "left out" in monitoring.PSI_BINNING and "deciles" in monitoring.PSI_BINNING and monitoring.PSI_BINS == 10


def test_bins_are_cut_at_the_reference_deciles():
    reference = pd.Series(np.arange(1000.0))
    shifted = reference + 100  # a tenth of the way: the lowest decile empties, the top bin doubles
    share = monitoring.EMPTY_BIN_SHARE
    expected = (share - 0.1) * math.log(share / 0.1) + (0.2 - 0.1) * math.log(0.2 / 0.1)
    assert monitoring.psi(reference, shifted) == pytest.approx(expected, abs=1e-9)


def test_psi_of_the_course_data_matches_the_lesson():
    split = course_split()
    charges = split.X_test["monthly_charges"]
    assert monitoring.psi(split.X_train["monthly_charges"], charges) == pytest.approx(0.012, abs=0.001)
    five, ten = monitoring.psi(charges, charges * 1.05), monitoring.psi(charges, charges * 1.10)
    assert 0.25 < five < ten  # prices up 5 % already reads as "significant"
    assert monitoring.psi_verdict(0.05) == "little change"
    assert monitoring.psi_verdict(0.10) == "moderate change"
    assert monitoring.psi_verdict(0.25) == "significant change"


def test_ks_alarms_at_scale_while_psi_stays_put():
    charges = course_split().X_test["monthly_charges"]
    table = monitoring.drift_at_sizes(charges, shift=0.02, sizes=[500, 50_000], draws=20, seed=0)
    says = table["KS says different (p < 0.05)"]
    assert says.loc[500] < 0.6 and says.loc[50_000] == 1.0
    assert table.loc[50_000, "PSI 95th percentile"] < 0.10
    # the same shift reads a larger PSI on fewer customers, on average, and spreads far wider
    assert table.loc[500, "PSI mean"] > table.loc[50_000, "PSI mean"]
    spread = table["PSI 95th percentile"] - table["PSI 5th percentile"]
    assert spread.loc[500] > 3 * spread.loc[50_000]


def test_psi_under_no_change_is_noise_that_shrinks_with_volume():
    charges = course_split().X_test["monthly_charges"]
    table = monitoring.drift_at_sizes(charges, shift=0, sizes=[500, 7_000], draws=100, seed=1)
    assert (table["PSI 5th percentile"] > 0).all()  # never exactly 0, even with no change
    assert table.loc[7_000, "PSI 99th percentile"] < table.loc[500, "PSI 99th percentile"] / 5
    assert table.loc[7_000, "PSI 99th percentile"] < 0.02 < table.loc[500, "PSI 99th percentile"] < 0.25
    # with no change, p < 0.05 happens about 5 % of the time at any size
    assert table["KS says different (p < 0.05)"].between(0.0, 0.15).all()
    with pytest.raises(CourseError, match="draws"):
        monitoring.drift_at_sizes(charges, draws=1)


def test_the_ks_p_values_match_scipy_asymptotic():
    from scipy.stats import ks_2samp

    from churnlab.monitoring.drift import _ks_p_values

    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(4, 300)), rng.normal(0.1, size=(4, 400))
    ours = _ks_p_values(a, b)
    for mine, x, y in zip(ours, a, b):
        assert mine == pytest.approx(ks_2samp(x, y, method="asymp").pvalue, abs=0.02)


# --- the label-free estimate -----------------------------------------------------------------------


def test_expected_precision_is_the_mean_score_of_the_flagged():
    scores = pd.Series([0.1, 0.2, 0.5, np.nan, 0.9])
    assert monitoring.expected_precision(scores, 0.2) == pytest.approx((0.2 + 0.5 + 0.9) / 3)
    with pytest.raises(CourseError, match="nobody is flagged"):
        monitoring.expected_precision(scores, 0.95)


# --- the health table, against the simulator's truth ------------------------------------------------------


def test_health_table_has_one_row_per_month_and_labels_arrive_late(health):
    assert health.index.tolist() == list(range(1, 13))
    assert health["realised_precision"].loc[1:10].notna().all()
    assert health["realised_precision"].loc[11:12].isna().all()
    assert health.attrs["simulated"]


def test_each_planted_incident_shows_where_the_lesson_says(health):
    found = monitoring.alerts(health)
    first = found.groupby("signal")["month"].min()
    assert first["PSI of monthly_charges"] == 5  # price rise
    assert first["share of rows with an empty input"] == 7  # data bug: a data-quality alert...
    assert health.loc[7, "psi_total_charges"] < 0.25  # ...and not a drift alert (PSI leaves empty values out)
    assert first["leaving rate vs reference (relative)"] == 5
    assert health.loc[9, "leaving_rate"] > 1.1 * health.loc[8, "leaving_rate"]  # the competitor, the month it starts
    assert (health["psi_internet_service"] < 0.05).all()  # the competitor moves no input
    # the label-free estimate does not move, while the realised precision (same customers) pulls away from it
    assert (health.loc[9:10, "estimated_precision"] - health.loc[5:6, "estimated_precision"].mean()).abs().max() < 0.03
    gap = health["realised_precision"] - health["estimated_precision"]
    assert gap.loc[7:10].min() > 0.1 and gap.loc[7:10].min() > gap.loc[1:2].max() + 0.05
    assert health.loc[8:10, "holdout_flagged"].gt(300).all()
    assert not (found["panel"] == "system").any()  # no incident was planted in system health


def test_realised_precision_on_the_hold_out_matches_the_truth_without_campaign(year, health):
    truth = year.truth_by_customer
    flagged = year.predictions["churn_score"].to_numpy() >= year.settings["threshold"]
    holdout = year.assignments["arm"].eq("hold-out").to_numpy()
    for month in (3, 6, 9):
        rows = flagged & holdout & year.predictions["month"].eq(month).to_numpy()
        assert health.loc[month, "realised_precision"] == pytest.approx(truth.loc[rows, "churned"].mean())
        assert health.loc[month, "realised_precision"] == pytest.approx(truth.loc[rows, "churned_without_campaign"].mean())


def test_the_estimate_is_read_on_the_same_customers_as_the_realised_precision(year, health):
    flagged = year.predictions["churn_score"].to_numpy() >= year.settings["threshold"]
    holdout = year.assignments["arm"].eq("hold-out").to_numpy()
    for month in (2, 9):
        rows = flagged & holdout & year.predictions["month"].eq(month).to_numpy()
        assert health.loc[month, "estimated_precision"] == pytest.approx(year.predictions.loc[rows, "churn_score"].mean())
        assert health.loc[month, "holdout_flagged"] == rows.sum()


def test_estimated_profit_falls_short_of_the_realised_profit_as_the_model_under_estimates(health):
    # world 2's champion under-estimates who leaves, more so after the incidents: the estimate falls further short
    shortfall = health["realised_profit"] / health["estimated_profit"] - 1
    assert (shortfall.loc[1:10] > 0).all() and shortfall.loc[7:10].mean() > shortfall.loc[1:2].mean()


def test_health_table_needs_a_hold_out():
    no_holdout = world.simulate(months=2, seed=1, customers=300)
    with pytest.raises(CourseError, match="hold-out"):
        monitoring.health_table(no_holdout)


def test_health_page_is_small_self_contained_and_marks_alerts(health, tmp_path, monkeypatch):
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    path = monitoring.write_health_page(health)
    assert path.parent == tmp_path and path.name == "model_health.html"
    page = path.read_text(encoding="utf-8")
    assert len(page.encode()) < 400_000
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert not re.search(r"(src|href)=\"https?:|url\(https?:|@import", page)  # nothing to fetch: works offline
    assert "Simulated" in page or "simulated" in page
    assert '<tr data-month="7">' in page and 'data-column="empty_share" class="alert"' in page
    assert page.count("<svg") == 1


# --- SQL -------------------------------------------------------------------------------------------


def test_sql_answers_over_the_logs(year):
    result = monitoring.sql("SELECT month, count(*) AS n FROM predictions GROUP BY month ORDER BY month", year)
    assert result["n"].tolist() == year.predictions.groupby("month").size().tolist()
    extra = monitoring.sql("SELECT count(*) AS n FROM mine", mine=pd.DataFrame({"a": [1, 2, 3]}))
    assert int(extra["n"].iloc[0]) == 3


@pytest.mark.parametrize("query, phrase", [
    ("SELECT month churn_score FROM predictions GROUP BY", "syntax error"),
    ("SELECT month, churn_scor FROM predictions", "did you mean 'churn_score'"),
    ("SELECT month FROM prediction", "did you mean 'predictions'"),
    ("SELECT avg(scoring_failed) FROM predictions", "CAST(scoring_failed AS INTEGER)"),
    ("SELECT month, churn_score FROM predictions GROUP BY month", "GROUP BY"),
    ("SELECT month FROM predictions JOIN outcomes USING (customer_id)", "which table you mean"),
    ("SELECT p.nothing FROM predictions AS p", "no column 'nothing'"),
    ("SELECT avg(churn_score) FROM outcomes", "it is a column of predictions"),
])
def test_sql_mistakes_get_a_plain_message(year, query, phrase):
    with pytest.raises(CourseError) as raised:
        monitoring.sql(query, year)
    assert phrase in str(raised.value)


def test_a_column_of_another_table_never_suggests_its_own_name(year):
    with pytest.raises(CourseError) as raised:
        monitoring.sql("SELECT month, avg(churn_score) FROM customers GROUP BY month", year)
    assert "did you mean 'churn_score'" not in str(raised.value) and "column of predictions" in str(raised.value)


def test_a_misspelt_column_lists_only_the_tables_of_the_query(year):
    with pytest.raises(CourseError) as raised:
        monitoring.sql("SELECT month, churn_scor FROM predictions", year)
    assert "predictions: customer_id" in str(raised.value) and "assignments:" not in str(raised.value)


# --- retraining rows --------------------------------------------------------------------------------------


def test_labelled_rows_join_on_customer_and_month_and_split_by_seat(year):
    rows = monitoring.labelled_rows(year, [8, 9, 10])
    assert not rows.duplicated(["customer_id", "month"]).any()
    assert set(rows["month"]) == {8, 9, 10} and rows["churned"].isin([0, 1]).all()
    train, test = monitoring.split_by_seat(rows)
    assert not set(train["customer_id"]) & set(test["customer_id"])
    assert len(train) + len(test) == len(rows)
    with pytest.raises(CourseError, match="not known yet"):
        monitoring.labelled_rows(year, [10, 11])


def test_repair_total_charges_rebuilds_from_the_billing_history():
    customers = pd.DataFrame({"customer_id": ["a", "b", "a", "b", "c", "a", "c"], "month": [1, 1, 2, 2, 2, 3, 3],
                              "tenure": [5, 2, 6, 3, 1, 7, 2], "monthly_charges": [10.0, 20.0, 10.0, 20.0, 30.0, 11.0, 30.0],
                              "total_charges": [50.0, 40.0, np.nan, 60.0, np.nan, np.nan, 60.0]})
    fixed = monitoring.repair_total_charges(customers)
    assert fixed["total_charges"].tolist() == [50.0, 40.0, 60.0, 60.0, 30.0, 70.0, 60.0]  # a's gap of two months too
    assert customers["total_charges"].isna().sum() == 3  # a copy: the logs stay as they arrived
    assert fixed.attrs["repaired"] == 3 and fixed.attrs["checked"] == 2 and fixed.attrs["reproduced"] == 1.0


def test_repair_total_charges_fills_the_simulated_data_bug(year):
    fixed = monitoring.repair_total_charges(year.customers)
    assert year.customers["total_charges"].isna().sum() > 10_000 and fixed["total_charges"].isna().sum() == 0
    assert fixed.attrs["reproduced"] > 0.95 and fixed.attrs["checked"] > 50_000
    rows = monitoring.labelled_rows(year, [7, 8], customers=fixed)
    assert rows["total_charges"].notna().all()
    with pytest.raises(CourseError, match="row for row"):
        monitoring.labelled_rows(year, [7, 8], customers=fixed.head(10))


def test_split_by_time_trains_on_the_past_and_judges_on_later_months(year):
    rows = monitoring.labelled_rows(year, list(range(1, 11)))
    train, test = monitoring.split_by_time(rows, test_from=9)
    # month 6's labels (who left in months 6-8) were known on month 9's scoring day; months 7-8's run into the test
    assert set(train["month"]) == set(range(1, 7)) and set(test["month"]) == {9, 10}
    assert len(train) + len(test) == (rows["month"] <= 6).sum() + (rows["month"] >= 9).sum()
    leaky, _ = monitoring.split_by_time(rows, test_from=9, label_horizon=0)
    assert set(leaky["month"]) == set(range(1, 9))
    with pytest.raises(CourseError, match="nothing on one side"):
        monitoring.split_by_time(rows, test_from=11)
    with pytest.raises(CourseError, match="nothing on one side"):
        monitoring.split_by_time(rows, test_from=3)  # no month's labels were known before month 3 was scored


def _fixed_scores(scores):
    """A fitted model whose scores are given, row by row: enough for profit_margin."""
    from sklearn.base import BaseEstimator, ClassifierMixin

    class Fixed(ClassifierMixin, BaseEstimator):
        def fit(self, *_):
            self.classes_ = np.array([0, 1])
            return self

        def predict_proba(self, X):
            given = np.asarray(scores, dtype=float)[: len(X)]
            return np.column_stack([1 - given, given])

    return Fixed().fit()


def test_profit_margin_by_hand_and_its_interval_resamples_customers():
    from churnlab.model import FEATURES

    inputs = course_split().X_test[list(FEATURES)].head(4).reset_index(drop=True)
    rows = inputs.assign(customer_id=["a", "a", "b", "c"], churned=[1, 1, 0, 1])
    champion = _fixed_scores([0.9, 0.9, 0.9, 0.0])  # contacts the first three: 2 churners x $60 - 3 x $10 = $90
    challenger = _fixed_scores([0.9, 0.9, 0.0, 0.9])  # contacts a, a, c: 3 churners x $60 - 3 x $10 = $150
    margin = monitoring.profit_margin(champion, challenger, rows, draws=500)
    assert margin["margin"] == pytest.approx(60.0)
    assert margin["customers"] == 3 and margin["customer-months"] == 4
    # per customer: a 0, b +10, c +50; resampling customers, the total ranges between 0 and 150
    assert 0 <= margin["low"] <= margin["margin"] <= margin["high"] <= 150
    with pytest.raises(CourseError):
        monitoring.profit_margin(champion, challenger, rows.drop(columns="customer_id"))


def test_what_to_watch_is_ordered_by_value():
    table = monitoring.what_to_watch()
    assert table.index[0].startswith("1. outcomes") and table.index[-1].startswith("6. system")
    assert table.map(len).max().max() <= 50  # a notebook shows up to 50 characters of a cell before cutting it


def test_recall_and_calibration_of_each_cohort_match_the_hold_out_truth(year, health):
    truth = year.truth_by_customer
    holdout = year.assignments["arm"].eq("hold-out").to_numpy()
    scores = year.predictions["churn_score"].to_numpy()
    for month in (2, 8):
        rows = holdout & year.predictions["month"].eq(month).to_numpy() & ~np.isnan(scores)
        churners = truth.loc[rows, "churned"].to_numpy() == 1
        assert health.loc[month, "realised_recall"] == pytest.approx((scores[rows][churners] >= 1 / 6).mean())
        assert health.loc[month, "holdout_churn_rate"] == pytest.approx(churners.mean())
        assert health.loc[month, "holdout_mean_score"] == pytest.approx(scores[rows].mean())
    under = health["holdout_churn_rate"] - health["holdout_mean_score"]  # world 2's champion under-estimates risk...
    assert under.loc[1] > 0.02 and under.loc[7:10].mean() > under.loc[1:2].mean() + 0.03  # ...more so after the incidents
    assert health["realised_recall"].loc[11:12].isna().all()


def test_psi_by_month_gives_the_same_numbers_as_psi(year):
    table = monitoring.psi_by_month(year, ["tenure", "contract", "total_charges", "churn_score"], reference_month=2)
    customers = year.customers.assign(churn_score=year.predictions["churn_score"].to_numpy())
    for month in (1, 2, 7, 12):
        for column in table.columns:
            one = monitoring.psi(customers.loc[customers["month"] == 2, column], customers.loc[customers["month"] == month, column])
            assert table.loc[month, column] == pytest.approx(one, abs=1e-12)


def test_the_health_page_can_reuse_a_drawn_figure(health, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from churnlab import plots

    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    figure = plots.model_health(health).figure
    reused = monitoring.write_health_page(health, figure=figure).read_text(encoding="utf-8")
    assert "8. System: scoring latency" in reused
    plt.close(figure)
    with pytest.raises(CourseError, match="plots.model_health"):
        monitoring.write_health_page(health, figure=plt.figure())


def test_the_health_figure_follows_the_course_chart_rules(health):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from churnlab import plots

    figure = plots.model_health(health).figure
    try:
        assert len(figure.axes) == 8
        assert "simulated" in figure.get_suptitle().lower()
        for ax in figure.axes:
            assert ax.get_title(loc="left") and ax.get_xlabel().strip() and ax.get_ylabel().strip()
            assert ax.get_legend() is not None
        figure.canvas.draw()
        profit_ticks = [t.get_text() for t in figure.axes[1].get_yticklabels() if t.get_text()]
        assert profit_ticks and all("$" in t for t in profit_ticks)
        titles = [ax.get_title(loc="left") for ax in figure.axes]
        assert [t.split(".")[0] for t in titles] == [str(n) for n in range(1, 9)]  # ordered by value, as in what_to_watch
    finally:
        plt.close(figure)


def test_the_precision_band_and_its_legend_say_the_same_thing(health):
    """Panel 3 draws the estimate ± 0.10 (10 percentage points, the alert rule): the legend says points, not %."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from churnlab import plots

    figure = plots.model_health(health).figure
    precision = next(ax for ax in figure.axes if ax.get_title(loc="left").startswith("3."))
    labels = [text.get_text() for text in precision.get_legend().get_texts()]
    gap = monitoring.AlertThresholds().precision_gap
    assert f"alert outside the estimate ±{gap * 100:.0f} points" in labels
    band = precision.collections[0].get_paths()[0].vertices[:, 1]
    assert band.max() - band.min() >= 2 * gap - 1e-9  # the band spans ± the gap, in shares
    plt.close(figure)


def test_panel_5_circles_each_input_in_every_month_it_alerts_on_a_linear_axis(health):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from churnlab import plots

    figure = plots.model_health(health).figure
    try:
        drift = next(ax for ax in figure.axes if ax.get_title(loc="left").startswith("5."))
        assert drift.get_yscale() == "linear"
        circled = {(round(x), round(y, 6)) for collection in drift.collections for x, y in collection.get_offsets()}
        found = monitoring.alerts(health)
        from churnlab.plots.launch import PSI_AXIS_TOP as top  # a PSI past the top is drawn (and circled) on the top edge
        for row in found[found["panel"] == "input drift"].itertuples():
            assert (row.month, round(min(row.value, top), 6)) in circled, row
        assert len(circled) == (found["panel"] == "input drift").sum()
    finally:
        plt.close(figure)


def test_simulate_once_keeps_the_year_in_the_work_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    arguments = dict(months=2, seed=3, customers=300, policy=world.ab_test({"model": "model", "hold-out": "none"}, split=(90, 10)))
    first = monitoring.simulate_once(**arguments)
    kept = list((tmp_path / monitoring.kept.KEPT_FOLDER).glob("simulation-*.pickle"))
    assert len(kept) == 1
    again = monitoring.simulate_once(**arguments)
    assert again is not first and again.customers.equals(first.customers) and again.outcomes.equals(first.outcomes)
    assert world.simulate(**arguments).predictions.equals(again.predictions)  # exactly world.simulate's year
    kept[0].write_bytes(b"cut short")  # a broken file is simulated again, not read
    assert monitoring.simulate_once(**arguments).truth_by_customer.equals(first.truth_by_customer)
    monitoring.simulate_once(**{**arguments, "seed": 4})
    assert len(list((tmp_path / monitoring.kept.KEPT_FOLDER).glob("*.pickle"))) == 2  # other arguments, another file
    model = world.course_model()
    with_model = monitoring.simulate_once(**arguments, new_model=model, new_model_from=2)  # named by what it learnt: kept
    assert len(list((tmp_path / monitoring.kept.KEPT_FOLDER).glob("*.pickle"))) == 3
    again = monitoring.simulate_once(**arguments, new_model=model, new_model_from=2)
    assert again.predictions.equals(with_model.predictions)
    assert world.simulate(**arguments, new_model=model, new_model_from=2).predictions.equals(again.predictions)


def test_a_kept_year_is_invalidated_by_a_refrozen_world():
    """The kept years' fingerprint reads the world's frozen files too, not only the code: refreezing the truth
    (tools/freeze_world_truth.py) must not let a learner read last version's year."""
    names = {path.name for path in kept_results.fingerprinted_files()}
    assert {"truth_lookup.npz", "launch_day.npz", "simulation.py", "kept.py"} <= names
    assert any(name.endswith(".csv") for name in names)


# --- what monitoring found, in words (logged with the plan for lesson 09's brief) -------------------------------------


def test_alerts_in_words_lists_each_signal_once_at_its_first_month(health):
    found = monitoring.alerts(health, monitoring.AlertThresholds())
    words = monitoring.alerts_in_words(found)
    parts = words.split("; ")
    assert len(parts) == found["signal"].nunique()
    first = found.groupby("signal")["month"].min()
    assert f"leaving rate from month {first['leaving rate vs reference (relative)']}" in parts
    assert f"data quality (empty inputs) from month {first['share of rows with an empty input']}" in parts
    assert f"drift of monthly_charges (PSI) from month {first['PSI of monthly_charges']}" in parts
    months = [int(part.rsplit(" ", 1)[1]) for part in parts]
    assert months == sorted(months) and len(words) < 500


def test_alerts_in_words_of_no_alert_is_none(health):
    quiet = monitoring.AlertThresholds(leaving_rate_rise=9, volume_change=9, flagged_change=1, psi=99, empty_share=1,
                                       precision_gap=1, latency_p99_ms=1e9, failure_share=1)
    assert monitoring.alerts(health, quiet).empty
    assert monitoring.alerts_in_words(monitoring.alerts(health, quiet)) == "none"


def test_found_tags_join_actions_and_refuse_long_or_ambiguous_text():
    from churnlab.monitoring.retrain import _found_tags

    tags = _found_tags("leaving rate from month 5", ["fix the pipeline", "re-read the challenger"])
    assert tags == {"alerts_fired": "leaving rate from month 5", "open_actions": "fix the pipeline | re-read the challenger"}
    assert _found_tags(None, None) == {}
    assert _found_tags(pd.DataFrame({"month": [], "signal": []}), "one action") == {"alerts_fired": "none",
                                                                                    "open_actions": "one action"}
    with pytest.raises(CourseError, match="under 500"):
        _found_tags(None, ["x" * 300, "y" * 300])
    with pytest.raises(CourseError, match="its own item"):
        _found_tags(None, ["fix a | b"])
    with pytest.raises(CourseError, match="list of short texts"):
        _found_tags(None, [])


# --- noise of the precision gap and of PSI ----------------------------------------------------------------------


def test_precision_gap_noise_matches_the_health_table_and_its_binomial_interval(year, health):
    gap = monitoring.precision_gap_noise(year, draws=500)
    labelled = health["realised_precision"].dropna().index
    assert list(gap.index) == list(labelled)
    expected = health.loc[labelled, "realised_precision"] - health.loc[labelled, "estimated_precision"]
    assert np.allclose(gap["gap"], expected) and (gap["flagged"] == health.loc[labelled, "holdout_flagged"]).all()
    p, n = gap["realised_precision"], gap["flagged"]
    assert np.allclose(gap["gap_high"] - gap["gap"], 1.96 * np.sqrt(p * (1 - p) / n))
    # with nothing wrong the gap's spread is about 2.6 binomial standard errors of the estimate
    e = gap["estimated_precision"]
    assert ((gap["no_change_p99"] / np.sqrt(e * (1 - e) / n)).between(2.0, 3.2)).all()


def test_precision_gap_noise_is_reproducible_and_refuses_too_many_draws(year):
    from churnlab.monitoring.health import precision_gap_noise

    one = precision_gap_noise(year, draws=200, seed=1)
    assert one.equals(precision_gap_noise(year, draws=200, seed=1))  # a seed gives the same draws
    with pytest.raises(CourseError, match="at most 20,000"):
        precision_gap_noise(year, draws=50_000)


def test_psi_no_change_is_small_at_a_months_volume_for_every_watched_column(year):
    watched = monitoring.psi_no_change(year, draws=40)
    assert list(watched.index) == [*monitoring.TOP_INPUTS, "churn_score"]
    assert (watched > 0).all() and (watched < 0.02).all()  # 7,000 customers: far below any alert threshold
    # one column alone reads about the same noise (other draws, same size)
    assert monitoring.psi_no_change(year, ["contract"], draws=40)["contract"] == pytest.approx(watched["contract"], rel=0.5)
    with pytest.raises(CourseError, match="at most 2,000"):
        monitoring.psi_no_change(year, draws=5_000)


def test_two_kernels_keeping_the_same_year_at_once_both_succeed(tmp_path, monkeypatch):
    """A second simulate_once of the same year that finishes while the first is still writing (two notebooks, or two
    test workers, at once) leaves both with the year and one kept file (seen in CI: FileNotFoundError on the move)."""
    import pickle

    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    arguments = dict(months=1, seed=5, customers=200, policy="rule")
    real_dump, nested = pickle.dump, []

    def dump_while_another_kernel_finishes(*args, **kwargs):
        if not nested:
            nested.append(None)  # only the first writer is interrupted
            nested[0] = monitoring.simulate_once(**arguments)  # the other kernel writes and moves its file first
        return real_dump(*args, **kwargs)

    monkeypatch.setattr(pickle, "dump", dump_while_another_kernel_finishes)  # workspace.kept writes with it
    year = monitoring.simulate_once(**arguments)
    assert year.customers.equals(nested[0].customers)
    folder = tmp_path / monitoring.kept.KEPT_FOLDER
    assert [p.suffix for p in folder.iterdir()] == [".pickle"]


# --- results kept in the work folder: read back on a re-run, equal to a fresh computation --------------------------


def test_no_change_spreads_are_kept_and_read_back_equal(year, tmp_path, monkeypatch):
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    first = monitoring.psi_no_change(year, draws=20)
    kept = sorted((tmp_path / monitoring.kept.KEPT_FOLDER).glob("psi-no-change-*.pickle"))
    assert len(kept) == 1
    assert monitoring.psi_no_change(year, draws=20).equals(first)  # read back
    assert not monitoring.psi_no_change(year, draws=20, seed=1).equals(first)  # another seed: computed, kept apart
    totals = year.customers.loc[year.customers["month"] == 1, "total_charges"]
    table = monitoring.drift_at_sizes(totals, shift=0, sizes=[100], draws=20)
    assert monitoring.drift_at_sizes(totals, shift=0, sizes=[100], draws=20).equals(table)
    assert monitoring.drift_at_sizes(totals, shift=0, sizes=[100], draws=20).attrs["draws"] == 20
    assert len(list((tmp_path / monitoring.kept.KEPT_FOLDER).glob("*.pickle"))) == 3


def test_the_health_page_reuses_its_kept_drawing_only_for_the_figure_as_drawn(health, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from churnlab import plots

    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    first = monitoring.write_health_page(health, figure=plots.model_health(health).figure).read_text(encoding="utf-8")
    assert monitoring.write_health_page(health).read_text(encoding="utf-8") == first  # read back, nothing drawn
    changed = plots.model_health(health).figure
    changed.axes[0].annotate("a note of the team's", (2, 0.05))
    assert "a note of the team" in monitoring.write_health_page(health, figure=changed).read_text(encoding="utf-8")
    other = monitoring.AlertThresholds(psi=0.5)
    assert monitoring.write_health_page(health, other, figure=plots.model_health(health, other).figure).read_text(
        encoding="utf-8") != first
    plt.close("all")
