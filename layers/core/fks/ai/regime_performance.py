"""How a strategy did in each market regime: in its stored backtests and in its live signals.

Every trade and signal is labelled with the regime of the bar it entered on, as the asset's stored
regime model reads that bar (its causal filter: the label uses bars up to that one only). One
model labels both, so "trending_up" means the same thing in the backtest column and the live one.

- backtests: each stored round trip (``fks.backtest.result.Trade`` as the result document holds
  it): trades, share won, mean return on the entry's notional, and the net profit (exact decimals);
- live: each earlier signal of the same strategy in the retrieval index: how many, how many were
  executed, and the market's return over the briefing's horizon after each, signed by the
  signal's side (what a position taken at the bar would have seen, fees aside), where known.

Nothing here estimates what was not measured: a regime with no trade says ``trades: 0``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from fks.ml.regimes import REGIMES, UNKNOWN

# A signal that reached the venue: it filled, rests there, or ran its course after a fill.
EXECUTED_STATUSES = frozenset({"filled", "placed", "completed"})
ALL_REGIMES = (*REGIMES, UNKNOWN)


class RegimeLabels:
    """The regime of any time, from a model's labels of its consecutive bars."""

    def __init__(self, open_times: npt.ArrayLike, labels: list[str], bar_ms: int) -> None:
        self.open_times = np.asarray(open_times, dtype=np.int64)
        self.labels = labels
        self.bar_ms = bar_ms

    def at(self, time_ms: int) -> str:
        """The label of the bar containing ``time_ms``; ``unknown`` outside the labelled span."""
        row = int(np.searchsorted(self.open_times, time_ms, side="right")) - 1
        if row < 0 or time_ms >= self.open_times[row] + self.bar_ms:
            return UNKNOWN
        return self.labels[row]


def _trade_return(trade: dict[str, Any]) -> float | None:
    notional = Decimal(str(trade["entry_price"])) * Decimal(str(trade["quantity"]))
    return float(Decimal(str(trade["pnl"])) / notional) if notional > 0 else None


def backtest_by_regime(trades: Iterable[dict[str, Any]], labels: RegimeLabels) -> dict[str, dict[str, Any]]:
    """Per regime label of each trade's entry bar: trades, win rate, mean return, net profit."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for trade in trades:
        grouped[labels.at(int(trade["entry_time"]))].append(trade)
    out: dict[str, dict[str, Any]] = {}
    for regime, group in grouped.items():
        returns = [r for r in map(_trade_return, group) if r is not None]
        pnl = sum((Decimal(str(t["pnl"])) for t in group), Decimal(0))
        out[regime] = {
            "trades": len(group),
            "win_rate": round(sum(Decimal(str(t["pnl"])) > 0 for t in group) / len(group), 4),
            "mean_return": round(float(np.mean(returns)), 6) if returns else None,
            "net_pnl": str(pnl),
        }
    return out


def live_by_regime(
    signals: Iterable[dict[str, Any]], labels: RegimeLabels, forward: Callable[[int], float | None]
) -> dict[str, dict[str, Any]]:
    """Per regime of each signal's bar: signals, executed, and the side-signed forward return.

    ``forward(bar_time)`` is the market's log return over the horizon after that bar, or None
    when it is not known (yet) at the briefing's bar."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for signal in signals:
        grouped[labels.at(int(signal["bar_time"]))].append(signal)
    out: dict[str, dict[str, Any]] = {}
    for regime, group in grouped.items():
        signed = []
        for signal in group:
            ahead = forward(int(signal["bar_time"]))
            if ahead is not None:
                signed.append(ahead if signal["side"] == "buy" else -ahead)
        out[regime] = {
            "signals": len(group),
            "executed": sum(str(s.get("status")) in EXECUTED_STATUSES for s in group),
            "with_outcome": len(signed),
            "mean_forward_return": round(float(np.mean(signed)), 6) if signed else None,
            "share_favourable": round(float(np.mean(np.array(signed) > 0)), 4) if signed else None,
        }
    return out


def in_regime(regime: str | None, by_regime: dict[str, dict[str, Any]], empty: dict[str, Any]) -> dict[str, Any]:
    """The figures of ``regime`` (``empty`` when nothing happened in it), with every regime's beside."""
    return {"in_regime": by_regime.get(regime or UNKNOWN, empty), "by_regime": by_regime}


NO_TRADES: dict[str, Any] = {"trades": 0, "win_rate": None, "mean_return": None, "net_pnl": "0"}
NO_SIGNALS: dict[str, Any] = {
    "signals": 0,
    "executed": 0,
    "with_outcome": 0,
    "mean_forward_return": None,
    "share_favourable": None,
}


def _percent(value: float) -> str:
    return f"{value * 100:+.2f}%"


def sentence(performance: dict[str, Any]) -> str:
    """The performance part of a briefing's summary, every figure taken from ``performance``."""
    if not performance.get("available"):
        return f"No regime performance: {performance.get('reason')}."
    regime = performance["regime"]
    parts = []
    tested = performance["backtests"]
    if tested.get("reason"):
        parts.append(f"Backtests: {tested['reason']}.")
    else:
        shown = tested["in_regime"]
        count = len(tested["backtest_ids"])
        if shown["trades"]:
            parts.append(
                f"In {regime}, its {count} stored backtest(s) made {shown['trades']} trade(s), "
                f"{shown['win_rate'] * 100:.0f}% won, mean {_percent(shown['mean_return'] or 0.0)} a trade "
                f"(net {shown['net_pnl']})."
            )
        else:
            parts.append(f"In {regime}, its {count} stored backtest(s) made no trade.")
    live = performance["live"]
    shown = live["in_regime"]
    if not shown["signals"]:
        parts.append(f"Live: no earlier signal of this strategy in {regime}.")
    else:
        text = f"Live in {regime}: {shown['signals']} earlier signal(s), {shown['executed']} executed"
        if shown["with_outcome"]:
            text += (
                f"; over {performance['horizon_bars']} bars the market moved their way "
                f"{shown['share_favourable'] * 100:.0f}% of the time (mean {_percent(shown['mean_forward_return'])})"
            )
        parts.append(text + ".")
    return " ".join(parts)
