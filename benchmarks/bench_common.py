"""Shared by ``backtest_vs_peers.py`` and ``peer_backtests.py``: the data, the grid, the summary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

BARS = 1_000_000
SEED = 7
CASH = 100_000.0
FAST, SLOW = 10, 30
GRID_FAST = list(range(2, 21, 2))
GRID_SLOW = list(range(30, 121, 10))
Result = dict[str, Any]


def synthetic_bars(bars: int = BARS, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.0005, bars)))
    close[-1] = close[-2]  # a flat last bar: see "the end" above
    open_ = np.concatenate(([100.0], close[:-1]))
    wick = np.abs(rng.normal(0.0, 0.0002, (2, bars)))
    # Quoted to 8 decimals, as a venue quotes prices: FKS reads prices on that grid exactly, the
    # peers read the same floats, so the three compute on the very same prices.
    frame = pd.DataFrame(
        {
            "Open": np.round(open_, 8),
            "High": np.round(np.maximum(open_, close) * (1 + wick[0]), 8),
            "Low": np.round(np.minimum(open_, close) * (1 - wick[1]), 8),
            "Close": np.round(close, 8),
            "Volume": 1.0,
        },
        index=pd.date_range("2024-01-01", periods=bars, freq="1min"),
    )
    return frame


def grid_cells(sample: int) -> list[tuple[int, int]]:
    cells = [(fast, slow) for fast in GRID_FAST for slow in GRID_SLOW]
    if 0 < sample < len(cells):
        # Spread over both axes (a diagonal walk), not one slow window: trade counts vary with both.
        step = len(cells) // sample
        cells = [cells[(i * step + i % len(GRID_SLOW)) % len(cells)] for i in range(sample)]
    return cells


def grid_summary(cells: list[tuple[tuple[int, int], int, float]], count: int) -> Result:
    """Totals over the cells ran, the best cell by final equity, and each cell for cross-checking."""
    best = max(cells, key=lambda row: row[2])
    return {
        "per_cell": {f"{fast}/{slow}": [trades, round(equity, 2)] for (fast, slow), trades, equity in cells},
        "cells": count,
        "trades": sum(row[1] for row in cells),
        "final_equity": best[2],
        "best": f"{best[0][0]}/{best[0][1]}",
    }
