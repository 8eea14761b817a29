"""Natural mistakes with churnlab.uncertainty (see tests/mistakes.py)."""
from churnlab import uncertainty

from mistakes import Mistake

MISTAKES = [
    Mistake("uncertainty.profit_per_customer", "scores where yes/no contacts go",
            lambda c: uncertainty.profit_per_customer(c.split.y_test, c.scores), "compare them with a threshold"),
    Mistake("uncertainty.profit_difference", "economics as a dictionary",
            lambda c: uncertainty.profit_difference(c.split.y_test, c.scores >= 0.5, c.scores >= 0.2, {"cost_per_contact": 10}),
            "should be a CampaignEconomics"),
    Mistake("uncertainty.profit_difference", "the training outcomes with test campaigns",
            lambda c: uncertainty.profit_difference(c.split.y_train, c.scores >= 0.5, c.scores >= 0.2), "y_true has 5,634"),
    Mistake("uncertainty.profit_difference", "a confidence level as a percentage",
            lambda c: uncertainty.profit_difference(c.split.y_test, c.scores >= 0.5, c.scores >= 0.2, confidence=95),
            "95 % is 0.95"),
    Mistake("uncertainty.profit_interval", "the model instead of a campaign",
            lambda c: uncertainty.profit_interval(c.split.y_test, c.model), "it is a model"),
    Mistake("uncertainty.paired_bootstrap", "amounts of different customers",
            lambda c: uncertainty.paired_bootstrap(c.scores, c.scores.iloc[:100]), "1,409"),
    Mistake("uncertainty.paired_bootstrap", "too few redraws",
            lambda c: uncertainty.paired_bootstrap(c.scores, c.scores, n_resamples=10), "n_resamples"),
    Mistake("uncertainty.rate_interval", "one number instead of the group's flags",
            lambda c: uncertainty.rate_interval(0.3), "one number"),
    Mistake("uncertainty.rate_interval", "an empty group",
            lambda c: uncertainty.rate_interval(c.split.y_test[c.split.y_test > 1]), "no customers"),
    Mistake("uncertainty.rate_difference", "scores where yes/no flags go",
            lambda c: uncertainty.rate_difference(c.scores, c.scores), "compare them with a threshold"),
]

MISTAKES += [
    Mistake("uncertainty.switch_test", "scores where yes/no contacts go",
            lambda c: uncertainty.switch_test(c.split.y_test, c.scores, c.scores >= 0.2, c.scores >= 0.5), "compare them with a threshold"),
    Mistake("uncertainty.switch_test", "the group's flags of the training customers",
            lambda c: uncertainty.switch_test(c.split.y_test, c.scores >= 0.5, c.scores >= 0.2, c.split.y_train == 1), "5,634"),
]
