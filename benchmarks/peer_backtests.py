"""The peers of ``backtest_vs_peers.py``: the same SMA crossover in backtesting.py and vectorbt.

Conventions (sizes, fills, the end of the data) are set out in ``backtest_vs_peers.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from bench_common import CASH, FAST, SLOW, Result, grid_cells, grid_summary


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
    return grid_summary(out, len(cells))


# ----------------------------------------------------------------------------------- vectorbt
def _vbt_orders(close: pd.Series, fast: Any, slow: Any) -> Any:
    """Target amounts (+1 / -1) at the bar after each cross, NaN (no order) elsewhere."""
    up = fast.vbt.crossed_above(slow).to_numpy()
    down = slow.vbt.crossed_above(fast).to_numpy()
    target = pd.DataFrame(np.where(up, 1.0, np.where(down, -1.0, np.nan))).ffill().fillna(0.0).to_numpy()
    held = np.vstack([np.zeros((1, target.shape[1])), target[:-1]])  # decided at t, filled at t + 1
    before = np.vstack([np.zeros((1, target.shape[1])), held[:-1]])
    return np.where(held != before, held, np.nan)


def _vbt_inputs(data: pd.DataFrame, fast: Any, slow: Any) -> tuple[Any, Any, Any]:
    """vectorbt's close frame, order sizes and fill prices, one column per cell."""
    size = _vbt_orders(data["Close"], fast, slow)
    close = pd.DataFrame(np.repeat(data["Close"].to_numpy()[:, None], size.shape[1], axis=1), index=data.index)
    price = np.repeat(data["Open"].to_numpy()[:, None], size.shape[1], axis=1)
    return close, size, price


def _vbt_portfolio(close: Any, size: Any, price: Any) -> Any:
    import vectorbt as vbt

    return vbt.Portfolio.from_orders(
        close, size, size_type="targetamount", price=price, init_cash=CASH, fees=0.0, freq="1min"
    )


def _vbt_single_mas(data: pd.DataFrame) -> tuple[Any, Any]:
    import vectorbt as vbt

    close = data["Close"]
    return vbt.MA.run(close, FAST).ma.to_frame(), vbt.MA.run(close, SLOW).ma.to_frame()


def vectorbt_single(data: pd.DataFrame, _: int) -> Result:
    portfolio = _vbt_portfolio(*_vbt_inputs(data, *_vbt_single_mas(data)))
    return {"trades": int(portfolio.trades.count().iloc[0]), "final_equity": float(portfolio.final_value().iloc[0])}


def vectorbt_loop_inputs(data: pd.DataFrame) -> tuple[Any, Any, Any]:
    """Untimed for the bar-loop case: the averages and the orders (vectorbt's strategy side)."""
    return _vbt_inputs(data, *_vbt_single_mas(data))


def vectorbt_loop(inputs: tuple[Any, Any, Any], _: int) -> Result:
    """vectorbt's simulation alone: its orders given, the portfolio, its trades and final value."""
    portfolio = _vbt_portfolio(*inputs)
    return {"trades": int(portfolio.trades.count().iloc[0]), "final_equity": float(portfolio.final_value().iloc[0])}


def vectorbt_grid(data: pd.DataFrame, sample: int, chunk: int = 0) -> Result:
    """All cells as columns of one portfolio, or ``chunk`` cells at a time (one process, one after
    the other: the same total work in less memory; the full grid at once peaked near 19 GB)."""
    import vectorbt as vbt

    cells = grid_cells(sample)
    step = chunk if 0 < chunk < len(cells) else len(cells)
    close, out = data["Close"], []
    for first in range(0, len(cells), step):
        part = cells[first : first + step]
        fast = vbt.MA.run(close, [f for f, _ in part]).ma
        slow = vbt.MA.run(close, [s for _, s in part]).ma
        fast.columns = slow.columns = pd.RangeIndex(len(part))
        portfolio = _vbt_portfolio(*_vbt_inputs(data, fast, slow))
        counts, finals = portfolio.trades.count().to_numpy(), portfolio.final_value().to_numpy()
        out += [(cell, int(c), float(e)) for cell, c, e in zip(part, counts, finals, strict=True)]
        del portfolio, fast, slow
    return grid_summary(out, len(cells))
