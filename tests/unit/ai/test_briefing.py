"""A signal's briefing: neighbours from before its bar only, with the baseline beside them, and a
summary whose every figure is a field."""

from __future__ import annotations

from typing import Any

from fks.ai.briefing import MIN_CANDIDATES, similar_states, summary
from tests.unit.ml.synthetic import HOUR_MS, regime_candles

SIGNAL = {"side": "buy", "symbol": "SOL/USDT", "timeframe": "1h", "strategy_id": "sma_cross"}


def test_the_neighbours_come_from_bars_whose_outcome_was_known_at_the_signals_bar() -> None:
    candles, _ = regime_candles([("ranging", 250), ("trending_up", 150), ("ranging", 100)])
    bar = int(candles.open_time[420])

    states = similar_states(candles, bar, k=10, horizon=6)

    assert states["available"] is True
    assert states["neighbours_forward"]["count"] == 10
    assert all(n["bar_time"] + 6 * HOUR_MS <= bar for n in states["neighbours"])
    assert states["baseline_forward"]["count"] >= MIN_CANDIDATES
    similarities = [n["similarity"] for n in states["neighbours"]]
    assert similarities == sorted(similarities, reverse=True)


def test_bars_after_the_signal_change_nothing() -> None:
    candles, _ = regime_candles([("ranging", 300), ("high_volatility", 100)])
    bar = int(candles.open_time[299])
    assert similar_states(candles, bar) == similar_states(candles.head(300), bar)


def test_too_little_history_or_an_unknown_bar_says_why() -> None:
    candles, _ = regime_candles([("ranging", 120)])
    short = similar_states(candles, int(candles.open_time[-1]))
    assert short["available"] is False
    assert "needed" in short["reason"]
    assert "not among" in similar_states(candles, 12345)["reason"]


def test_the_summary_is_filled_from_the_fields() -> None:
    candles, _ = regime_candles([("ranging", 400)])
    states = similar_states(candles, int(candles.open_time[-1]))
    regime: dict[str, Any] = {"regime": "ranging", "model_version": "v7"}
    notes = [{"text": "thin weekend liquidity"}]

    text = summary(SIGNAL, states, regime, notes)

    near = states["neighbours_forward"]
    assert text.startswith("buy SOL/USDT 1h from sma_cross.")
    assert f"({near['share_up'] * 100:.0f}% up)" in text
    assert "Regime: ranging (model v7)." in text
    assert '"thin weekend liquidity"' in text
    assert "No related notes." in summary(SIGNAL, states, {"regime": None, "reason": "none stored"}, [])
    forecast = {"prob_up": 0.61, "model_version": "v3"}
    assert "Forecast: P(next bar up) 0.61 (model v3)." in summary(SIGNAL, states, regime, notes, forecast)
    assert "Forecast" not in text
