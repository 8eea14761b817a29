"""Replay lesson 07's A/B test plan on its 8 other seeds and freeze the rows the lesson prints.

    python tools/freeze_lesson07_replay.py

writes churnlab/abtest/lesson07_replay.npz: ``abtest.replay_plan``'s rows for lesson 07's test (model / rule /
hold-out, 40/40/20, seeds 1-6, 8, 9, a model that costs $1,500 a month), with the fingerprints they were made
under (the code of churnlab/world/ and churnlab/abtest/, launch day, the champion's scores, the arguments).
``replay_plan`` reads them back only when every fingerprint still matches, and simulates otherwise, so a stale file
costs time, never a wrong number. Re-run this tool after changing the world or the A/B test code;
tests/unit/test_abtest.py replays the seeds and compares.
"""
from __future__ import annotations

from churnlab.abtest import replay


def main() -> None:
    print(f"wrote {replay.freeze_lesson07_replay()} (the rows above)")


if __name__ == "__main__":
    main()
