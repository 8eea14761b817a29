"""Every public function a learner may call raises only CourseError, with a message that says what to fix.

The mistakes themselves are listed per module in ``tests/mistakes/mistakes_<module>.py``
(see ``tests/mistakes/mistakes.py``).
"""
from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import matplotlib
import pytest

from churnlab.errors import CourseError
from churnlab.validate import FALLBACK_WORDS, Blank

from mistakes import COURSE

matplotlib.use("Agg")

TESTS = Path(__file__).resolve().parent
# The modules whose functions a learner calls from a notebook: modules and packages (monitoring/) of churnlab.
PACKAGE_DIR = TESTS.parents[1] / "churnlab"
LEARNER_MODULES = sorted(f"churnlab.{path.stem}" for path in [*PACKAGE_DIR.glob("*.py"), *(p.parent for p in PACKAGE_DIR.glob("*/__init__.py"))]
                         if not path.stem.startswith("_") and path.stem not in ("errors", "validate", "colab", "doctor", "workspace", "kept_results", "exercises",
                                                                                     "progress"))  # progress: called by the checks; a learner only turns it off
BATTERY = [mistake for path in sorted(TESTS.glob("mistakes_*.py"))
           for mistake in importlib.import_module(path.stem).MISTAKES]


def _public_functions() -> dict[str, object]:
    functions = {}
    for name in LEARNER_MODULES:
        module = importlib.import_module(name)
        assert hasattr(module, "__all__"), f"{name} should list its public names in __all__"
        for public in module.__all__:
            value = getattr(module, public)
            if inspect.isfunction(value):
                functions[f"{name.removeprefix('churnlab.')}.{public}"] = value
    return functions


PUBLIC = _public_functions()


def test_the_battery_is_not_empty():
    assert len(BATTERY) >= 2 * len(PUBLIC) // 3


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_function_is_a_course_function(name):
    assert getattr(PUBLIC[name], "course_function", False), f"decorate {name} with churnlab.validate.course_function"


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_function_has_mistakes_in_the_battery(name):
    assert any(m.function == name for m in BATTERY), f"list the natural mistakes of {name} in tests/mistakes/mistakes_*.py"


@pytest.mark.parametrize("mistake", BATTERY, ids=[f"{m.function}: {m.what}" for m in BATTERY])
def test_a_mistaken_call_raises_a_course_error_that_says_what_to_fix(mistake):
    assert mistake.function in PUBLIC, f"{mistake.function} is not a public function of a learner-facing module"
    with pytest.raises(Exception) as raised:
        mistake.call(COURSE)
    error = raised.value
    assert isinstance(error, CourseError), f"{type(error).__name__}: {error}"
    assert FALLBACK_WORDS not in str(error), f"reached the generic fallback, not a message that says what to fix: {error}"
    assert mistake.phrase.lower() in str(error).lower(), str(error)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_a_blank_argument_gives_a_blank_back(name):
    function = PUBLIC[name]
    required = [p for p in inspect.signature(function).parameters.values()
                if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not required:
        pytest.skip(f"{name} takes no required argument")
    assert isinstance(function(*[Blank()] * len(required)), Blank)
