"""Lesson 03 questions: right answers pass, common mistakes get their own message, odd inputs never crash."""
from sklearn.metrics import accuracy_score, precision_score, recall_score

from churnlab.data import load_churn
from churnlab.economics import CampaignEconomics, expected_campaign_profit, profit_at_threshold
from churnlab.exercises.lesson03 import q1, q2, q3, q4
from churnlab.model import make_churn_model, split_customers

from answers import outcome

split = split_customers(load_churn())
model = make_churn_model().fit(split.X_train, split.y_train)
y_test, y_train = split.y_test, split.y_train
churn_scores = model.predict_proba(split.X_test)[:, 1]
train_scores = model.predict_proba(split.X_train)[:, 1]
economics = CampaignEconomics()


def test_q1_precision_at_half():
    assert outcome(q1, precision_score(y_test, churn_scores >= 0.5)).startswith("✅")
    assert "swapped" in outcome(q1, recall_score(y_test, churn_scores >= 0.5))
    assert "wrong way" in outcome(q1, precision_score(y_test, churn_scores < 0.5))
    assert "accuracy" in outcome(q1, accuracy_score(y_test, churn_scores >= 0.5))
    assert "percentage" in outcome(q1, 100 * precision_score(y_test, churn_scores >= 0.5))
    assert "training customers" in outcome(q1, precision_score(y_train, train_scores >= 0.5))
    assert outcome(q1, 0.9).startswith("❌")
    assert "percentage" in outcome(q1, 66)  # the lesson prints "66% of the customers we call"
    assert "rounded" in outcome(q1, 0.66)


def test_q2_loyal_customers_bothered():
    contacted = churn_scores >= 0.3
    assert outcome(q2, ((churn_scores >= 0.3) & (y_test == 0)).sum()).startswith("✅")
    assert "churners we call" in outcome(q2, (contacted & (y_test == 1)).sum())
    assert "churners we miss" in outcome(q2, (~contacted & (y_test == 1)).sum())
    assert "wrong way" in outcome(q2, (~contacted & (y_test == 0)).sum())
    assert "everyone we contact" in outcome(q2, contacted.sum())
    assert "not a share" in outcome(q2, (contacted & (y_test == 0)).mean())
    assert "training customers" in outcome(q2, ((train_scores >= 0.3) & (y_train == 0)).sum())
    assert "one number" in outcome(q2, (contacted & (y_test == 0)))


def test_q3_profit_at_threshold():
    contacted = churn_scores >= 0.3
    reached, n = int(y_test[contacted].sum()), int(contacted.sum())
    assert outcome(q3, profit_at_threshold(y_test, churn_scores, 0.3, economics)).startswith("✅")
    assert outcome(q3, reached * 0.30 * 200 - n * 10).startswith("✅")
    assert "contact cost" in outcome(q3, reached * 0.30 * 200)
    assert "acceptance rate" in outcome(q3, reached * 200 - n * 10)
    assert "every contacted customer" in outcome(q3, reached * 60 - (n - reached) * 10)
    assert "wrong way" in outcome(q3, expected_campaign_profit(y_test, ~contacted, economics))
    assert "$30 per contact" in outcome(q3, profit_at_threshold(y_test, churn_scores, 0.3, CampaignEconomics(cost_per_contact=30)))
    assert "training customers" in outcome(q3, profit_at_threshold(y_train, train_scores, 0.3, economics))


def test_q4_break_even():
    assert outcome(q4, 30 / (0.30 * 200)).startswith("✅")
    assert outcome(q4, CampaignEconomics(cost_per_contact=30).break_even_probability).startswith("✅")
    assert "upside down" in outcome(q4, (0.30 * 200) / 30)
    assert "0.30 × $200" in outcome(q4, 30 / 200)
    assert "$10 per contact" in outcome(q4, 10 / 60)
    assert "percentage" in outcome(q4, 50)
