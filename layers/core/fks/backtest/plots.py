"""PNG charts of a backtest, drawn with matplotlib's Agg renderer.

matplotlib is imported inside the functions: only the code paths that draw pay its import time
(cold starts), and the Figure/Agg canvas objects are used directly instead of pyplot, so no global
backend state is touched and nothing needs a display.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from fks.backtest.result import BacktestResult
from fks.strategies.candles import CandlesLike, as_candles

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def save_png(figure: Figure, path: str | Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(figure)  # attaches itself to the figure: savefig renders with Agg
    figure.savefig(target, format="png", dpi=100)
    return target


def _times(open_time: np.ndarray) -> np.ndarray:
    return open_time.astype("datetime64[ms]")


def plot_equity_drawdown(result: BacktestResult, path: str | Path) -> Path:
    """Equity curve above, drawdown (percent below the running peak) below; returns the path."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 7), layout="constrained")
    equity_axes, drawdown_axes = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    times = _times(result.open_time)
    equity_axes.plot(times, result.equity, color="tab:blue", linewidth=1)
    equity_axes.set_ylabel("equity")
    equity_axes.set_title(f"{result.strategy} {result.params} — final {result.final_equity}")
    equity_axes.grid(alpha=0.3)
    drawdown = -100.0 * result.drawdown_curve()
    drawdown_axes.fill_between(times, drawdown, 0.0, color="tab:red", alpha=0.4, linewidth=0)
    drawdown_axes.set_ylabel("drawdown %")
    drawdown_axes.grid(alpha=0.3)
    return save_png(figure, path)


def plot_trades(candles: CandlesLike, result: BacktestResult, path: str | Path) -> Path:
    """Close price with entries (triangles: up long, down short) and exits (crosses)."""
    from matplotlib.figure import Figure

    data = as_candles(candles)
    fills = result.trade_log.fills
    times = _times(data.open_time)
    figure = Figure(figsize=(12, 6), layout="constrained")
    axes = figure.subplots()
    axes.plot(times, data.close, color="0.4", linewidth=0.8, label="close")
    long, short = fills.side > 0, fills.side < 0
    axes.scatter(
        times[fills.entry_bar[long]],
        fills.entry_price[long],
        marker="^",
        color="tab:green",
        label="long entry",
    )
    axes.scatter(
        times[fills.entry_bar[short]],
        fills.entry_price[short],
        marker="v",
        color="tab:red",
        label="short entry",
    )
    axes.scatter(times[fills.exit_bar], fills.exit_price, marker="x", color="black", label="exit")
    axes.set_title(f"{result.strategy} {result.params}: {result.trade_count} trades")
    axes.set_ylabel("price")
    axes.grid(alpha=0.3)
    axes.legend(loc="best")
    return save_png(figure, path)
