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
        self.loaded = 0
        self.events = types.SimpleNamespace(register=lambda event, hook: self.hooks.append((event, hook)))

    def run_cell(self, loads_modules: int = 0):
        """A cell that loads ``loads_modules`` new modules; then IPython calls the post_run_cell hooks."""
        for _ in range(loads_modules):
            self.loaded += 1
            sys.modules[f"_churnlab_test_module_{id(self)}_{self.loaded}"] = types.ModuleType("loaded")
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


def test_a_cell_that_loads_a_library_freezes_what_is_alive_and_one_that_does_not_leaves_it(shell, monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(f"collect {generation}") or 0)
    assert collector.install_import_freezing(shell) and collector.install_import_freezing(shell)
    assert len(shell.hooks) == 1  # once per shell
    assert calls == ["collect 1", "freeze"]  # what the kernel and the first import loaded, the young garbage gone first
    shell.run_cell(loads_modules=0)
    shell.run_cell(loads_modules=collector.MOST_NEW_MODULES)  # a few modules: not worth it
    assert calls == ["collect 1", "freeze"]
    shell.run_cell(loads_modules=collector.MOST_NEW_MODULES + 1)
    assert calls == ["collect 1", "freeze"] * 2


def test_freezing_sets_the_objects_alive_out_of_reach(shell):
    collector.install_import_freezing(shell)
    young = [[number] for number in range(1000)]  # lists: tracked by the collector
    shell.run_cell(loads_modules=collector.MOST_NEW_MODULES + 1)
    assert gc.get_freeze_count() >= len(young)
    del young


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
