"""Lesson 08's frozen record (``monitoring.course_record()``): recomputed here, and checked against lesson 08's outputs.

Lesson 09's brief shows the record where a learner's runs lack lesson 08; tools/freeze_lesson08_record.py writes it.
When a test here fails, run that tool (after re-executing lesson 08 if its numbers changed).
"""
from __future__ import annotations

import json
import math
import re

import pytest

from churnlab import monitoring
from churnlab.data import REPO_ROOT
from churnlab.monitoring import record

LESSON_08 = REPO_ROOT / "notebooks" / "08_monitoring.ipynb"


@pytest.fixture(scope="module")
def recomputed(tmp_path_factory):
    """The record computed afresh, with the year simulated in an empty work folder (never a kept copy)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHURNLAB_WORKDIR", str(tmp_path_factory.mktemp("record")))
        return record.compute_course_record()


def _same(frozen, fresh, path="record"):
    """Texts, flags and whole numbers equal; other numbers within a cent (libraries may differ in the last digits)."""
    if isinstance(frozen, dict):
        assert set(frozen) == set(fresh), path
        for key in frozen:
            _same(frozen[key], fresh[key], f"{path}[{key!r}]")
    elif isinstance(frozen, list):
        assert len(frozen) == len(fresh), path
        for index, (a, b) in enumerate(zip(frozen, fresh)):
            _same(a, b, f"{path}[{index}]")
    elif isinstance(frozen, float) and not isinstance(fresh, bool):
        assert math.isclose(frozen, fresh, rel_tol=1e-6, abs_tol=0.005), f"{path}: frozen {frozen}, recomputed {fresh}"
    else:
        assert frozen == fresh, f"{path}: frozen {frozen!r}, recomputed {fresh!r}"


def test_the_frozen_record_is_what_lesson_08_computes(recomputed):
    _same(monitoring.course_record(), json.loads(json.dumps(recomputed)))


def test_the_record_is_what_lesson_08_printed():
    cells = json.loads(LESSON_08.read_text(encoding="utf-8"))["cells"]
    printed = "".join("".join(output.get("text", "")) for cell in cells if cell["cell_type"] == "code"
                      for output in cell.get("outputs", []))
    found = monitoring.course_record()
    plan, retrain = found["plan"], found["retrain"]
    assert f"Alerts fired: {plan['alerts_fired']}\n" in printed
    assert f"Open actions: {' | '.join(plan['open_actions'])}\n" in printed
    assert f"Decision logged: {retrain['decision']}." in printed

    def dollars(amount):
        return ("-" if amount < 0 else "") + f"${abs(amount):,.0f}"

    assert (f"Challenger minus champion: {dollars(retrain['margin_over_champion'])}, 95 % interval "
            f"{dollars(retrain['margin_low'])} to {dollars(retrain['margin_high'])} (drawn by customer)") in printed
    assert f"{retrain['customers']:,} customer-months of" in printed
    gap = plan["thresholds"]["precision_gap"]
    assert re.search(rf"precision_gap={gap:g}\b", printed), "lesson 08's thresholds print the derived precision gap"
    assert f"{plan['precision_gap_no_change_p99']:.3f}" in printed


def test_the_precision_gap_threshold_is_its_no_change_spread_rounded_up_to_a_point():
    plan = monitoring.course_record()["plan"]
    spread, threshold = plan["precision_gap_no_change_p99"], plan["thresholds"]["precision_gap"]
    assert spread <= threshold < spread + 0.01 and math.isclose(100 * threshold, round(100 * threshold))
    assert plan["psi_no_change_p99"] < plan["thresholds"]["psi"]


def test_each_call_gives_a_copy_of_its_own():
    first = monitoring.course_record()
    first["plan"]["open_actions"].clear()
    assert monitoring.course_record()["plan"]["open_actions"]
