"""churnlab.abtest: the shadow month's lists, planning, the readout in order, peeking, and the MLflow records (lesson 07)."""
from __future__ import annotations

import math
from functools import cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy.stats import chisquare  # noqa: E402
from statsmodels.stats.power import NormalIndPower  # noqa: E402
from statsmodels.stats.proportion import (  # noqa: E402
    confint_proportions_2indep, proportion_effectsize, proportions_ztest,
)

from churnlab import abtest, plots, rules, world  # noqa: E402
from churnlab.economics import CampaignEconomics  # noqa: E402
from churnlab.errors import CourseError  # noqa: E402
from churnlab.exercises.core import course_split  # noqa: E402


THREE_ARMS = {"model": "model", "rule": "rule", "hold-out": "none"}


@cache
def _shadow():
    return world.simulate(months=1, seed=7, policy="rule", labels_as_of="2027-04-01")


@cache
def _ab():
    return world.simulate(months=3, seed=7, policy=world.ab_test(THREE_ARMS, split=(45, 45, 10)), labels_as_of="2027-06-01")


@cache
def _reviewed():
    return abtest.customers_under_review(_shadow())


@cache
def _cohort():
    return abtest.customers_under_review(_ab())


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- the customers a test reads -----------------------------------------------------------------------------


def test_customers_under_review_are_exactly_the_reviewed_rows_with_both_lists():
    shadow, reviewed = _shadow(), _reviewed()
    under_review = shadow.assignments["up_for_review"].to_numpy()
    assert len(reviewed) == under_review.sum()
    assert reviewed["customer_id"].tolist() == shadow.assignments.loc[under_review, "customer_id"].tolist()
    scores = shadow.predictions.loc[under_review, "churn_score"].to_numpy()
    assert (reviewed["model_picks"].to_numpy() == (np.nan_to_num(scores, nan=-1) >= shadow.settings["threshold"])).all()
    assert not reviewed.loc[reviewed["churn_score"].isna(), "model_picks"].any(), "a failed score never picks a customer"
    rule = rules.month_to_month(shadow.customers.loc[under_review]).to_numpy().astype(bool)
    assert (reviewed["rule_picks"].to_numpy() == rule).all()
    expected_lists = np.select([rule & reviewed["model_picks"], reviewed["model_picks"], rule], list(abtest.LISTS[:3]), "neither")
    assert (reviewed["lists"].to_numpy() == expected_lists).all()
    assert world.caption(reviewed) == shadow.caption


def test_in_the_shadow_month_the_live_rule_contacts_exactly_the_rules_list():
    reviewed = _reviewed()
    assert (reviewed["contacted"] == reviewed["rule_picks"]).all()
    contacted = set(zip(_shadow().contacts["customer_id"], _shadow().contacts["month"]))
    assert set(zip(reviewed.loc[reviewed["contacted"], "customer_id"], reviewed.loc[reviewed["contacted"], "month"])) == contacted


def test_outcomes_and_churn_days_come_from_the_outcome_log():
    reviewed, shadow = _reviewed(), _shadow()
    log = shadow.outcomes[shadow.assignments["up_for_review"].to_numpy()]
    assert reviewed["churned"].tolist() == log["churned"].tolist()
    left = reviewed["churned"].eq(1)
    days = reviewed.loc[left, "days_to_churn"]
    window = (reviewed["label_known_on"] - reviewed["month_start"]).dt.days
    assert days.notna().all() and (days >= 0).all() and (days < window[left]).all()
    assert reviewed.loc[~left, "days_to_churn"].isna().all()


def test_labels_not_known_yet_stay_empty_and_a_readout_refuses_them():
    early = world.simulate(months=1, seed=7, policy=world.ab_test(THREE_ARMS, split=(45, 45, 10)))
    cohort = abtest.customers_under_review(early)
    assert cohort["churned"].isna().all()
    with pytest.raises(CourseError, match="labels_as_of"):
        abtest.compare_arms(cohort, "model", "hold-out")


def test_compare_lists_and_traits_describe_the_four_groups():
    reviewed = _reviewed()
    lists = abtest.compare_lists(reviewed)
    assert list(lists.index) == list(abtest.LISTS)
    assert lists["customers"].sum() == len(reviewed) and math.isclose(lists["share"].sum(), 1.0)
    assert lists.loc[["both lists", "rule only"], "contacted"].eq(1).all()
    assert lists.loc[["model only", "neither"], "contacted"].eq(0).all()
    assert lists.loc["model only", "mean model score"] > lists.loc["rule only", "mean model score"]
    traits = abtest.traits_by_list(reviewed)
    contracts = traits[["month-to-month", "one year", "two year"]].sum(axis=1)
    assert np.allclose(contracts, 1.0)
    assert traits.loc[["both lists", "rule only"], "month-to-month"].eq(1).all()
    assert traits.loc[["model only", "neither"], "month-to-month"].eq(0).all()
    internet = reviewed.groupby("lists")["internet_service"].apply(lambda s: s.eq("No").mean())
    assert np.allclose(traits["no internet"], internet.reindex(traits.index).fillna(0))
    assert (traits["no internet"] + traits["fibre optic"]).le(1 + 1e-12).all()


def test_expected_from_shadow_undoes_the_assumed_offer_on_called_customers_and_applies_it_to_the_others():
    reviewed = _reviewed()
    acceptance = CampaignEconomics().acceptance_rate
    plan = abtest.expected_from_shadow(reviewed)
    left, called = reviewed["churned"].astype(float), reviewed["contacted"].astype(bool)
    without = np.where(called, left / (1 - acceptance), left)
    with_call = np.where(called, left, left * (1 - acceptance))
    disagree = (reviewed["model_picks"] != reviewed["rule_picks"]).to_numpy()
    rule_arm = np.where(reviewed["rule_picks"], with_call, without)[disagree].mean()
    model_arm = np.where(reviewed["model_picks"], with_call, without)[disagree].mean()
    row = plan.loc["model vs rule, lists disagree"]
    assert row["customers"] == disagree.sum()
    assert math.isclose(row["churn A"], rule_arm) and math.isclose(row["churn B"], model_arm)
    assert math.isclose(row["difference (points)"], 100 * (model_arm - rule_arm))
    campaign = plan.loc["model campaign vs no campaign"]
    assert campaign["customers"] == len(reviewed) and math.isclose(campaign["churn A"], without.mean())
    assert campaign["difference (points)"] < 0  # the model's calls keep some would-be leavers, by assumption
    # a stronger assumed offer makes skipping the rule's calls look costlier
    stronger = abtest.expected_from_shadow(reviewed, CampaignEconomics(acceptance_rate=0.5))
    assert stronger.loc["model vs rule, lists disagree", "difference (points)"] > row["difference (points)"]
    with pytest.raises(CourseError, match="label"):
        abtest.expected_from_shadow(reviewed.assign(churned=pd.array([pd.NA] * len(reviewed), dtype="Int64")))


# --- planning -------------------------------------------------------------------------------------------------


def test_expected_churn_takes_the_accepted_offers_off_the_leavers():
    leaving = pd.Series([1, 1, 1, 0, 0, 1, 0, 0, 0, 0])
    called = pd.Series([True, True, False, True, False, False, False, False, False, False])
    assert math.isclose(abtest.expected_churn(leaving, called), (4 - 0.3 * 2) / 10)
    assert math.isclose(abtest.expected_churn(leaving, called & False), 0.4)
    weaker = CampaignEconomics(acceptance_rate=0.2)
    assert math.isclose(abtest.expected_churn(leaving, called, weaker), (4 - 0.2 * 2) / 10)
    scores = pd.Series(np.linspace(0.05, 0.95, 10))
    assert math.isclose(abtest.expected_churn(scores, scores >= 0.5), (scores.sum() - 0.3 * scores[scores >= 0.5].sum()) / 10)


def test_sample_size_is_statsmodels_rounded_up():
    raw = NormalIndPower().solve_power(effect_size=proportion_effectsize(0.265, 0.194), alpha=0.05, power=0.8)
    assert abtest.sample_size(0.265, 0.194) == math.ceil(raw)
    assert abtest.sample_size(0.194, 0.265) == math.ceil(raw)  # two-sided: the order does not matter
    assert abtest.sample_size(0.265, 0.194, power=0.9) > abtest.sample_size(0.265, 0.194)
    assert abtest.sample_size(0.265, 0.194, ratio=4.5) < abtest.sample_size(0.265, 0.194)


def test_on_the_test_customers_the_campaign_needs_540_and_model_against_rule_over_a_million():
    split = course_split()
    model_list = world.course_model().predict_proba(split.X_test)[:, 1] >= CampaignEconomics().break_even_probability
    table = abtest.sample_size_table(split.y_test, pd.Series(model_list, index=split.X_test.index),
                                     rules.month_to_month(split.X_test).eq(1))
    assert table.loc["model campaign vs no campaign", "customers per arm"] == 540
    assert 1_000_000 < table.loc["model vs rule, all customers", "customers per arm"] < 1_200_000
    disagree = table.loc["model vs rule, where the lists disagree"]
    assert math.isclose(disagree["share compared"], (pd.Series(model_list, index=split.X_test.index)
                                                     != rules.month_to_month(split.X_test).eq(1)).mean())
    assert disagree["customers per arm, all"] == math.ceil(disagree["customers per arm"] / disagree["share compared"])
    assert disagree["customers per arm, all"] < table.loc["model vs rule, all customers", "customers per arm"] / 5


def test_the_smallest_lift_worth_detecting_is_the_monthly_cost_spread_over_the_customers_in_kept_customers():
    economics = CampaignEconomics()
    lift = abtest.smallest_lift_worth_detecting(2000, 1000)
    assert lift == pytest.approx(2000 / 1000 / economics.value_of_saved_customer)  # $2 a customer = 1 % of $200
    # ten more calls per 100 customers cost $1 a customer more: half a point more
    assert abtest.smallest_lift_worth_detecting(2000, 1000, 0.1) == pytest.approx(lift + 0.1 * 10 / 200)
    # a weaker value of a kept customer asks for a larger lift; a bigger base for a smaller one
    assert abtest.smallest_lift_worth_detecting(2000, 1000, economics=CampaignEconomics(value_of_saved_customer=100)) == pytest.approx(2 * lift)
    assert abtest.smallest_lift_worth_detecting(2000, 10_000) == pytest.approx(lift / 10)


def test_the_sample_size_against_a_margin_is_statsmodels_one_sided_at_half_alpha():
    from scipy.stats import norm
    from statsmodels.stats.power import NormalIndPower

    baseline, hoped, margin = 0.224, 0.0527, 0.0162
    treated = baseline - hoped
    spread = math.sqrt((baseline * (1 - baseline) + treated * (1 - treated)) / 2)
    raw = NormalIndPower().solve_power(effect_size=(hoped - margin) / spread, alpha=0.025, power=0.8, alternative="larger")
    assert abtest.sample_size_against_margin(baseline, hoped, margin) == math.ceil(raw)
    # the formula itself, and a margin of zero is the usual test of "better than nothing" (about statsmodels' arcsine one)
    z = norm.ppf(0.975) + norm.ppf(0.8)
    by_hand = z ** 2 * (baseline * (1 - baseline) + treated * (1 - treated)) / (hoped - margin) ** 2
    assert abtest.sample_size_against_margin(baseline, hoped, margin) == math.ceil(by_hand)
    assert abtest.sample_size_against_margin(baseline, hoped, 0) == pytest.approx(abtest.sample_size(baseline, treated), rel=0.03)
    # testing against break-even needs more customers than testing against zero: (5.27 / 3.65)² ≈ 2 times here
    assert abtest.sample_size_against_margin(baseline, hoped, margin) > 2 * abtest.sample_size_against_margin(baseline, hoped, 0)
    # a smaller second arm asks for more customers in the first
    assert abtest.sample_size_against_margin(baseline, hoped, margin, ratio=0.5) > abtest.sample_size_against_margin(baseline, hoped, margin)


def test_the_power_against_a_margin_is_80_percent_at_the_planned_size_and_2_5_percent_at_break_even():
    baseline, hoped, margin = 0.224, 0.0527, 0.0162
    per_arm = abtest.sample_size_against_margin(baseline, hoped, margin)
    assert abtest.power_against_margin(baseline, hoped, margin, per_arm) == pytest.approx(0.8, abs=0.002)
    assert abtest.power_against_margin(baseline, hoped, margin, per_arm // 2) < 0.55
    # a change that only just beats break-even: the rule acts about alpha / 2 of the time, whatever the sample
    for customers in (500, 50_000, 5_000_000):
        assert abtest.power_against_margin(baseline, margin + 1e-9, margin, customers) == pytest.approx(0.025, abs=1e-3)


def test_the_rule_fires_as_often_as_its_power_says_in_simulated_tests():
    from statsmodels.stats.proportion import confint_proportions_2indep

    baseline, hoped, margin, customers = 0.224, 0.0527, 0.0162, 900
    rng = np.random.default_rng(3)
    control = rng.binomial(customers, baseline, 2000)
    treated = rng.binomial(customers, baseline - hoped, 2000)
    _low, high = confint_proportions_2indep(treated, customers, control, customers, compare="diff")
    fired = high < -margin  # the whole interval of the change in churn below minus the margin
    assert fired.mean() == pytest.approx(abtest.power_against_margin(baseline, hoped, margin, customers), abs=0.04)
    # the winner's curse: the tests that act overstate the drop, by about what the formula says
    estimates = (control - treated) / customers
    inflated = abtest.estimate_when_rule_acts(baseline, hoped, margin, customers)
    assert inflated > hoped + 0.01
    assert estimates[fired].mean() == pytest.approx(inflated, abs=0.002)
    # with a huge test, almost every test acts and the estimate is right
    assert abtest.estimate_when_rule_acts(baseline, hoped, margin, 1_000_000) == pytest.approx(hoped, abs=1e-4)


def test_months_needed_is_the_sample_over_the_customers_an_arm_gains_each_month():
    per_arm = abtest.sample_size_against_margin(0.25, 0.03, 0.01)
    assert abtest.months_needed(0.25, 0.03, 0.01, 2000, 0.45) == pytest.approx(per_arm / (0.45 * 2000))
    # reading a quarter of each arm (a triggered analysis) needs four times the reviews for the same count
    assert abtest.months_needed(0.25, 0.03, 0.01, 2000, 0.45, compared_share=0.25) == pytest.approx(
        4 * per_arm / (0.45 * 2000))
    # a small hold-out beside a big arm: the hold-out is the arm that fills slowly
    hold_out = abtest.sample_size_against_margin(0.25, 0.03, 0.01, ratio=4.5)
    assert abtest.months_needed(0.25, 0.03, 0.01, 2000, 0.10, other_arm_share=0.45) == pytest.approx(hold_out / 200)


def test_the_power_curve_is_the_rules_power_month_by_month():
    curve = abtest.power_curve(0.25, 0.03, 0.01, customers_per_month=2000, arm_share=0.45, months=[1, 3, 6])
    assert list(curve.index) == [1.0, 3.0, 6.0]
    assert curve["customers per arm"].tolist() == [900, 2700, 5400]
    assert curve["power"].tolist() == pytest.approx([abtest.power_against_margin(0.25, 0.03, 0.01, n) for n in (900, 2700, 5400)])
    assert curve["power"].is_monotonic_increasing  # a longer test acts more often on a real gain
    hold_out = abtest.power_curve(0.25, 0.05, 0.01, 2000, arm_share=0.10, other_arm_share=0.45, months=[3], compared_share=0.5)
    assert hold_out[["customers per arm", "customers, other arm"]].iloc[0].tolist() == [300, 1350]
    assert len(abtest.power_curve(0.25, 0.03, 0.01, 2000, 0.45)) == 72  # default: every half month up to 3 years


def test_power_curves_are_drawn_with_a_title_axes_the_target_and_the_power_at_the_months_we_can_wait():
    curve = abtest.power_curve(0.25, 0.03, 0.01, 2000, 0.45)
    ax = plots.power_curves({"model vs rule": curve}, months_available=3)
    assert ax.get_title(loc="left") and "months" in ax.get_xlabel() and "power" in ax.get_ylabel()
    at_3 = f"{curve.loc[3.0, 'power']:.0%}"
    assert any(text.get_text() == at_3 for text in ax.texts)
    assert any("80%" in text for text in ax.get_legend_handles_labels()[1])


# --- the readout ----------------------------------------------------------------------------------------------


def test_the_sample_ratio_check_counts_customers_once_and_passes_a_working_split():
    ab = _ab()
    check = abtest.sample_ratio_check(ab.assignments, world.ab_test(THREE_ARMS, split=(45, 45, 10)))
    customers = ab.assignments.drop_duplicates("customer_id")["arm"].value_counts()[["model", "rule", "hold-out"]]
    expected = customers.sum() * np.array([0.45, 0.45, 0.10])
    assert math.isclose(check.p_value, chisquare(customers, f_exp=expected).pvalue)
    assert check.table["customers"].sum() == ab.assignments["customer_id"].nunique()
    assert not check.mismatch and check.customers_in_two_arms == 0
    assert "No sign of a sample-ratio mismatch" in check.summary()
    same = abtest.sample_ratio_check(ab.assignments, {"model": 45, "rule": 45, "hold-out": 10})
    assert math.isclose(same.p_value, check.p_value)
    assert math.isclose(abtest.sample_ratio_check(ab.assignments, {"model": 0.45, "rule": 0.45, "hold-out": 0.1}).p_value,
                        check.p_value)


def test_a_broken_bucketer_rings_the_alarm():
    broken = world.ab_test({"A": "rule", "B": "rule"}, misassigned=0.04)
    simulation = world.simulate(months=3, seed=11, policy=broken)
    check = abtest.sample_ratio_check(simulation.assignments, broken)
    assert check.mismatch and check.p_value < abtest.SRM_ALARM
    assert "Find the cause before reading any result" in check.summary()


def test_a_customer_in_two_arms_rings_the_alarm_even_when_the_counts_look_fine():
    assignments = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "a", "b", "c", "d"],
                                "arm": ["A", "B", "A", "B", "B", "A", "A", "B"]})
    check = abtest.sample_ratio_check(assignments, {"A": 50, "B": 50})
    assert check.customers_in_two_arms == 2 and check.mismatch
    assert "not stable" in check.summary()


def test_compare_arms_is_statsmodels_effect_interval_and_p_value_with_dollars():
    cohort = _cohort()
    result = abtest.compare_arms(cohort, "model", "hold-out")
    treated, control = cohort[cohort["arm"] == "model"], cohort[cohort["arm"] == "hold-out"]
    counts = [int(treated["churned"].sum()), int(control["churned"].sum())]
    sizes = [len(treated), len(control)]
    assert result.customers == tuple(sizes) and result.churned == tuple(counts)
    assert math.isclose(result.effect, counts[0] / sizes[0] - counts[1] / sizes[1])
    low, high = confint_proportions_2indep(counts[0], sizes[0], counts[1], sizes[1], compare="diff")
    assert math.isclose(result.low, low) and math.isclose(result.high, high)
    assert math.isclose(result.p_value, proportions_ztest(counts, sizes)[1])
    assert result.significant and result.effect < 0
    extra_contacts = treated["contacted"].mean() - control["contacted"].mean()
    assert math.isclose(result.dollars_per_customer, -200 * result.effect - 10 * extra_contacts)
    dollars_low, dollars_high = result.dollars_interval
    assert math.isclose(dollars_low, -200 * high - 10 * extra_contacts) and dollars_low < result.dollars_per_customer < dollars_high
    summary = result.summary()
    assert f"{abs(100 * result.effect):.1f} percentage points lower in model" in summary
    assert abtest.chance_in_words(result.p_value) in summary and "p-value below 0.001" in summary


def test_the_triggered_comparison_reads_only_where_the_two_arms_are_treated_differently():
    cohort = _cohort()
    disagree = cohort[cohort["model_picks"] != cohort["rule_picks"]]
    triggered = abtest.compare_arms(disagree, "model", "rule", trigger="lists disagree")
    everyone = abtest.compare_arms(cohort, "model", "rule")
    agree = cohort[(cohort["model_picks"] == cohort["rule_picks"]) & cohort["arm"].isin(["model", "rule"])]
    # where the lists agree, both arms call exactly the same customers: they add customers, not signal
    contacted = agree.groupby(["lists", "arm"])["contacted"].mean().unstack()
    assert (contacted["model"] - contacted["rule"]).abs().max() < 0.01  # the fallback for failed scores aside
    assert sum(triggered.customers) < sum(everyone.customers)
    assert triggered.summary().startswith("model vs rule (lists disagree")


def test_read_plan_applies_the_written_rule_and_puts_the_truth_beside_the_estimate():
    policy = world.ab_test(THREE_ARMS, split=(45, 45, 10))
    simulation = _ab()
    reading = abtest.read_plan(simulation, policy, 1500)
    cohort = _cohort()
    disagree = cohort[cohort["model_picks"] != cohort["rule_picks"]]
    decision = abtest.compare_arms(disagree, "model", "rule", trigger="lists disagree", adjust_for="churn_score")
    per_month = len(disagree) / 3
    assert reading["seed"] == 7 and reading["customers"] == decision.customers
    assert math.isclose(reading["per_month"], per_month) and math.isclose(reading["effect"], decision.effect)
    assert math.isclose(reading["gain_low"], per_month * decision.dollars_interval[0])
    assert math.isclose(reading["true_effect"], abtest.true_effect(simulation, disagree, "model", "rule"))
    assert reading["switch"] == (reading["gain_low"] > 1500)  # the split, the campaign and the guardrails pass here
    assert not abtest.read_plan(simulation, policy, 10 ** 6)["switch"]  # a model that costs a fortune never switches
    with pytest.raises(CourseError, match="arm"):
        abtest.read_plan(_shadow(), "rule", 1500)


def test_replay_plan_reads_each_seed_like_read_plan():
    policy = world.ab_test(THREE_ARMS, split=(45, 45, 10))
    replays = abtest.replay_plan(policy, [7, 7], 1500)
    assert list(replays.index) == [7]  # each seed once
    reading = abtest.read_plan(_ab(), policy, 1500)
    row = replays.loc[7]
    assert row["decision"] == ("switch" if reading["switch"] else "keep the rule")
    assert math.isclose(row["effect"], 100 * reading["effect"]) and math.isclose(row["true gain"], reading["true_gain"])
    assert row["effect low"] <= row["effect"] <= row["effect high"]
    with pytest.raises(CourseError, match="seeds"):
        abtest.replay_plan(policy, [1.5], 1500)


def test_lesson07s_frozen_replay_is_what_replaying_gives():
    from churnlab.abtest import replay

    code, _, rows = replay._stored()
    assert code == replay._code_fingerprint(), (
        "churnlab/world/ or churnlab/abtest/ changed since lesson 07's replay was frozen: "
        "run python tools/freeze_lesson07_replay.py")
    frozen = pd.DataFrame(list(rows.values())).set_index("seed")
    pd.testing.assert_frame_equal(frozen, replay.lesson07_replay_recomputed(), check_exact=False, rtol=1e-9, atol=1e-9)


def test_lesson07s_replay_is_read_back_only_when_its_fingerprints_match(monkeypatch):
    from churnlab.abtest import replay

    spec = replay.LESSON07_REPLAY
    policy = world.ab_test(spec["arms"], split=spec["split"])
    _, fingerprint, rows = replay._stored()
    same_world = fingerprint == replay._replay_fingerprint(policy, spec["monthly_cost"], 3, "2027-06-01",
                                                           CampaignEconomics())
    simulated = []
    monkeypatch.setattr(replay, "_replayed_row", lambda seed, *rest: simulated.append(seed) or {**rows[1], "seed": seed})
    table = abtest.replay_plan(policy, [9, 1, 7], spec["monthly_cost"])
    assert list(table.index) == [9, 1, 7]
    # seed 7 is not frozen; the others are read back where this version set fits the champion the file was made with
    assert simulated == ([7] if same_world else [9, 1, 7])
    simulated.clear()
    abtest.replay_plan(policy, [1], spec["monthly_cost"] + 1)  # another cost: another fingerprint, simulated
    abtest.replay_plan(world.ab_test(spec["arms"], split=(45, 45, 10)), [1], spec["monthly_cost"])  # another split
    assert simulated == [1, 1]


def test_the_true_effect_agrees_with_the_simulators_truth_per_arm():
    ab, cohort = _ab(), _cohort()
    by_arm = ab.truth_by_arm
    weights = by_arm["customers"]
    true_model = (by_arm["true_effect"] * weights)[by_arm["arm"] == "model"].sum() / weights[by_arm["arm"] == "model"].sum()
    assert math.isclose(abtest.true_effect(ab, cohort, "model", "hold-out"), -true_model, abs_tol=1e-12)
    assert abtest.true_effect(ab, cohort, "hold-out", "hold-out") == 0
    result = abtest.compare_arms(cohort, "model", "hold-out")
    assert result.low <= abtest.true_effect(ab, cohort, "model", "hold-out") <= result.high


def test_the_2_by_2_view_has_each_group_in_each_arm():
    table = abtest.churn_by_list_and_arm(_cohort())
    assert list(table.index) == list(abtest.LISTS)
    assert list(table.columns) == [f"{m}: {arm}" for arm in ("model", "rule", "hold-out") for m in ("churn", "customers")]
    assert table[[c for c in table.columns if c.startswith("customers")]].to_numpy().sum() == len(_cohort())
    cohort = _cohort()
    in_cell = cohort[(cohort["lists"] == "model only") & (cohort["arm"] == "hold-out")]
    assert math.isclose(table.loc["model only", "churn: hold-out"], in_cell["churned"].mean())


def test_comparison_table_has_one_row_per_comparison():
    cohort = _cohort()
    table = abtest.comparison_table({"campaign": abtest.compare_arms(cohort, "model", "hold-out"),
                                     "model vs rule": abtest.compare_arms(cohort, "model", "rule")})
    assert list(table.index) == ["campaign", "model vs rule"]
    assert (table["effect low"] <= table["effect"]).all() and (table["effect"] <= table["effect high"]).all()


# --- peeking --------------------------------------------------------------------------------------------------


@cache
def _peeking():
    return abtest.aa_peeking(_reviewed(), tests=1000, seed=7)


def test_peeking_finds_far_more_winners_than_one_planned_look():
    result = _peeking()
    assert result.tests == 1000 and result.customers == len(_reviewed()) and result.days == 90
    days = result.by_day
    assert (np.diff(days["found a winner by then"]) >= 0).all()
    assert (days["found a winner by then"] >= days["significant that day"]).all()
    assert 0.03 <= result.found_a_winner_at_the_end <= 0.07, "one planned look: about the 5 % signed up for"
    assert result.found_a_winner_any_day > 0.2, "daily looks: several times more"
    assert world.caption(days) == _shadow().caption


def test_the_vectorised_daily_test_is_proportions_ztest():
    result, reviewed = _peeking(), _reviewed()
    in_a = np.random.default_rng(7).random((1000, len(reviewed))) < 0.5  # the same splits aa_peeking draws
    split = in_a[result.example]
    days = reviewed["days_to_churn"].to_numpy(dtype=float, na_value=np.nan)
    for day in (10, 45, 89):
        left_a = int(np.sum(split & (days <= day)))
        left_b = int(np.sum(~split & (days <= day)))
        _, p_value = proportions_ztest([left_a, left_b], [int(split.sum()), int((~split).sum())])
        assert math.isclose(result.by_day["example p-value"].iloc[day], p_value, rel_tol=1e-9)


def test_the_example_is_a_winner_only_a_daily_reader_would_declare():
    result = _peeking()
    assert result.example_found_a_winner
    assert result.by_day["example p-value"].iloc[-1] >= result.alpha


def test_peeking_is_the_same_for_the_same_seed_and_needs_one_month():
    again = abtest.aa_peeking(_reviewed(), tests=1000, seed=7)
    pd.testing.assert_frame_equal(again.by_day, _peeking().by_day)
    with pytest.raises(CourseError, match="one month"):
        abtest.aa_peeking(_cohort())


# --- records in MLflow ----------------------------------------------------------------------------------------


def _readout():
    cohort = _cohort()
    srm = abtest.sample_ratio_check(_ab().assignments, world.ab_test(THREE_ARMS, split=(45, 45, 10)))
    disagree = cohort[cohort["model_picks"] != cohort["rule_picks"]]
    return srm, abtest.compare_arms(disagree, "model", "rule"), abtest.compare_arms(cohort, "model", "hold-out")


def test_result_metrics_names_and_values():
    srm, decision, campaign = _readout()
    metrics = abtest.result_metrics(srm, decision, campaign)
    comparison_names = ("customers_treatment", "customers_control", "churn_treatment", "churn_control", "effect", "effect_low",
                        "effect_high", "p_value", "dollars_per_customer", "dollars_per_customer_low", "dollars_per_customer_high")
    expected = {"srm_p_value", "srm_mismatch", "customers_model", "customers_rule", "customers_hold-out",
                *comparison_names, *(f"campaign_{name}" for name in comparison_names)}
    assert set(metrics) == expected
    assert metrics["effect"] == decision.effect and metrics["campaign_effect"] == campaign.effect
    assert metrics["srm_mismatch"] == 0.0 and metrics["customers_hold-out"] == srm.table.loc["hold-out", "customers"]
    assert all(isinstance(value, float) for value in metrics.values())
    assert set(abtest.result_metrics(srm, decision)) == expected - {f"campaign_{name}" for name in comparison_names}


# --- charts ---------------------------------------------------------------------------------------------------


def test_the_effects_chart_is_titled_simulated_with_labelled_axes_and_a_legend():
    cohort = _cohort()
    comparisons = {"campaign": abtest.compare_arms(cohort, "model", "hold-out"),
                   "model vs rule": abtest.compare_arms(cohort, "model", "rule")}
    ax = plots.ab_test_effects(abtest.comparison_table(comparisons), {"campaign": -0.1})
    assert "Simulated" in ax.get_title(loc="left")
    assert "percentage points" in ax.get_xlabel() and ax.get_ylabel()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "interval below 0: fewer leave" in labels and any("true effect" in label for label in labels)
    rows = dict(zip(ax.get_yticks(), (tick.get_text() for tick in ax.get_yticklabels())))
    assert [rows[y] for y in sorted(rows, reverse=True)] == ["campaign", "model vs rule"], "the table's order, top down"


def test_the_peeking_chart_has_two_titled_simulated_panels():
    left, right = plots.aa_peeking(_peeking())
    for ax in (left, right):
        assert "simulated" in ax.get_title(loc="left").lower()
        assert ax.get_xlabel() and ax.get_ylabel()
        assert ax.get_legend() is not None
    assert "%" in right.get_ylabel() and "0–1" in left.get_ylabel()


@pytest.mark.parametrize(("p", "words"), [
    (0.5, "50% of the time"), (0.03, "about 3.0% of the time"), (0.0005, "less than 1 time in 1,000"),
    (5.81e-08, "less than 1 time in 10 million"), (1.7e-05, "less than 1 time in 10,000"),
    (1.15e-11, "less than 1 time in a billion"), (0.0, "less than 1 time in a billion"),
])
def test_a_p_value_reads_in_words_never_in_e_notation(p, words):
    assert abtest.chance_in_words(p) == words


# --- the minimum detectable effect at a size, the calendar, the verdict words, CUPED ------------------------


def test_the_detectable_lift_is_the_drop_the_rule_catches_80_percent_of_the_time():
    drop = abtest.detectable_lift(0.2, 0.016, 900, 900)
    assert 0.016 < drop < 0.2
    assert abtest.power_against_margin(0.2, drop, 0.016, 900, 900) == pytest.approx(0.8, abs=1e-4)
    assert abtest.detectable_lift(0.2, 0.016, 3600, 3600) < drop, "more customers catch a smaller drop"
    assert math.isnan(abtest.detectable_lift(0.2, 0.016, 3, 3)), "a test of 3 customers catches no drop 80 % of the time"


def test_the_power_curve_counts_calendar_months_with_the_label_wait_and_the_drop_it_can_catch():
    curve = abtest.power_curve(0.2, 0.05, 0.016, 2400, 0.45, months=[3, 12])
    assert abtest.LABEL_WAIT_MONTHS == 3
    assert curve["calendar months"].tolist() == [5.0, 14.0]  # 3 months of reviews from 1 January: read on 1 June
    caught = curve["smallest drop caught 80 % of the time"]
    assert caught.loc[12.0] < caught.loc[3.0]
    assert caught.loc[3.0] == pytest.approx(abtest.detectable_lift(0.2, 0.016, curve.loc[3.0, "customers per arm"],
                                                                   curve.loc[3.0, "customers, other arm"]), rel=1e-3)


def _comparison(effect, low, high):
    return abtest.ArmComparison("model", "rule", (500, 500), (100, 100), (0.2, 0.2), effect, low, high, 0.5,
                                (0.5, 0.5), 200.0, 10.0)


@pytest.mark.parametrize(("effect", "low", "high", "words"), [
    (-0.05, -0.08, -0.02, "clear"),
    (0.03, 0.01, 0.05, "clear"),
    (-0.03, -0.07, 0.01, "likely but not certain"),  # 93 % of the normal curve below 0
    (-0.005, -0.045, 0.035, "a tie within noise"),  # 60 %
    (0.0, -0.04, 0.04, "a tie within noise"),
])
def test_an_arm_comparison_speaks_the_courses_three_verdict_words(effect, low, high, words):
    comparison = _comparison(effect, low, high)
    assert comparison.verdict == words
    assert comparison.dollars_verdict == words, "equal contacts: dollars are the effect times -$200"
    assert f"verdict: {words} on churn" in comparison.summary()


def test_the_dollars_verdict_reads_the_dollars_interval_with_the_cost_of_extra_contacts():
    costly = abtest.ArmComparison("model", "hold-out", (500, 500), (100, 120), (0.2, 0.24), -0.04, -0.07, -0.01, 0.01,
                                  (0.6, 0.0), 200.0, 10.0)  # $6 of contacts per customer against $8 kept
    assert costly.verdict == "clear"
    assert costly.dollars_verdict != "clear"
    assert costly.dollars_interval[0] < 0 < costly.dollars_interval[1]


def test_cuped_keeps_the_effect_of_a_regression_on_the_pre_test_score_and_narrows_its_interval():
    cohort = _cohort()
    plain = abtest.compare_arms(cohort, "model", "hold-out")
    adjusted = abtest.compare_arms(cohort, "model", "hold-out", adjust_for="churn_score")
    both = cohort[cohort["arm"].isin(["model", "hold-out"])]
    score = both["churn_score"].fillna(both["churn_score"].mean()).to_numpy()
    design = np.column_stack([np.ones(len(both)), both["arm"].eq("model").to_numpy(float), score])
    coefficients = np.linalg.lstsq(design, both["churned"].to_numpy(float), rcond=None)[0]
    assert adjusted.effect == pytest.approx(coefficients[1], abs=0.003)  # CUPED's pooled slope ~ the regression's
    assert adjusted.high - adjusted.low < plain.high - plain.low
    assert adjusted.customers == plain.customers and adjusted.churn_rate == plain.churn_rate
    assert "(CUPED)" in adjusted.summary() and "(CUPED)" not in plain.summary()
    with pytest.raises(CourseError, match="no column|nothing to adjust"):
        abtest.compare_arms(cohort.assign(flat=0.3), "model", "hold-out", adjust_for="flat")


# --- whom the offer changes: the four kinds, and what the offer keeps ---------------------------------------


def _with_kinds(simulation):
    """The simulation, with customer kinds in its truth (made up here when the world has none: the test reads the table)."""
    import dataclasses

    truth = simulation.truth_by_customer
    if "customer_type" in truth:
        return simulation
    rng = np.random.default_rng(0)
    kinds = rng.choice(list(abtest.CUSTOMER_TYPES), size=len(truth), p=[0.1, 0.6, 0.27, 0.03])
    effects = np.select([kinds == "persuadable", kinds == "sleeping dog"], [0.5, -0.5], 0.0)
    return dataclasses.replace(simulation, truth_by_customer=truth.assign(customer_type=kinds, true_offer_effect=effects))


def test_the_kinds_by_score_band_count_every_scored_customer_once_and_their_shares_add_up():
    simulation = _with_kinds(_ab())
    cohort = abtest.customers_under_review(simulation)
    table = abtest.kinds_by_score_band(simulation, cohort)
    kinds = list(abtest.CUSTOMER_TYPES)
    assert table.index.tolist() == ["0 to 1/6", "1/6 to 0.3", "0.3 to 0.5", "0.5 to 1", "all"]
    assert table.loc["all", "customers"] == cohort["churn_score"].notna().sum()
    assert table["customers"].iloc[:-1].sum() == table.loc["all", "customers"]
    assert np.allclose(table[kinds].sum(axis=1), 1.0)
    net = 100 * (table["persuadable"] - table["sleeping dog"])
    assert np.allclose(table["kept per 100 calls"], net)
    truth = simulation.truth_by_customer.merge(cohort[["customer_id", "month", "churn_score"]], on=["customer_id", "month"])
    truth = truth[truth["churn_score"] >= 0.5]
    assert table.loc["0.5 to 1", "persuadable"] == pytest.approx((truth["customer_type"] == "persuadable").mean())
    assert table.attrs["simulated"]


def test_the_kinds_need_a_world_that_knows_them_and_the_simulation_the_cohort_came_from():
    simulation = _ab()
    if "customer_type" not in simulation.truth_by_customer:
        with pytest.raises(CourseError, match="no customer kinds"):
            abtest.kinds_by_score_band(simulation, _cohort())
    with pytest.raises(CourseError, match="rising score cut-offs"):
        abtest.kinds_by_score_band(_with_kinds(simulation), _cohort(), bands=[0.5, 0.2])
    with pytest.raises(CourseError, match="does not have"):
        abtest.kinds_by_score_band(_with_kinds(_shadow()), _cohort())


def test_the_share_kept_is_one_minus_the_ratio_of_churn_with_statsmodels_interval():
    cohort = _cohort()
    listed = cohort[cohort["model_picks"]]
    kept = abtest.share_kept(listed, "model", "hold-out")
    called, held = listed[listed["arm"] == "model"]["churned"], listed[listed["arm"] == "hold-out"]["churned"]
    assert kept.estimate == pytest.approx(1 - called.mean() / held.mean())
    low, high = confint_proportions_2indep(int(called.sum()), len(called), int(held.sum()), len(held), compare="ratio")
    assert (kept.low, kept.high) == pytest.approx((1 - high, 1 - low))
    assert kept.low < kept.estimate < kept.high
    assert "would have left" in kept.summary()
    with pytest.raises(CourseError, match="both 'model'"):
        abtest.share_kept(listed, "model", "model")


def test_without_a_hoped_for_lift_the_curve_shows_only_the_smallest_drop_each_length_catches():
    curve = abtest.power_curve(0.15, None, 0.02, 2300, 0.45, compared_share=0.12, months=[3, 12, 36])
    assert "power" not in curve and curve["smallest drop caught 80 % of the time"].is_monotonic_decreasing
    ax = plots.detectable_effects({"model vs rule": curve}, {"model vs rule": {"break-even": 0.02, "expected": 0.012}},
                                  months_available=3)
    assert ax.get_title(loc="left") and ax.get_xlabel() and "points" in ax.get_ylabel()
    assert len(ax.get_lines()) == 4  # the curve, break-even, expected, the months we can wait


def test_the_score_check_reads_where_nobody_called_with_intervals():
    check = abtest.score_check(_reviewed())
    nobody = _reviewed()[~_reviewed()["contacted"] & _reviewed()["churn_score"].notna()]
    row = check.loc["not contacted, all"]
    assert row["customers"] == len(nobody)
    assert row["left within 3 months"] == pytest.approx(nobody["churned"].mean())
    assert row["left: low"] < row["left within 3 months"] < row["left: high"]
    assert row["ROC-AUC: low"] < row["ROC-AUC"] < row["ROC-AUC: high"]
    rng = np.random.default_rng(1)  # DeLong's interval is close to a bootstrap's
    from sklearn.metrics import roc_auc_score

    y, s = nobody["churned"].to_numpy(int), nobody["churn_score"].to_numpy()
    draws = [roc_auc_score(y[i], s[i]) for i in (rng.integers(0, len(y), len(y)) for _ in range(300))]
    assert row["ROC-AUC"] == pytest.approx(roc_auc_score(y, s))
    assert np.std(draws) == pytest.approx((row["ROC-AUC: high"] - row["ROC-AUC"]) / 1.96, rel=0.2)
    assert "model only" in check.index and "both lists" not in check.index


def test_a_hope_below_break_even_gets_a_power_below_2_5_percent_but_no_sample_size():
    assert abtest.power_against_margin(0.15, 0.012, 0.02, 1500, 1500) < 0.025
    with pytest.raises(CourseError, match="no test can show that the change pays"):
        abtest.sample_size_against_margin(0.15, 0.012, 0.02)


def test_a_change_that_saves_more_in_calls_than_it_costs_gets_a_negative_margin_a_non_inferiority_test():
    margin = abtest.smallest_lift_worth_detecting(500, 2400, extra_contacts_per_customer=-0.2)  # saves $2 a customer
    assert margin == pytest.approx((500 / 2400 - 0.2 * 10) / 200) and margin < 0
    assert abtest.power_against_margin(0.15, 0.0, margin, 20_000) > 0.5, "no gain at all still pays, and can be shown"
    drop = abtest.detectable_lift(0.15, margin, 2000)
    assert margin < drop < 0.15
