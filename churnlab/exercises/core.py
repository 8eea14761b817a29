"""The machinery behind ``q1.check()``, ``q1.hint()`` and ``q1.solution()``.

One ``Question`` object per exercise question. ``check()`` reads the learner's
variables from the notebook (or takes the answer itself: ``q1.check(0.265)``),
and prints one of three outcomes:

- ✅ correct, with a sentence on what the answer means for the business;
- ❌ not quite, naming the common mistake when it recognises one;
- ✏️ not attempted yet, while an answer is still the blank ``____``.

It never raises, whatever the answer is (None, a string, a table, NaN...).

Exercises are scaffolds: each line a learner completes has one blank,
``____``. So that "Run all" works on an exercise nobody has filled in yet,
importing this module teaches IPython to skip every statement that still holds
a blank (``skip_unfilled_statements``): the variable it would set becomes the
blank itself, and the question's ``check()`` says "not attempted yet".
"""
from __future__ import annotations

import math
import sys
import textwrap
from typing import Any

import numpy as np

from churnlab import progress
from churnlab._base.blank import Blank, holds_blank
from churnlab._base.validate import kind_of  # noqa: F401  (the exercise modules import it from here)
from churnlab._notebook.scaffold import install_scaffold_support, skip_unfilled_statements  # noqa: F401


____ = Blank()


class Mistake(Exception):
    """Raised inside a question's grading to say what is wrong with an answer."""


def as_fraction_or_number(value: Any, what: str) -> float:
    """A single number from a learner's answer, or ``Mistake`` saying why not."""
    if isinstance(value, (bool, np.bool_)):
        raise Mistake(f"{what} should be a number, but it is {value} (True/False).")
    if isinstance(value, str):
        raise Mistake(_number_in_quotes(value, what))
    if isinstance(value, tuple):
        raise Mistake(_number_with_commas(value, what))
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


def _number_with_commas(parts: tuple, what: str) -> str:
    """What to say when commas split a number: Python reads 2,820 as two numbers, 2 and 820."""
    whole = all(isinstance(part, (int, np.integer)) and not isinstance(part, (bool, np.bool_)) for part in parts)
    # A group after a comma reads back as typed only from 100 to 999 (Python refuses 1,035; 2,000 arrives as 2 and 0).
    if whole and len(parts) >= 2 and parts[0] != 0 and all(100 <= part <= 999 for part in parts[1:]):
        typed = ",".join(str(int(part)) for part in parts)
        number = "".join(str(int(part)) for part in parts)
        return (f"{what} should be one number: Python reads the comma in {typed} as separating numbers. "
                f"Remove the comma: {what} = {number}.")
    return (f"{what} should be one number, but it holds {len(parts)} values: Python reads a comma as separating numbers. "
            "Type one number without commas (and a decimal with a point: 0.5, not 0,5).")


def _number_in_quotes(text: str, what: str) -> str:
    """What to say when a number arrives as text: '0.265', '$2,820', '26.5%'."""
    cleaned = text.strip().replace(",", "").replace("$", "").replace("%", "").replace(" ", "")
    try:
        number = float(cleaned)
    except ValueError:
        return f"{what} should be a number, not the text {text!r}. Remove the quotes."
    if "%" in text:
        return (f"{what} should be a number, not the text {text!r}. Remove the quotes and the % sign, and give a share "
                f"as a fraction: {number:g} % is {number / 100:g}.")
    signs = [sign for sign, found in (("the $ sign", "$" in text), ("the commas", "," in text)) if found]
    extra = f" and {' and '.join(signs)}" if signs else ""
    return f"{what} should be a number, not the text {text!r}. Remove the quotes{extra}: {what} = {number:g}."


def plain_words(text: str) -> str:
    """A typed answer as plain words: lower case, single spaces, "_" and curly quotes as on a keyboard."""
    return " ".join(str(text).strip().lower().replace("_", " ").replace("’", "'").split())


def chosen_option(answer: Any, options: dict[str, tuple[str, ...]], asks_for: str, example: str, choices: str) -> str:
    """The option an answer names, by any of its spellings in ``options`` (name -> spellings).

    A ``Mistake`` when the answer is not a text ("{asks_for}, like {example!r}, not ...") or
    names none of them ("... is not {choices}.").
    """
    if not isinstance(answer, str):
        raise Mistake(f"{asks_for}, like {example!r}, not {kind_of(answer)}.")
    words = plain_words(answer)
    found = next((name for name, spellings in options.items() if words in spellings), None)
    if found is None:
        raise Mistake(f"{answer!r} is not {choices}.")
    return found


def close(value: float, target: float, tolerance: float = 5e-4) -> bool:
    """True when two numbers agree to about three decimals."""
    return abs(value - target) <= tolerance


COMPUTE_IT = "Compute it with code instead of typing it, so it keeps all its decimals."
TYPE_THREE_DECIMALS = "Type it with the three decimals the table shows."


def reject_if_rounded(value: float, target: float, what: str, advice: str = COMPUTE_IT, within: float = 0.01) -> None:
    """A ``Mistake`` for an answer rounded too far (0.27 for 0.2654): right idea, not the precision asked.

    ``advice`` says how to get the precision: compute it (the default), or, for a
    value read off a printed table, ``TYPE_THREE_DECIMALS``.
    """
    if abs(value - target) < within:
        raise Mistake(f"Close! {what} = {value:g} looks like a rounded number. {advice}")


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
    # What the last step of hint() says before the solution's lines; None: "The line(s), filled in:".
    solution_lead: str | None = None

    def __init__(self, label: str):
        self.label = label

    def grade(self, *answers: Any) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    # --- what the learner calls -------------------------------------------------
    def check(self, *answer: Any) -> None:
        """Check your answer and print whether it is right, and if not, why.

        ``q1.check()`` reads the answer from the notebook's variable;
        ``q1.check(0.265)`` checks the value you give it.
        """
        if not answer:
            message = self.outcome(_caller_namespace())
        elif len(answer) == len(self.variables):
            message = self.outcome(dict(zip(self.variables, answer)))
        else:
            names = ", ".join(self.variables)
            message = (f"❌ {self.label}: {self.label}.check() takes {len(self.variables)} answer(s), for {names}; it got "
                       f"{len(answer)}. Set {names} in the cell above and run {self.label}.check() with nothing between the brackets.")
        print(message)
        progress.record(self, "check", message)  # on a cohort server only; never the answer

    @property
    def steps(self) -> tuple[str, ...]:
        """What ``hint(1)``, ``hint(2)``, ... print: the ``hints``, from a nudge on, then the solution's lines.

        A question writes its solution once, in ``solution_code``; the last step serves it, after
        ``solution_lead`` (by default "The line(s), filled in:"). A question whose last hint already gives
        every line of the solution keeps its hints as they are, so no line is served twice.
        """
        code = textwrap.dedent(self.solution_code).strip("\n")
        if not code.strip():
            return tuple(self.hints)
        if self.hints and all(line.strip() in self.hints[-1] for line in code.splitlines()):
            return tuple(self.hints)
        lead = self.solution_lead or ("The line, filled in:" if len(code.splitlines()) == 1 else "The lines, filled in:")
        return (*self.hints, f"{lead}\n{textwrap.indent(code, '    ')}")

    def hint(self, step: int = 1) -> None:
        """Print a hint; ``hint(2)`` gives a stronger one, and the last step gives the solution's lines."""
        steps = self.steps
        if not steps:
            print(f"💡 {self.label}: no hint for this one; try {self.label}.solution().")
            return
        asked, step = step, _clamp_step(step, len(steps))
        progress.record(self, "hint", step=step)
        more = f" For more, run {self.label}.hint({step + 1})." if step < len(steps) else ""
        beyond = isinstance(asked, (int, float)) and asked > len(steps) and len(steps) > 1
        heading = f"There are only {len(steps)} hints; here is the last one:" if beyond else f"Hint {step} of {len(steps)}:"
        print(f"💡 {heading} {steps[step - 1]}{more}")

    def solution(self) -> None:
        """Print the solution code and why it is right."""
        code = textwrap.indent(self.solution_code.strip(), "    ")
        print(f"📖 Solution to {self.label}:\n{code}\n\nWhy: {self.solution_why}")
        progress.record(self, "solution")

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
        # a blank left inside a text (a scaffold's SQL query) is still a blank
        blanks = [name for name, value in zip(self.variables, answers) if holds_blank(value)]
        if blanks:
            return (
                f"✏️ {self.label}: not attempted yet. Replace each ____ in the cell above with your answer "
                "and run the cell again."
            )
        try:
            return f"✅ {self.label}: correct! {self.grade(*answers)}"
        except Mistake as mistake:
            progress.remember_mistake(mistake)  # its name goes in the progress event, when one is recorded
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


install_scaffold_support()  # importing the exercises lets cells with unfilled blanks run


def __getattr__(name: str):
    # The exercise modules import course_split and course_model from here. Loaded on first use: they need
    # scikit-learn, which lesson 01's exercise does not, so importing it stays quick.
    if name in ("course_split", "course_model"):
        from churnlab import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
