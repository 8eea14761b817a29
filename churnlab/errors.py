"""The course's own errors, shown to a learner as one friendly line.

In a notebook, a ``CourseError`` prints as "🛑 <message>" instead of a long
traceback through the course package: the message already says what to fix.
"""
from __future__ import annotations


class CourseError(Exception):
    """Something the learner can fix; the message says how."""


class ChurnDataError(CourseError, ValueError):
    """A data file that does not match the course's data dictionary."""


class EconomicsError(CourseError, ValueError):
    """Campaign economics that make no sense (a negative cost, a rate above 100 %)."""


def _show_course_error(shell, error_type, error, traceback, tb_offset=None):
    print(f"🛑 {error_type.__name__}: {error}")
    return None


def install_friendly_errors() -> None:
    """In IPython/Jupyter, show course errors as one line instead of a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: normal tracebacks are fine there
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((CourseError,), _show_course_error)
