"""Exercise questions for lesson 09: from experiment to product (the product brief).

In the notebook: ``from churnlab.exercises.lesson09 import *`` gives ``q1`` ... ``q5``,
the optional ``q6`` ("go further") and the blank ``____``. The numbers come from
``churnlab.product`` (computed on the real Telco customers, the same as the lesson's);
``q6`` reads the brief the learner wrote with ``churnlab.brief``.
"""
from __future__ import annotations

from pathlib import Path

from churnlab.exercises.core import (Mistake, Question, ____, as_fraction_or_number, chosen_option, close, kind_of,
                                     plain_words)

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "____"]


def _numbers() -> dict:
    from churnlab import product

    return product.churn_campaign_numbers()


def _signed(amount: float) -> str:
    return f"{'-' if amount < 0 else ''}${abs(amount):,.0f}"


# --- q1: the model's edge over the best rule ------------------------------------------------------------


class RuleEdge(Question):
    variables = ("edge",)
    hints = (
        "In the lesson's section 1, the readiness table compares the model with the best of lesson 04's rules. "
        "product.churn_campaign_numbers() holds both profits: subtract the rule's from the model's.",
    )
    solution_code = "numbers = product.churn_campaign_numbers()\nedge = numbers[\"model_profit\"] - numbers[\"best_rule_profit\"]"
    solution_why = (
        "A model has to beat the simplest rule on the same customers, in dollars: that edge, not the model's profit "
        "alone, is what pays for building, running, explaining and monitoring it."
    )

    def grade(self, edge):
        if isinstance(edge, str):
            raise Mistake(f"edge should be a number of dollars, like 250, not the text {edge!r}. Remove the quotes "
                          "(and any $ sign or commas).")
        value = as_fraction_or_number(edge, "edge")
        facts = _numbers()
        right = facts["model_profit"] - facts["best_rule_profit"]
        customers = facts["test_customers"]
        if close(value, right, 0.5):
            interval = facts["edge_interval"]
            return (f"the model earns ${right:,.0f} more than the best rule ({facts['best_rule']}) on the "
                    f"{customers:,} test customers, ${right / customers:.2f} a customer per campaign; its 95 % interval, "
                    f"{_signed(interval['low'])} to {_signed(interval['high'])}, {'includes' if interval['low'] <= 0 else 'excludes'} "
                    "zero, so check the interval before asking whether the edge pays for a model.")
        if close(value, -right, 0.5):
            raise Mistake("The sign is reversed: that is the rule's profit minus the model's. Subtract the rule's profit "
                          "from the model's.")
        if close(value, facts["model_profit"], 0.5):
            raise Mistake("That is the model's expected profit on its own. The readiness question is about its edge over "
                          "the rule: subtract the best rule's profit.")
        if close(value, facts["best_rule_profit"], 0.5):
            raise Mistake("That is the best rule's profit. The question asks how much more the model earns than that rule.")
        for rule, profit in facts["rule_profits"].items():
            if rule != facts["best_rule"] and close(value, facts["model_profit"] - profit, 0.5):
                raise Mistake(f"That is the edge over the rule '{rule}'. A model must beat the best rule, "
                              f"'{facts['best_rule']}': use numbers[\"best_rule_profit\"].")
        if close(value, right / customers, 0.005):
            raise Mistake("That is the edge per customer. The question asks for the whole edge, in dollars, on the "
                          f"{customers:,} test customers.")
        raise Mistake(f"edge is {value:,.4g}. Subtract the best rule's profit from the model's, both from "
                      "product.churn_campaign_numbers().")


# --- q2: which readiness question fails for the fraud flags? ---------------------------------------------

_CRITERIA = {  # the criterion, as the lesson's tables name it: the words a learner may type for it
    "a decision and an action": ("a decision and an action", "decision", "a decision", "decision and action", "action"),
    "data and labels at decision time": ("data and labels at decision time", "data and labels at the decision time"),
    "part of a name": ("data and labels", "data", "labels", "not enough labels", "labels at decision time", "not enough data",
                       "no labels", "data and labels at decision"),
    "a baseline rule to beat": ("a baseline rule to beat", "baseline", "baseline rule", "a rule to beat", "rule to beat",
                                "rule"),
    "value above the cost": ("value above the cost", "value", "cost", "value above cost"),
    "acceptable risk": ("acceptable risk", "risk"),
    "team capacity": ("team capacity", "team", "capacity"),
}


class FraudCriterion(Question):
    variables = ("fraud_criterion",)
    hints = (
        "In the lesson's section 1, look at the row 'fraud flags' of the table of other features: which criterion is "
        "answered 'no' (the others are 'yes' or 'to check')?",
    )
    solution_code = "fraud_criterion = \"data and labels at decision time\""
    solution_why = (
        "Twelve confirmed frauds cannot teach a model anything: the data criterion fails. Start with rules and a manual "
        "review, and record every review's outcome, so that labels exist next year."
    )

    def grade(self, fraud_criterion):
        name = chosen_option(fraud_criterion, _CRITERIA, "fraud_criterion should be the name of a criterion in quotes",
                             "acceptable risk", "one of the six criteria: 'a decision and an action', 'data and labels "
                             "at decision time', 'a baseline rule to beat', 'value above the cost', 'acceptable risk', "
                             "'team capacity'")
        if name == "part of a name":
            raise Mistake(f"{fraud_criterion.strip()!r} points at the right row of the readiness questions, but it is not "
                          "the criterion's name as the table writes it: copy the whole name from the table's first "
                          "column.")
        if name == "data and labels at decision time":
            return ("12 confirmed frauds out of 40,000 orders are far too few labels to learn from. Ship rules with a "
                    "manual review now, record each review's outcome, and ask the question again in a year.")
        if name in ("value above the cost", "acceptable risk", "team capacity"):
            raise Mistake(f"The table answers '{name}' with 'to check', not 'no': it may hold, once there is a model to "
                          "weigh. One criterion fails outright; which?")
        if name == "a baseline rule to beat":
            raise Mistake("There is a rule to beat (new account and large order: manual review); rules are even the "
                          "advice. Which criterion makes a model impossible today?")
        raise Mistake("There is a decision and an action (hold an order for review). Which criterion makes a model "
                      "impossible today?")


# --- q3: the decision metric and a guardrail --------------------------------------------------------------

_TREE_METRICS = ("net retained revenue", "churn within 3 months", "contact rate", "offer acceptance",
                 "complaints and opt-outs", "precision at capacity", "calibration", "recall per group",
                 "scoring failures and latency")
_GUARDRAILS = ("contact rate", "complaints and opt-outs", "recall per group", "scoring failures and latency")


def _metric(answer) -> str | None:
    if not isinstance(answer, str):
        return None
    words = plain_words(answer).replace("three", "3")
    aliases = {"retained revenue": "net retained revenue", "net retained revenue": "net retained revenue",
               "churn": "churn within 3 months", "precision": "precision at capacity", "complaints": "complaints and opt-outs",
               "opt-outs": "complaints and opt-outs", "scoring failures": "scoring failures and latency",
               "latency": "scoring failures and latency"}
    return words if words in _TREE_METRICS else aliases.get(words)


class DecisionAndGuardrail(Question):
    variables = ("decision_metric", "guardrail")
    hints = (
        "In the lesson's section 2, the metric tree's column 'role' names one decision metric and several guardrails. "
        "Copy the metric's name as the table writes it.",
    )
    solution_code = "decision_metric = \"net retained revenue\"\nguardrail = \"contact rate\""
    solution_why = (
        "The decision metric is the business goal, in dollars: lesson 07's test reads churn within 3 months and turns it "
        "into these dollars, three months later, so churn is a driver, not a second decision metric. A guardrail is "
        "another metric that must not get worse while it improves: the contact rate (or complaints, recall per group, "
        "scoring failures)."
    )

    def grade(self, decision_metric, guardrail):
        for name, value in (("decision_metric", decision_metric), ("guardrail", guardrail)):
            if not isinstance(value, str):
                raise Mistake(f"{name} should be a metric's name in quotes, as the metric tree writes it, not "
                              f"{kind_of(value)}.")
        decision, guard = _metric(decision_metric), _metric(guardrail)
        for name, value, found in (("decision_metric", decision_metric, decision), ("guardrail", guardrail, guard)):
            if found is None:
                raise Mistake(f"{name} = {value!r} is not a metric of the lesson's metric tree; copy one from its "
                              "index, such as 'offer acceptance'.")
        if decision in _GUARDRAILS and guard == "net retained revenue":
            raise Mistake("You swapped them: net retained revenue is the decision metric, and a guardrail is one of the "
                          "metrics that must not get worse.")
        if decision != "net retained revenue":
            if decision in ("precision at capacity", "calibration", "recall per group"):
                raise Mistake(f"{decision} is a model metric: it explains results, it does not decide a launch. The "
                              "decision metric is the business goal at the top of the tree.")
            if decision == "churn within 3 months":
                raise Mistake("Churn within 3 months is a driver of the goal, not the goal: calling everyone lowers "
                              "churn and loses money, so the A/B test turns churn into dollars. The decision metric is "
                              "the business goal at the top of the tree, in dollars.")
            raise Mistake(f"{decision} is a {'guardrail' if decision in _GUARDRAILS else 'driver'}, not the decision "
                          "metric. The decision metric is the business goal at the top of the tree.")
        if guard == "net retained revenue":
            raise Mistake("That is the decision metric again. A guardrail is a different metric that must not get worse "
                          "while the decision metric improves.")
        if guard not in _GUARDRAILS:
            role = "a driver of the goal" if guard in ("churn within 3 months", "offer acceptance") else "a diagnostic"
            raise Mistake(f"{guard} is {role} in the tree, not a guardrail. Pick a metric whose role is 'guardrail'.")
        return (f"net retained revenue decides the launch, three months later; {guard} must not get worse meanwhile, "
                "and you can read it on the day.")


# --- q4: a user story for a brand-new customer --------------------------------------------------------------


class NewCustomerStory(Question):
    variables = ("story",)
    hints = (
        "In the lesson's section 4, the table of edge cases has a row for a brand-new customer (tenure 0, charges "
        "empty), with its fallback and an acceptance criterion. Name that edge case, say what happens instead, and "
        "write how the team will check it: 'Given ..., when ..., then ...'.",
    )
    solution_lead = "The code, in full:"
    solution_code = (
        "story = product.user_story(\n"
        "    as_a=\"retention agent\",\n"
        "    i_want=\"new customers kept off the retention call list\",\n"
        "    so_that=\"my first call with a customer is not a discount offer\",\n"
        "    edge_case=\"a brand-new customer: tenure 0, no charges yet\",\n"
        "    fallback=\"the onboarding journey, not the retention campaign\",\n"
        "    acceptance=\"Given a customer with tenure 0, when the call list is built, then they are not on it.\")"
    )
    solution_why = (
        "A customer with tenure 0 has no charges yet: the model was never trained on such a row, so the story says what "
        "happens instead (onboarding, no retention call) and how the team checks it."
    )

    def grade(self, story):
        from churnlab import product

        if not isinstance(story, product.UserStory):
            raise Mistake(f"story should be a user story made with product.user_story(...), not {kind_of(story)}.")
        gaps = product.story_gaps(story)
        if not story.edge_case:
            raise Mistake("The edge case is missing: name the situation, a brand-new customer (tenure 0, no charges).")
        key = story.edge_case_key
        if key is None:
            raise Mistake(f"The edge case {story.edge_case!r} does not say which customers: this story is about a "
                          "brand-new customer (tenure 0, no charges yet).")
        if key != "new customer":
            raise Mistake(f"{story.edge_case!r} is the edge case '{key}'. This story is about a brand-new customer "
                          "(tenure 0, no charges yet).")
        if gaps:
            raise Mistake("The story is not finished: " + " ".join(gaps))
        other_fallbacks = [_plain(row[3]) for case, row in product.EDGE_CASES.items() if case != "new customer"]
        if _plain(story.fallback) in other_fallbacks or "month-to-month rule" in _plain(story.fallback):
            raise Mistake(f"The fallback {story.fallback!r} belongs to another edge case. A brand-new customer is not a "
                          "retention case at all: what happens to them instead?")
        checks = product.named_edge_case(story.acceptance)
        if checks is None:
            raise Mistake(f"The acceptance criterion {story.acceptance!r} does not say which customers it checks: name "
                          "them (a customer with tenure 0), so the test fails when a new customer is called.")
        if checks != "new customer":
            raise Mistake(f"The acceptance criterion checks the edge case '{checks}', not this story's: write how the "
                          "team checks that a customer with tenure 0 is kept off the list.")
        return ("the story names the edge case, what happens instead, and how the team will check it. "
                "product.story_gaps(story) finds nothing missing.")


def _plain(text: str) -> str:
    return " ".join(str(text).lower().replace("’", "'").split()).strip(".!")


# --- q5: who do you ask about a rollback? -------------------------------------------------------------------

_STEPS = {"data": ("data", "data quality"), "train": ("train", "training"), "evaluate": ("evaluate", "evaluation"),
          "serve": ("serve", "serving", "deploy", "deployment"), "monitor": ("monitor", "monitoring"),
          "retrain": ("retrain", "retraining")}


class RollbackStep(Question):
    variables = ("rollback_step",)
    hints = (
        "In the lesson's section 3, the questions for engineers are grouped by lifecycle step: find the question "
        "about rolling back to the previous version.",
    )
    solution_code = "rollback_step = \"serve\""
    solution_why = (
        "Which version is live is a serving question: the alias champion points at one version, and rolling back moves "
        "it to the previous one, which the registry keeps."
    )

    def grade(self, rollback_step):
        step = chosen_option(rollback_step, _STEPS, "rollback_step should be a lifecycle step in quotes", "monitor",
                             "a step of the lifecycle: 'data', 'train', 'evaluate', 'serve', 'monitor' or 'retrain'")
        if step == "serve":
            return ("rolling back is choosing which version serves: ask how it is done and how long it takes before "
                    "launch, not during an incident.")
        if step == "retrain":
            raise Mistake("Retraining makes a new version; rolling back goes to an older one that is already there. "
                          "Which step decides which version is live?")
        if step == "monitor":
            raise Mistake("Monitoring tells you that you may need to roll back; the rollback itself happens at another "
                          "step. Which step decides which version is live?")
        raise Mistake(f"'{step}' happens before a model is live; a rollback changes which version is live. Which step "
                      "is that?")


# --- q6 (go further): your own brief -------------------------------------------------------------------------


class OwnBrief(Question):
    variables = ("my_files",)
    hints = (
        "Write every field of brief.words(...) (product, problem, decision_owner, users, readiness, risks, privacy) "
        "and give stories a list with your own story from question 4; then write the brief with "
        "brief.write_brief(my_words, name=\"exercise_09_brief\"), so the lesson's own brief stays as it is.",
    )
    solution_lead = "The code, in full (your words will differ):"
    solution_code = (
        "my_words = brief.words(\n"
        "    product=\"Churn retention offers\",\n"
        "    problem=\"Each month we lose customers we could have kept. Whom should retention agents offer a discount?\",\n"
        "    decision_owner=\"Head of retention; the ML engineer on call can switch to the rule.\",\n"
        "    users=\"Retention agents see a call list and three reasons per customer.\",\n"
        "    readiness=\"Not decided: beats the live rule, not shown to beat the best; value and team capacity to check.\",\n"
        "    risks=\"Missed churners with dependents; a silent data bug; a small edge over the best rule.\",\n"
        "    privacy=\"Contract and billing data only; sex is never an input; scores stay with retention staff.\",\n"
        "    stories=[story])\n"
        "my_files = brief.write_brief(my_words, name=\"exercise_09_brief\")"
    )
    solution_why = (
        "The brief takes your words and reads every number from your runs; a field you leave empty shows as a prompt, "
        "and a story with a gap shows what to finish."
    )

    def grade(self, my_files):
        from churnlab import brief

        if not isinstance(my_files, brief.BriefFiles):
            raise Mistake(f"my_files should be what brief.write_brief(...) returns, not {kind_of(my_files)}.")
        if Path(my_files.markdown).name in brief.BRIEF_FILES:
            raise Mistake("That wrote over the lesson's own brief (product_brief.md and product_brief.html): give "
                          "write_brief a name of its own, like brief.write_brief(my_words, name=\"exercise_09_brief\").")
        missing = [path.name for path in (my_files.markdown, my_files.html) if not Path(path).is_file()]
        if missing:
            raise Mistake(f"{', '.join(missing)} is not in the work folder any more: run brief.write_brief(my_words, "
                          "name=...) again.")
        text = Path(my_files.markdown).read_text(encoding="utf-8")
        if "*(to write:" in text:
            empty = text.split("*(to write:", 1)[1].split(")*", 1)[0].strip()
            raise Mistake(f"One of your words is still empty ({empty}): fill every field of brief.words(...).")
        if "The course's example" in text:
            raise Mistake("The brief shows the course's example stories: give stories=[...] your own, like the story of "
                          "question 4.")
        if "*To finish:*" in text:
            raise Mistake("One of your stories has a gap (the brief says 'To finish'): product.story_gaps(story) says "
                          "what to add.")
        return (f"your brief is in {Path(my_files.markdown).name} and {Path(my_files.html).name}, in your work folder. "
                "Open the HTML page in a browser: every number names the run it came from.")


q1 = RuleEdge("q1")
q2 = FraudCriterion("q2")
q3 = DecisionAndGuardrail("q3")
q4 = NewCustomerStory("q4")
q5 = RollbackStep("q5")
q6 = OwnBrief("q6")

