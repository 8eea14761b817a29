"""After a cell that loaded libraries, what is alive is set out of the garbage collector's reach (churnlab._notebook.collector)."""
from __future__ import annotations

import gc
import sys
import types

import pytest

from churnlab._notebook import collector


class _Shell:
    def __init__(self):
        self.hooks = []
        self.events = types.SimpleNamespace(register=lambda event, hook: self.hooks.append((event, hook)))

    def run_cell(self, loads_modules: int = 0):
        """A cell that loads ``loads_modules`` new modules; then IPython calls the post_run_cell hooks."""
        for number in range(loads_modules):
            sys.modules[f"_churnlab_test_module_{id(self)}_{number}"] = types.ModuleType("loaded")
        for event, hook in self.hooks:
            assert event == "post_run_cell"
            hook(None)


@pytest.fixture
def shell():
    shell = _Shell()
    yield shell
    for name in [name for name in sys.modules if name.startswith(f"_churnlab_test_module_{id(shell)}_")]:
        del sys.modules[name]
    collector._installed.discard(id(shell))
    gc.unfreeze()  # the test process collects as before


def test_a_cell_that_loads_a_library_freezes_what_is_alive_and_one_that_does_not_leaves_it(shell):
    assert collector.install_import_freezing(shell) and collector.install_import_freezing(shell)
    assert len(shell.hooks) == 1  # once per shell
    frozen = gc.get_freeze_count()
    assert frozen > 0  # what the first import loaded
    alive_before = [object() for _ in range(10)]  # untracked objects; lists are tracked
    young = [[number] for number in range(1000)]
    shell.run_cell(loads_modules=0)
    assert gc.get_freeze_count() == frozen
    shell.run_cell(loads_modules=collector.MOST_NEW_MODULES + 1)
    assert gc.get_freeze_count() >= frozen + len(young)
    del alive_before, young


def test_garbage_made_after_a_freeze_is_still_collected(shell):
    collector.install_import_freezing(shell)
    shell.run_cell(loads_modules=collector.MOST_NEW_MODULES + 1)

    class Node:
        pass

    first, second = Node(), Node()
    first.other, second.other = second, first  # a circle: only the collector frees it
    del first, second
    assert gc.collect() >= 2


def test_outside_ipython_nothing_is_installed():
    assert collector.install_import_freezing(types.SimpleNamespace()) is False
