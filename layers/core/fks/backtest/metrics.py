"""Performance figures of an equity curve and its trades.

Ratios are floats; money figures are Decimal (see ``fks.backtest.money``). A ratio that is
undefined (no trades, no losing trade, a flat curve) is None rather than inf or NaN, so it
serialises to JSON null.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict

from fks.backtest.money import to_money
from fks.strategies.candles import FloatArray, IntArray

YEAR_MS = 365.25 * 24 * 3600 * 1000  # markets that never close (crypto): a calendar year of bars


class Metrics(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    initial_cash: Decimal
    final_equity: Decimal
    net_profit: Decimal
    total_fees: Decimal
    total_return: float  # 0.25 = +25 %
    cagr: float | None
    sharpe: float | None
    sortino: float | None
    max_drawdown: float  # depth below the previous peak, 0.2 = 20 %
    max_drawdown_duration_bars: int  # from the peak to recovery (or to the last bar)
    max_drawdown_duration_ms: int
    trade_count: int
    win_rate: float | None
    profit_factor: float | None
    exposure: float  # share of bars with a position held
    bars: int
    periods_per_year: float


class Drawdown(NamedTuple):
    depth: float
    duration_bars: int
    peak_bar: int
    end_bar: int


def bar_returns(equity: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = equity[1:] / equity[:-1] - 1.0
    return np.asarray(returns[np.isfinite(returns)], dtype=np.float64)


def sharpe_ratio(returns: FloatArray, periods_per_year: float) -> float | None:
    """Mean over sample standard deviation of per-bar returns, annualised; risk-free rate 0."""
    if returns.shape[0] < 2:
        return None
    spread = float(np.std(returns, ddof=1))
    if spread == 0.0:
        return None
    return float(np.mean(returns)) / spread * math.sqrt(periods_per_year)


def sortino_ratio(returns: FloatArray, periods_per_year: float) -> float | None:
    """Mean return over downside deviation (root mean square of the negative returns, counting
    the others as zero), annualised."""
    if returns.shape[0] < 2:
        return None
    downside = math.sqrt(float(np.mean(np.minimum(returns, 0.0) ** 2)))
    if downside == 0.0:
        return None
    return float(np.mean(returns)) / downside * math.sqrt(periods_per_year)


def max_drawdown(equity: FloatArray) -> Drawdown:
    """Deepest fall below a running peak, and the longest time from a peak to its recovery.

    The duration counts bars from the peak to the first bar back at or above it, or to the last
    bar if it never recovers; the longest such stretch need not be the deepest one. Both come
    from the bars that are at a peak: a drawdown is a gap between two of them.
    """
    n = equity.shape[0]
    peak = np.maximum.accumulate(equity)
    with np.errstate(divide="ignore", invalid="ignore"):
        depth = float(np.max(np.where(peak > 0, 1.0 - equity / peak, 0.0), initial=0.0))
    peaks = np.flatnonzero(equity >= peak)  # never empty: bar 0 is its own peak
    gaps = np.diff(peaks)
    # Consecutive peaks (a gap of one bar) are a rise, not a drawdown; the tail after the last
    # peak is a drawdown not yet recovered.
    stretches = np.append(np.where(gaps > 1, gaps, 0), n - 1 - peaks[-1])
    longest = int(np.argmax(stretches))
    length = int(stretches[longest])
    if length == 0:
        return Drawdown(depth, 0, 0, 0)
    start = int(peaks[longest])
    return Drawdown(depth, length, start, start + length)


class CurveSummary(NamedTuple):
    """What the metrics read from the equity curve: gathered by the Rust bar loop as it marks the
    curve, or from an array by ``summarise_curve``."""

    bars: int
    final: float
    returns: int  # finite bar returns
    mean_return: float
    return_std: float  # sample standard deviation (ddof 1); 0.0 below two returns
    downside: float  # root mean square of the negative returns, the others as zero
    drawdown: Drawdown


def summarise_curve(equity: FloatArray) -> CurveSummary:
    returns = bar_returns(equity)
    count = int(returns.shape[0])
    return CurveSummary(
        bars=int(equity.shape[0]),
        final=float(equity[-1]),
        returns=count,
        mean_return=float(np.mean(returns)) if count else 0.0,
        return_std=float(np.std(returns, ddof=1)) if count >= 2 else 0.0,
        downside=math.sqrt(float(np.mean(np.minimum(returns, 0.0) ** 2))) if count else 0.0,
        drawdown=max_drawdown(equity),
    )


def _ratio(curve: CurveSummary, spread: float, periods_per_year: float) -> float | None:
    """Mean return over ``spread``, annualised (Sharpe with the deviation, Sortino the downside)."""
    if curve.returns < 2 or spread == 0.0:
        return None
    return curve.mean_return / spread * math.sqrt(periods_per_year)


def annual_periods(open_time: IntArray, override: float | None) -> float:
    if override is not None:
        return override
    if open_time.shape[0] < 2:
        return 1.0
    # The median gap ignores missing candles; the first ten thousand gaps settle it as well as
    # a million would, for a tenth of the cost in each run of a grid.
    return YEAR_MS / float(np.median(np.diff(open_time[:10_001])))


def cagr(initial: float, final: float, years: float) -> float | None:
    if years <= 0 or initial <= 0:
        return None
    if final <= 0:
        return -1.0
    try:
        return math.exp(math.log(final / initial) / years) - 1.0
    except OverflowError:  # a big return over minutes of data: not a meaningful annual rate
        return None


def compute_metrics(
    equity: FloatArray,
    open_time: IntArray,
    trade_pnl: FloatArray,
    fees_paid: float,
    exposure: float,
    *,
    initial_cash: Decimal,
    money_quantum: Decimal,
    periods_per_year: float | None = None,
    final_equity: Decimal | None = None,
    total_fees: Decimal | None = None,
    curve: CurveSummary | None = None,
) -> Metrics:
    """``equity`` is the per-bar curve, starting at ``initial_cash``; ``trade_pnl`` is net of fees.

    ``final_equity`` / ``total_fees``, when given, are the exact ledger figures the money metrics
    report (rounded once, to ``money_quantum``); else they are read from the float inputs.
    ``curve``, when given, is the curve's summary already gathered (the backtest's bar loop
    gathers it as it marks the curve); else it is summarised from ``equity``.
    """
    curve = curve if curve is not None else summarise_curve(equity)
    start, final = float(initial_cash), curve.final
    periods = annual_periods(open_time, periods_per_year)
    drawdown = curve.drawdown
    wins, losses = trade_pnl[trade_pnl > 0], trade_pnl[trade_pnl < 0]
    final_money = (
        to_money(final, money_quantum)
        if final_equity is None
        else final_equity.quantize(money_quantum, rounding=ROUND_HALF_EVEN)
    )
    fees_money = (
        to_money(fees_paid, money_quantum)
        if total_fees is None
        else total_fees.quantize(money_quantum, rounding=ROUND_HALF_EVEN)
    )
    return Metrics(
        initial_cash=initial_cash,
        final_equity=final_money,
        net_profit=final_money - initial_cash.quantize(money_quantum),
        total_fees=fees_money,
        total_return=final / start - 1.0,
        cagr=cagr(start, final, curve.bars / periods),
        sharpe=_ratio(curve, curve.return_std, periods),
        sortino=_ratio(curve, curve.downside, periods),
        max_drawdown=drawdown.depth,
        max_drawdown_duration_bars=drawdown.duration_bars,
        max_drawdown_duration_ms=int(open_time[drawdown.end_bar] - open_time[drawdown.peak_bar]),
        trade_count=int(trade_pnl.shape[0]),
        win_rate=wins.shape[0] / trade_pnl.shape[0] if trade_pnl.shape[0] else None,
        profit_factor=float(wins.sum() / -losses.sum()) if losses.shape[0] else None,
        exposure=exposure,
        bars=curve.bars,
        periods_per_year=periods,
    )
