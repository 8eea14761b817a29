"""The simulated months after launch (churnlab.world): seeded, fast, and each knob moves what it says and nothing else."""
from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from churnlab import load_churn, plots, world  # noqa: E402
from churnlab.errors import CourseError  # noqa: E402
from churnlab.model import features_and_label, make_churn_model  # noqa: E402

LOGS = ("customers", "predictions", "contacts", "outcomes", "assignments")
TRUTH = ("truth", "truth_by_arm", "truth_by_customer", "incidents")
PROFILE_COLUMNS = [c for c in load_churn().columns if c not in ("customer_id", "churn")]
CATEGORY_COLUMNS = [c for c in PROFILE_COLUMNS if c not in ("tenure", "monthly_charges", "total_charges")]


def psi(reference: pd.Series, current: pd.Series) -> float:
    """Population stability index over ten bins cut at the reference's deciles."""
    reference, current = reference.dropna().to_numpy(), current.dropna().to_numpy()
    cuts = np.unique(np.quantile(reference, np.linspace(0, 1, 11))[1:-1])
    shares = [np.bincount(np.searchsorted(cuts, x, side="right"), minlength=len(cuts) + 1) / len(x) for x in (reference, current)]
    expected, actual = (np.clip(s, 1e-4, None) for s in shares)
    return float(((actual - expected) * np.log(actual / expected)).sum())


def seat_rows(simulation, month: int, count: int = 7000) -> pd.DataFrame:
    """The launch seats' rows of one month (rows come in seat order), without the ids that numbering changes."""
    rows = simulation.customers[simulation.customers["month"] == month].iloc[:count]
    return rows.drop(columns=["customer_id"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def year():
    return world.simulate(months=12, seed=11)


@pytest.fixture(scope="module")
def quiet_year():
    """No campaign after launch, so only the knobs can move the outcomes."""
    return world.simulate(months=8, seed=5, policy="none")


# --- seeds ------------------------------------------------------------------------------------------------------


def test_the_same_seed_gives_identical_logs_and_truth():
    first = world.simulate(months=3, seed=21, policy=world.ab_test({"model": "model", "hold-out": "none"}))
    second = world.simulate(months=3, seed=21, policy=world.ab_test({"model": "model", "hold-out": "none"}))
    for name in LOGS + TRUTH:
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name), check_exact=True)
    other = world.simulate(months=3, seed=22, policy=world.ab_test({"model": "model", "hold-out": "none"}))
    assert not first.outcomes["churned_on"].equals(other.outcomes["churned_on"])


def test_the_numbers_do_not_depend_on_pandas_or_scikit_learn_versions():
    # The truth is a frozen table and every draw is seeded per seat, so these hold on every supported pandas and
    # scikit-learn (measured on this machine's newest set; the scores differ only in float rounding).
    test = world.ab_test({"model": "model", "rule": "rule", "hold-out": "none"})
    simulation = world.simulate(months=4, seed=3, policy=test, offer_backfire=0.02, data_bug=0.1, data_bug_from=3)
    truth = simulation.truth
    assert truth["left_this_month"].tolist() == [1075, 1127, 1175, 1115]
    assert truth["customers_contacted"].tolist() == [1390, 1424, 1452, 1501]
    assert truth["churners_saved"].tolist() == [179, 165, 188, 196]
    assert truth["lost_to_offer"].tolist() == [28, 29, 27, 32]
    assert truth["scoring_failures"].tolist() == [13, 14, 10, 15]
    assert truth["inputs_emptied"].tolist() == [0, 0, 682, 672]
    mean_scores = simulation.predictions.groupby("month")["churn_score"].mean().to_numpy()
    assert mean_scores == pytest.approx([0.281744, 0.28012, 0.281291, 0.2776], abs=1e-5)
    assert simulation.predictions["latency_ms"].sum() == pytest.approx(1296047.6, abs=0.05)
    assert simulation.contacts["customer_id"].head(3).tolist() == ["S000003", "S000007", "S000013"]
    assert int(simulation.outcomes["churned"].sum()) == 4538
    assert simulation.assignments["arm"].value_counts().to_dict() == {"model": 9713, "rule": 9148, "hold-out": 9139}
    assert simulation.truth_by_customer["customer_type"].value_counts().to_dict() == {
        "sure thing": 17818, "lost cause": 7611, "persuadable": 2116, "sleeping dog": 455}
    assert simulation.truth_by_customer["true_offer_effect"].sum() == pytest.approx(1604.3412, abs=1e-3)


def test_a_change_from_month_m_leaves_the_months_before_identical():
    plain = world.simulate(months=6, seed=4)
    later = world.simulate(months=6, seed=4, price_rise=0.1, price_rise_from=4, fiber_competitor=0.5,
                           fiber_competitor_from=4, new_model=make_churn_model(C=0.1).fit(*_train()), new_model_from=4)
    for name in ("customers", "predictions", "contacts", "assignments"):
        before = [getattr(s, name).query("month < 4").reset_index(drop=True) for s in (plain, later)]
        pd.testing.assert_frame_equal(*before)
    # The truth of months 2 and 3 looks ahead into month 4 (their 3-month horizon); month 1's does not.
    pd.testing.assert_frame_equal(*[s.truth_by_customer.query("month == 1") for s in (plain, later)])
    assert not plain.truth_by_customer.query("month == 3")["true_churn_probability"].equals(
        later.truth_by_customer.query("month == 3")["true_churn_probability"])
    assert later.predictions.groupby("month")["model_version"].first().tolist() == ["v1"] * 3 + ["v2"] * 3
    assert not plain.predictions.query("month == 4")["churn_score"].equals(later.predictions.query("month == 4")["churn_score"])


def _train():
    X, y = features_and_label(load_churn())
    return X, y


# --- the truth ----------------------------------------------------------------------------------------------------


def test_the_calibration_table_shows_the_champion_on_the_test_set_and_on_a_simulated_month(quiet_year):
    # The champion is not the world's truth: on a simulated month it ranks customers less well than on the test set
    # would suggest only by luck; the table shows both rows side by side, computed from the logs.
    from sklearn.metrics import roc_auc_score

    table = world.calibration_table(quiet_year, month=4)
    test_set, month_4 = table.iloc[0], table.iloc[1]
    assert test_set["ROC-AUC"] == pytest.approx(0.84, abs=0.01)
    rows = quiet_year.predictions.merge(quiet_year.outcomes, on=["customer_id", "month"]).query("month == 4")
    rows = rows.dropna(subset=["churn_score"])
    assert month_4["ROC-AUC"] == pytest.approx(roc_auc_score(rows["churned"].astype(int), rows["churn_score"]))
    assert month_4["customers scored"] == len(rows)
    flagged = rows["churn_score"] >= 1 / 6
    assert month_4["churn rate of flagged"] == pytest.approx(rows.loc[flagged, "churned"].astype(int).mean())
    assert table.attrs["simulated"]


def test_without_a_knob_the_inputs_hardly_move_over_a_year(year):
    customers, predictions = year.customers, year.predictions
    first, last = customers[customers["month"] == 1], customers[customers["month"] == 12]
    for column in ("tenure", "monthly_charges", "total_charges"):
        assert psi(first[column], last[column]) < 0.05, column
    assert psi(predictions.query("month == 1")["churn_score"], predictions.query("month == 12")["churn_score"]) < 0.05
    for column in CATEGORY_COLUMNS:  # newcomers are not copies of the leavers, so the mix moves, but only a little
        shares = [part[column].value_counts(normalize=True) for part in (first, last)]
        assert (shares[0].sub(shares[1], fill_value=0)).abs().max() < 0.03, column
    assert year.truth["customers"].eq(7000).all()
    assert year.truth["churn_rate_without_campaign"].between(0.3, 0.42).all()


# --- the customer base ----------------------------------------------------------------------------------------


def test_customers_persist_age_and_are_replaced(year):
    table = year.customers.sort_values(["customer_id", "month"])
    steps = table.groupby("customer_id")[["month", "tenure", "total_charges", "monthly_charges"]].diff().dropna()
    assert steps["month"].eq(1).all(), "a customer never skips a month"
    previous_tenure = table.groupby("customer_id")["tenure"].shift()
    grew = table["tenure"] - previous_tenure
    assert grew.dropna().isin([0, 1]).all() and grew[previous_tenure < world.TENURE_CAP].dropna().eq(1).all()
    previous_bill = table.groupby("customer_id")["monthly_charges"].shift()
    assert np.allclose(steps["total_charges"], previous_bill.dropna(), atol=0.011)
    months_seen = table.groupby("customer_id").size()
    launch = months_seen[months_seen.index <= "S007000"]
    assert months_seen.max() == 12 and (launch >= 6).mean() > 0.5 and (launch == 12).mean() > 0.3
    assert table.groupby("customer_id")["source_customer_id"].nunique().eq(1).all()
    assert table["customer_id"].str.match(r"^S\d{6}$").all()
    first_rows = table.groupby("customer_id").head(1)
    new = first_rows[first_rows["month"] > 1]
    assert len(new) == year.truth["new_customers"].sum() and new["tenure"].eq(1).all()
    assert np.allclose(new["total_charges"], new["monthly_charges"])
    left = year.outcomes.dropna(subset=["churned_on"]).groupby("customer_id")["churned_on"].first()
    last_month = table.groupby("customer_id")["month"].max()
    left_in = (left.dt.year - 2027) * 12 + left.dt.month
    assert (last_month.loc[left_in.index] == left_in).all(), "a customer who leaves is not seen again"


def test_customers_come_up_for_review_once_every_three_months(year):
    reviews = year.assignments[year.assignments["up_for_review"]]
    gaps = reviews.sort_values("month").groupby("customer_id")["month"].diff().dropna()
    assert gaps.eq(3).all()
    launch = year.assignments[year.assignments["customer_id"].le("S007000")]
    stayed = launch.groupby("customer_id")["month"].max().ge(3)  # still here when the last third comes up
    launch = launch[launch["customer_id"].isin(stayed[stayed].index)]
    first_review = launch[launch["up_for_review"]].groupby("customer_id")["month"].min()
    shares = first_review.value_counts(normalize=True).sort_index()
    assert list(shares.index) == [1, 2, 3] and shares.between(0.28, 0.38).all()
    joined = year.customers.groupby("customer_id")["month"].min()
    joined = joined[joined > 1]
    first_reviewed = reviews.groupby("customer_id")["month"].min()
    assert (first_reviewed.loc[joined.index] == joined).all(), "new customers are reviewed in their first month"


# --- logs ---------------------------------------------------------------------------------------------------------


def test_logs_have_the_documented_columns_and_agree(year):
    assert list(year.customers.columns) == ["customer_id", "month", "month_start", "source_customer_id", *PROFILE_COLUMNS]
    assert list(year.predictions.columns) == ["customer_id", "month", "scored_on", "churn_score", "model_version",
                                              "latency_ms", "scoring_failed", "mode"]
    assert list(year.contacts.columns) == ["customer_id", "month", "contacted_on", "arm", "policy"]
    assert list(year.outcomes.columns) == ["customer_id", "month", "month_start", "churned_on", "churned", "label_known_on"]
    assert list(year.assignments.columns) == ["customer_id", "month", "arm", "up_for_review"]
    for table, column in ((year.customers, "month_start"), (year.predictions, "scored_on"), (year.contacts, "contacted_on"),
                          (year.outcomes, "churned_on"), (year.outcomes, "label_known_on")):
        assert table[column].dtype == "datetime64[ns]", column
    assert year.outcomes["churned"].dtype == "Int64"
    keys = year.customers[["customer_id", "month"]]
    for name in ("predictions", "outcomes", "assignments"):
        pd.testing.assert_frame_equal(getattr(year, name)[["customer_id", "month"]], keys)
    assert not keys.duplicated().any()
    contact_keys = year.contacts.merge(keys, on=["customer_id", "month"], how="left", indicator=True)
    assert contact_keys["_merge"].eq("both").all()
    assert (year.predictions["scored_on"] == year.customers["month_start"]).all()
    assert year.predictions["scored_on"].dt.day.eq(1).all()
    for name in LOGS + TRUTH:
        assert getattr(year, name).attrs["simulated"] is True, name
        assert "Simulated" in world.caption(getattr(year, name))
    assert "Simulated" in repr(year) and "Not real customers" in world.caption(year)


def test_latency_and_scoring_failures_follow_their_documented_distribution(year):
    predictions = year.predictions
    failed = predictions["scoring_failed"]
    assert failed.mean() == pytest.approx(world.SCORING_FAILURE_RATE, abs=0.001)
    assert predictions.loc[failed, "churn_score"].isna().all() and predictions.loc[~failed, "churn_score"].notna().all()
    assert predictions.loc[failed, "latency_ms"].eq(world.SCORING_TIMEOUT_MS).all()
    answered = predictions.loc[~failed, "latency_ms"]
    assert answered.median() == pytest.approx(world.LATENCY_MEDIAN_MS, rel=0.03)
    assert answered.quantile(0.99) == pytest.approx(126, rel=0.08)
    contacted = predictions.merge(year.contacts, on=["customer_id", "month"])
    assert not contacted["scoring_failed"].any(), "a customer without a score is never contacted by the model"


def test_labels_arrive_only_after_the_horizon(year):
    outcomes = year.outcomes
    as_of = pd.Timestamp(year.settings["labels_as_of"])
    assert as_of == pd.Timestamp("2028-01-01")
    assert (outcomes["label_known_on"] == outcomes["month_start"] + pd.DateOffset(months=3)).all()
    pending = outcomes["label_known_on"] > as_of
    assert outcomes.loc[pending, "churned"].isna().all() and outcomes.loc[~pending, "churned"].notna().all()
    assert sorted(outcomes.loc[pending, "month"].unique()) == [11, 12]
    assert (outcomes["churned_on"].dropna() < as_of).all()
    known = outcomes[~pending]
    left_in_window = known["churned_on"].notna() & (known["churned_on"] < known["label_known_on"])
    assert (known["churned"].astype(bool) == left_in_window).all()
    assert (known["churned_on"].dropna() >= known.loc[known["churned_on"].notna(), "month_start"]).all()
    later = world.simulate(months=12, seed=11, labels_as_of="2028-03-01")
    assert later.outcomes["churned"].notna().all()
    assert later.outcomes["churned"].astype(int).tolist() == later.truth_by_customer["churned"].tolist()
    assert (later.outcomes.loc[~pending, "churned"] == year.outcomes.loc[~pending, "churned"]).all()


def test_joining_predictions_to_outcomes_on_the_customer_alone_duplicates_rows(year):
    right = year.predictions.merge(year.outcomes, on=["customer_id", "month"])
    wrong = year.predictions.merge(year.outcomes, on="customer_id")
    assert len(right) == len(year.predictions) and len(wrong) > 5 * len(year.predictions)


# --- knobs: each moves what it says and nothing else ---------------------------------------------------------------


def test_a_fibre_competitor_moves_fibre_churn_and_not_the_inputs(quiet_year):
    hit = world.simulate(months=8, seed=5, policy="none", fiber_competitor=0.5, fiber_competitor_from=4)
    for month in range(1, 5):  # up to and including its first month, the customer table and the scores are the same
        pd.testing.assert_frame_equal(seat_rows(quiet_year, month), seat_rows(hit, month))
    pd.testing.assert_frame_equal(quiet_year.predictions.query("month == 4").drop(columns="customer_id").reset_index(drop=True),
                                  hit.predictions.query("month == 4").drop(columns="customer_id").reset_index(drop=True))
    for month in range(5, 9):  # later, more fibre seats hold newcomers (drawn afresh), so the mix moves only a little
        same = seat_rows(quiet_year, month)["source_customer_id"].eq(seat_rows(hit, month)["source_customer_id"])
        assert same.mean() > 0.8
        for column in CATEGORY_COLUMNS:
            shares = [seat_rows(s, month)[column].value_counts(normalize=True) for s in (quiet_year, hit)]
            assert shares[0].sub(shares[1], fill_value=0).abs().max() < 0.03, column
    truth = hit.truth_by_customer.merge(hit.customers[["customer_id", "month", "internet_service"]], on=["customer_id", "month"])
    base = quiet_year.truth_by_customer.merge(quiet_year.customers[["customer_id", "month", "internet_service"]],
                                              on=["customer_id", "month"])
    fibre = truth["internet_service"].eq("Fiber optic")
    base_fibre = base["internet_service"].eq("Fiber optic")
    ratio = truth.loc[fibre & truth["month"].eq(4), "true_churn_probability"].mean() / \
        base.loc[base_fibre & base["month"].eq(4), "true_churn_probability"].mean()
    assert 1.1 < ratio < 1.5  # x1.5 a month compounds to less over 3 months (fibre customers' chances are high)
    later_fibre = truth.loc[fibre & truth["month"].between(4, 5), "churned"].mean()
    base_later_fibre = base.loc[base_fibre & base["month"].between(4, 5), "churned"].mean()
    assert later_fibre > base_later_fibre + 0.08
    other = truth.loc[~fibre & truth["month"].eq(4), ["true_churn_probability", "churned"]].reset_index(drop=True)
    base_other = base.loc[~base_fibre & base["month"].eq(4), ["true_churn_probability", "churned"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(other, base_other)


def test_a_price_rise_moves_charges_and_churn_but_not_contracts(quiet_year):
    risen = world.simulate(months=8, seed=5, policy="none", price_rise=0.1, price_rise_from=4)
    for month in range(1, 4):
        pd.testing.assert_frame_equal(seat_rows(quiet_year, month), seat_rows(risen, month))
    before, after = seat_rows(quiet_year, 4), seat_rows(risen, 4)
    assert np.allclose(after["monthly_charges"], np.round(before["monthly_charges"] * 1.1, 2), atol=0.006)
    for column in CATEGORY_COLUMNS + ["tenure", "total_charges"]:  # the first month's bills were at the old price
        assert before[column].equals(after[column]), column
    for month in range(5, 9):  # more customers leave, so more seats hold newcomers: the mix moves only a little
        for column in CATEGORY_COLUMNS:
            shares = [seat_rows(s, month)[column].value_counts(normalize=True) for s in (quiet_year, risen)]
            assert shares[0].sub(shares[1], fill_value=0).abs().max() < 0.03, column
    base_p = quiet_year.truth.set_index("month")["true_churn_probability"]
    risen_p = risen.truth.set_index("month")["true_churn_probability"]
    assert risen_p.loc[4] > base_p.loc[4] * 1.1
    assert risen_p.loc[1] == base_p.loc[1] and risen_p.loc[2] > base_p.loc[2]  # month 2's horizon reaches month 4
    # The champion's weight on monthly charges is small and positive: its scores barely move while churn jumps.
    scores = [s.predictions.query("month == 4")["churn_score"].mean() for s in (quiet_year, risen)]
    assert 0 < scores[1] - scores[0] < 0.02
    assert risen.truth.loc[risen.truth["month"] >= 4, "price_rise"].eq(0.1).all()
    assert risen.truth.loc[risen.truth["month"] < 4, "price_rise"].eq(0.0).all()


@pytest.mark.parametrize("column", ["total_charges", "monthly_charges"])
def test_a_data_bug_empties_only_the_chosen_column_from_the_chosen_month(quiet_year, column):
    buggy = world.simulate(months=8, seed=5, policy="none", data_bug=0.2, data_bug_from=4, data_bug_column=column)
    clean_rows, buggy_rows = quiet_year.customers, buggy.customers
    assert clean_rows[["customer_id", "month"]].equals(buggy_rows[["customer_id", "month"]])
    empty = buggy_rows.isna()
    assert not empty.drop(columns=[column]).any().any()
    assert not empty.loc[buggy_rows["month"] < 4, column].any()
    share = empty.loc[buggy_rows["month"] >= 4, column].mean()
    assert share == pytest.approx(0.2, abs=0.015)
    kept = ~empty[column]
    pd.testing.assert_frame_equal(clean_rows[kept], buggy_rows[kept])
    pd.testing.assert_frame_equal(quiet_year.outcomes, buggy.outcomes)  # customers behave exactly as before
    pd.testing.assert_frame_equal(quiet_year.truth_by_customer.drop(columns="input_emptied"),
                                  buggy.truth_by_customer.drop(columns="input_emptied"))
    assert buggy.truth_by_customer["input_emptied"].equals(empty[column].reset_index(drop=True))
    moved = buggy.predictions["churn_score"] - quiet_year.predictions["churn_score"]  # NaN where scoring failed
    hit = empty[column].to_numpy()
    assert (moved[~hit].dropna().abs() < 1e-12).all()
    # The champion's weights on both charges are positive: an empty one reads as $0, and the score falls.
    assert (moved[hit].dropna() <= 1e-12).all() and moved[hit].mean() < -0.002


def test_a_promotion_adds_new_month_to_month_customers_and_nothing_else(quiet_year):
    promoted = world.simulate(months=8, seed=5, policy="none", promotion=300, promotion_from=3)
    sizes = promoted.truth.set_index("month")["customers"]
    assert sizes.loc[[1, 2, 3, 8]].tolist() == [7000, 7000, 7300, 8800]
    for month in range(1, 9):  # the launch seats live exactly as before
        pd.testing.assert_frame_equal(seat_rows(quiet_year, month), seat_rows(promoted, month))
    extra = promoted.customers[promoted.customers["month"] >= 3].groupby("month").tail(300)
    arrivals = extra.groupby("customer_id").head(1)
    assert arrivals["contract"].eq("Month-to-month").all()
    assert extra.groupby("customer_id")["tenure"].min().eq(1).all()
    mix = [s.customers.query("month == 8")["contract"].eq("Month-to-month").mean() for s in (quiet_year, promoted)]
    assert mix[1] > mix[0] + 0.03
    # The promotion's customers copy real month-to-month customers with at most 6 months of tenure.
    real = load_churn().set_index("customer_id")
    sources = real.loc[arrivals["source_customer_id"]]
    assert sources["contract"].eq("Month-to-month").all() and sources["tenure"].le(6).all()


def test_several_knobs_at_once_each_leave_their_mark():
    knobs = dict(promotion=300, promotion_from=3, price_rise=0.08, price_rise_from=5, data_bug=0.3, data_bug_from=7,
                 fiber_competitor=0.6, fiber_competitor_from=9)
    year = world.simulate(months=12, seed=8, **knobs)
    assert year.incidents["from_month"].tolist() == [3, 5, 7, 9]
    truth = year.truth.set_index("month")
    assert truth.loc[12, "customers"] == 7000 + 10 * 300
    assert truth.loc[6, "price_rise"] == 0.08 and truth.loc[4, "price_rise"] == 0
    assert truth.loc[7, "inputs_emptied"] > 0.25 * truth.loc[7, "customers"] and truth.loc[6, "inputs_emptied"] == 0
    assert truth.loc[9, "fiber_competitor"] == 0.6 and truth.loc[8, "fiber_competitor"] == 0
    assert truth.loc[10, "churn_rate_without_campaign"] > truth.loc[1, "churn_rate_without_campaign"] + 0.05
    assert year.settings["price_rise_from"] == 5 and year.settings["data_bug_column"] == "total_charges"


# --- policies and the campaign ---------------------------------------------------------------------------------


def test_the_model_policy_contacts_the_customers_up_for_review_above_the_threshold(year):
    rows = year.predictions.merge(year.assignments, on=["customer_id", "month"])
    contacted = rows.merge(year.contacts, on=["customer_id", "month"], how="left", indicator=True)["_merge"].eq("both")
    expected = rows["up_for_review"] & rows["churn_score"].ge(1 / 6)
    assert (contacted == expected).all()
    assert (rows["mode"].eq("live") == rows["up_for_review"]).all()
    assert year.contacts["policy"].eq("model score >= 0.167").all()


def test_an_offer_saves_the_persuadable_churners_it_reaches_and_the_profit_adds_up(year):
    truth = year.truth
    saved, reached = truth["churners_saved"].sum(), truth["churners_reached"].sum()
    assert 0.1 < saved / reached < 0.3  # responses by segment (at most 30 %), the competitor's leavers never saved
    assert (truth["churn_rate"] < truth["churn_rate_without_campaign"]).all()
    rows = year.truth_by_customer
    assert not (rows["saved"] & ~rows["reached"]).any() and not (rows["reached"] & ~rows["contacted"]).any()
    assert rows.loc[rows["saved"], "churned"].eq(0).all() and rows.loc[rows["saved"], "churned_without_campaign"].eq(1).all()
    assert (rows.loc[~rows["contacted"] & rows["up_for_review"], "churned_if_contacted"].sum() > 0)
    expected = 0.3 * 200 * truth["churners_reached"] - 10 * truth["customers_contacted"]
    assert np.allclose(truth["expected_profit"], expected)
    assert np.allclose(truth["realised_profit"],
                       200 * (truth["churners_saved"] - truth["lost_to_offer"]) - 10 * truth["customers_contacted"])


def test_other_policies_do_what_they_say():
    rule = world.simulate(months=3, seed=6, policy="rule")
    rows = rule.customers.merge(rule.assignments, on=["customer_id", "month"])
    contacted = rows.merge(rule.contacts, on=["customer_id", "month"], how="left", indicator=True)["_merge"].eq("both")
    assert (contacted == (rows["up_for_review"] & rows["contract"].eq("Month-to-month"))).all()
    assert rule.predictions["mode"].eq("shadow").all(), "the model only scores: a shadow month"
    top = world.simulate(months=3, seed=6, policy=world.contact_top_k(250))
    assert top.truth["customers_contacted"].eq(250).all()
    chosen = top.predictions.merge(top.contacts, on=["customer_id", "month"])
    others = top.predictions.merge(top.assignments, on=["customer_id", "month"]).query("up_for_review")
    assert chosen.groupby("month")["churn_score"].min().ge(
        others[~others.set_index(["customer_id", "month"]).index.isin(chosen.set_index(["customer_id", "month"]).index)]
        .groupby("month")["churn_score"].max()).all()
    nobody = world.simulate(months=3, seed=6, policy=world.contact_nobody())
    assert nobody.contacts.empty and nobody.truth["churners_saved"].eq(0).all()
    strict = world.simulate(months=2, seed=6, policy=world.contact_by_model(threshold=0.5))
    assert strict.predictions.merge(strict.contacts, on=["customer_id", "month"])["churn_score"].min() >= 0.5


def test_an_offer_that_backfires_loses_some_happy_customers():
    backfire = world.simulate(months=6, seed=9, offer_backfire=0.05)
    rows = backfire.truth_by_customer
    happy_contacted = rows["contacted"] & ~rows["churner"].astype(bool)
    # 5 % backfire on top of the sleeping dogs (5 % a month, half of whom leave when contacted)
    dogs = world.SLEEPING_DOG_SHARE * world.SLEEPING_DOG_LEAVES
    assert rows.loc[happy_contacted, "lost_to_offer"].mean() == pytest.approx(0.05 + (1 - 0.05) * dogs, abs=0.012)
    assert rows.loc[rows["lost_to_offer"], "churned"].eq(1).all() and not (rows["lost_to_offer"] & ~happy_contacted).any()
    assert backfire.truth["lost_to_offer"].sum() > 0


# --- A/B tests ---------------------------------------------------------------------------------------------------


def test_ab_assignment_is_stable_across_months_and_close_to_the_split():
    test = world.simulate(months=6, seed=12, policy=world.ab_test({"A": "rule", "B": "rule"}))
    arms = test.assignments.groupby("customer_id")["arm"].nunique()
    assert arms.eq(1).all()
    customers = test.assignments.drop_duplicates("customer_id")
    assert len(customers) > 9000
    assert customers["arm"].eq("A").mean() == pytest.approx(0.5, abs=0.015)
    buckets = world.bucket(customers["customer_id"], salt="churn-lab-ab")
    assert ((buckets < 50) == customers["arm"].eq("A")).all()
    assert world.bucket(["S000001", "S000002"]).tolist() == world.bucket(pd.Series(["S000001", "S000002"])).tolist()
    assert not world.bucket(customers["customer_id"], salt="another test").equals(buckets)
    by_arm = test.truth_by_arm.groupby("arm")["true_effect"].mean()
    assert by_arm["A"] == pytest.approx(by_arm["B"], abs=0.02)


def test_a_three_arm_test_reads_the_truth_per_arm():
    test = world.ab_test({"model": "model", "rule": "rule", "hold-out": "none"}, split=(45, 45, 10))
    ab = world.simulate(months=3, seed=7, policy=test, labels_as_of="2027-06-01")
    shares = ab.assignments.drop_duplicates("customer_id")["arm"].value_counts(normalize=True)
    assert shares["hold-out"] == pytest.approx(0.10, abs=0.015)
    truth = ab.truth_by_arm.set_index(["month", "arm"])
    assert truth.xs("hold-out", level="arm")["true_effect"].eq(0).all()
    assert (truth.xs("model", level="arm")["true_effect"] > 0.05).all()
    assert set(ab.contacts["arm"]) == {"model", "rule"}
    assert ab.truth_by_arm["customers"].sum() == ab.assignments["up_for_review"].sum()


def test_a_broken_bucketer_causes_a_sample_ratio_mismatch():
    from scipy.stats import chisquare

    plan = world.ab_test({"A": "rule", "B": "rule"}, misassigned=0.05)
    broken = world.simulate(months=2, seed=12, policy=plan)
    counts = broken.assignments.query("month == 1")["arm"].value_counts()
    assert counts["A"] / counts.sum() == pytest.approx(0.5 + 0.5 * 0.05, abs=0.015)
    assert chisquare(counts.to_numpy()).pvalue < 0.01
    own = world.ab_test({"A": "rule", "B": "none"}, assign=lambda ids: np.where(ids.str[-1].isin(list("01234")), "A", "B"))
    custom = world.simulate(months=2, seed=12, policy=own)
    expected = np.where(custom.assignments["customer_id"].str[-1].isin(list("01234")), "A", "B")
    assert (custom.assignments["arm"].to_numpy() == expected).all()
    with pytest.raises(CourseError, match="not one of the test's arms"):
        world.simulate(months=1, seed=12, policy=world.ab_test({"A": "rule", "B": "none"}, assign=lambda ids: ["C"] * len(ids)))


# --- speed, plots, reading helpers -------------------------------------------------------------------------------


def test_a_year_of_seven_thousand_customers_takes_under_a_second():
    world.simulate(months=12, seed=1)  # warm-up: loads the data, fits the champion and plays the burn-in once
    # CPU seconds of this process (all its threads): what the year costs, even when other tests or
    # notebooks share the 2 cores and stretch the wall-clock time. Best of 5.
    times = []
    for _ in range(5):
        start = time.process_time()
        world.simulate(months=12, seed=1)
        times.append(time.process_time() - start)
    assert min(times) < 1.0, f"best of 5: {min(times):.2f} CPU seconds"


def test_plot_truth_is_titled_simulated_with_labelled_axes(year):
    ax = plots.plot_truth(world.simulate(months=6, seed=2, price_rise=0.1, price_rise_from=3))
    assert "Simulated" in ax.get_title(loc="left")
    assert "month" in ax.get_xlabel() and "%" in ax.get_ylabel()
    assert ax.get_legend() is not None
    plt.close("all")


def test_the_caption_and_the_mark_survive_only_on_the_simulators_own_tables(year):
    assert world.caption(year.truth) == world.caption(year)
    with pytest.raises(CourseError, match="does not carry the 'simulated' mark"):
        world.caption(pd.DataFrame({"a": [1]}))


def test_labels_not_known_yet_are_refused_by_the_calibration_table(year):
    with pytest.raises(CourseError, match="not known yet"):
        world.calibration_table(year, month=12)


def test_every_public_function_is_a_course_function():
    for name in world.__all__:
        value = getattr(world, name)
        if callable(value) and not isinstance(value, type):
            assert getattr(value, "course_function", False), name
