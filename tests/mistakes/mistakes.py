"""The battery of mistaken calls: what every ``tests/mistakes/mistakes_<module>.py`` file is made of.

Each of those files lists, for the public functions of one churnlab module, the
natural mistakes a learner makes when calling them, as ``Mistake`` entries:

    MISTAKES = [
        Mistake("plots.churn_rate_by", "a column name with a capital letter",
                lambda course: plots.churn_rate_by(course.customers, "Contract"), "did you mean 'contract'"),
    ]

``tests/mistakes/test_mistakes.py`` runs every entry and checks that the call raises a
``CourseError`` (nothing else), that its message holds the expected phrase (what
to fix; capitals aside), and that it is not the decorator's generic fallback. It also checks that
every function in a learner-facing module's ``__all__`` is a ``course_function``
with at least one entry here.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable


@dataclass(frozen=True)
class Mistake:
    function: str  # "module.function", as a learner writes it: "plots.churn_rate_by"
    what: str  # the mistake, in words
    call: Callable[["Course"], Any]  # makes the mistaken call
    phrase: str  # a piece of the message that says what to fix


class Course:
    """What the lessons have at hand, made once: the customers, the split, a trained model and its scores."""

    @cached_property
    def customers(self):
        from churnlab import load_churn

        return load_churn()

    @cached_property
    def split(self):
        from churnlab.model import split_customers

        return split_customers(self.customers)

    @cached_property
    def model(self):
        from churnlab.exercises.core import course_model

        return course_model()

    @cached_property
    def unfitted_model(self):
        from churnlab.model import make_churn_model

        return make_churn_model()

    @cached_property
    def scores(self):
        import pandas as pd

        return pd.Series(self.model.predict_proba(self.split.X_test)[:, 1], index=self.split.X_test.index, name="churn_score")


COURSE = Course()
