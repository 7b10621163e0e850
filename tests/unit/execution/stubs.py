"""Stub factories for the execution bindings: a valid command, instrument and engine."""

from __future__ import annotations

import json
from typing import Any

from fks_execution import Engine

ACCOUNT = "acct-1"
MARK = "42000"


class InstrumentStubs:
    @staticmethod
    def btcusdt() -> dict[str, Any]:
        return {
            "symbol": "BTCUSDT",
            "base": "BTC",
            "quote": "USDT",
            "price_precision": 2,
            "size_precision": 5,
            "tick_size": "0.01",
            "step_size": "0.00001",
            "min_quantity": "0.00001",
            "min_notional": "5",
        }


class OrderStubs:
    @staticmethod
    def market_buy(client_order_id: str = "o-1", **overrides: Any) -> str:
        command: dict[str, Any] = {
            "client_order_id": client_order_id,
            "account": ACCOUNT,
            "symbol": "BTCUSDT",
            "side": "buy",
            "type": "market",
            "quantity": "0.001",
        }
        command.update(overrides)
        return json.dumps(command)

    @staticmethod
    def market_sell(client_order_id: str = "o-2", **overrides: Any) -> str:
        return OrderStubs.market_buy(client_order_id, side="sell", **overrides)

    @staticmethod
    def limit_buy(client_order_id: str = "o-3", price: str = "41000.00", **overrides: Any) -> str:
        return OrderStubs.market_buy(client_order_id, type="limit", price=price, **overrides)


def engine(limits: dict[str, Any] | None = None, fee_bps: str = "0") -> Engine:
    paper = {"fee_bps": fee_bps, "slippage_bps": "0", "available_quantity": None}
    created = Engine(ACCOUNT, json.dumps(limits or {}), json.dumps(paper))
    created.add_instrument(json.dumps(InstrumentStubs.btcusdt()))
    return created
