"""Suite-wide set-up."""
from __future__ import annotations

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # pytest exits with 5 when it collected nothing: say so plainly, it is neither a pass nor a crash.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("\nNo tests were collected: check the paths given to pytest. This run proves nothing.")
