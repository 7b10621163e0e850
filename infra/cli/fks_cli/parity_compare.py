"""The comparison ``fks replay`` ends with: what the platform traded against what the backtester
trades on the same stored candles, fill by fill, and both equity curves.

A fill is one execution: an entry, a signal's close, or an exit (stop-loss, take-profit,
trailing stop). A live fill and a backtest fill *match* when they are on the same side, in the
same bar (a market order filled at a bar's close instant is in the next bar, where the backtest
fills at the open), of the same quantity, and their prices are within one tick. The live equity
is the backtest's initial cash carried through the platform's own fills (their prices and fees),
marked at each bar's close as the backtest marks its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np

from fks.backtest import BacktestResult
from fks.strategies.candles import Candles, FloatArray
from fks_cli.parity_live import LiveFill


@dataclass(frozen=True)
class Execution:
    """A fill on one bar, live or backtest."""

    bar_ms: int
    side: str  # buy / sell
    quantity: Decimal
    price: Decimal
    what: str


@dataclass(frozen=True)
class Parity:
    live: list[Execution]
    backtest: list[Execution]
    matched: int
    mismatches: list[str]
    live_equity: FloatArray
    backtest_equity: FloatArray
    not_compared: list[str]

    @property
    def equity_difference_pct(self) -> float:
        final = float(self.backtest_equity[-1])
        return abs(float(self.live_equity[-1]) - final) / final * 100 if final else 0.0

    @property
    def all_matched(self) -> bool:
        return self.matched == len(self.live) == len(self.backtest)

    def last_line(self) -> str:
        return (
            f"parity: live {len(self.live)} trades, backtest {len(self.backtest)} trades, "
            f"{self.matched} matched, equity difference {self.equity_difference_pct:.3f}%"
        )


def backtest_executions(result: BacktestResult) -> list[Execution]:
    """The backtest's fills: each round trip's entry, and its exit unless the data just ended."""
    executions: list[Execution] = []
    for trade in result.trades:
        opening, closing = ("buy", "sell") if trade.side == "long" else ("sell", "buy")
        executions.append(Execution(trade.entry_time, opening, trade.quantity, trade.entry_price, "entry"))
        if trade.exit_reason != "end_of_data":
            executions.append(Execution(trade.exit_time, closing, trade.quantity, trade.exit_price, trade.exit_reason))
    return sorted(executions, key=lambda e: e.bar_ms)


def live_executions(fills: Sequence[LiveFill], bar_ms: int) -> list[Execution]:
    return sorted(
        (Execution(f.time_ms - f.time_ms % bar_ms, f.side, f.quantity, f.price, f.client_order_id) for f in fills),
        key=lambda e: e.bar_ms,
    )


def compare(fills: Sequence[LiveFill], result: BacktestResult, candles: Candles, bar_ms: int, tick: Decimal) -> Parity:
    live, backtest = live_executions(fills, bar_ms), backtest_executions(result)
    # A signal on the period's last bar fills at its close, in a bar the period does not hold:
    # the backtest has no bar to fill it in either, so neither side's is compared.
    last_bar = int(candles.open_time[-1]) if len(candles) else 0
    beyond = [e for e in live if e.bar_ms > last_bar]
    live = [e for e in live if e.bar_ms <= last_bar]
    unmatched = list(backtest)
    matched, mismatches = 0, []
    for execution in live:
        twin = next((b for b in unmatched if _same(execution, b, tick)), None)
        if twin is None:
            mismatches.append(f"live {_show(execution)}: no backtest fill matches")
            continue
        unmatched.remove(twin)
        matched += 1
    mismatches += [f"backtest {_show(b)}: no live fill matches" for b in unmatched]
    initial = float(result.config.initial_cash)
    equity = _equity(fills, candles, initial)
    not_compared = [f"live {_show(e)}: after the period's last bar" for e in beyond]
    return Parity(live, backtest, matched, mismatches, equity, result.equity, not_compared)


def _same(live: Execution, backtest: Execution, tick: Decimal) -> bool:
    return (
        live.bar_ms == backtest.bar_ms
        and live.side == backtest.side
        and live.quantity == backtest.quantity
        and abs(live.price - backtest.price) <= tick
    )


def _show(e: Execution) -> str:
    from datetime import UTC, datetime

    bar = datetime.fromtimestamp(e.bar_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
    return f"{e.side} {e.quantity} at {e.price} in the bar of {bar} ({e.what})"


def _equity(fills: Sequence[LiveFill], candles: Candles, initial: float) -> FloatArray:
    """Cash and position through the platform's fills, marked at each bar's close."""
    order = sorted(fills, key=lambda f: f.time_ms)
    equity = np.empty(len(candles), dtype=np.float64)
    cash, position, next_fill = initial, 0.0, 0
    for index, close_time in enumerate(candles.open_time + _bar_ms(candles)):
        while next_fill < len(order) and order[next_fill].time_ms < close_time:
            fill = order[next_fill]
            signed = float(fill.quantity) if fill.side == "buy" else -float(fill.quantity)
            cash -= signed * float(fill.price) + float(fill.fee)
            position += signed
            next_fill += 1
        equity[index] = cash + position * float(candles.close[index])
    return equity


def _bar_ms(candles: Candles) -> int:
    return int(candles.open_time[1] - candles.open_time[0]) if len(candles) > 1 else 60_000


def plot(parity: Parity, candles: Candles, path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = candles.open_time.astype("datetime64[ms]")
    figure, axes = plt.subplots(figsize=(11, 5))
    axes.plot(times, parity.backtest_equity, label="backtest", linewidth=1.6)
    axes.plot(times, parity.live_equity, label="live (paper, the real path)", linewidth=1.0, linestyle="--")
    axes.set_title(title)
    axes.set_ylabel("equity")
    axes.legend()
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)
    return path
