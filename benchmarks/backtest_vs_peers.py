"""FKS's backtester against backtesting.py and vectorbt: SMA crossover 10/30 on 1,000,000 bars.

Same conventions in all three, so the trades must agree:
  data      1,000,000 synthetic one-minute bars, a geometric random walk (seed 7) quoted to 8
            decimals as a venue quotes prices; each bar opens at the previous close
  strategy  stop and reverse on strict SMA crosses (fast crosses above slow: long; below: short)
  fills     at the NEXT bar's open, no fees, no slippage
  size      a fixed 1 unit per position (backtesting.py trades whole units only, so a fixed size
            is the one sizing all three express exactly); cash 100,000
  the end   a position still open is closed on the last bar: FKS at its close (``end_of_data``),
            backtesting.py (``finalize_trades=True``) at its open, vectorbt values it at the close
            and counts it as an open trade; the synthetic series' last bar is flat (open = close)
            so the three conventions give the same final equity
Grid: fast in 2..20 step 2 x slow in 30..120 step 10 (100 cells); the best cell by final equity.

TIES: FKS averages prices as the decimals they are quoted in (``fks.indicators.window_sums``),
so two averages that are equal as decimals are equal, a touch and no strict cross. The peers
average the floats nearest those decimals, each with its own rounding, and see a hair above or
below. On this data that happens once: cell 20/70 at bar 829,236, where the 20- and 70-bar
averages are both exactly the same decimal; vectorbt (a running-sum difference) reads the fast
one 1.2e-9 above, pandas' rolling mean (backtesting.py) 1.4e-14 below, and the cross that follows
differs. In every other cell the crosses of all three averages are the same.

Bar loop: the simulation alone, the strategy's side done beforehand and untimed (FKS: the Rust
core's bar loop given the NumPy targets; vectorbt: Portfolio.from_orders given its orders).

Each case runs in its own process so the peak resident memory is that library's alone (it
includes the interpreter, the imports and the 1,000,000 bars). "vs vectorbt" is vectorbt's time
over the case's, in the same run (above 1: faster than vectorbt), on the wall clock and in the
process's CPU time (on a shared machine the wall clock also counts the time others ran).

vectorbt's grid runs all 100 cells; all at once it peaked at 18.7 GB, so unless the machine has
that much available it runs them a chunk of cells at a time (the same work, the chunk size is
printed). backtesting.py's grid runs a sample of cells and is extrapolated (it takes minutes
per cell on 1,000,000 bars).

Run: .venv/bin/python benchmarks/backtest_vs_peers.py [--peers-grid-sample N] [--vectorbt-chunk N]
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
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from bench_common import BARS, CASH, FAST, GRID_FAST, GRID_SLOW, SLOW, Result, grid_summary, synthetic_bars
from peer_backtests import (
    backtesting_grid,
    backtesting_single,
    vectorbt_grid,
    vectorbt_loop,
    vectorbt_loop_inputs,
    vectorbt_single,
)


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
    return candles, BacktestConfig(initial_cash=Decimal(int(CASH)), sizing="quantity", quantity=Decimal(1))


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


def _fks_loop_inputs(data: pd.DataFrame) -> tuple[Any, Any, Any]:
    from fks.strategies.base import IndicatorCache
    from fks.strategies.registry import get_strategy

    candles, config = _fks_inputs(data)
    strategy = get_strategy("sma_cross")
    params = strategy.validate_params({"fast": FAST, "slow": SLOW})
    return candles, config, strategy.target_positions(candles, params, IndicatorCache(candles))


def fks_loop(inputs: tuple[Any, Any, Any], _: int) -> Result:
    from fks.backtest.native import run_bar_loop

    candles, config, targets = inputs
    log, _equity, _curve = run_bar_loop(candles, targets, config)
    return {"trades": len(log), "final_equity": float(log.exact.final_equity)}


CASES: dict[str, Callable[[Any, int], Result]] = {
    "fks single": fks_single,
    "vectorbt single": vectorbt_single,
    "backtesting.py single": backtesting_single,
    "fks bar loop": fks_loop,
    "vectorbt bar loop": vectorbt_loop,
    "fks grid": fks_grid,
    "vectorbt grid": vectorbt_grid,
    "backtesting.py grid": backtesting_grid,
}
# Untimed: turning the frame into each case's input (FKS: validated read-only arrays, as the S3
# candle store hands them over; the peers take the DataFrame as it is; the bar-loop cases also
# get the strategy's side done).
PREPARE: dict[str, Callable[[pd.DataFrame], Any]] = {
    "fks single": _fks_inputs,
    "fks grid": _fks_inputs,
    "fks bar loop": _fks_loop_inputs,
    "vectorbt bar loop": vectorbt_loop_inputs,
}
FULL_GRID = len(GRID_FAST) * len(GRID_SLOW)
VECTORBT_GRID_GIB = 18.7  # the whole grid at once, measured


def run_case(name: str, sample: int, chunk: int) -> Result:
    prepare = PREPARE.get(name, lambda frame: frame)
    data = synthetic_bars()
    run: Callable[[Any, int], Result] = CASES[name]
    if name == "vectorbt grid":
        run = lambda inputs, n: vectorbt_grid(inputs, n, chunk)  # noqa: E731
    run(prepare(data.iloc[:5_000]), sample)  # warm-up: imports, numba compilation, caches
    inputs = prepare(data)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run(inputs, sample)
    result["seconds"] = time.perf_counter() - started
    result["cpu_seconds"] = time.process_time() - cpu_started
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result


def _available_gib() -> float:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        fields = dict(line.split(":", 1) for line in meminfo)
    return int(fields["MemAvailable"].split()[0]) / 2**20


def vectorbt_chunk(requested: int) -> int:
    """Cells per vectorbt portfolio: all of them when half the available memory holds the whole
    grid's peak (the machine is shared), else proportionally fewer."""
    if requested:
        return requested
    per_cell = VECTORBT_GRID_GIB / FULL_GRID
    return max(1, min(FULL_GRID, int(_available_gib() / 2 / per_cell)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--chunk", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--peers-grid-sample", type=int, default=4, help="backtesting.py's grid: N cells, extrapolated")
    parser.add_argument("--vectorbt-chunk", type=int, default=0, help="vectorbt's grid: cells per portfolio")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.peers_grid_sample, args.chunk)))
        return
    chunk = vectorbt_chunk(args.vectorbt_chunk)
    rows: dict[str, Result] = {}
    failed: list[str] = []
    for name in CASES:
        sample = args.peers_grid_sample if name == "backtesting.py grid" else 0
        done = subprocess.run(
            [sys.executable, __file__, "--case", name, "--peers-grid-sample", str(sample), "--chunk", str(chunk)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            failed.append(f"{name:<24}failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        rows[name] = json.loads(done.stdout.strip().splitlines()[-1])
        if name == "vectorbt grid" and chunk < FULL_GRID:
            rows[name]["best"] += f" (all {FULL_GRID} cells, {chunk} per portfolio: memory)"
        print(f"{name}: {rows[name]['seconds']:.3f} s", file=sys.stderr)  # progress; the table comes last
    print(f"SMA cross {FAST}/{SLOW} on {BARS:,} one-minute bars; grid {len(GRID_FAST)}x{len(GRID_SLOW)}")
    print(f"{'case':<24}{'seconds':>10}{'CPU s':>10}{'peak MiB':>10}{'trades':>10}{'final equity':>16}", end="")
    print(f"{'vs vectorbt':>13}{'(CPU)':>9}  note")
    for name in rows:
        print(_format_row(name, rows))
    for line in failed:
        print(line)


def _full_seconds(row: Result, key: str = "seconds") -> float:
    """The time of the whole grid: a sampled one extrapolated."""
    seconds = float(row[key])
    cells = int(row.get("cells", FULL_GRID))
    return seconds * FULL_GRID / cells if cells < FULL_GRID else seconds


def _format_row(name: str, rows: dict[str, Result]) -> str:
    row, kind = rows[name], name.split(" ", 1)[1]  # single, bar loop, grid
    note = row.get("best", "")
    if row.get("cells", FULL_GRID) < FULL_GRID:
        note += f" ({row['cells']} cells sampled; full grid ~{_full_seconds(row):.0f} s extrapolated)"
    fks = rows.get(f"fks {kind}")
    if fks is not None and row is not fks:
        if "per_cell" in row:
            differ = [cell for cell, value in row["per_cell"].items() if fks["per_cell"].get(cell) != value]
            note += f" cells equal to FKS (trades, equity): {len(row['per_cell']) - len(differ)}/{len(row['per_cell'])}"
            note += f" (differ: {', '.join(differ)}: see TIES)" if differ else ""
        else:
            same = row["trades"] == fks["trades"] and round(row["final_equity"], 2) == round(fks["final_equity"], 2)
            note += "same trades and equity as FKS" if same else "DIFFERENT trades or equity from FKS"
    vectorbt = rows.get(f"vectorbt {kind}")
    ratio = _ratio(vectorbt, row, "seconds", 13) + _ratio(vectorbt, row, "cpu_seconds", 9)
    figures = f"{row['seconds']:>10.3f}{row['cpu_seconds']:>10.3f}{row['peak_mib']:>10.0f}{row['trades']:>10}"
    return f"{name:<24}{figures}{row['final_equity']:>16.2f}{ratio}  {note}"


def _ratio(vectorbt: Result | None, row: Result, key: str, width: int) -> str:
    """vectorbt's time over the row's, on the wall clock or in CPU time (the machine may be
    shared: CPU time is what each case cost, whatever else ran)."""
    if vectorbt is None:
        return f"{'':>{width}}"
    speed = _full_seconds(vectorbt, key) / _full_seconds(row, key)
    return f"{speed:>{width - 1}.1f}x" if speed >= 1 else f"{speed:>{width - 1}.3f}x"


if __name__ == "__main__":
    main()
