"""The sync command, its answer and an order's protection, as the sync-and-exits contract spells
them: decimals as JSON strings, unknown fields refused."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from fks.execution import OrderCommand, Protection, SyncCommand, SyncResult


def _fill(trade_id: str = "7", quantity: str = "0.001", price: str = "41000.00") -> dict[str, Any]:
    return {
        "trade_id": trade_id,
        "client_order_id": "sig-1",
        "symbol": "BTC/USDT",
        "side": "buy",
        "quantity": quantity,
        "price": price,
        "fee": "0.041",
        "ts_ms": 1_700_000_000_000,
    }


def _report(**overrides: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "client_order_id": "sig-1",
        "signal_id": "1",
        "account": "binance-spot",
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "limit",
        "venue_order_id": "12",
        "status": "filled",
        "quantity": "0.001",
        "filled_qty": "0.001",
        "leaves_qty": "0",
        "avg_fill_price": "41000.00",
        "fees": "0.041",
        "fills": [_fill()],
        "reason": None,
        "duplicate": False,
        "position": None,
        "ts_ms": 1_700_000_000_000,
        "exits": [
            {
                "client_order_id": "sig-1-sl",
                "kind": "stop_loss",
                "venue_order_id": "13",
                "stop_price": "40180.00",
                "price": "40170.00",
                "quantity": "0.001",
                "status": "accepted",
            }
        ],
    }
    report.update(overrides)
    return report


def _sync_answer(**overrides: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "action": "sync",
        "account": "binance-spot",
        "ts_ms": 1_700_000_000_000,
        "reports": [_report()],
        "foreign_fills": [
            {
                "trade_id": "99",
                "venue_order_id": "501",
                "symbol": "BTC/USDT",
                "side": "buy",
                "quantity": "0.05",
                "price": "41000",
                "fee": "0.00005",
                "fee_asset": "BTC",
                "ts_ms": 1_700_000_000_000,
            }
        ],
        "open_orders": 3,
        "unreachable": False,
    }
    answer.update(overrides)
    return answer


def test_sync_command_is_the_contracts_json() -> None:
    assert json.loads(SyncCommand(account="binance-spot").model_dump_json()) == {
        "action": "sync",
        "account": "binance-spot",
    }


def test_sync_command_refuses_a_malformed_account() -> None:
    with pytest.raises(ValidationError):
        SyncCommand(account="no spaces allowed")


def test_sync_answer_parses_fills_exits_and_foreign_trades_as_decimals() -> None:
    result = SyncResult.model_validate(_sync_answer())

    report = result.reports[0]
    assert report.fills[0].trade_id == "7"
    assert report.fills[0].price == Decimal("41000.00")
    assert report.exits[0].kind == "stop_loss"
    assert result.foreign_fills[0].quantity == Decimal("0.05")
    assert result.open_orders == 3


def test_unreachable_sync_answer_needs_no_reports() -> None:
    result = SyncResult.model_validate(
        {
            "action": "sync",
            "account": "binance-spot",
            "ts_ms": 1,
            "reports": [],
            "foreign_fills": [],
            "open_orders": 0,
            "unreachable": True,
        }
    )

    assert result.unreachable
    assert result.reports == ()


@pytest.mark.parametrize(
    "answer",
    [
        _sync_answer(surprise=1),
        _sync_answer(reports=[_report(surprise=1)]),
        _sync_answer(reports=[_report(fills=[{**_fill(), "surprise": 1}])]),
        _sync_answer(reports=[_report(fills=[{**_fill(), "quantity": "0"}])]),
        _sync_answer(reports=[_report(exits=[{"kind": "stop"}])]),
    ],
)
def test_sync_answer_that_breaks_the_contract_is_refused(answer: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SyncResult.model_validate(answer)


def test_protection_travels_in_the_order_command_as_decimal_strings() -> None:
    command = OrderCommand(
        client_order_id="sig-1",
        account="binance-spot",
        symbol="BTCUSDT",
        side="buy",
        type="market",
        quantity=Decimal("0.001"),
        protection=Protection(stop_loss_pct=Decimal("2"), trailing_stop_pct=Decimal("1.5")),
    )

    dumped = json.loads(command.model_dump_json(exclude_none=True))

    assert dumped["protection"] == {"stop_loss_pct": "2", "trailing_stop_pct": "1.5"}


def test_order_command_without_protection_sends_none() -> None:
    command = OrderCommand(
        client_order_id="sig-1", account="a", symbol="BTCUSDT", side="buy", type="market", quantity=Decimal(1)
    )

    assert "protection" not in json.loads(command.model_dump_json(exclude_none=True))


@pytest.mark.parametrize(
    "fields",
    [{"stop_loss_pct": "0"}, {"stop_loss_pct": "100"}, {"trailing_stop_pct": "-1"}, {"take_profit_pct": "2", "x": 1}],
)
def test_protection_refuses_percentages_the_backtester_refuses(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Protection.model_validate(fields)
