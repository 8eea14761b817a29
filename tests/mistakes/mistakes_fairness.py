"""Natural mistakes with churnlab.fairness (lesson 06), each answered by a CourseError that says what to fix."""
from __future__ import annotations

from functools import cache

from churnlab import fairness, plots, records

from mistakes import Mistake


@cache
def _groups(course):
    return fairness.customer_groups(course.customers, course.split.X_test.index)


@cache
def _table(course):
    return fairness.group_metrics(course.split.y_test, course.scores, _groups(course), [0.5, 1 / 6])


@cache
def _train_groups(course):
    return fairness.customer_groups(course.customers, course.split.X_train.index)


def _with_dependents(course):
    return _groups(course)["dependents"] == 1


MISTAKES = [
    # customer_groups
    Mistake("fairness.customer_groups", "X_test instead of the full customers table (it has no 'female')",
            lambda c: fairness.customer_groups(c.split.X_test), "has no column 'customer_id'"),
    Mistake("fairness.customer_groups", "the table X_test where its index goes",
            lambda c: fairness.customer_groups(c.customers, c.split.X_test), "add .index"),
    Mistake("fairness.customer_groups", "row numbers instead of customer ids",
            lambda c: fairness.customer_groups(c.customers, range(10)), "not in customers"),
    # group_metrics
    Mistake("fairness.group_metrics", "scores and outcomes swapped",
            lambda c: fairness.group_metrics(c.scores, c.split.y_test, _groups(c)), "should only hold 1 (churned) and 0"),
    Mistake("fairness.group_metrics", "one group column (a Series) instead of the table",
            lambda c: fairness.group_metrics(c.split.y_test, c.scores, _groups(c)["dependents"]), "should be a table of customers"),
    Mistake("fairness.group_metrics", "the training customers' groups with the test customers' outcomes",
            lambda c: fairness.group_metrics(c.split.y_test, c.scores, fairness.customer_groups(c.customers, c.split.X_train.index)),
            "1,409 customers but groups has 5,634"),
    Mistake("fairness.group_metrics", "a text column as a group",
            lambda c: fairness.group_metrics(c.split.y_test, c.scores, c.split.X_test[["contract"]]), "should hold 1 (in the group) or 0"),
    Mistake("fairness.group_metrics", "a threshold as a percentage",
            lambda c: fairness.group_metrics(c.split.y_test, c.scores, _groups(c), [50]), "looks like a percentage"),
    Mistake("fairness.group_metrics", "thresholds as text",
            lambda c: fairness.group_metrics(c.split.y_test, c.scores, _groups(c), "0.5"), "list of churn-score thresholds"),
    Mistake("fairness.group_metrics", "the model where its scores go",
            lambda c: fairness.group_metrics(c.split.y_test, c.model, _groups(c)), "model.predict_proba(X_test)[:, 1]"),
    # readable
    Mistake("fairness.readable", "a threshold that was not reviewed",
            lambda c: fairness.readable(_table(c), 0.3), "no rows at threshold 0.3"),
    Mistake("fairness.readable", "the gaps table instead of the group table",
            lambda c: fairness.readable(fairness.gaps(_table(c)), 0.5), "has no column 'member'"),
    # gaps
    Mistake("fairness.gaps", "the scores instead of the group table",
            lambda c: fairness.gaps(c.scores), "should be a table of customers"),
    Mistake("fairness.gaps", "economics as a number",
            lambda c: fairness.gaps(_table(c), 10), "CampaignEconomics"),
    Mistake("fairness.gaps", "a group table with only one side of each group",
            lambda c: fairness.gaps(_table(c)[_table(c)["member"] == 1]), "no group with both members"),
    # describe_gaps
    Mistake("fairness.describe_gaps", "the group table instead of the gaps",
            lambda c: fairness.describe_gaps(_table(c)), "has no column 'recall (group)'"),
    # thresholds
    Mistake("fairness.threshold_for_recall", "recall as a percentage",
            lambda c: fairness.threshold_for_recall(c.split.y_test, c.scores, 90), "looks like a percentage"),
    Mistake("fairness.threshold_for_recall", "customers with no churners",
            lambda c: fairness.threshold_for_recall(c.split.y_test[c.split.y_test == 0], c.scores[c.split.y_test == 0], 0.9),
            "has no churners"),
    Mistake("fairness.threshold_for_selection_rate", "a rate as a percentage",
            lambda c: fairness.threshold_for_selection_rate(c.scores, 48), "looks like a percentage"),
    Mistake("fairness.threshold_for_selection_rate", "the outcomes where the scores go",
            lambda c: fairness.threshold_for_selection_rate(c.model, 0.5), "it is a model"),
    # equal_recall_thresholds
    Mistake("fairness.equal_recall_thresholds", "the group column itself (0/1 as text)",
            lambda c: fairness.equal_recall_thresholds(c.split.y_test, c.scores, _groups(c)["dependents"].astype(str), 1 / 6),
            "True for those in the group"),
    Mistake("fairness.equal_recall_thresholds", "everyone marked as in the group",
            lambda c: fairness.equal_recall_thresholds(c.split.y_test, c.scores, _groups(c)["dependents"] >= 0, 1 / 6),
            "some customers (True) and not others"),
    Mistake("fairness.equal_recall_thresholds", "training groups with test outcomes",
            lambda c: fairness.equal_recall_thresholds(c.split.y_test, c.scores,
                                                       fairness.customer_groups(c.customers, c.split.X_train.index)["dependents"] == 1, 1 / 6),
            "1,409 customers but in_group has 5,634"),
    # policy_table
    Mistake("fairness.policy_table", "policies as a list of thresholds",
            lambda c: fairness.policy_table(c.split.y_test, c.scores, _with_dependents(c), [0.1, 0.2]), "should be a dictionary"),
    Mistake("fairness.policy_table", "a policy with one threshold",
            lambda c: fairness.policy_table(c.split.y_test, c.scores, _with_dependents(c), {"lower": 0.1}), "should be two thresholds"),
    Mistake("fairness.policy_table", "a policy threshold as a percentage",
            lambda c: fairness.policy_table(c.split.y_test, c.scores, _with_dependents(c), {"lower": (10, 17)}), "looks like a percentage"),
    # model_without
    Mistake("fairness.model_without", "female, which the model never had",
            lambda c: fairness.model_without(c.split.X_train, c.split.y_train, "female"), "never sees 'female'"),
    Mistake("fairness.model_without", "test outcomes with training customers",
            lambda c: fairness.model_without(c.split.X_train, c.split.y_test, "senior_citizen"), "5,634 customers but y_train has 1,409"),
    Mistake("fairness.model_without", "a number where the column names go",
            lambda c: fairness.model_without(c.split.X_train, c.split.y_train, 3), "a column's name or a list of names"),
    Mistake("fairness.model_without", "a misspelt name in the list",
            lambda c: fairness.model_without(c.split.X_train, c.split.y_train, ["senior_citizen", "Partner"]), "did you mean 'partner'"),
    # predictability
    Mistake("fairness.predictability", "the test customers' groups with the training customers",
            lambda c: fairness.predictability(c.split.X_train, _groups(c), c.split.X_test, _train_groups(c)),
            "X_train has 5,634 customers but train_groups has 1,409"),
    Mistake("fairness.predictability", "one group column instead of the table",
            lambda c: fairness.predictability(c.split.X_train, _train_groups(c)["female"], c.split.X_test, _groups(c)["female"]),
            "should be a table of customers"),
    Mistake("fairness.predictability", "different group columns for training and test",
            lambda c: fairness.predictability(c.split.X_train, _train_groups(c)[["female"]], c.split.X_test, _groups(c)),
            "the same group columns"),
    # calibration_by_group
    Mistake("fairness.calibration_by_group", "scores and outcomes swapped",
            lambda c: fairness.calibration_by_group(c.scores, c.split.y_test, _groups(c)["senior_citizen"]), "should only hold 1 (churned) and 0"),
    Mistake("fairness.calibration_by_group", "the whole group table instead of one group",
            lambda c: fairness.calibration_by_group(c.split.y_test, c.scores, _groups(c)), "Pick one column"),
    Mistake("fairness.calibration_by_group", "the group's name instead of its column",
            lambda c: fairness.calibration_by_group(c.split.y_test, c.scores, "senior_citizen"), "not the text 'senior_citizen'"),
    Mistake("fairness.calibration_by_group", "one band",
            lambda c: fairness.calibration_by_group(c.split.y_test, c.scores, _groups(c)["senior_citizen"], bands=1), "2 or more"),
    # how_groups_differ
    Mistake("fairness.how_groups_differ", "the group column (0/1 numbers) from another table",
            lambda c: fairness.how_groups_differ(c.split.X_train, _groups(c)["senior_citizen"] == 1), "X has 5,634 customers but in_group has 1,409"),
    Mistake("fairness.how_groups_differ", "a column name instead of a yes/no per customer",
            lambda c: fairness.how_groups_differ(c.split.X_train, "senior_citizen"), "like groups['dependents'] == 1"),
    # review_metrics
    Mistake("fairness.review_metrics", "a campaign threshold that was not reviewed",
            lambda c: fairness.review_metrics(fairness.gaps(_table(c)), 0.3), "not one of the thresholds reviewed"),
    Mistake("fairness.review_metrics", "the group table instead of the gaps",
            lambda c: fairness.review_metrics(_table(c), 1 / 6), "has no column 'recall gap'"),
    # latest_fairness_review
    Mistake("records.latest_fairness_review", "an experiment name that is not text",
            lambda c: records.latest_fairness_review(6), "should be a text in quotes"),
    # plots.recall_gaps (lesson 06's chart of the gaps)
    Mistake("plots.recall_gaps", "the group table instead of the gaps",
            lambda c: plots.recall_gaps(_table(c)), "has no column 'recall gap'"),
    Mistake("plots.recall_gaps", "the scores instead of a table",
            lambda c: plots.recall_gaps(c.scores), "should be a table of customers"),
    Mistake("plots.calibration_by_group", "the gaps table instead of the calibration table",
            lambda c: plots.calibration_by_group(fairness.gaps(_table(c))), "has no column 'who'"),
    Mistake("plots.calibration_by_group", "a figure title where the axes go",
            lambda c: plots.calibration_by_group(fairness.calibration_by_group(c.split.y_test, c.scores, _groups(c)["senior_citizen"]),
                                                 "Calibration"), "should be a matplotlib chart"),
    Mistake("plots.recall_gaps", "a figure title where the axes go",
            lambda c: plots.recall_gaps(fairness.gaps(_table(c)), "Recall gaps"), "should be a matplotlib chart"),
]

MISTAKES += [
    Mistake("fairness.group_sizes", "the groups and the outcomes swapped",
            lambda course: fairness.group_sizes(_groups(course), course.split.y_test), "y_true"),
    Mistake("fairness.recall_gap_change", "a group everyone belongs to",
            lambda course: fairness.recall_gap_change(course.split.y_test, course.scores, course.scores,
                                                      _groups(course)["dependents"] >= 0, 1 / 6), "churners on both sides"),
    Mistake("fairness.recall_gap_change", "the group's name instead of its flags",
            lambda course: fairness.recall_gap_change(course.split.y_test, course.scores, course.scores, "dependents", 1 / 6),
            "not the text"),
    Mistake("fairness.calibration_misses", "the scores instead of a calibration table",
            lambda course: fairness.calibration_misses(course.scores), "calibration"),
    Mistake("fairness.describe_calibration", "one model's scores instead of a dict",
            lambda course: fairness.describe_calibration(course.split.y_test, course.scores, _groups(course)), "should be a dict"),
    Mistake("fairness.review_params", "the scores instead of the model",
            lambda course: fairness.review_params(course.scores, _groups(course), 1 / 6), "its scores, perhaps"),
]

MISTAKES += [
    Mistake("fairness.recall_gap_change_between_thresholds", "a threshold as a percentage",
            lambda course: fairness.recall_gap_change_between_thresholds(course.split.y_test, course.scores,
                                                                         _groups(course)["dependents"] == 1, 0.5, 17),
            "other_threshold"),
]
