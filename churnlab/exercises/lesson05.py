"""Exercise questions for lesson 05: track experiments with MLflow.

In the notebook: ``from churnlab.exercises.lesson05 import *`` gives
``q1`` ... ``q5`` and the blank ``____``. The checks read the runs of the
practice experiment (``churnlab.tracking.PRACTICE_EXPERIMENT_NAME``) and the
practice model (``churnlab.tracking.PRACTICE_MODEL_NAME``) from the store that
``tracking.setup(...)`` pointed MLflow at, so the lesson's champion never moves.
Questions 1-4 are scaffolds (one blank per line); question 5 is the optional
"go further" question.

Question 2 ranks this session's **candidates** only: the runs the set-up cell logged
with the tag ``churnlab.role = "candidate"``, and the learner's question 1 run once
its check has passed (the check adds that tag). A try that went wrong stays in the
practice experiment but never changes question 2's answer.
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score

from churnlab import tracking
from churnlab.economics import CampaignEconomics
from churnlab.exercises.core import (
    Mistake, Question, ____, as_fraction_or_number, close, course_model, course_split, kind_of, reject_if_rounded,
)
from churnlab.rules import month_to_month, month_to_month_and_new

__all__ = ["q1", "q2", "q3", "q4", "q5", "____"]

ASKED_C = 0.3
ASKED_RUN_NAME = "model C=0.3"
MONTH_TO_MONTH_RUN = "rule: month-to-month"
CHALLENGER_ALIAS = "challenger"
CHAMPION_ADDRESS = f"models:/{tracking.PRACTICE_MODEL_NAME}@{tracking.CHAMPION_ALIAS}"
LESSON_ADDRESS = f"models:/{tracking.MODEL_NAME}@{tracking.CHAMPION_ALIAS}"
OTHER_SETTINGS = (0.01, 0.03, 0.1, 1.0, 3.0, 30.0)  # C values a learner may train by mistake
CANDIDATE_ROLE = "candidate"  # the tag churnlab.role of the runs question 2 ranks


def _scores(C: float) -> np.ndarray:
    return course_model(C).predict_proba(course_split().X_test)[:, 1]


def _metrics_of(C: float, threshold: float) -> dict[str, float]:
    """What a run of the C model logs at ``threshold`` with the course's economics."""
    return tracking.decision_metrics(course_split().y_test, _scores(C), threshold, CampaignEconomics())


def _same_metrics(logged: dict[str, float], expected: dict[str, float]) -> bool:
    # Two settings can earn the same profit (C = 0.01 and C = 0.3 both earn $12,610): compare every metric.
    return all(name in logged and close(logged[name], value, 1e-6 if name != "expected_profit" else 0.5)
               for name, value in expected.items())


def _looks_like_run_id(text: str) -> bool:
    return len(text) == 32 and all(ch in "0123456789abcdef" for ch in text)


def _practice_runs(filter_string: str = ""):
    import mlflow

    return mlflow.search_runs(experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME], filter_string=filter_string)


def _candidate_runs():
    """This session's candidates (set-up runs, and question 1's run once checked); Mistake if there are none."""
    from churnlab.errors import CourseError

    try:
        runs = _practice_runs(tracking.session_filter(role=CANDIDATE_ROLE))
    except CourseError:
        runs = None
    if runs is None or runs.empty or "metrics.expected_profit" not in runs:
        raise Mistake("This session has no runs among its candidates yet (runs tagged churnlab.role = candidate, with an "
                      "expected profit): run the set-up cells above first, tracking.setup and then the cell that logs them.")
    return runs


def _mark_candidate(run_id: str) -> None:
    """Question 1's run, once checked, joins the candidates question 2 ranks (if it was logged in this session)."""
    from mlflow import MlflowClient

    run = MlflowClient().get_run(run_id)
    if run.data.tags.get(tracking.SESSION_TAG) == tracking._session_id:
        MlflowClient().set_tag(run_id, tracking.ROLE_TAG, CANDIDATE_ROLE)


def _aliased_run_C(alias: str = tracking.CHAMPION_ALIAS, model_name: str = tracking.PRACTICE_MODEL_NAME) -> tuple[int, float]:
    """The version an alias points to, and the setting C of the run it came from (Mistake if there is none)."""
    from mlflow import MlflowClient

    client = MlflowClient()
    try:
        version = client.get_model_version_by_alias(model_name, alias)
        return int(version.version), float(client.get_run(version.run_id).data.params["C"])
    except Exception:
        raise Mistake(
            f"No version of {model_name} has the alias {alias!r} yet: run the set-up cells above, which register the champion."
        ) from None


class LogYourRun(Question):
    variables = ("my_run_id",)
    hints = (
        "Lesson 05, section 3 (log a run for each model): a run has a name, and records the model's setting C, the "
        "threshold and the metrics.",
        f"The first blank is the run's name, the text {ASKED_RUN_NAME!r} in quotes; the two others are the setting C, "
        "0.3: once to train the model, once to log it.",
    )
    solution_lead = "The cell, filled in:"
    solution_code = (
        'with mlflow.start_run(run_name="model C=0.3") as run:\n'
        "    model = make_churn_model(C=0.3).fit(X_train, y_train)\n"
        "    churn_scores = model.predict_proba(X_test)[:, 1]\n"
        '    mlflow.log_params({"kind": "model", "C": 0.3, "threshold": threshold})\n'
        "    mlflow.log_metrics(tracking.decision_metrics(y_test, churn_scores, threshold, economics))\n"
        "my_run_id = run.info.run_id"
    )
    solution_why = (
        "A run is only useful if it records the settings (C, threshold) next to the results they produced, under a name "
        "people can search for; the run id is how you, or a colleague, find that exact record again."
    )

    def grade(self, my_run_id):
        import mlflow

        if type(my_run_id).__name__ == "ActiveRun":
            mlflow.end_run()  # a run left open makes the learner's next start_run fail with "already active"
            raise Mistake(
                "That is the run itself, and mlflow.start_run(...) alone leaves it open (I have closed it for you). "
                "Keep the cell's `with mlflow.start_run(...) as run:` block; after it, my_run_id = run.info.run_id."
            )
        if not isinstance(my_run_id, str):
            raise Mistake(f"my_run_id should be the run's id, a text like run.info.run_id gives, not {kind_of(my_run_id)}.")
        run_id = my_run_id.strip()
        if not _looks_like_run_id(run_id):
            raise Mistake(
                f"{run_id!r} is not a run id (32 letters and digits). If it is the run's name: my_run_id is its id, "
                "which the cell's last line sets, my_run_id = run.info.run_id."
            )
        try:
            run = mlflow.get_run(run_id)
        except Exception:
            raise Mistake("There is no run with this id in the store. Run the cell again: its last line sets my_run_id.") from None
        practice = mlflow.get_experiment_by_name(tracking.PRACTICE_EXPERIMENT_NAME)
        if practice is None or run.info.experiment_id != practice.experiment_id:
            raise Mistake(
                "This run is not in the practice experiment. Run the exercise's set-up cell (tracking.setup with the "
                "practice experiment) first, then this cell again."
            )
        name = (run.info.run_name or "").strip()
        if name != ASKED_RUN_NAME:
            if name.lower().replace(" ", "") == ASKED_RUN_NAME.lower().replace(" ", ""):
                raise Mistake(f"Your run is named {name!r}: names are matched exactly, capitals and spaces too. Use {ASKED_RUN_NAME!r}.")
            raise Mistake(f"Your run is named {name!r}. The question asks for {ASKED_RUN_NAME!r}, so that question 2 and your "
                          "colleagues can find it by name.")
        params, metrics = run.data.params, run.data.metrics
        if "C" not in params:
            raise Mistake("The run has no parameter C. Log the settings with mlflow.log_params({...}).")
        try:
            C = float(params["C"])
        except ValueError:
            raise Mistake(f"The run's C is {params['C']!r}: log it as a number, 0.3.") from None
        if not close(C, ASKED_C, 1e-9):
            raise Mistake(f"This run logged C = {C:g}; the question asks for a run of the C = {ASKED_C} model (written 0.3).")
        if "threshold" not in params:
            raise Mistake("The run has no parameter threshold. Log it too: the threshold is part of the decision.")
        if "expected_profit" not in metrics:
            raise Mistake(
                "The run has no metric expected_profit: did the cell stop with an error before the metrics were logged? "
                "Fix it and run the cell again (a new run is made)."
            )
        threshold = float(params["threshold"])
        expected = _metrics_of(ASKED_C, threshold)
        missing = [name for name in expected if name not in metrics]
        if missing:
            raise Mistake(f"The run has no metric {missing[0]}: log every metric of tracking.decision_metrics(...).")
        if not _same_metrics(metrics, expected):
            for other in OTHER_SETTINGS:
                if _same_metrics(metrics, _metrics_of(other, threshold)):
                    raise Mistake(
                        f"The run says C = 0.3, but its metrics come from a C = {other:g} model. "
                        "Train the model with the same C you log: make_churn_model(C=0.3)."
                    )
            raise Mistake(
                "The logged metrics are not what a C = 0.3 model gives at the logged threshold (expected profit "
                f"${expected['expected_profit']:,.0f}). Compute them from that model's scores for X_test, with the "
                "threshold you logged."
            )
        logged = metrics["expected_profit"]
        _mark_candidate(run_id)
        return (
            f"your run records C = 0.3 and threshold {threshold:.3f}, and an expected profit of ${logged:,.0f}. "
            "Anyone can now find, compare and redo it; it is now one of this session's candidates (tag churnlab.role)."
        )


class BestRunName(Question):
    variables = ("best_run_name",)
    hints = (
        "Lesson 05, section 5 (compare runs): order_by sorts the runs by a column, and DESC puts the highest first.",
        "The blank is one text in quotes: the metric's column, metrics.expected_profit, then DESC.",
    )
    solution_lead = "The cell, filled in:"
    solution_code = (
        "runs = mlflow.search_runs(\n"
        "    experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME],\n"
        "    filter_string=candidates,\n"
        '    order_by=["metrics.expected_profit DESC"],\n'
        ")\n"
        'best_run_name = runs["tags.mlflow.runName"].iloc[0]'
    )
    solution_why = (
        "order_by sorts the runs by a metric (DESC: highest first), so the first row is the most profitable run; "
        "its name is in the column tags.mlflow.runName. The filter keeps this session's candidates, so a try that went "
        "wrong (or an earlier session's run) cannot top the table. The same query, with another metric, ranks by anything logged."
    )

    def grade(self, best_run_name):
        if hasattr(best_run_name, "iloc") and getattr(best_run_name, "size", 0) > 1:
            raise Mistake("That is a whole column of names. Keep the first row, the most profitable run: .iloc[0].")
        if not isinstance(best_run_name, str):
            raise Mistake(f"best_run_name should be the run's name as text, like 'model C=1.0', not {kind_of(best_run_name)}.")
        name = best_run_name.strip()
        if _looks_like_run_id(name):
            raise Mistake("That is a run id. Give the run's name, from the column tags.mlflow.runName.")
        runs = _candidate_runs()
        profit = runs.groupby("tags.mlflow.runName")["metrics.expected_profit"].max().dropna()
        if name not in profit.index:
            same_but_case = [known for known in profit.index if known.lower() == name.lower()]
            if same_but_case:
                raise Mistake(f"Run names are matched exactly, capitals too: the run is named {same_but_case[0]!r}.")
            everything = _practice_runs()
            if "tags.mlflow.runName" in everything and name in set(everything["tags.mlflow.runName"].dropna()):
                raise Mistake(
                    f"{name!r} is in the practice experiment but is not one of this session's candidates (a try that went "
                    "wrong, or a run from an earlier session). Keep filter_string=candidates in the query."
                )
            raise Mistake(f"No candidate run in the practice experiment is named {name!r}. Copy the name from tags.mlflow.runName.")
        best = profit.max()
        if profit[name] == best:
            return f"{name} earns the most, ${best:,.0f} of expected profit: the first candidate for the champion."
        everything = _practice_runs()
        if "metrics.expected_profit" in everything and everything["metrics.expected_profit"].notna().any():
            top = everything.loc[everything["metrics.expected_profit"].idxmax()]
            if top["tags.mlflow.runName"] == name and top["metrics.expected_profit"] > best:
                raise Mistake(
                    f"The run named {name!r} that tops the whole experiment (${top['metrics.expected_profit']:,.0f}) is not a "
                    f"candidate: a try that went wrong, or another session's run. Among the candidates, {name} earns "
                    f"${profit[name]:,.0f}. Keep filter_string=candidates in the query."
                )
        if profit[name] == profit.min():
            raise Mistake("That run has the *lowest* expected profit: without DESC, order_by puts the lowest first. "
                          "Use \"metrics.expected_profit DESC\".")
        if "metrics.roc_auc" in runs and runs["metrics.roc_auc"].notna().any():
            best_auc = runs.loc[runs["metrics.roc_auc"].idxmax(), "tags.mlflow.runName"]
            if name == best_auc:
                raise Mistake("That run has the best ROC-AUC, but the question asks for the best expected profit.")
        raise Mistake(f"{name} earns ${profit[name]:,.0f}; another candidate earns more. Order by \"metrics.expected_profit DESC\".")


class RuleRecallFromRun(Question):
    variables = ("month_to_month_recall",)
    hints = (
        "Lesson 05, section 5 (compare runs): filter_string keeps the runs that match, e.g. \"params.kind = 'rule'\"; "
        "a run's name is the column tags.mlflow.runName.",
        f"The blank is one text in double quotes, holding the run's name in single quotes: "
        f"\"tags.mlflow.runName = '{MONTH_TO_MONTH_RUN}'\".",
    )
    solution_lead = "The cell, filled in:"
    solution_code = (
        "rule_runs = mlflow.search_runs(\n"
        "    experiment_names=[tracking.PRACTICE_EXPERIMENT_NAME],\n"
        f"    filter_string=\"tags.mlflow.runName = '{MONTH_TO_MONTH_RUN}'\",\n"
        ")\n"
        'month_to_month_recall = rule_runs["metrics.recall"].iloc[0]'
    )
    solution_why = (
        "Recall is the share of all churners that the campaign contacts. Reading it from the logged run, "
        "not recomputing it, is how you check a claim someone made about a run."
    )

    def grade(self, month_to_month_recall):
        split = course_split()
        flags = month_to_month(split.X_test)
        expected = float(recall_score(split.y_test, flags))
        if getattr(month_to_month_recall, "size", 1) > 1:
            values = np.unique(np.asarray(month_to_month_recall, dtype=float))
            if values.size == 1:
                raise Mistake(
                    "That holds the same recall several times: several runs have this name (the set-up cell ran more "
                    "than once). Keep the first one with .iloc[0]."
                )
            raise Mistake("That holds the recall of several runs: the filter matched more than one. Filter on the run's exact name.")
        value = as_fraction_or_number(month_to_month_recall, "month_to_month_recall")
        if close(value, expected):
            return (
                f"the month-to-month rule reaches {expected:.1%} of the test churners, "
                f"but only {precision_score(split.y_test, flags):.1%} of the customers it contacts are churners."
            )
        if close(value, expected * 100, 0.05):
            raise Mistake("That looks like a percentage. Metrics are logged as fractions between 0 and 1.")
        if close(value, recall_score(split.y_test, month_to_month_and_new(split.X_test))):
            raise Mistake(
                "That is the recall of 'rule: month-to-month and new'. Filter on the exact name "
                f"'{MONTH_TO_MONTH_RUN}' (with =, not LIKE)."
            )
        if close(value, precision_score(split.y_test, flags)):
            raise Mistake("That is the rule's precision (share of contacts who churn). Recall is the share of churners reached.")
        if close(value, f1_score(split.y_test, flags)):
            raise Mistake("That is the rule's F1. Read the column metrics.recall.")
        if close(value, 1 - expected):
            raise Mistake("That is the share of churners the rule *misses*. Recall is the share it reaches.")
        threshold = CampaignEconomics().break_even_probability
        for C in (0.01, 0.1, ASKED_C, 1.0):
            if close(value, recall_score(split.y_test, _scores(C) >= threshold)):
                raise Mistake(f"That is the recall of a model run (C = {C:g}). Filter on the rule's run name, '{MONTH_TO_MONTH_RUN}'.")
        reject_if_rounded(value, expected, "month_to_month_recall")
        raise Mistake(f"month_to_month_recall is {value:.4g}: read metrics.recall from the run named {MONTH_TO_MONTH_RUN!r}.")


class LoadChampion(Question):
    variables = ("model_address", "champion")
    hints = (
        "Lesson 05, section 6 (register the champion): production code asks the registry for a model by its name and "
        "alias, models:/NAME@ALIAS. Here the name is the practice model's, tracking.PRACTICE_MODEL_NAME.",
        "The first blank is the alias's name, champion (inside the address, no quotes needed); the second is the "
        "address the first line builds, model_address.",
    )
    solution_lead = "The cell, filled in:"
    solution_code = (
        'model_address = f"models:/{tracking.PRACTICE_MODEL_NAME}@champion"\n'
        "champion = mlflow.sklearn.load_model(model_address)"
    )
    solution_why = (
        "Production code asks the registry for the alias, never for a run or a version number: when a better model is "
        "promoted, the alias moves and the same line loads the new champion. The practice model keeps your experiments "
        "away from the lesson's churn-model@champion."
    )

    @staticmethod
    def _check_address(model_address) -> None:
        if not isinstance(model_address, str):
            raise Mistake(f"model_address should be the model's address, a text like models:/NAME@ALIAS, not {kind_of(model_address)}.")
        address = model_address.strip()
        if "____" in address:
            raise Mistake("model_address still has a blank (____): replace it with the alias's name.")
        if address.startswith("runs:/"):
            raise Mistake("That is a run's copy of the model. Ask the registry by alias: models:/NAME@champion.")
        if not address.startswith("models:/"):
            raise Mistake(f"{address!r} is not a model address: it starts with models:/ then the model's name and @alias.")
        rest = address.removeprefix("models:/")
        if rest.startswith("m-"):
            raise Mistake("That is a logged model's id, fixed for ever. Ask the registry by alias: models:/NAME@champion.")
        name, _, alias = rest.partition("@")
        if not alias:
            raise Mistake(
                "That asks for a fixed version number. Production asks for the alias (models:/NAME@champion), "
                "so the same line loads the new champion when the alias moves."
            )
        if name == tracking.MODEL_NAME:
            raise Mistake(
                f"That is the lesson's model, {LESSON_ADDRESS}. The exercise's champion is the practice model's: "
                "use tracking.PRACTICE_MODEL_NAME, so the lesson's champion is left alone."
            )
        if name != tracking.PRACTICE_MODEL_NAME:
            raise Mistake(f"There is no model {name!r} in the exercise: use tracking.PRACTICE_MODEL_NAME.")
        if alias.lower() == tracking.CHAMPION_ALIAS and alias != tracking.CHAMPION_ALIAS:
            raise Mistake(f"Aliases are case-sensitive: the alias is {tracking.CHAMPION_ALIAS!r}, in lower case.")
        if alias != tracking.CHAMPION_ALIAS:
            raise Mistake(f"The alias {alias!r} is not the champion's: the champion's alias is {tracking.CHAMPION_ALIAS!r}.")

    def grade(self, model_address, champion):
        self._check_address(model_address)
        if isinstance(champion, str):
            raise Mistake("champion should be the loaded model, not a text: load it with mlflow.sklearn.load_model(model_address).")
        _, champion_C = _aliased_run_C()
        X_test = course_split().X_test
        if hasattr(champion, "predict_proba"):
            scores = np.asarray(champion.predict_proba(X_test))[:, 1]
            if np.allclose(scores, _scores(champion_C), rtol=0, atol=1e-12):
                return (
                    f"the champion is the C = {champion_C:g} model; loaded through its alias, it scores the "
                    f"{len(X_test):,} test customers exactly like the run that was judged."
                )
            for C in (ASKED_C, 0.01, 0.1, 1.0):
                if C != champion_C and np.allclose(scores, _scores(C), rtol=0, atol=1e-12):
                    where = " (the model you trained in question 1, still in memory)" if C == ASKED_C else ""
                    raise Mistake(
                        f"This is the C = {C:g} model{where}, not the one the alias points to. "
                        "Load it from the address: mlflow.sklearn.load_model(model_address)."
                    )
            raise Mistake("This model scores customers differently from the champion. Load it: mlflow.sklearn.load_model(model_address).")
        if hasattr(champion, "predict") and type(champion).__name__ == "PyFuncModel":
            if np.array_equal(np.asarray(champion.predict(X_test)), course_model(champion_C).predict(X_test)):
                return (
                    f"the champion is the C = {champion_C:g} model (loaded with mlflow.pyfunc, which gives only "
                    "yes/no predictions; mlflow.sklearn.load_model also gives the churn probabilities)."
                )
            raise Mistake("This pyfunc model is not the champion. Load it: mlflow.sklearn.load_model(model_address).")
        raise Mistake(f"champion should be a loaded model, not {kind_of(champion)}. Use mlflow.sklearn.load_model(model_address).")


class RegisterChallenger(Question):
    """Go further: register a model version and give it a second alias, without moving the champion."""

    variables = ("challenger_version",)
    hints = (
        "Lesson 05, section 6: tracking.register_champion(run_id, model_name, alias=...) registers the model a run logged "
        "as a new version and points an alias at it. Your question 1 run logged no model: log one in a new run "
        "(tracking.log_churn_model, section 3).",
        "In a new run, train make_churn_model(C=0.3), log its parameters, metrics and model; then register it in "
        "tracking.PRACTICE_MODEL_NAME with alias='challenger'. The version number is the result's .version.",
    )
    solution_lead = "The cell:"
    solution_code = (
        'with mlflow.start_run(run_name="model C=0.3 (challenger)") as challenger_run:\n'
        "    challenger = make_churn_model(C=0.3).fit(X_train, y_train)\n"
        '    mlflow.log_params({"kind": "model", "C": 0.3, "threshold": threshold})\n'
        "    mlflow.log_metrics(tracking.decision_metrics(y_test, challenger.predict_proba(X_test)[:, 1], threshold, economics))\n"
        "    tracking.log_churn_model(challenger, X_train)\n"
        'registered = tracking.register_champion(challenger_run.info.run_id, tracking.PRACTICE_MODEL_NAME, alias="challenger")\n'
        "challenger_version = registered.version"
    )
    solution_why = (
        "A second alias lets the team run the challenger next to the champion (in a shadow test, say) before anyone "
        "promotes it; the campaign keeps loading @champion, which has not moved."
    )

    def grade(self, challenger_version):
        from mlflow import MlflowClient

        if type(challenger_version).__name__ == "ModelVersion":
            raise Mistake("That is the registered version itself. Its number is its .version: registered.version.")
        value = as_fraction_or_number(challenger_version, "challenger_version")
        try:
            MlflowClient().get_model_version_by_alias(tracking.MODEL_NAME, CHALLENGER_ALIAS)
            raise Mistake(
                f"The alias 'challenger' is on the lesson's model, {tracking.MODEL_NAME}. Register in the practice model, "
                "tracking.PRACTICE_MODEL_NAME (and remove that alias with MlflowClient().delete_registered_model_alias)."
            )
        except Mistake:
            raise
        except Exception:
            pass
        try:
            version = MlflowClient().get_model_version_by_alias(tracking.PRACTICE_MODEL_NAME, CHALLENGER_ALIAS)
        except Exception:
            raise Mistake(
                "No version of the practice model has the alias 'challenger' yet. Register your model with "
                "alias=\"challenger\" (the default alias, champion, would move the champion)."
            ) from None
        challenger_C = float(MlflowClient().get_run(version.run_id).data.params.get("C", "nan"))
        champion_version, champion_C = _aliased_run_C()
        if champion_version == int(version.version) or close(champion_C, ASKED_C, 1e-9):
            raise Mistake(
                "The champion alias now points at your C = 0.3 model too: register_champion's default alias is champion. "
                "Pass alias=\"challenger\", and move champion back to the C = 0.1 version by re-running the set-up cell."
            )
        if value == champion_version:
            raise Mistake(f"Version {champion_version} is the champion's. Give the version the alias 'challenger' points at.")
        if value != int(version.version):
            raise Mistake(f"The alias 'challenger' points at another version than {value:g}: give the version number your "
                          "registration returned (its .version).")
        if not close(challenger_C, ASKED_C, 1e-9):
            raise Mistake(f"The challenger is a C = {challenger_C:g} model; the question asks to register your C = 0.3 model.")
        return (
            f"the practice model now has a champion (C = {champion_C:g}) and a challenger (C = 0.3), each a version "
            "with its own alias: the challenger can be tried side by side without touching what the campaign loads."
        )


q1 = LogYourRun("q1")
q2 = BestRunName("q2")
q3 = RuleRecallFromRun("q3")
q4 = LoadChampion("q4")
q5 = RegisterChallenger("q5")
