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
    frame = pd.DataFrame(
        {
            "Open": open_,
            "High": np.maximum(open_, close) * (1 + wick[0]),
            "Low": np.minimum(open_, close) * (1 - wick[1]),
            "Close": close,
            "Volume": 1.0,
        },
        index=pd.date_range("2024-01-01", periods=bars, freq="1min"),
    )
    return frame


def grid_cells(sample: int) -> list[tuple[int, int]]:
    cells = [(fast, slow) for fast in GRID_FAST for slow in GRID_SLOW]
    if 0 < sample < len(cells):
        step = len(cells) // sample
        cells = cells[::step][:sample]
    return cells


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
    return _grid_summary(cells, len(cells))


# ------------------------------------------------------------------------------ backtesting.py
def _bt_strategy() -> type:
    from backtesting import Strategy
    from backtesting.lib import crossover

    def rolling_mean(values: Any, window: int) -> Any:
        return pd.Series(values).rolling(window).mean().to_numpy()

    class SmaCross(Strategy):  # type: ignore[misc]
        fast = FAST
        slow = SLOW

        def init(self) -> None:
            self.fast_ma = self.I(rolling_mean, self.data.Close, self.fast)
            self.slow_ma = self.I(rolling_mean, self.data.Close, self.slow)

        def next(self) -> None:
            if crossover(self.fast_ma, self.slow_ma):
                self.buy(size=1)
            elif crossover(self.slow_ma, self.fast_ma):
                self.sell(size=1)

    return SmaCross


def _bt(data: pd.DataFrame) -> Any:
    from backtesting import Backtest

    return Backtest(data, _bt_strategy(), cash=CASH, exclusive_orders=True, finalize_trades=True)


def backtesting_single(data: pd.DataFrame, _: int) -> Result:
    stats = _bt(data).run()
    return {"trades": int(stats["# Trades"]), "final_equity": float(stats["Equity Final [$]"])}


def backtesting_grid(data: pd.DataFrame, sample: int) -> Result:
    backtest, cells = _bt(data), grid_cells(sample)
    out = []
    for fast, slow in cells:  # one process, as the others; Backtest.optimize would fork workers
        stats = backtest.run(fast=fast, slow=slow)
        out.append(((fast, slow), int(stats["# Trades"]), float(stats["Equity Final [$]"])))
    return _grid_summary(out, len(cells))


# ----------------------------------------------------------------------------------- vectorbt
def _vbt_orders(close: pd.Series, fast: Any, slow: Any) -> Any:
    """Target amounts (+1 / -1) at the bar after each cross, NaN (no order) elsewhere."""
    up = fast.vbt.crossed_above(slow).to_numpy()
    down = slow.vbt.crossed_above(fast).to_numpy()
    target = pd.DataFrame(np.where(up, 1.0, np.where(down, -1.0, np.nan))).ffill().fillna(0.0).to_numpy()
    held = np.vstack([np.zeros((1, target.shape[1])), target[:-1]])  # decided at t, filled at t + 1
    before = np.vstack([np.zeros((1, target.shape[1])), held[:-1]])
    return np.where(held != before, held, np.nan)


def _vbt_run(data: pd.DataFrame, fast: Any, slow: Any) -> Any:
    import vectorbt as vbt

    size = _vbt_orders(data["Close"], fast, slow)
    close = pd.DataFrame(np.repeat(data["Close"].to_numpy()[:, None], size.shape[1], axis=1), index=data.index)
    price = np.repeat(data["Open"].to_numpy()[:, None], size.shape[1], axis=1)
    return vbt.Portfolio.from_orders(
        close, size, size_type="targetamount", price=price, init_cash=CASH, fees=0.0, freq="1min"
    )


def vectorbt_single(data: pd.DataFrame, _: int) -> Result:
    import vectorbt as vbt

    close = data["Close"]
    portfolio = _vbt_run(data, vbt.MA.run(close, FAST).ma.to_frame(), vbt.MA.run(close, SLOW).ma.to_frame())
    return {"trades": int(portfolio.trades.count().iloc[0]), "final_equity": float(portfolio.final_value().iloc[0])}


def vectorbt_grid(data: pd.DataFrame, sample: int) -> Result:
    import vectorbt as vbt

    cells = grid_cells(sample)
    close = data["Close"]
    fast = vbt.MA.run(close, [f for f, _ in cells]).ma
    slow = vbt.MA.run(close, [s for _, s in cells]).ma
    fast.columns = slow.columns = pd.RangeIndex(len(cells))
    portfolio = _vbt_run(data, fast, slow)
    counts, finals = portfolio.trades.count().to_numpy(), portfolio.final_value().to_numpy()
    return _grid_summary(
        [(cell, int(c), float(e)) for cell, c, e in zip(cells, counts, finals, strict=True)], len(cells)
    )


def _grid_summary(cells: list[tuple[tuple[int, int], int, float]], count: int) -> Result:
    best = max(cells, key=lambda row: row[2])
    return {
        "cells": count,
        "trades": sum(row[1] for row in cells),
        "final_equity": best[2],
        "best": f"{best[0][0]}/{best[0][1]}",
    }


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
    parser.add_argument(
        "--peers-grid-sample", type=int, default=0, help="backtesting.py grid: run N cells, extrapolate"
    )
    parser.add_argument("--with-vectorbt-grid", action="store_true", help="also run vectorbt's grid (~19 GB peak)")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.peers_grid_sample)))
        return
    names = [n for n in CASES if n != "vectorbt grid" or args.with_vectorbt_grid]
    print(f"SMA cross {FAST}/{SLOW} on {BARS:,} one-minute bars; grid {len(GRID_FAST)}x{len(GRID_SLOW)}")
    print(f"{'case':<24}{'seconds':>10}{'peak MiB':>10}{'trades':>10}{'final equity':>16}  best cell / note")
    for name in names:
        sample = args.peers_grid_sample if name == "backtesting.py grid" else 0
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
        print(_format_row(name, row))


def _format_row(name: str, row: Result) -> str:
    note = row.get("best", "")
    cells = row.get("cells", 100)
    if cells < len(GRID_FAST) * len(GRID_SLOW):
        full = row["seconds"] * len(GRID_FAST) * len(GRID_SLOW) / cells
        note += f" ({cells} cells sampled; full grid ~{full:.0f} s extrapolated)"
    return f"{name:<24}{row['seconds']:>10.3f}{row['peak_mib']:>10.0f}{row['trades']:>10}{row['final_equity']:>16.2f}  {note}"


if __name__ == "__main__":
    main()
