"""Natural mistakes with churnlab.model (see tests/mistakes/mistakes.py)."""
from churnlab import model

from mistakes import Mistake

MISTAKES = [
    Mistake("model.churn_label", "the feature table (no churn column)",
            lambda course: model.churn_label(course.split.X_test), "has no column 'churn'"),
    Mistake("model.churn_label", "the churn column alone", lambda course: model.churn_label(course.customers["churn"]),
            "one column (a Series)"),
    Mistake("model.features_and_label", "a column renamed by the learner",
            lambda course: model.features_and_label(course.customers.rename(columns={"contract": "Contract"})),
            "did you mean 'Contract'"),
    Mistake("model.split_customers", "the test features instead of all customers",
            lambda course: model.split_customers(course.split.X_test), "has no column 'customer_id'"),
    Mistake("model.split_customers", "the labels instead of the customers",
            lambda course: model.split_customers(course.split.y_test), "one column (a Series)"),
    Mistake("model.split_customers", "nothing (None) from a cell that printed instead of returning",
            lambda course: model.split_customers(None), "None (empty)"),
    Mistake("model.make_churn_model", "C in quotes", lambda course: model.make_churn_model(C="0.1"), "Remove the quotes"),
    Mistake("model.make_churn_model", "C of zero", lambda course: model.make_churn_model(C=0), "must be above 0"),
    Mistake("model.make_churn_model", "a misspelt argument", lambda course: model.make_churn_model(c=0.1),
            "no argument called 'c' (names are case-sensitive: did you mean 'C'?)"),
    Mistake("model.feature_weights", "None (no model yet)", lambda course: model.feature_weights(None), "Train a model first"),
    Mistake("model.feature_weights", "an untrained model", lambda course: model.feature_weights(course.unfitted_model),
            "not trained yet"),
    Mistake("model.feature_weights", "the scores instead of the model", lambda course: model.feature_weights(course.scores),
            "its scores, perhaps"),
    Mistake("model.feature_weights", "a model without weights (a decision tree)",
            lambda course: model.feature_weights(_tree(course)), "has no weights per column"),
    Mistake("model.score_customers", "an untrained model",
            lambda course: model.score_customers(course.unfitted_model, course.split.X_test), "not trained yet"),
    Mistake("model.score_customers", "the customers and the model swapped",
            lambda course: model.score_customers(course.split.X_test, course.model), "model"),
]


def _tree(course):
    from sklearn.pipeline import make_pipeline
    from sklearn.tree import DecisionTreeClassifier

    return make_pipeline(model.make_churn_model()[0], DecisionTreeClassifier(max_depth=2, random_state=0)).fit(
        course.split.X_train, course.split.y_train)

MISTAKES += [
    Mistake("model.out_of_fold_scores", "the test customers' features with the training labels",
            lambda course: model.out_of_fold_scores(course.split.X_test, course.split.y_train), "X_train"),
    Mistake("model.out_of_fold_scores", "the labels first", lambda course: model.out_of_fold_scores(course.split.y_train,
            course.split.X_train), "X_train"),
    Mistake("model.out_of_fold_scores", "one fold", lambda course: model.out_of_fold_scores(course.split.X_train,
            course.split.y_train, folds=1), "folds"),
]

MISTAKES += [
    Mistake("model.fold_scores", "the scores instead of the recipe",
            lambda course: model.fold_scores(course.scores, course.split.X_train, course.split.y_train), "a recipe to train"),
    Mistake("model.fold_scores", "the test customers' features with the training labels",
            lambda course: model.fold_scores(model.make_churn_model(), course.split.X_test, course.split.y_train), "X_train"),
    Mistake("model.fold_scores", "one fold", lambda course: model.fold_scores(model.make_churn_model(), course.split.X_train,
            course.split.y_train, folds=1), "folds"),
    Mistake("model.fold_scores", "a score scikit-learn does not know",
            lambda course: model.fold_scores(model.make_churn_model(), course.split.X_train, course.split.y_train,
                                             scoring="auc"), "'roc_auc'"),
]
