"""Freeze what lesson 08 computes with its default settings, for lesson 09's brief when lesson 08's runs are missing.

    python tools/freeze_lesson08_record.py     # a few seconds: simulates lesson 08's year once

writes churnlab/monitoring/lesson08_record.json with ``churnlab.monitoring.record.compute_course_record()``: lesson
08's alert thresholds (the precision gap's derived from its no-change spread), the no-change PSI, the alerts that
fired and the open actions, and the retraining decision (the challenger's margin with its interval clustered by
customer). Run it after a change to lesson 08, the monitoring functions or the simulated world;
tests/unit/test_monitoring_record.py recomputes the record and fails while the frozen file is stale.
"""
from __future__ import annotations

import json
import tempfile

from churnlab.monitoring import record


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="churnlab-freeze-") as folder:
        import os

        os.environ["CHURNLAB_WORKDIR"] = folder  # the year is simulated afresh, never read from a kept copy
        found = record.compute_course_record()
    record.RECORD_FILE.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    plan, retrain = found["plan"], found["retrain"]
    print(f"wrote {record.RECORD_FILE}: alerts {plan['alerts_fired']!r}; {len(plan['open_actions'])} open actions; "
          f"{retrain['decision']}: challenger minus champion ${retrain['margin_over_champion']:,.0f} "
          f"(95 % ${retrain['margin_low']:,.0f} to ${retrain['margin_high']:,.0f})")


if __name__ == "__main__":
    main()
