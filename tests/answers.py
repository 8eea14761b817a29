"""Shared by the exercise tests: what a question says to one answer, and the two outcomes tests expect."""
from __future__ import annotations


def outcome(question, value) -> str:
    """The message ``check()`` prints when the question's variable holds ``value``."""
    return question.outcome({question.variables[0]: value})


def assert_right(question, value) -> str:
    text = outcome(question, value)
    assert text.startswith(f"✅ {question.label}: correct!"), text
    return text


def assert_mistake(question, value, phrase: str) -> str:
    text = outcome(question, value)
    assert text.startswith(f"❌ {question.label}: not quite."), text
    assert phrase in text, text
    return text
