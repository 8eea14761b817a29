"""Natural mistakes with churnlab.economics (see tests/mistakes/mistakes.py)."""
import numpy as np

from churnlab import economics
from churnlab.economics import CampaignEconomics

from mistakes import Mistake

MONEY = CampaignEconomics()

MISTAKES = [
    Mistake("economics.expected_campaign_profit", "scores where yes/no contacts go",
            lambda c: economics.expected_campaign_profit(c.split.y_test, c.scores), "compare them with a threshold"),
    Mistake("economics.expected_campaign_profit", "the training outcomes with test contacts",
            lambda c: economics.expected_campaign_profit(c.split.y_train, c.scores >= 0.5), "y_true has 5,634 customers"),
    Mistake("economics.profit_at_threshold", "a threshold as a percentage",
            lambda c: economics.profit_at_threshold(c.split.y_test, c.scores, 16.7), "16.7 % is 0.167"),
    Mistake("economics.profit_at_threshold", "swapped outcomes and scores",
            lambda c: economics.profit_at_threshold(c.scores, c.split.y_test, 0.5), "outcomes come first"),
    Mistake("economics.profit_at_threshold", "the model instead of its scores",
            lambda c: economics.profit_at_threshold(c.split.y_test, c.model, 0.5), "it is a model"),
    Mistake("economics.profit_curve", "both columns of predict_proba",
            lambda c: economics.profit_curve(c.split.y_test, c.model.predict_proba(c.split.X_test)), "Keep the churn column only"),
    Mistake("economics.profit_curve", "economics as a dictionary",
            lambda c: economics.profit_curve(c.split.y_test, c.scores, {"cost_per_contact": 10}), "should be a CampaignEconomics"),
    Mistake("economics.best_threshold", "outcomes as Yes/No text",
            lambda c: economics.best_threshold(c.customers["churn"], c.scores), "churn_label"),
    Mistake("economics.top_k_order", "the model instead of its scores", lambda c: economics.top_k_order(c.model), "it is a model"),
    Mistake("economics.top_k_profit", "a fractional capacity",
            lambda c: economics.top_k_profit(c.split.y_test, c.scores, 200.5), "whole number like 200"),
    Mistake("economics.top_k_profit", "scores of other customers, in another order",
            lambda c: economics.top_k_profit(c.split.y_test, c.scores.sort_values(), 200), "in another order"),
    Mistake("economics.dollars", "a number typed with its dollar sign", lambda c: economics.dollars("$12,010"), "Remove the quotes"),
    Mistake("economics.threshold_table", "thresholds as percentages",
            lambda c: economics.threshold_table(c.split.y_test, c.scores, [10, 20, 30]), "10 % is 0.1"),
    Mistake("economics.describe_threshold", "a threshold in quotes",
            lambda c: economics.describe_threshold(c.split.y_test, c.scores, "0.5"), "Remove the quotes"),
    Mistake("economics.compare_campaigns", "a score name that is not a campaign",
            lambda c: economics.compare_campaigns(c.split.y_test, {"model": c.scores >= 0.5}, scores={"Model": c.scores}),
            "not one of the campaigns"),
    Mistake("economics.compare_campaigns", "scores where contacts go",
            lambda c: economics.compare_campaigns(c.split.y_test, {"model": c.scores}), "compare them with a threshold"),
    Mistake("economics.top_k_contact_share", "a tie rule that is not one of the two",
            lambda c: economics.top_k_contact_share(c.scores, 200, ties="random"), "did you mean 'at random'"),
    Mistake("economics.top_k_profit_per_customer", "a negative capacity",
            lambda c: economics.top_k_profit_per_customer(c.split.y_test, c.scores, -5), "negative number"),
    Mistake("economics.calibration_table", "risk points instead of probabilities",
            lambda c: economics.calibration_table(c.split.y_test, c.scores * 5), "probabilities between 0 and 1"),
    Mistake("economics.calibration_table", "a band width that does not split 0-1",
            lambda c: economics.calibration_table(c.split.y_test, c.scores, 0.3), "2 to 20 equal bands"),
    Mistake("economics.profit_columns", "the contact costs instead of the economics",
            lambda course: economics.profit_columns(10, 30), "should be a CampaignEconomics"),
    Mistake("economics.profit_columns", "nothing to name", lambda course: economics.profit_columns(), "profit_columns(cheap, expensive)"),
    Mistake("economics.profit_columns", "the same economics twice",
            lambda course: economics.profit_columns(MONEY, MONEY), "same name"),
]
