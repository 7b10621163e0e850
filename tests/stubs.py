"""Stub factories: one place that knows how to make a valid thing, so tests say only what differs."""

from __future__ import annotations

from typing import Any


class SignalStubs:
    @staticmethod
    def market_buy(signal_id: str = "sig-test-1", **overrides: Any) -> dict[str, Any]:
        signal: dict[str, Any] = {
            "signal_id": signal_id,
            "strategy_id": "sma_cross",
            "exchange": "binance",
            "symbol": "BTC/USDT",
            "side": "buy",
            "quantity": "0.01",
            "timeframe": "1m",
            "bar_time": 1_767_225_600_000,
        }
        signal.update(overrides)
        return signal
