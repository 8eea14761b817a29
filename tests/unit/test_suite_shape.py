"""The test suite's own shape: pytest imports test files by their base name (no ``__init__.py`` in tests/), so two
files with one name in two folders stop the second folder's collection ("import file mismatch")."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_every_test_file_has_a_name_of_its_own():
    folders = defaultdict(list)
    for path in TESTS.rglob("test_*.py"):
        folders[path.name].append(str(path.parent.relative_to(TESTS)))
    clashes = {name: places for name, places in folders.items() if len(places) > 1}
    assert not clashes, f"rename one of each: {clashes}"
