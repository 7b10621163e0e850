"""Stub factories for the bridge's tests: a config, signals and a reporter that remembers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fks.signals import Signal
from fks_ninja.config import BridgeConfig
from fks_ninja.outgoing import PositionUpdate
from fks_ninja.tracker import Fill, OrderStatusChange

# A Tuesday inside CME's session and well before the December 2025 roll (2025-12-11).
SESSION_TIME = datetime(2025, 11, 18, 15, 0, tzinfo=UTC)


class ConfigStubs:
    @staticmethod
    def bridge(tmp_path: Path, **overrides: Any) -> BridgeConfig:
        data: dict[str, Any] = {
            "incoming": tmp_path / "incoming",
            "outgoing": tmp_path / "outgoing",
            "queue_url": "http://127.0.0.1:1/queue/fks-ninjatrader-dev",
            "accounts": {
                "topstep-1": {"nt8_account": "TS50K-001", "profile": "topstep"},
                "custom-1": {
                    "nt8_account": "Sim101",
                    "profile": "custom",
                    "rules": {"max_contracts": 10, "daily_loss_limit": "500"},
                },
            },
            "instruments": {
                "ES": {"point_value": "50"},
                "NQ": {"point_value": "20"},
            },
        }
        data.update(overrides)
        return BridgeConfig.model_validate(data)


class SignalStubs:
    @staticmethod
    def futures(**overrides: Any) -> Signal:
        data: dict[str, Any] = {
            "signal_id": "sig-es-1",
            "strategy_id": "sma_cross",
            "exchange": "cme",
            "symbol": "ES 12-25",
            "side": "buy",
            "quantity": "1",
            "timeframe": "5m",
            "bar_time": 1763478000000,
            "asset_class": "futures",
            "account": "topstep-1",
        }
        data.update(overrides)
        return Signal.model_validate(data)


@dataclass
class RecordingReporter:
    fills: list[Fill] = field(default_factory=list)
    states: list[OrderStatusChange] = field(default_factory=list)
    positions: list[PositionUpdate] = field(default_factory=list)
    refusals: list[tuple[str, str, str | None]] = field(default_factory=list)

    def report_fill(self, fill: Fill) -> None:
        self.fills.append(fill)

    def report_order_state(self, change: OrderStatusChange) -> None:
        self.states.append(change)

    def report_position(self, position: PositionUpdate) -> None:
        self.positions.append(position)

    def report_refusal(self, signal_id: str, reason: str, rule: str | None) -> None:
        self.refusals.append((signal_id, reason, rule))


def price(text: str) -> Decimal:
    return Decimal(text)
