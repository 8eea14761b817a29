"""The machinery behind ``q1.check()``, ``q1.hint()`` and ``q1.solution()``.

One ``Question`` object per exercise question. ``check()`` reads the learner's
variables from the notebook, and prints one of three outcomes:

- ✅ correct, with a sentence on what the answer means for the business;
- ❌ not quite, naming the common mistake when it recognises one;
- ✏️ not attempted yet, while an answer is still the blank ``____``.

It never raises, whatever the answer is (None, a string, a table, NaN...).
"""
from __future__ import annotations

import math
import sys
import textwrap
from functools import cache
from typing import Any

import numpy as np


class Blank:
    """The ``____`` a learner replaces with their answer."""

    def __repr__(self) -> str:
        return "____"


____ = Blank()


class Mistake(Exception):
    """Raised inside a question's grading to say what is wrong with an answer."""


def as_fraction_or_number(value: Any, what: str) -> float:
    """A single number from a learner's answer, or ``Mistake`` saying why not."""
    if isinstance(value, (bool, np.bool_)):
        raise Mistake(f"{what} should be a number, but it is {value} (True/False).")
    if isinstance(value, str):
        raise Mistake(f"{what} should be a number, not the text {value!r}. Remove the quotes.")
    if hasattr(value, "shape") and getattr(value, "size", 1) != 1:
        raise Mistake(
            f"{what} should be one number, but it holds {getattr(value, 'size', '?')} values. "
            "Reduce it to one number: a count with .sum(), a share with .mean()."
        )
    try:
        number = float(value.item() if hasattr(value, "item") else value)
    except (TypeError, ValueError):
        raise Mistake(f"{what} should be a number, but it is {kind_of(value)}.") from None
    if math.isnan(number):
        raise Mistake(f"{what} is NaN (not a number): an empty selection, or a division by zero?")
    return number


def close(value: float, target: float, tolerance: float = 5e-4) -> bool:
    """True when two numbers agree to about three decimals."""
    return abs(value - target) <= tolerance


def reject_if_rounded(value: float, target: float, what: str) -> None:
    """A ``Mistake`` for an answer typed in rounded (0.27 for 0.2654): right idea, not computed."""
    if abs(value - target) < 0.01:
        raise Mistake(
            f"Close! {what} = {value:g} looks like a rounded number. Compute it with code instead of "
            "typing it, so it keeps all its decimals."
        )


def kind_of(value: Any) -> str:
    """What a value is, in words a learner knows: "a list", "None (empty)", "a DataFrame"."""
    kinds = {list: "a list", tuple: "a tuple", dict: "a dictionary", type(None): "None (empty)"}
    return kinds.get(type(value), f"a {type(value).__name__}")


class Question:
    """One auto-checked question.

    Subclasses set the class attributes and implement ``grade``, which
    receives the learner's answers (one per name in ``variables``) and
    either returns a sentence for a correct answer or raises ``Mistake``.
    """

    variables: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    solution_code: str = ""
    solution_why: str = ""

    def __init__(self, label: str):
        self.label = label

    def grade(self, *answers: Any) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    # --- what the learner calls -------------------------------------------------
    def check(self) -> None:
        """Check your answer and print whether it is right, and if not, why."""
        print(self.outcome(_caller_namespace()))

    def hint(self, step: int = 1) -> None:
        """Print a hint; ``hint(2)`` gives a stronger one."""
        if not self.hints:
            print(f"💡 {self.label}: no hint for this one; try q.solution().")
            return
        step = _clamp_step(step, len(self.hints))
        more = f" For more, run {self.label}.hint({step + 1})." if step < len(self.hints) else ""
        print(f"💡 Hint {step} of {len(self.hints)}: {self.hints[step - 1]}{more}")

    def solution(self) -> None:
        """Print the solution code and why it is right."""
        code = textwrap.indent(self.solution_code.strip(), "    ")
        print(f"📖 Solution to {self.label}:\n{code}\n\nWhy: {self.solution_why}")

    # --- used by check() and by the tests ------------------------------------------
    def outcome(self, namespace: dict[str, Any]) -> str:
        """The message ``check()`` prints for the answers found in ``namespace``."""
        missing = [name for name in self.variables if name not in namespace]
        if missing:
            return (
                f"✏️ {self.label}: not attempted yet. Set `{missing[0]} = ...` with your answer "
                f"and run {self.label}.check() again."
            )
        answers = [namespace[name] for name in self.variables]
        blanks = [name for name, value in zip(self.variables, answers) if isinstance(value, Blank)]
        if blanks:
            return (
                f"✏️ {self.label}: not attempted yet. Replace the ____ after `{blanks[0]} =` with your code "
                "and run the cell again."
            )
        try:
            return f"✅ {self.label}: correct! {self.grade(*answers)}"
        except Mistake as mistake:
            return f"❌ {self.label}: not quite. {mistake} (Stuck? {self.label}.hint())"
        except Exception as error:  # a learner's answer must never crash the checker
            return (
                f"❌ {self.label}: I could not check this answer ({type(error).__name__}). "
                f"Make sure it has the type the question asks for. (Stuck? {self.label}.hint())"
            )

    def __repr__(self) -> str:
        return f"<{self.label}: run {self.label}.check(), {self.label}.hint() or {self.label}.solution()>"


def _clamp_step(step: Any, count: int) -> int:
    try:
        step = int(step)
    except (TypeError, ValueError):
        step = 1
    return min(max(step, 1), count)


def _caller_namespace() -> dict[str, Any]:
    # check() is called from the notebook, whose globals hold the learner's answers.
    return sys._getframe(2).f_globals



@cache
def course_split():
    """The lessons' train/test split of the course data, made once per session for every check."""
    from churnlab.data import load_churn
    from churnlab.model import split_customers

    return split_customers(load_churn())


@cache
def course_model(C: float = 1.0):
    """The lessons' churn model (regularisation ``C``), fitted once on the course split's training part."""
    from churnlab.model import make_churn_model

    split = course_split()
    return make_churn_model(C=C).fit(split.X_train, split.y_train)
