"""The exercise blank ``____``: what a learner replaces with their answer, and how the package recognises it."""
from __future__ import annotations

from typing import Any

BLANK_NAME = "____"  # how the blank is written in an exercise


class Blank:
    """The ``____`` a learner replaces with their answer in an exercise.

    Until it is filled in, whatever is computed from it is the blank again
    (``run.info.run_id``, ``threshold * 100``, a course function given a blank),
    so an unfilled exercise runs top to bottom and each check says "not attempted".
    """

    def __repr__(self) -> str:
        return BLANK_NAME

    def __format__(self, spec: str) -> str:
        return BLANK_NAME

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    # Not a sequence: without this, Python would iterate a blank through __getitem__ for ever
    # (list(____), 'x' in ____, a pandas column compared with ____ all hung the kernel).
    __iter__ = None

    def _same(self, *other):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _same
    __lt__ = __le__ = __gt__ = __ge__ = __neg__ = __and__ = __rand__ = __or__ = __ror__ = _same


def is_blank(value: Any) -> bool:
    """True for the exercise blank ``____`` (or anything computed from it)."""
    return isinstance(value, Blank)


def holds_blank(value: Any) -> bool:
    """True for the blank, or a text that still holds one (``f"models:/{name}@____"``)."""
    return is_blank(value) or isinstance(value, str) and BLANK_NAME in value
