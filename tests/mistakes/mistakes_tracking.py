"""Natural mistakes with churnlab.tracking (see tests/mistakes/mistakes.py). None of them needs an MLflow store."""
from churnlab import tracking
from churnlab.economics import CampaignEconomics

from mistakes import Mistake

MONEY = CampaignEconomics()

MISTAKES = [
    Mistake("tracking.session_filter", "the role as a number", lambda c: tracking.session_filter(role=1), "role"),
    Mistake("tracking.session_filter", "a list of roles", lambda c: tracking.session_filter(role=["candidate"]), "role"),
    Mistake("tracking.setup", "the experiment name unquoted (a number)", lambda c: tracking.setup(5), "in quotes"),
    Mistake("tracking.data_params", "an argument it does not take", lambda c: tracking.data_params(c.customers),
            "more values than it takes"),
    Mistake("tracking.economics_params", "the cost alone instead of the economics",
            lambda c: tracking.economics_params(10), "should be a CampaignEconomics"),
    Mistake("tracking.decision_metrics", "the model instead of its scores",
            lambda c: tracking.decision_metrics(c.split.y_test, c.model, 0.167, MONEY), "it is a model"),
    Mistake("tracking.decision_metrics", "a threshold as a percentage",
            lambda c: tracking.decision_metrics(c.split.y_test, c.scores, 16.7, MONEY), "16.7 % is 0.167"),
    Mistake("tracking.decision_metrics", "the economics left out", lambda c: tracking.decision_metrics(c.split.y_test, c.scores, 0.167),
            "it needs 'economics' too"),
    Mistake("tracking.decision_metrics", "training outcomes with test scores",
            lambda c: tracking.decision_metrics(c.split.y_train, c.scores, 0.167, MONEY), "y_true has 5,634 customers"),
    Mistake("tracking.log_decision_plots", "called outside a run",
            lambda c: tracking.log_decision_plots(c.split.y_test, c.scores, 0.167, MONEY), "inside a `with mlflow.start_run"),
    Mistake("tracking.log_churn_model", "an untrained model", lambda c: tracking.log_churn_model(c.unfitted_model, c.split.X_train),
            "not trained yet"),
    Mistake("tracking.log_churn_model", "the labels where the customers go",
            lambda c: tracking.log_churn_model(c.model, c.split.y_train), "one column (a Series)"),
    Mistake("tracking.log_churn_model", "called outside a run", lambda c: tracking.log_churn_model(c.model, c.split.X_train),
            "inside a `with mlflow.start_run"),
    Mistake("tracking.register_champion", "a made-up id", lambda c: tracking.register_champion("bad-id"), "32 letters and digits"),
    Mistake("tracking.register_champion", "the run's name instead of its id",
            lambda c: tracking.register_champion("model C=0.1"), "a run's name is not its id"),
    Mistake("tracking.measure_logging_overhead", "zero runs", lambda c: tracking.measure_logging_overhead(0), "should be 1 or more"),
    Mistake("tracking.log_rule_run", "the rule's name as the lesson's run name",
            lambda c: tracking.log_rule_run("rule", "month-to-month", 1, c.split.X_test, c.split.y_test, MONEY), "did you mean"),
    Mistake("tracking.log_rule_run", "training outcomes with the test customers",
            lambda c: tracking.log_rule_run("rule", "month_to_month", 1, c.split.X_test, c.split.y_train, MONEY),
            "y_true has 5,634 customers"),
]
