"""Exercise questions for lesson 05: track experiments with MLflow.

In the notebook: ``from churnlab.exercises.lesson05 import *`` gives
``q1`` ... ``q4`` and the blank ``____``. The checks read the runs of the
practice experiment (``churnlab.tracking.PRACTICE_EXPERIMENT_NAME``) and the
practice model (``churnlab.tracking.PRACTICE_MODEL_NAME``) from the store that
``tracking.setup(...)`` pointed MLflow at, so the lesson's champion is never touched.
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score

from churnlab import tracking
from churnlab.economics import CampaignEconomics
from churnlab.exercises.core import (
    course_model, course_split, kind_of, Mistake, Question, ____, as_fraction_or_number, close, reject_if_rounded,
)
from churnlab.rules import month_to_month

__all__ = ["q1", "q2", "q3", "q4", "____"]

ASKED_C = 0.3
MONTH_TO_MONTH_RUN = "rule: month-to-month"
CHAMPION_ADDRESS = f"models:/{tracking.PRACTICE_MODEL_NAME}@{tracking.CHAMPION_ALIAS}"


def _scores(C: float) -> np.ndarray:
    return course_model(C).predict_proba(course_split().X_test)[:, 1]


def _looks_like_run_id(text: str) -> bool:
    return len(text) == 32 and all(ch in "0123456789abcdef" for ch in text)


def _practice_runs():
    import mlflow

    runs = mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME])
    if runs.empty or "metrics.expected_profit" not in runs:
        raise Mistake("The practice experiment has no runs with an expected profit yet: run the cells above first.")
    return runs


class LogYourRun(Question):
    variables = ("my_run_id",)
    hints = (
        "Copy the logging loop above for one model: inside `with mlflow.start_run(run_name='model C=0.3') as run:` "
        "train make_churn_model(C=0.3), then log its parameters and metrics.",
        "Log {'kind': 'model', 'C': 0.3, 'threshold': threshold} with mlflow.log_params, and "
        "tracking.decision_metrics(y_test, churn_scores, threshold, economics) with mlflow.log_metrics. "
        "After the with block, my_run_id = run.info.run_id.",
    )
    solution_code = (
        "with mlflow.start_run(run_name='model C=0.3') as run:\n"
        "    model = make_churn_model(C=0.3).fit(X_train, y_train)\n"
        "    churn_scores = model.predict_proba(X_test)[:, 1]\n"
        "    mlflow.log_params({'kind': 'model', 'C': 0.3, 'threshold': threshold})\n"
        "    mlflow.log_metrics(tracking.decision_metrics(y_test, churn_scores, threshold, economics))\n"
        "my_run_id = run.info.run_id"
    )
    solution_why = (
        "A run is only useful if it records the settings (C, threshold) next to the results they produced; "
        "the run id is how you, or a colleague, find that record again."
    )

    def grade(self, my_run_id):
        import mlflow

        if type(my_run_id).__name__ == "ActiveRun":
            mlflow.end_run()  # a run left open makes the learner's next start_run fail with "already active"
            raise Mistake(
                "That is the run itself, and mlflow.start_run(...) alone leaves it open (I have closed it for you). "
                "Write `with mlflow.start_run(run_name='model C=0.3') as run:` and put the training and logging "
                "inside that block; after it, set my_run_id = run.info.run_id."
            )
        if not isinstance(my_run_id, str):
            raise Mistake(f"my_run_id should be the run's id, a text like run.info.run_id, not {kind_of(my_run_id)}.")
        try:
            run = mlflow.get_run(my_run_id.strip())
        except Exception:
            raise Mistake(
                "There is no run with this id in the store. After the `with mlflow.start_run(...) as run:` block, "
                "set my_run_id = run.info.run_id."
            ) from None
        params, metrics = run.data.params, run.data.metrics
        if "C" not in params:
            raise Mistake("The run has no parameter C. Log the settings with mlflow.log_params({...}).")
        try:
            C = float(params["C"])
        except ValueError:
            raise Mistake(f"The run's C is {params['C']!r}: log it as a number, 0.3.") from None
        if not close(C, ASKED_C, 1e-9):
            raise Mistake(f"This run has C = {C:g}; the question asks for a run of the C = {ASKED_C} model.")
        if "threshold" not in params:
            raise Mistake("The run has no parameter threshold. Log it too: the threshold is part of the decision.")
        if "expected_profit" not in metrics:
            raise Mistake(
                "The run has no metric expected_profit. Log the metrics with "
                "mlflow.log_metrics(tracking.decision_metrics(y_test, churn_scores, threshold, economics))."
            )
        threshold = float(params["threshold"])
        expected = tracking.decision_metrics(course_split().y_test, _scores(ASKED_C), threshold, CampaignEconomics())
        if not close(metrics["expected_profit"], expected["expected_profit"], 0.5):
            raise Mistake(
                "The logged expected_profit is not what a C = 0.3 model earns at the logged threshold. "
                "Compute the metrics from that model's scores for X_test, with the same threshold you logged."
            )
        return (
            f"your run records C = 0.3 and threshold {threshold:.3f}, and an expected profit of "
            f"${metrics['expected_profit']:,.0f}. Anyone can now find, compare and redo it."
        )


class BestRunName(Question):
    variables = ("best_run_name",)
    hints = (
        "mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME], order_by=[...]) sorts runs; "
        "put the highest expected profit first.",
        "order_by=['metrics.expected_profit DESC'], then the first row's 'tags.mlflow.runName' "
        "(runs['tags.mlflow.runName'].iloc[0]).",
    )
    solution_code = (
        "runs = mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME],\n"
        "                          order_by=['metrics.expected_profit DESC'])\n"
        "best_run_name = runs['tags.mlflow.runName'].iloc[0]"
    )
    solution_why = (
        "order_by sorts the runs by a metric (DESC: highest first), so the first row is the most profitable run; "
        "its name is in the tag column tags.mlflow.runName."
    )

    def grade(self, best_run_name):
        if not isinstance(best_run_name, str):
            raise Mistake(f"best_run_name should be the run's name as text, like 'model C=1.0', not {kind_of(best_run_name)}.")
        runs = _practice_runs()
        name = best_run_name.strip()
        if _looks_like_run_id(name):
            raise Mistake("That is a run id. Give the run's name, from the column tags.mlflow.runName.")
        profit = runs.groupby("tags.mlflow.runName")["metrics.expected_profit"].max()
        if name not in profit.index:
            raise Mistake(f"No run in the practice experiment is named {name!r}. Copy the name from tags.mlflow.runName.")
        best = profit.max()
        if profit[name] == best:
            return f"{name} earns the most, ${best:,.0f} of expected profit: the first candidate for the champion."
        if profit[name] == profit.min():
            raise Mistake("That run has the *lowest* expected profit. Sort with 'metrics.expected_profit DESC' (highest first).")
        if "metrics.roc_auc" in runs and runs["metrics.roc_auc"].notna().any():
            best_auc = runs.loc[runs["metrics.roc_auc"].idxmax(), "tags.mlflow.runName"]
            if name == best_auc:
                raise Mistake("That run has the best ROC-AUC, but the question asks for the best expected profit.")
        raise Mistake(f"{name} earns ${profit[name]:,.0f}; another run earns more. Order by metrics.expected_profit.")


class RuleRecall(Question):
    variables = ("month_to_month_recall",)
    hints = (
        f"Find the row of the run named {MONTH_TO_MONTH_RUN!r} in the table from mlflow.search_runs, "
        "and read its column metrics.recall.",
        f"runs.loc[runs['tags.mlflow.runName'] == {MONTH_TO_MONTH_RUN!r}, 'metrics.recall'].iloc[0]",
    )
    solution_code = (
        "runs = mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME])\n"
        f"month_to_month_recall = runs.loc[runs['tags.mlflow.runName'] == {MONTH_TO_MONTH_RUN!r}, 'metrics.recall'].iloc[0]"
    )
    solution_why = (
        "Recall is the share of all churners that the campaign contacts. Reading it from the logged run, "
        "not recomputing it, is how you check a claim someone made about a run."
    )

    def grade(self, month_to_month_recall):
        split = course_split()
        flags = month_to_month(split.X_test)
        expected = recall_score(split.y_test, flags)
        if getattr(month_to_month_recall, "size", 1) > 1 and np.unique(np.asarray(month_to_month_recall, dtype=float)).size == 1:
            raise Mistake(
                "That holds the same recall several times: several runs have this name (the set-up cell ran more "
                "than once). Keep the first one with .iloc[0]."
            )
        value = as_fraction_or_number(month_to_month_recall, "month_to_month_recall")
        if close(value, expected):
            return (
                f"the month-to-month rule reaches {expected:.1%} of the test churners, "
                f"but only {precision_score(split.y_test, flags):.1%} of the customers it contacts are churners."
            )
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. Metrics are logged as fractions between 0 and 1.")
        if close(value, precision_score(split.y_test, flags)):
            raise Mistake("That is the rule's precision (share of contacts who churn). Recall is the share of churners reached.")
        if close(value, f1_score(split.y_test, flags)):
            raise Mistake("That is the rule's F1. Read the column metrics.recall.")
        if close(value, 1 - expected):
            raise Mistake("That is the share of churners the rule *misses*. Recall is the share it reaches.")
        reject_if_rounded(value, expected, "month_to_month_recall")
        raise Mistake(f"month_to_month_recall is {value:.4g}: read metrics.recall from the run named {MONTH_TO_MONTH_RUN!r}.")


class LoadChampion(Question):
    variables = ("champion",)
    hints = (
        f"A registered model is loaded by its name and alias: the address is {CHAMPION_ADDRESS}.",
        f"champion = mlflow.sklearn.load_model('{CHAMPION_ADDRESS}')",
    )
    solution_code = "champion = mlflow.sklearn.load_model(f'models:/{tracking.PRACTICE_MODEL_NAME}@{tracking.CHAMPION_ALIAS}')"
    solution_why = (
        "Production code asks the registry for the alias, never for a run id: when a better model is "
        "promoted, the alias moves and the same line loads the new champion."
    )

    def grade(self, champion):
        from mlflow import MlflowClient

        if isinstance(champion, str):
            if champion.strip().startswith(("models:/", "runs:/")):
                raise Mistake("That is the model's address. Load the model from it with mlflow.sklearn.load_model(...).")
            raise Mistake("champion should be the loaded model, not a text. Use mlflow.sklearn.load_model(...).")
        try:
            version = MlflowClient().get_model_version_by_alias(tracking.PRACTICE_MODEL_NAME, tracking.CHAMPION_ALIAS)
            champion_C = float(MlflowClient().get_run(version.run_id).data.params["C"])
        except Exception:
            raise Mistake("No model has the alias 'champion' yet: run the cell above that registers it, then load it.") from None
        X_test = course_split().X_test
        if hasattr(champion, "predict_proba"):
            scores = np.asarray(champion.predict_proba(X_test))[:, 1]
            if np.allclose(scores, _scores(champion_C), rtol=0, atol=1e-12):
                return (
                    f"the champion is the C = {champion_C:g} model; loaded from the registry, it scores the "
                    f"{len(X_test):,} test customers exactly like the run that was judged."
                )
            for C in (0.01, 0.1, 0.3, 1.0):
                if C != champion_C and np.allclose(scores, _scores(C), rtol=0, atol=1e-12):
                    raise Mistake(
                        f"This is the C = {C:g} model, not the one the alias points to. "
                        f"Load it by alias: {CHAMPION_ADDRESS}."
                    )
            raise Mistake(f"This model scores customers differently from the champion. Load it by alias: {CHAMPION_ADDRESS}.")
        if hasattr(champion, "predict") and type(champion).__name__ == "PyFuncModel":
            if np.array_equal(np.asarray(champion.predict(X_test)), course_model(champion_C).predict(X_test)):
                return (
                    f"the champion is the C = {champion_C:g} model (loaded with mlflow.pyfunc, which gives only "
                    "yes/no predictions; mlflow.sklearn.load_model also gives the churn probabilities)."
                )
            raise Mistake(f"This pyfunc model is not the champion. Load it by alias: {CHAMPION_ADDRESS}.")
        raise Mistake(f"champion should be a loaded model, not {kind_of(champion)}. Use mlflow.sklearn.load_model(...).")


q1 = LogYourRun("q1")
q2 = BestRunName("q2")
q3 = RuleRecall("q3")
q4 = LoadChampion("q4")
