"""churnlab.explain: reason codes are the model's exact arithmetic, fast, and in words; global explanations match scikit-learn."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.inspection import partial_dependence as sklearn_partial_dependence  # noqa: E402
from sklearn.inspection import permutation_importance as sklearn_permutation_importance  # noqa: E402

from churnlab import explain, plots  # noqa: E402
from churnlab.data import DATA_DICTIONARY  # noqa: E402
from churnlab.errors import CourseError  # noqa: E402
from churnlab.exercises.core import course_model, course_split  # noqa: E402
from churnlab.model import make_churn_model  # noqa: E402


split = course_split()
model = course_model()
X_train, X_test, y_test = split.X_train, split.X_test, split.y_test


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- contributions -----------------------------------------------------------------------------------


def test_contributions_add_up_to_the_models_log_odds_for_every_customer():
    effects = explain.contributions(model, X_train, X_test)
    assert list(effects.columns) == list(X_test.columns) and effects.index.equals(X_test.index)
    rebuilt = effects.sum(axis=1) + effects.attrs["baseline_log_odds"]
    np.testing.assert_allclose(rebuilt, model.decision_function(X_test), rtol=0, atol=1e-10)


def test_a_contribution_is_weight_times_value_minus_training_mean_in_the_models_own_space():
    # The definition (and shap's LinearExplainer with independent features), written out for a few customers.
    prepared_train = model[0].transform(X_train)
    prepared = model[0].transform(X_test.iloc[:5])
    by_hand = (prepared - prepared_train.mean(axis=0)) * model[-1].coef_[0]
    names = [name.split("__", 1)[1] for name in model[0].get_feature_names_out()]
    raw = explain.contributions(model, X_train, X_test.iloc[:5], combine_one_hot=False)
    assert list(raw.columns) == names
    np.testing.assert_allclose(raw.to_numpy(), by_hand, rtol=0, atol=1e-12)
    combined = explain.contributions(model, X_train, X_test.iloc[:5])
    for column in ("contract", "internet_service"):
        members = [i for i, name in enumerate(names) if name.startswith(column + "_")]
        np.testing.assert_allclose(combined[column], by_hand[:, members].sum(axis=1), atol=1e-12)


def test_the_one_hot_pitfall_a_fiber_customer_gets_a_term_from_dsl():
    riskiest = X_test.index[np.argmax(model.predict_proba(X_test)[:, 1])]
    assert X_test.loc[riskiest, "internet_service"] == "Fiber optic"
    raw = explain.contributions(model, X_train, X_test.loc[[riskiest]], combine_one_hot=False).iloc[0]
    assert raw["internet_service_DSL"] > 0  # "DSL raises the risk" of a customer who has no DSL
    reasons = explain.reason_codes(model, X_train, X_test.loc[[riskiest]])
    assert not reasons["reason"].str.contains("DSL").any()


def test_a_pipeline_that_drops_a_category_is_refused():
    from sklearn.base import clone

    recipe = clone(make_churn_model())
    recipe[0].set_params(categories__drop="first")
    with pytest.raises(CourseError, match="one column per category"):
        explain.contributions(recipe.fit(X_train, split.y_train), X_train, X_test)


def test_contributions_work_for_any_C_and_for_a_model_without_a_column():
    from churnlab.fairness import model_without

    for fitted in (make_churn_model(C=0.1).fit(X_train, split.y_train), model_without(X_train, split.y_train, "senior_citizen")):
        effects = explain.contributions(fitted, X_train, X_test)
        rebuilt = effects.sum(axis=1) + effects.attrs["baseline_log_odds"]
        np.testing.assert_allclose(rebuilt, fitted.decision_function(X_test), atol=1e-10)


# --- reason codes --------------------------------------------------------------------------------------


def test_reason_codes_list_only_what_raises_the_risk_strongest_first():
    codes = explain.reason_codes(model, X_train, X_test, top=3)
    assert codes.index.names == ["customer_id", "rank"]
    assert (codes["log_odds"] > 0).all()
    assert codes.groupby(level=0).size().max() == 3
    ordered = codes.groupby(level=0)["log_odds"].apply(lambda s: bool((s.diff().dropna() <= 0).all()))
    assert ordered.all()
    effects = explain.contributions(model, X_train, X_test)
    first = codes.xs(1, level="rank")
    assert (first["column"] == effects.loc[first.index].idxmax(axis=1)).all()


def test_reason_codes_read_like_an_agent_would_say_them():
    codes = explain.reason_codes(model, X_train, X_test.loc[["C3381", "C2489"]])
    assert list(codes.loc["C3381", "reason"]) == ["1 month with us", "fiber optic internet", "month-to-month contract"]
    assert list(codes.loc["C3381", "actionable"]) == [False, False, True]  # fiber: an association, not a lever
    assert set(explain.ACTIONABLE) >= {"streaming_tv", "streaming_movies"}  # add-ons, as the lesson says
    assert "internet_service" not in explain.ACTIONABLE and "tenure" not in explain.ACTIONABLE
    assert list(codes.loc["C2489", "reason"])[:2] == ["month-to-month contract", "pays by electronic check"]


def test_every_value_of_every_column_has_words():
    from churnlab import load_churn

    customers = load_churn()
    columns = [c.name for c in DATA_DICTIONARY if c.kind not in ("id", "label")]
    words = explain.in_plain_words(customers[columns])
    assert words.notna().all().all() and (words.map(len) > 0).all().all()
    assert ":" not in "".join(words.to_numpy().ravel())  # no "column: value" fallback for a course column
    assert words.loc[customers["tenure"] == 0, "tenure"].eq("new this month").all()
    assert words.loc[customers["total_charges"].isna(), "total_charges"].eq("not billed yet").all()


# --- the model as a whole ---------------------------------------------------------------------------------


def test_permutation_importance_equals_scikit_learn_on_the_whole_pipeline():
    ours = explain.permutation_importance(model, X_test, y_test, n_repeats=3, random_state=0)
    theirs = sklearn_permutation_importance(model, X_test, y_test, scoring="roc_auc", n_repeats=3, random_state=0)
    expected = pd.Series(theirs.importances_mean, index=X_test.columns)
    np.testing.assert_allclose(ours["importance"], expected[ours.index], atol=1e-12)
    assert ours.index[0] == "tenure" and ours["importance"].is_monotonic_decreasing


def test_roc_auc_through_mann_whitney_equals_scikit_learns():
    from sklearn.metrics import roc_auc_score

    from churnlab.explain import _SumOfContributions, _roc_auc

    terms = explain.contributions(model, X_train, X_test)
    estimator = _SumOfContributions().fit(terms)
    assert _roc_auc(estimator, terms, y_test) == pytest.approx(roc_auc_score(y_test, model.decision_function(X_test)), abs=1e-12)
    tied = pd.DataFrame({"score": [0.1, 0.1, 0.2, 0.2, 0.3]})
    assert _roc_auc(estimator, tied, [0, 1, 0, 1, 1]) == pytest.approx(roc_auc_score([0, 1, 0, 1, 1], tied["score"]))


def test_permutation_importance_with_average_precision():
    ours = explain.permutation_importance(model, X_test, y_test, n_repeats=2, random_state=1, scoring="average_precision")
    theirs = sklearn_permutation_importance(model, X_test, y_test, scoring="average_precision", n_repeats=2, random_state=1)
    np.testing.assert_allclose(ours["importance"], pd.Series(theirs.importances_mean, index=X_test.columns)[ours.index], atol=1e-12)


def test_partial_dependence_equals_scikit_learn_and_falls_with_tenure():
    ours = explain.partial_dependence(model, X_test, "tenure", points=7)
    assert list(ours["tenure"]) == [0, 12, 24, 36, 48, 60, 72]
    theirs = sklearn_partial_dependence(model, X_test.astype({"tenure": float}), ["tenure"], grid_resolution=7,
                                        percentiles=(0.0, 1.0), kind="average")
    np.testing.assert_allclose(ours["average churn probability"], theirs["average"][0], atol=1e-12)
    assert ours["average churn probability"].is_monotonic_decreasing


def test_partial_dependence_of_total_charges_reads_empty_values_as_zero():
    curve = explain.partial_dependence(model, X_test, "total_charges", points=5)
    assert curve["total_charges"].notna().all() and curve["total_charges"].iloc[0] == 0


# --- charts --------------------------------------------------------------------------------------------


def test_the_charts_have_titles_labelled_axes_and_units():
    importance = explain.permutation_importance(model, X_test, y_test, n_repeats=2)
    dependence = explain.partial_dependence(model, X_test, "tenure", points=4)
    left, right = plots.global_explanations(importance, dependence, observed=pd.Series([0.5, 0.1], index=[6, 66]))
    codes = explain.reason_codes(model, X_train, X_test)
    scores = pd.Series(model.predict_proba(X_test)[:, 1], index=X_test.index)
    panels = plots.reason_codes(codes, scores, ["C3381", "C2489"])
    for ax in (left, right, *panels):
        assert ax.get_title(loc="left") and ax.get_xlabel().strip() and ax.get_ylabel().strip()
    assert "0–1" in left.get_xlabel() and "months" in right.get_xlabel() and "%" in right.get_ylabel()
    assert all("points" in ax.get_xlabel() and "log-odds" not in ax.get_xlabel() for ax in panels)
    assert "C3381" in panels[0].get_title(loc="left")


def test_points_are_what_a_reason_alone_adds_to_the_baseline_customers_probability():
    from churnlab.model import champion_model

    champion = champion_model()
    codes = explain.reason_codes(champion, X_train, X_test)
    baseline = explain.baseline_probability(champion, X_train)
    effects = explain.contributions(champion, X_train, X_test)
    assert codes.attrs["baseline_probability"] == pytest.approx(baseline)
    assert baseline == pytest.approx(1 / (1 + np.exp(-effects.attrs["baseline_log_odds"])))
    expected = 100 * (1 / (1 + np.exp(-(effects.attrs["baseline_log_odds"] + codes["log_odds"]))) - baseline)
    assert np.allclose(codes["points"], expected) and (codes["points"] > 0).all()
    # the baseline customer is not the average customer: 16 % against an average score of about 26.5 %
    assert round(baseline, 3) == 0.163 and round(float(champion.predict_proba(X_train)[:, 1].mean()), 3) == 0.265
    words = dict(zip(codes["points"].round(6), codes["strength"]))
    assert all(words[p] == "raises the risk a lot" for p in codes["points"].round(6) if p >= 10)
    assert all(words[p] == "raises the risk a little" for p in codes["points"].round(6) if p < 3)
    assert set(codes["strength"]) <= {w for _, w in explain.STRENGTH_WORDS}


# --- dollars in the reason table's HTML (JupyterLab typesets $...$ in HTML outputs as maths) ------------------------


def _runs_with_two_dollars(markup: str) -> list[str]:
    """Runs of text between tags holding two $ or more: what MathJax would pair into a formula."""
    import re

    return [run for run in re.split(r"<[^>]*>", markup) if run.count("$") >= 2]


def test_dollar_safe_html_writes_each_amount_in_words_and_leaves_tags_alone():
    markup = '<td class="x">from $10 to $30</td><td>pays $107 a month</td><td>$7,133 billed so far, -$20 back ($)</td>'
    safe = explain.dollar_safe_html(markup)
    assert safe == ('<td class="x">from 10 dollars to 30 dollars</td><td>pays 107 dollars a month</td>'
                    '<td>7,133 dollars billed so far, -20 dollars back (dollars)</td>')
    assert _runs_with_two_dollars(markup) and "$" not in safe
    assert explain.dollar_safe_html('<a href="a$b">x</a>') == '<a href="a$b">x</a>'
    assert explain.dollar_safe_html("<th>no money here</th>") == "<th>no money here</th>"


def test_the_reason_table_shows_dollars_as_typed_in_text_and_safely_in_html():
    split, model = course_split(), course_model(0.1)
    codes = explain.reason_codes(model, split.X_train, split.X_test, top=3)
    shown = explain.reasons_of(codes, ["C3252", "C4825"])  # lesson 06: "pays $107 a month", "$7,133 billed so far"
    assert isinstance(shown, explain.DollarSafeTable)
    assert list(shown.table.columns) == ["reason", "points", "strength", "actionable"]
    assert shown.table.equals(codes.loc[["C3252", "C4825"], ["reason", "points", "strength", "actionable"]].round({"points": 1}))
    text, markup = repr(shown), shown._repr_html_()
    assert text == repr(shown.table) and "pays $107 a month" in text and "$7,133 billed so far" in text
    assert "pays 107 dollars a month" in markup and "7,133 dollars billed so far" in markup
    assert "$" not in markup.split("<table")[1]
    assert markup == explain.dollar_safe_html(shown.table._repr_html_())  # nothing else changes


def test_reasons_of_unknown_customers_says_which():
    split, model = course_split(), course_model(0.1)
    codes = explain.reason_codes(model, split.X_train, split.X_test.iloc[:20], top=3)
    with pytest.raises(CourseError, match="'nobody'"):
        explain.reasons_of(codes, ["nobody"])
    assert len(explain.reasons_of(codes, codes.index[0][0]).table) >= 1  # one id alone works too
