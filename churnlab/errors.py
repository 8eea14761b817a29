"""The old address of ``churnlab._base.errors`` (``CourseError`` and kin): ``churnlab.errors.CourseError`` keeps working.

``churnlab.errors`` and ``churnlab._base.errors`` are one module. How a notebook
shows errors lives in ``churnlab._notebook.explainers``.
"""
import sys

from churnlab._base import errors as _errors

sys.modules[__name__] = _errors
