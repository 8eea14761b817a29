"""Shared by the exercise tests: what a question says to an answer, and the two outcomes tests expect.

Each ``tests/exercises/test_exercises_lessonNN.py`` exposes ``RIGHT_ANSWERS`` (question label -> answers the
check must accept) and ``WRONG_ANSWERS`` (question label -> ``(answer, phrase)`` pairs: each answer
is a mistake a PM plausibly makes, and ``phrase`` is a piece of the message that names it).
``tests/exercises/test_exercises_all.py`` runs them all, through the variable and through ``qN.check(answer)``.

``assert_solution_right(question, namespace)`` runs a question's ``solution_code`` as a learner would, in what
the exercise's set-up cells define, and checks that it passes (each lesson's file gives its ``learner_namespace()``).

An answer is a plain value; ``Several(a, b)`` for a question with two variables; ``Lazy(make)`` for
an answer that needs the lesson's MLflow store (``make(store)`` builds it when the test runs).
"""
from __future__ import annotations

import contextlib
import io
import sys
from typing import Any, Callable


class Several(tuple):
    """The answers to a question with several variables, in the order of ``question.variables``."""

    def __new__(cls, *answers):
        return super().__new__(cls, answers)


class Lazy:
    """An answer built when the test runs, from a fixture's value (an MLflow store, say)."""

    def __init__(self, make: Callable[[Any], Any], label: str = ""):
        self.make, self.label = make, label

    def __repr__(self) -> str:
        return f"Lazy({self.label or self.make.__name__})"


def resolve(value, context=None):
    """``value`` with every ``Lazy`` built from ``context``."""
    if isinstance(value, Lazy):
        return value.make(context)
    if isinstance(value, Several):
        return Several(*(resolve(part, context) for part in value))
    return value


def answers_of(question, value) -> tuple:
    """The answers to give ``question`` for ``value``: one per variable."""
    return tuple(value) if isinstance(value, Several) else (value,)


def outcome(question, value) -> str:
    """The message ``check()`` prints when the question's variables hold ``value``."""
    return question.outcome(dict(zip(question.variables, answers_of(question, value))))


def printed_check(question, value) -> str:
    """What ``qN.check(value)`` prints (the answer given to the check, not read from the notebook)."""
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        question.check(*answers_of(question, value))
    return printed.getvalue().strip()


def assert_right(question, value) -> str:
    text = outcome(question, value)
    assert text.startswith(f"✅ {question.label}: correct!"), text
    return text


def assert_mistake(question, value, phrase: str) -> str:
    text = outcome(question, value)
    assert text.startswith(f"❌ {question.label}: not quite."), text
    assert phrase in text, text
    return text



def assert_solution_right(question, namespace: dict) -> str:
    """Run ``question.solution_code`` in a copy of ``namespace`` (what the exercise's set-up cells define), as a
    learner who pastes ``qN.solution()`` would, and check that the question then says it is right."""
    namespace = dict(namespace)
    exec(question.solution_code, namespace)
    if "matplotlib.pyplot" in sys.modules:  # a solution that draws leaves no figure open
        sys.modules["matplotlib.pyplot"].close("all")
    text = question.outcome(namespace)
    assert text.startswith(f"✅ {question.label}: correct!"), text
    return text
