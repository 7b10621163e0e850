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


class LambdaContextStub:
    """The attributes powertools reads from a Lambda context, for handlers called directly."""

    function_name = "test-function"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
