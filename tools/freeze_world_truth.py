"""Fit the simulated world's truth (a tree model on all 7,043 real customers), calibrate it, and freeze both.

    python tools/freeze_world_truth.py              # refit the tree, then recalibrate (a few minutes)
    python tools/freeze_world_truth.py --calibrate  # keep the frozen tree table, recalibrate only

writes churnlab/world/truth_lookup.npz:
- ``logits``: the tree's log-odds of leaving within 3 months for every real customer at every
  tenure from 1 to 72 months, in hundredths (int16);
- ``offsets``: the calibration's shifts on the monthly log-odds, one per contract and tenure band
  (3 x 5), so that launch day (after the burn-in) churns as the real customers
  did, contract by contract and band by band (``churnlab.world.simulation._calibrate_offsets``).

The world reads only that file, so it is the same on every scikit-learn and pandas version;
tests/unit/test_world_truth.py refits the tree and compares.
"""
from __future__ import annotations

import argparse

import numpy as np

from churnlab.world import simulation, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true", help="keep the frozen tree table; only recalibrate the shifts")
    args = parser.parse_args()
    if args.calibrate:
        logits = np.round(truth.frozen_logits() * 100).astype(np.int16)
    else:
        logits = truth.truth_lookup(truth.fit_truth_model())
        np.savez_compressed(truth.TRUTH_FILE, logits=logits)  # the calibration reads the new table
        truth.frozen_logits.cache_clear()
    offsets = simulation._calibrate_offsets(verbose=True)
    np.savez_compressed(truth.TRUTH_FILE, logits=logits, offsets=np.round(offsets, 4))
    print(f"wrote {truth.TRUTH_FILE} ({logits.shape[0]:,} customers x {logits.shape[1]} tenures); shifts per contract "
          f"(rows) and tenure band (columns): {np.round(offsets, 2).tolist()}")


if __name__ == "__main__":
    main()
