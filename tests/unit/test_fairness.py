"""churnlab.fairness: group metrics equal fairlearn's, gaps carry honest intervals, mitigations are priced, reviews are logged and read back."""
from __future__ import annotations

import math
import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from fairlearn.metrics import MetricFrame, count, selection_rate  # noqa: E402
from sklearn.metrics import precision_score, recall_score  # noqa: E402
from statsmodels.stats.proportion import confint_proportions_2indep  # noqa: E402

from churnlab import fairness, plots, records, tracking  # noqa: E402
from churnlab.data import load_churn  # noqa: E402
from churnlab.economics import CampaignEconomics, profit_at_threshold  # noqa: E402
from churnlab.errors import CourseError  # noqa: E402
from churnlab.exercises.core import course_split  # noqa: E402
from churnlab.model import CHAMPION_C, champion_model, make_churn_model  # noqa: E402

import mlflow  # noqa: E402  (after churnlab.tracking, which quiets it)


customers = load_churn()
split = course_split()
model = champion_model()  # lesson 06 reviews lesson 05's champion
scores = model.predict_proba(split.X_test)[:, 1]
train_scores = model.predict_proba(split.X_train)[:, 1]
groups = fairness.customer_groups(customers, split.X_test.index)
train_groups = fairness.customer_groups(customers, split.X_train.index)
BREAK_EVEN = CampaignEconomics().break_even_probability
table = fairness.group_metrics(split.y_test, scores, groups, [0.5, BREAK_EVEN])
gap_table = fairness.gaps(table)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- groups and metrics ----------------------------------------------------------------------------------


def test_customer_groups_come_from_the_full_table_in_the_order_asked():
    assert list(groups.columns) == ["senior_citizen", "female", "partner", "dependents"]
    assert groups.index.equals(split.X_test.index)
    assert (groups["senior_citizen"] == split.X_test["senior_citizen"]).all()
    assert len(fairness.customer_groups(customers)) == len(customers)


def test_group_metrics_equal_fairlearns_metric_frame():
    for column in groups.columns:
        for threshold in (0.5, BREAK_EVEN):
            frame = MetricFrame(
                metrics={"customers": count, "selection rate": selection_rate, "recall": recall_score,
                         "precision": precision_score},
                y_true=split.y_test, y_pred=scores >= threshold, sensitive_features=groups[column])
            ours = table[(table["group"] == column) & np.isclose(table["threshold"], threshold)].set_index("member")
            for measure in ("customers", "selection rate", "recall", "precision"):
                np.testing.assert_allclose(ours[measure].sort_index(), frame.by_group[measure].sort_index().astype(float), atol=1e-12)


def test_group_metrics_counts_hang_together():
    assert (table["churners reached"] <= table["churners"]).all() and (table["churners reached"] <= table["contacted"]).all()
    for _, pair in table.groupby(["group", "threshold"]):
        assert pair["customers"].sum() == len(split.y_test) and pair["churners"].sum() == split.y_test.sum()
    np.testing.assert_allclose(table["churn rate"], table["churners"] / table["customers"])


def test_the_figures_the_lesson_states():
    at_half = table[table["threshold"] == 0.5].set_index(["group", "member"])
    assert round(at_half.loc[("dependents", 1), "recall"], 3) == 0.296 and round(at_half.loc[("dependents", 0), "recall"], 3) == 0.607
    assert round(at_half.loc[("senior_citizen", 1), "selection rate"], 3) == 0.423
    assert round(at_half.loc[("senior_citizen", 1), "churn rate"], 3) == 0.441


def test_readable_labels_groups_in_words():
    shown = fairness.readable(table, BREAK_EVEN)
    assert list(shown.index[:2]) == ["seniors (65+)", "under 65"] and len(shown) == 8
    assert "selection rate" in shown.columns and "member" not in shown.columns


# --- gaps and their noise ---------------------------------------------------------------------------------


def test_gaps_are_group_minus_others_with_newcombe_intervals():
    row = gap_table[(gap_table["group"] == "dependents") & (gap_table["threshold"] == 0.5)].iloc[0]
    assert row["recall gap"] == pytest.approx(row["recall (group)"] - row["recall (others)"])
    low, high = confint_proportions_2indep(21, 71, 184, 303, method="newcomb", compare="diff")
    assert (row["recall gap low"], row["recall gap high"]) == pytest.approx((low, high))
    assert row["recall gap low"] < row["recall gap"] < row["recall gap high"]
    assert row["worse off"] == "with dependents" and row["churners behind"] == pytest.approx((184 / 303 - 21 / 71) * 71)
    assert row["their offers ($)"] == pytest.approx(row["churners behind"] * 60)


def test_only_the_sex_gap_is_within_noise():
    verdict = gap_table.set_index(["group", "threshold"])["beyond noise"]
    assert not verdict["female"].any()
    assert verdict.drop("female", level=0).all()


def test_describe_gaps_reads_each_gap_as_customers_and_dollars():
    text = fairness.describe_gaps(gap_table)
    assert "recall with dependents 30% vs without dependents 61%: with dependents are about 22 churners behind ($1,327 of offers)" in text
    assert len(text.splitlines()) == len(gap_table)


def test_a_group_everyone_belongs_to_has_no_gap():
    everyone = pd.DataFrame({"all": 1, "dependents": groups["dependents"]}, index=groups.index)
    gaps = fairness.gaps(fairness.group_metrics(split.y_test, scores, everyone, [0.5]))
    assert list(gaps["group"]) == ["dependents"]


# --- mitigation ---------------------------------------------------------------------------------------------


def test_threshold_for_recall_is_the_highest_that_reaches_the_target():
    y = split.y_test.to_numpy()
    for target in (0.1, 0.5, 0.9, 1.0):
        cut = fairness.threshold_for_recall(y, scores, target)
        assert recall_score(y, scores >= cut) >= target
        assert recall_score(y, scores > cut) < target


def test_threshold_for_selection_rate_contacts_at_most_that_share():
    for rate in (0.1, 0.484, 0.9):
        cut = fairness.threshold_for_selection_rate(scores, rate)
        assert (scores >= cut).mean() <= rate + 1e-9 and (scores >= cut).mean() > rate - 2 / len(scores)


def test_levelling_up_and_down_for_dependents():
    policies = fairness.equal_recall_thresholds(split.y_train, train_scores, train_groups["dependents"] == 1, BREAK_EVEN)
    assert policies["one threshold"] == (BREAK_EVEN, BREAK_EVEN)
    assert policies["level up"][0] < BREAK_EVEN and policies["level down"][1] > BREAK_EVEN
    options = fairness.policy_table(split.y_test, scores, groups["dependents"] == 1, policies)
    assert options.loc["one threshold", "expected profit ($)"] == profit_at_threshold(split.y_test, scores, BREAK_EVEN)
    assert options.loc["one threshold", "customers contacted"] == int((scores >= BREAK_EVEN).sum())
    assert abs(options.loc["level up", "recall gap"]) < abs(options.loc["one threshold", "recall gap"])
    assert abs(options.loc["level down", "recall gap"]) < abs(options.loc["one threshold", "recall gap"])
    assert options.loc["level down", "recall (others)"] < options.loc["one threshold", "recall (others)"]  # levelling down
    assert options.loc["level up", "customers contacted"] > options.loc["one threshold", "customers contacted"]


def test_when_the_group_is_ahead_the_others_are_levelled_up():
    policies = fairness.equal_recall_thresholds(split.y_train, train_scores, train_groups["senior_citizen"] == 1, BREAK_EVEN)
    assert policies["level up"][0] == BREAK_EVEN and policies["level up"][1] < BREAK_EVEN
    assert policies["level down"][0] > BREAK_EVEN and policies["level down"][1] == BREAK_EVEN


# --- leaving a column out ---------------------------------------------------------------------------------


def test_a_model_without_a_column_never_reads_it():
    blind = fairness.model_without(split.X_train, split.y_train, "senior_citizen")
    assert not any("senior_citizen" in name for name in blind[0].get_feature_names_out())
    changed = split.X_test.assign(senior_citizen=1 - split.X_test["senior_citizen"])
    np.testing.assert_array_equal(blind.predict_proba(split.X_test), blind.predict_proba(changed))
    assert "senior_citizen" in model[0].get_feature_names_out()[0]  # the course model itself is untouched


def test_a_model_without_the_group_inputs_never_reads_them_and_keeps_the_champions_setting():
    blind = fairness.model_without(split.X_train, split.y_train, list(fairness.GROUP_INPUTS))
    assert blind[-1].C == CHAMPION_C
    names = " ".join(blind[0].get_feature_names_out())
    assert not any(column in names for column in fairness.GROUP_INPUTS)
    changed = split.X_test.assign(**{column: 1 - split.X_test[column] for column in fairness.GROUP_INPUTS})
    np.testing.assert_array_equal(blind.predict_proba(split.X_test), blind.predict_proba(changed))
    assert set(fairness.GROUP_INPUTS) <= set(model[0].feature_names_in_)  # the champion does read them


def test_leaving_the_group_inputs_out_costs_nothing_on_the_test_customers():
    from churnlab import uncertainty

    blind = fairness.model_without(split.X_train, split.y_train, list(fairness.GROUP_INPUTS))
    change = uncertainty.profit_difference(split.y_test, blind.predict_proba(split.X_test)[:, 1] >= BREAK_EVEN,
                                           scores >= BREAK_EVEN)
    assert round(change.estimate) == 230 and change.low >= -10 and change.verdict != uncertainty.TIE  # lesson 06, section 5


def test_predictability_sex_is_a_coin_toss_age_and_family_are_not():
    proxies = fairness.predictability(split.X_train, train_groups, split.X_test, groups)
    assert list(proxies.index) == list(fairness.GROUPS)
    assert proxies.loc["female", "low"] < 0.5 + 0.02 and proxies.loc["female", "high"] < 0.55
    for column in fairness.GROUP_INPUTS:
        assert proxies.loc[column, "low"] > 0.6, column
    assert (proxies["low"] <= proxies["ROC-AUC"]).all() and (proxies["ROC-AUC"] <= proxies["high"]).all()


def test_the_auc_interval_is_hanley_and_mcneils():
    # Hanley & McNeil (1982), table 2's example: AUC 0.8, 50 and 50 cases -> standard error about 0.0441
    low, high = fairness._auc_interval(0.8, 50, 50)
    assert (high - low) / (2 * 1.96) == pytest.approx(0.0441, abs=5e-4)


def test_calibration_by_group_is_scikit_learns_calibration_curve_with_wilson_intervals():
    from sklearn.calibration import calibration_curve
    from statsmodels.stats.proportion import proportion_confint

    seniors = groups["senior_citizen"] == 1
    table = fairness.calibration_by_group(split.y_test, scores, seniors.rename("senior_citizen"), bands=5)
    assert list(dict.fromkeys(table["who"])) == ["seniors (65+)", "under 65"]
    for who, members in (("seniors (65+)", seniors.to_numpy()), ("under 65", ~seniors.to_numpy())):
        rows = table[table["who"] == who]
        churned, average = calibration_curve(split.y_test[members], scores[members], n_bins=5, strategy="quantile")
        np.testing.assert_allclose(rows["churned"], churned)
        np.testing.assert_allclose(rows["average score"], average)
        assert rows["customers"].sum() == members.sum()
        counts = (rows["churned"] * rows["customers"]).round().astype(int)
        low, high = proportion_confint(counts, rows["customers"], method="wilson")
        np.testing.assert_allclose(rows["low"], low, atol=1e-9)
        np.testing.assert_allclose(rows["high"], high, atol=1e-9)
    assert table.loc[table["who"] == "seniors (65+)", "customers"].tolist() == [45, 44, 44, 44, 45]


def test_how_groups_differ_finds_the_stand_ins_for_age():
    differences = fairness.how_groups_differ(split.X_train, split.X_train["senior_citizen"] == 1)
    assert differences.loc[0, "trait"] == "fiber optic internet"
    assert "senior_citizen" not in set(differences["column"])
    assert (differences["difference"].abs().diff().dropna() <= 0).all()


# --- the review in MLflow --------------------------------------------------------------------------------


def test_review_metrics_name_every_gap():
    metrics = fairness.review_metrics(gap_table, BREAK_EVEN)
    assert metrics["recall_gap__dependents"] == pytest.approx(-0.1701, abs=1e-4)
    assert metrics["recall_gap_at_0.5__dependents"] == pytest.approx(-0.3115, abs=1e-4)
    assert {"recall_gap_low__female", "recall_gap_high__female", "selection_gap__partner", "precision_gap__senior_citizen",
            "churners_behind__dependents", "largest_recall_gap"} <= set(metrics)
    assert metrics["largest_recall_gap"] == pytest.approx(abs(metrics["recall_gap__dependents"]))
    assert all(isinstance(v, float) and math.isfinite(v) for v in metrics.values())


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh course work folder and MLflow store; MLflow's global state reset afterwards."""
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path / "work"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    yield tmp_path
    while mlflow.active_run():
        mlflow.end_run()
    mlflow.set_tracking_uri(None)
    mlflow.tracking.fluent._active_experiment_id = None
    os.environ.pop("MLFLOW_EXPERIMENT_ID", None)


def _log_review(C: float, by_group: pd.DataFrame, tags=fairness.REVIEW_TAGS):
    with mlflow.start_run(run_name="fairness review", tags=tags) as run:
        mlflow.log_params({"C": C, "threshold": BREAK_EVEN, "groups_reviewed": ", ".join(groups.columns)})
        mlflow.log_metrics(fairness.review_metrics(fairness.gaps(by_group), BREAK_EVEN))
        mlflow.log_text(by_group.to_csv(index=False), fairness.REVIEW_TABLE)
    return run.info.run_id


def test_no_review_yet_gives_none(store, monkeypatch):
    monkeypatch.chdir(store)
    assert records.latest_fairness_review() is None  # no store at all: and reading creates none
    assert not (store / "work" / "mlflow.db").exists() and not (store / "mlflow.db").exists()
    tracking.setup()
    assert records.latest_fairness_review() is None  # an experiment, no review
    with mlflow.start_run(run_name="model C=1.0"):
        mlflow.log_param("C", 1.0)
    assert records.latest_fairness_review() is None  # other runs are not reviews


def test_the_newest_review_is_read_back_with_its_table(store):
    tracking.setup()
    _log_review(1.0, table)
    other_scores = make_churn_model(C=0.01).fit(split.X_train, split.y_train).predict_proba(split.X_test)[:, 1]
    newest = _log_review(0.1, fairness.group_metrics(split.y_test, other_scores, groups, [0.5, BREAK_EVEN]))
    with mlflow.start_run(run_name="not a review", tags={"churnlab.lesson": "06"}):
        pass
    review = records.latest_fairness_review()
    assert review.run_id == newest and review.params["C"] == "0.1"
    assert review.recall_gap("dependents") == pytest.approx(review.metrics["recall_gap__dependents"])
    assert list(review.by_group.columns) == list(table.columns) and len(review.by_group) == len(table)
    with pytest.raises(CourseError, match="it reviewed: dependents, female, partner, senior_citizen"):
        review.recall_gap("region")


def test_a_review_without_its_table_says_how_to_log_it(store):
    tracking.setup()
    with mlflow.start_run(run_name="fairness review", tags=fairness.REVIEW_TAGS):
        mlflow.log_metric("recall_gap__dependents", -0.17)
    with pytest.raises(CourseError, match="log the group table"):
        records.latest_fairness_review()


# --- the chart ----------------------------------------------------------------------------------------------


def test_the_calibration_chart_has_a_title_labelled_axes_a_diagonal_and_a_line_per_side():
    table = fairness.calibration_by_group(split.y_test, scores, groups["senior_citizen"])
    ax = plots.calibration_by_group(table)
    assert ax.get_title(loc="left") and "%" in ax.get_xlabel() and "%" in ax.get_ylabel()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[0] == "perfectly calibrated" and any("seniors" in label for label in labels) and len(labels) == 3


def test_the_gap_chart_has_a_title_labelled_axes_and_one_marker_per_threshold():
    ax = plots.recall_gaps(gap_table)
    assert ax.get_title(loc="left") and "percentage points" in ax.get_xlabel() and ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["threshold 0.5", "threshold 0.167"]
    assert [t.get_text().split("\n")[0] for t in ax.get_yticklabels()] == ["seniors (65+)", "women", "with a partner", "with dependents"]


# --- issue 21 leftovers: group sizes, paired changes of a gap, calibration re-checked, the review's parameters -------


blind_scores = fairness.model_without(split.X_train, split.y_train, list(fairness.GROUP_INPUTS)).predict_proba(split.X_test)[:, 1]


def test_group_sizes_count_each_side_of_each_group():
    sizes = fairness.group_sizes(split.y_test, groups)
    assert list(sizes.columns) == ["customers", "churners"] and len(sizes) == 2 * len(fairness.GROUPS)
    assert sizes.loc["seniors (65+)"].tolist() == [222, 98] and sizes.loc["with dependents"].tolist() == [431, 71]
    for column, group in fairness.GROUPS.items():  # both sides add up to every test customer and churner
        assert sizes.loc[[group.members, group.others]].sum().tolist() == [len(split.y_test), int(split.y_test.sum())]


def _recall_gap(y, s, members, threshold):
    churned, reached = y == 1, s >= threshold
    return reached[members & churned].mean() - reached[~members & churned].mean()


def test_recall_gap_change_is_the_difference_of_the_two_gaps_with_a_paired_bootstrap_interval():
    y = split.y_test.to_numpy()
    members = (groups["dependents"] == 1).to_numpy()
    change = fairness.recall_gap_change(split.y_test, scores, blind_scores, groups["dependents"] == 1, BREAK_EVEN)
    expected = _recall_gap(y, blind_scores, members, BREAK_EVEN) - _recall_gap(y, scores, members, BREAK_EVEN)
    assert change.estimate == pytest.approx(expected) and round(100 * change.estimate, 1) == 6.0  # lesson 06, section 5
    assert change.low < change.estimate < change.high and change.verdict == "clear"
    assert change.method == "paired bootstrap over customers" and str(change).startswith("+6.0 points [")
    # the same as redrawing customers one by one (a slow, plain paired bootstrap), within the bootstrap's own noise
    rng = np.random.default_rng(0)
    plain = []
    for _ in range(2000):
        i = rng.integers(0, len(y), len(y))
        plain.append(_recall_gap(y[i], blind_scores[i], members[i], BREAK_EVEN) - _recall_gap(y[i], scores[i], members[i], BREAK_EVEN))
    low, high = np.quantile(plain, [0.025, 0.975])
    assert change.low == pytest.approx(low, abs=0.01) and change.high == pytest.approx(high, abs=0.01)
    # paired: far narrower than the two gaps' own intervals would suggest
    unpaired = gap_table[(gap_table["group"] == "dependents") & np.isclose(gap_table["threshold"], BREAK_EVEN)].iloc[0]
    assert change.high - change.low < unpaired["recall gap high"] - unpaired["recall gap low"]


def test_recall_gap_change_is_zero_for_the_same_model_and_seeded():
    same = fairness.recall_gap_change(split.y_test, scores, scores, groups["partner"] == 1, BREAK_EVEN)
    assert same.estimate == 0 and same.low == 0 and same.high == 0 and same.verdict == "a tie within noise"
    first = fairness.recall_gap_change(split.y_test, scores, blind_scores, groups["partner"] == 1, BREAK_EVEN)
    again = fairness.recall_gap_change(split.y_test, scores, blind_scores, groups["partner"] == 1, BREAK_EVEN)
    assert first == again and round(100 * first.estimate, 1) == 3.6 and first.verdict == "clear"


def test_recall_gap_change_needs_churners_on_both_sides():
    everyone = pd.Series(1, index=split.y_test.index)
    with pytest.raises(CourseError, match="churners on both sides"):
        fairness.recall_gap_change(split.y_test, scores, blind_scores, everyone == 1, BREAK_EVEN)


def test_calibration_misses_are_the_bands_whose_interval_misses_their_score():
    calibration = fairness.calibration_by_group(split.y_test, scores, groups["senior_citizen"] == 1, bands=5)
    missed = fairness.calibration_misses(calibration)
    assert missed[["who", "band"]].values.tolist() == [["under 65", 4]]  # lesson 06, section 4
    assert ((missed["average score"] < missed["low"]) | (missed["average score"] > missed["high"])).all()
    kept = calibration.drop(missed.index)
    assert ((kept["low"] <= kept["average score"]) & (kept["average score"] <= kept["high"])).all()


def test_describe_calibration_names_the_bands_off_their_score_per_model_and_group():
    text = fairness.describe_calibration(split.y_test, {"champion": scores, "without group inputs": blind_scores}, groups)
    lines = text.splitlines()
    assert len(lines) == 2 * len(fairness.GROUPS)
    assert lines[0].startswith("champion             · seniors (65+) / under 65: 1 of 10 bands off their score (under 65")
    assert "without group inputs · seniors (65+) / under 65: 2 of 10 bands off their score (seniors (65+) scored 0.23, 36% churned" in text
    assert "without group inputs · with dependents / without dependents: 0 of 10 bands off their score" in text
    with pytest.raises(CourseError, match="should be a dict"):
        fairness.describe_calibration(split.y_test, scores, groups)


def test_review_params_and_metrics_hold_what_the_lesson_logged():
    from churnlab import uncertainty

    params = fairness.review_params(model, groups, BREAK_EVEN, thresholds_reviewed=[0.5])
    assert params["C"] == CHAMPION_C and params["model"] == "champion" and params["thresholds_reviewed"] == "0.5, 0.167"
    assert params["groups_reviewed"] == "senior_citizen, female, partner, dependents"
    change = uncertainty.profit_difference(split.y_test, blind_scores >= BREAK_EVEN, scores >= BREAK_EVEN)
    metrics = fairness.review_metrics(gap_table, BREAK_EVEN, profit_change=change)
    assert metrics["profit_change_without_group_inputs"] == change.estimate
    assert metrics["profit_change_without_group_inputs_low"] == change.low
    assert "profit_change_without_group_inputs" not in fairness.review_metrics(gap_table, BREAK_EVEN)
    with pytest.raises(CourseError, match="profit_difference"):
        fairness.review_metrics(gap_table, BREAK_EVEN, profit_change=230.0)


def test_recall_gap_change_between_thresholds_is_the_change_of_one_models_gap():
    y = split.y_test.to_numpy()
    members = (groups["dependents"] == 1).to_numpy()
    change = fairness.recall_gap_change_between_thresholds(split.y_test, scores, groups["dependents"] == 1, 0.5, BREAK_EVEN)
    expected = _recall_gap(y, scores, members, BREAK_EVEN) - _recall_gap(y, scores, members, 0.5)
    assert change.estimate == pytest.approx(expected) and round(100 * change.estimate, 1) == 14.1  # lesson 06, section 2
    assert change.low < change.estimate < change.high and change.method == "paired bootstrap over customers"
    same = fairness.recall_gap_change_between_thresholds(split.y_test, scores, groups["dependents"] == 1, 0.3, 0.3)
    assert (same.estimate, same.low, same.high) == (0, 0, 0)
    with pytest.raises(CourseError, match="other_threshold"):
        fairness.recall_gap_change_between_thresholds(split.y_test, scores, groups["dependents"] == 1, 0.5, 17)
