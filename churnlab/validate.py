"""The old address of ``churnlab._base.validate`` (the argument checks and ``course_function``).

``churnlab.validate`` and ``churnlab._base.validate`` are one module: code and
tests that import it from here keep working, private names and patches included.
"""
import sys

from churnlab._base import validate as _validate

sys.modules[__name__] = _validate
