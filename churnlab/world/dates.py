"""The world's calendar and seeded draws, customer ids, and the "simulated" mark every table carries."""
from __future__ import annotations

import numpy as np
import pandas as pd

from churnlab.world.constants import _BLOCK, _MONTH_OFFSET, _STREAMS, LAUNCH_DATE

# --- seeded draws -----------------------------------------------------------------------------------------


def _draws(seed: int, stream: str, month: int, n: int) -> np.ndarray:
    """n uniforms in [0, 1) for seats 0..n-1 in one month: seat i's draw depends only on (seed, stream, month, i)."""
    blocks = [
        np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAMS[stream], month + _MONTH_OFFSET, b))).random(_BLOCK)
        for b in range(-(-n // _BLOCK))
    ]
    return np.concatenate(blocks)[:n] if blocks else np.empty(0)


# --- calendar -----------------------------------------------------------------------------------------------


def _month_start(month) -> np.ndarray:
    """The 1st of simulated month ``month`` (1 = January 2027) as datetime64[D]."""
    return (np.datetime64(LAUNCH_DATE[:7], "M") + (np.asarray(month) - 1)).astype("datetime64[D]")


def _as_ns(days) -> np.ndarray:
    return np.asarray(days).astype("datetime64[ns]")


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")  # written out: strftime's %B follows the machine's language


def _month_label(month: int) -> str:
    start = pd.Timestamp(_month_start(month))
    return f"{_MONTH_NAMES[start.month - 1]} {start.year}"


def _caption(seed: int, months: int) -> str:
    return (f"Simulated data (churn lab world, seed {seed}): {months} month{'s' if months != 1 else ''} after a launch on "
            f"1 {_month_label(1)}. Not real customers.")


def _customer_ids(numbers_: np.ndarray) -> np.ndarray:
    return np.array([f"S{k:06d}" for k in numbers_.tolist()], dtype=object)


def _simulated(table: pd.DataFrame, caption_text: str) -> pd.DataFrame:
    table.attrs["simulated"] = True
    table.attrs["caption"] = caption_text
    return table
