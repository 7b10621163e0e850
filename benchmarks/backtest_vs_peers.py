"""FKS's backtester against backtesting.py and vectorbt: SMA crossover 10/30 on 1,000,000 bars.

Same conventions in all three, so the trades must agree:
  data      1,000,000 synthetic one-minute bars, a geometric random walk (seed 7); each bar opens
            at the previous close
  strategy  stop and reverse on strict SMA crosses (fast crosses above slow: long; below: short)
  fills     at the NEXT bar's open, no fees, no slippage
  size      a fixed 1 unit per position (backtesting.py trades whole units only, so a fixed size
            is the one sizing all three express exactly); cash 100,000
  the end   a position still open is closed on the last bar: FKS at its close (``end_of_data``),
            backtesting.py (``finalize_trades=True``) at its open, vectorbt values it at the close
            and counts it as an open trade; the synthetic series' last bar is flat (open = close)
            so the three conventions give the same final equity
Grid: fast in 2..20 step 2 x slow in 30..120 step 10 (100 cells); the best cell by final equity.

Each case runs in its own process so the peak resident memory is that library's alone (it
includes the interpreter, the imports and the 1,000,000 bars).

Run: .venv/bin/python benchmarks/backtest_vs_peers.py [--peers-grid-sample N] [--with-vectorbt-grid]
vectorbt's grid peaked at 18.7 GB here: it runs only when asked, and never in CI.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from bench_common import BARS, CASH, FAST, GRID_FAST, GRID_SLOW, SLOW, Result, grid_summary, synthetic_bars
from peer_backtests import backtesting_grid, backtesting_single, vectorbt_grid, vectorbt_single


# ---------------------------------------------------------------------------------------- FKS
def _fks_inputs(data: pd.DataFrame) -> tuple[Any, Any]:
    from fks.backtest import BacktestConfig
    from fks.strategies import as_candles

    candles = as_candles(
        {
            "open_time": data.index.to_numpy().astype("datetime64[ms]").astype(np.int64),
            **{name.lower(): data[name].to_numpy() for name in data.columns},
        }
    )
    return candles, BacktestConfig(initial_cash=CASH, sizing="quantity", quantity=1)


def fks_single(inputs: tuple[Any, Any], _: int) -> Result:
    from fks.backtest import run_backtest

    candles, config = inputs
    result = run_backtest(candles, "sma_cross", {"fast": FAST, "slow": SLOW}, config)
    return {"trades": result.trade_count, "final_equity": float(result.final_equity)}


def fks_grid(inputs: tuple[Any, Any], _: int) -> Result:
    from fks.backtest import run_grid

    candles, config = inputs
    rows = run_grid(candles, "sma_cross", {"fast": GRID_FAST, "slow": GRID_SLOW}, config)
    cells = [((int(p["fast"]), int(p["slow"])), m.trade_count, float(m.final_equity)) for p, m in rows]
    return grid_summary(cells, len(cells))


CASES: dict[str, Callable[[Any, int], Result]] = {
    "fks single": fks_single,
    "backtesting.py single": backtesting_single,
    "vectorbt single": vectorbt_single,
    "fks grid": fks_grid,
    "backtesting.py grid": backtesting_grid,
    "vectorbt grid": vectorbt_grid,
}


def run_case(name: str, sample: int) -> Result:
    # Untimed: turning the frame into each library's input (FKS: validated read-only arrays,
    # as the S3 candle store hands them over; the peers take the DataFrame as it is).
    prepare: Callable[[pd.DataFrame], Any] = _fks_inputs if name.startswith("fks") else (lambda frame: frame)
    data = synthetic_bars()
    CASES[name](prepare(data.iloc[:5_000]), sample)  # warm-up: imports, numba compilation, caches
    inputs = prepare(data)
    started = time.perf_counter()
    result = CASES[name](inputs, sample)
    result["seconds"] = time.perf_counter() - started
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--peers-grid-sample", type=int, default=0, help="peers' grids: run N cells, extrapolate")
    parser.add_argument("--with-vectorbt-grid", action="store_true", help="also run vectorbt's grid (~19 GB peak)")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.peers_grid_sample)))
        return
    names = [n for n in CASES if n != "vectorbt grid" or args.with_vectorbt_grid]
    print(f"SMA cross {FAST}/{SLOW} on {BARS:,} one-minute bars; grid {len(GRID_FAST)}x{len(GRID_SLOW)}")
    print(f"{'case':<24}{'seconds':>10}{'peak MiB':>10}{'trades':>10}{'final equity':>16}  best cell / note")
    rows: dict[str, Result] = {}
    for name in names:
        sample = args.peers_grid_sample if name in ("backtesting.py grid", "vectorbt grid") else 0
        done = subprocess.run(
            [sys.executable, __file__, "--case", name, "--peers-grid-sample", str(sample)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"{name:<24}failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows[name] = row
        print(_format_row(name, row, rows.get("fks grid")))


def _format_row(name: str, row: Result, fks_grid: Result | None) -> str:
    note = row.get("best", "")
    cells = row.get("cells", 100)
    if cells < len(GRID_FAST) * len(GRID_SLOW):
        full = row["seconds"] * len(GRID_FAST) * len(GRID_SLOW) / cells
        note += f" ({cells} cells sampled; full grid ~{full:.0f} s extrapolated)"
    if fks_grid is not None and "per_cell" in row and row is not fks_grid:
        same = sum(fks_grid["per_cell"].get(cell) == value for cell, value in row["per_cell"].items())
        note += f" cells equal to FKS (trades, equity): {same}/{len(row['per_cell'])}"
    figures = f"{row['seconds']:>10.3f}{row['peak_mib']:>10.0f}{row['trades']:>10}{row['final_equity']:>16.2f}"
    return f"{name:<24}{figures}  {note}"


if __name__ == "__main__":
    main()
