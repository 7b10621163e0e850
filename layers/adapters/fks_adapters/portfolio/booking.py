"""Execution reports into the portfolio: each fill booked once, to the strategy that caused it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fks.market_data.symbols import from_exchange_symbol
from fks.signals import Signal
from fks_adapters.portfolio.store import FillToApply, PortfolioStore


def fills_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's fills; for a replayed report (the engine answered a retried invocation with
    the stored outcome and no new fills) the whole filled quantity as one fill, keyed by the
    order, so a fill booked by the first attempt is not booked again under another key."""
    fills = [fill for fill in report.get("fills") or [] if isinstance(fill, dict)]
    filled = Decimal(str(report.get("filled_qty") or "0"))
    if fills or filled == 0 or report.get("avg_fill_price") is None:
        return fills
    return [
        {
            "trade_id": "replayed",
            "side": report["side"],
            "quantity": str(filled),
            "price": str(report["avg_fill_price"]),
            "fee": str(report.get("fees") or "0"),
        }
    ]


def book_report(store: PortfolioStore, account: str, signal: Signal, report: dict[str, Any]) -> int:
    client_order_id = str(report.get("client_order_id"))
    symbol = from_exchange_symbol(str(report.get("symbol") or signal.symbol), signal.exchange)
    fills = fills_of(report)
    if fills and fills[0]["trade_id"] == "replayed" and store.order_booked(account, client_order_id):
        return 0
    booked = 0
    for fill in fills:
        quantity = Decimal(str(fill["quantity"]))
        applied = store.apply_fill(
            account,
            FillToApply(
                fill_key=f"{client_order_id}#{fill['trade_id']}",
                strategy_id=signal.strategy_id,
                symbol=symbol,
                signed_quantity=quantity if fill["side"] == "buy" else -quantity,
                price=Decimal(str(fill["price"])),
                fee=Decimal(str(fill.get("fee") or "0")),
            ),
        )
        booked += int(applied)
    return booked
