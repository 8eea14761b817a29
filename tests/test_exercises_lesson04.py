"""Lesson 04 questions: right answers pass, common mistakes get their own message, odd inputs never crash."""
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score

from churnlab import rules
from churnlab.data import load_churn
from churnlab.economics import CampaignEconomics, expected_campaign_profit
from churnlab.exercises.lesson04 import q1, q2, q3, q4
from churnlab.model import split_customers

from answers import outcome

split = split_customers(load_churn())
X_test, y_test, X_train, y_train = split.X_test, split.y_test, split.X_train, split.y_train
echeck = X_test["payment_method"].eq("Electronic check").astype(int)
echeck_train = X_train["payment_method"].eq("Electronic check").astype(int)
cheap, expensive = CampaignEconomics(), CampaignEconomics(cost_per_contact=30)


def test_q1_rule_flags():
    assert outcome(q1, echeck).startswith("✅")
    assert outcome(q1, X_test["payment_method"].eq("Electronic check")).startswith("✅")  # True/False is fine
    assert outcome(q1, echeck.to_numpy()).startswith("✅")
    assert "*training* customer" in outcome(q1, echeck_train)
    assert "all 7,043" in outcome(q1, load_churn()["payment_method"].eq("Electronic check").astype(int))
    assert "upside down" in outcome(q1, 1 - echeck)
    assert "'Mailed check'" in outcome(q1, X_test["payment_method"].eq("Mailed check").astype(int))
    assert "order" in outcome(q1, echeck.reset_index(drop=True))
    assert "is a table" in outcome(q1, X_test[["payment_method"]])
    assert "only 1" in outcome(q1, X_test["payment_method"])
    assert "flagged wrongly" in outcome(q1, echeck.where(echeck.index != echeck.index[0], 1 - echeck.iloc[0]))
    assert "one per test customer" in outcome(q1, echeck.iloc[:100])


def test_q2_rule_recall():
    assert outcome(q2, recall_score(y_test, echeck)).startswith("✅")
    assert "swapped" in outcome(q2, precision_score(y_test, echeck))
    assert "training customers" in outcome(q2, recall_score(y_train, echeck_train))
    assert "accuracy" in outcome(q2, accuracy_score(y_test, echeck))
    assert "percentage" in outcome(q2, 100 * recall_score(y_test, echeck))


def test_q3_rule_profit_at_30():
    reached, contacted = int(y_test[echeck == 1].sum()), int(echeck.sum())
    assert outcome(q3, expected_campaign_profit(y_test, echeck, expensive)).startswith("✅")
    assert outcome(q3, reached * 0.3 * 200 - contacted * 30).startswith("✅")
    assert "leaves out the contact cost" in outcome(q3, reached * 0.3 * 200)
    assert "$10 per contact" in outcome(q3, expected_campaign_profit(y_test, echeck, cheap))
    assert "every flagged customer" in outcome(q3, reached * 60 - (contacted - reached) * 30)
    assert "acceptance rate" in outcome(q3, reached * 200 - contacted * 30)
    assert "training customers" in outcome(q3, expected_campaign_profit(y_train, echeck_train, expensive))
    assert "wrong sign" in outcome(q3, -expected_campaign_profit(y_test, echeck, expensive))  # "it loses $1,860"


def test_q4_scorecard_auc():
    assert outcome(q4, roc_auc_score(y_test, rules.risk_points(X_test))).startswith("✅")
    assert "yes/no flag" in outcome(q4, roc_auc_score(y_test, rules.flag_risk_points(X_test)))
    assert "training customers" in outcome(q4, roc_auc_score(y_train, rules.risk_points(X_train)))
    assert "upside down" in outcome(q4, 1 - roc_auc_score(y_test, rules.risk_points(X_test)))
    assert "percentage" in outcome(q4, 100 * roc_auc_score(y_test, rules.risk_points(X_test)))
    assert "rounded" in outcome(q4, round(roc_auc_score(y_test, rules.risk_points(X_test)), 2))
