"""Stub factories for the platform side of the NinjaTrader reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fks.ninja.reports import NinjaFillReport, NinjaOrderStateReport, NinjaPositionReport


class ReportStubs:
    @staticmethod
    def fill(**overrides: Any) -> NinjaFillReport:
        data: dict[str, Any] = {
            "order_id": "fks0123456789-sig-es-1",
            "signal_id": "sig-es-1",
            "account": "TS50K-001",
            "instrument": "ES 12-25",
            "action": "BUY",
            "quantity": 1,
            "price": "5000.25",
            "cumulative_filled": 1,
        }
        data.update(overrides)
        return NinjaFillReport.model_validate(data)

    @staticmethod
    def state(**overrides: Any) -> NinjaOrderStateReport:
        data: dict[str, Any] = {
            "order_id": "fks0123456789-sig-es-1",
            "signal_id": "sig-es-1",
            "state": "ACCEPTED",
            "filled": 0,
            "average_fill_price": "0",
        }
        data.update(overrides)
        return NinjaOrderStateReport.model_validate(data)

    @staticmethod
    def position(**overrides: Any) -> NinjaPositionReport:
        data: dict[str, Any] = {
            "instrument": "ES 12-25 Globex",
            "account": "TS50K-001",
            "position": "LONG",
            "quantity": 1,
            "average_entry_price": "5000.25",
        }
        data.update(overrides)
        return NinjaPositionReport.model_validate(data)


def d(text: str) -> Decimal:
    return Decimal(text)
