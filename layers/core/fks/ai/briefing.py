"""A signal's briefing: what followed the past market states most like its bar's, the regime,
the notes that bear on it, and a summary made from a template of those figures (never generated
text: every word of it is a field below).

The neighbours are bars of the signal's own series before it, whose forward return was already
known at the signal's bar (bar + horizon <= the signal's bar), so nothing in a briefing comes
from after the signal. Beside their forward-return distribution is the unconditional one of every
such bar (the baseline): a reader sees whether the neighbours say anything the history does not.

Neighbours are found exactly (cosine over at most a few thousand bars with NumPy): at that size an
approximate index saves nothing and would make a briefing depend on the graph's build order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fks.ai.embeddings import unit_rows
from fks.ai.market_state import forward_returns, market_states
from fks.ai.regime_performance import sentence as performance_sentence
from fks.strategies.candles import Candles

NEIGHBOURS = 20
HORIZON_BARS = 12
SHOWN_NEIGHBOURS = 5
MIN_CANDIDATES = 50  # fewer past bars than this: no distribution worth printing


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: float
    median: float
    p10: float
    p90: float
    share_up: float

    @classmethod
    def of(cls, returns: npt.NDArray[np.float64]) -> Distribution:
        return cls(
            count=int(returns.size),
            mean=float(np.mean(returns)),
            median=float(np.median(returns)),
            p10=float(np.quantile(returns, 0.1)),
            p90=float(np.quantile(returns, 0.9)),
            share_up=float(np.mean(returns > 0)),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "mean": round(self.mean, 6),
            "median": round(self.median, 6),
            "p10": round(self.p10, 6),
            "p90": round(self.p90, 6),
            "share_up": round(self.share_up, 4),
        }


def similar_states(
    candles: Candles, bar_time: int, *, k: int = NEIGHBOURS, horizon: int = HORIZON_BARS
) -> dict[str, Any]:
    """The k bars before ``bar_time`` whose market state is nearest its state, their forward
    returns over ``horizon`` bars, and the baseline; ``{"available": False, "reason": ...}`` when
    the history cannot say."""
    times = np.asarray(candles.open_time)
    where = np.flatnonzero(times == bar_time)
    if where.size == 0:
        return {"available": False, "reason": f"the bar {bar_time} is not among the stored whole bars"}
    row = int(where[0])
    states, valid = market_states(candles.head(row + 1))
    if not valid[row]:
        return {"available": False, "reason": "too little history before the bar for its market state"}
    ahead = forward_returns(np.asarray(candles.close[: row + 1]), horizon)
    candidates = np.flatnonzero(valid[: max(row - horizon + 1, 0)] & np.isfinite(ahead[: max(row - horizon + 1, 0)]))
    if candidates.size < MIN_CANDIDATES:
        return {
            "available": False,
            "reason": f"{candidates.size} past bars with a known {horizon}-bar outcome, {MIN_CANDIDATES} needed",
        }
    similarity = unit_rows(states[candidates]) @ unit_rows(states[row])[0]
    order = np.argsort(-similarity, kind="stable")[: min(k, candidates.size)]
    nearest = candidates[order]
    return {
        "available": True,
        "horizon_bars": horizon,
        "neighbours": [
            {"bar_time": int(times[i]), "similarity": round(float(s), 4), "forward_return": round(float(ahead[i]), 6)}
            for i, s in zip(nearest[:SHOWN_NEIGHBOURS], similarity[order][:SHOWN_NEIGHBOURS], strict=True)
        ],
        "neighbours_forward": Distribution.of(ahead[nearest]).as_dict(),
        "baseline_forward": Distribution.of(ahead[candidates]).as_dict(),
    }


def _percent(value: float) -> str:
    return f"{value * 100:+.2f}%"


def summary(
    signal: dict[str, Any],
    states: dict[str, Any],
    regime: dict[str, Any],
    notes: list[dict[str, Any]],
    forecast: dict[str, Any] | None = None,
    performance: dict[str, Any] | None = None,
) -> str:
    """The briefing in words, each sentence filled from the fields it names."""
    parts = [f"{signal['side']} {signal['symbol']} {signal['timeframe']} from {signal['strategy_id']}."]
    if states.get("available"):
        near, base = states["neighbours_forward"], states["baseline_forward"]
        parts.append(
            f"The {near['count']} most similar past market states were followed over {states['horizon_bars']} bars "
            f"by a median return of {_percent(near['median'])} ({near['share_up'] * 100:.0f}% up), against "
            f"{_percent(base['median'])} ({base['share_up'] * 100:.0f}% up) for all {base['count']} past bars."
        )
    else:
        parts.append(f"No similar-state history: {states.get('reason')}.")
    if regime.get("regime"):
        parts.append(f"Regime: {regime['regime']} (model {regime['model_version']}).")
    else:
        parts.append(f"Regime unknown: {regime.get('reason')}.")
    if forecast and forecast.get("prob_up") is not None:
        parts.append(f"Forecast: P(next bar up) {forecast['prob_up']:.2f} (model {forecast['model_version']}).")
    if performance is not None:
        parts.append(performance_sentence(performance))
    if notes:
        parts.append(f'{len(notes)} related note(s), the closest: "{notes[0]["text"]}".')
    else:
        parts.append("No related notes.")
    return " ".join(parts)
