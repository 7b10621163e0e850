"""Execution reports into the portfolio: each fill booked once, to the strategy that caused it.

The same report may arrive more than once and from more than one place (the pipeline's
``update_portfolio``, ``POST /orders``, a cancel, every order sync): fills are booked by trade
id, and what of the order's filled quantity no fill brought is booked once as a catch-up
(``fks.portfolio.order_fills``), so the portfolio ends with the order's totals, never more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from fks.execution import ExecutionReport
from fks.market_data.symbols import from_engine_symbol, validate_symbol
from fks.portfolio.order_fills import unbooked_rest
from fks_adapters.portfolio.store import FillToApply, OrderGuard, PortfolioStore

# Orders placed through ``POST /orders`` belong to no strategy; STRATEGY_ID_PATTERN starts with
# a letter or digit, so this book can never merge into a strategy's.
DIRECT_ORDERS = "_direct"
_CATCH_UP_ATTEMPTS = 5


@dataclass(frozen=True)
class FillOwner:
    """Whose book an order's fills go to, and the exchange that spells its symbol."""

    strategy_id: str
    exchange: str


class SignalLookup(Protocol):
    def get(self, signal_id: str) -> dict[str, Any] | None: ...


def owner_of(signal_id: str | None, signals: SignalLookup, exchange: str) -> FillOwner:
    """The strategy whose signal placed an order (its recorded signal); an order placed through
    the API, or whose signal is not on record, is a direct order."""
    record = signals.get(signal_id) if signal_id else None
    signal = record.get("signal") if record else None
    if isinstance(signal, dict) and signal.get("strategy_id"):
        return FillOwner(str(signal["strategy_id"]), str(signal.get("exchange") or exchange))
    return FillOwner(DIRECT_ORDERS, exchange)


def to_unified(symbol: str, exchange: str) -> str:
    """A symbol the engine names (``BTCUSDT``, the spelling its command gave), unified
    (``BTC/USDT``) by the exchange's quote assets; one already unified is kept. Only for what
    carries no unified symbol: the engine's position rows, and reports rebuilt from a stored order."""
    return from_engine_symbol(symbol, exchange)


def book_report(store: PortfolioStore, account: str, report: ExecutionReport, owner: FillOwner) -> int:
    """Books the report's new fills and whatever of the order's filled quantity is still not
    booked; the number of fills booked by this call."""
    if report.filled_qty <= 0:
        return 0
    symbol = (
        validate_symbol(report.unified_symbol) if report.unified_symbol else to_unified(report.symbol, owner.exchange)
    )
    order = OrderGuard(report.client_order_id, report.filled_qty)
    booked = 0
    for fill in report.fills:
        booked += store.apply_fill(
            account,
            FillToApply(
                fill_key=f"{report.client_order_id}#{fill.trade_id}",
                order=order,
                strategy_id=owner.strategy_id,
                symbol=symbol,
                signed_quantity=fill.quantity if fill.side == "buy" else -fill.quantity,
                price=fill.price,
                fee=fill.fee,
            ),
        )
    return booked + _book_rest(store, account, report, owner, symbol)


def _book_rest(store: PortfolioStore, account: str, report: ExecutionReport, owner: FillOwner, symbol: str) -> int:
    client_order_id, filled_qty = report.client_order_id, report.filled_qty
    for _ in range(_CATCH_UP_ATTEMPTS):
        before = store.order_booked(account, client_order_id)
        rest = unbooked_rest(filled_qty, report.avg_fill_price, report.fees, before)
        if rest is None:
            return 0
        applied = store.apply_fill(
            account,
            FillToApply(
                fill_key=f"{client_order_id}#{rest.key}",
                order=OrderGuard(client_order_id, filled_qty, booked_before=before),
                strategy_id=owner.strategy_id,
                symbol=symbol,
                signed_quantity=rest.quantity if report.side == "buy" else -rest.quantity,
                price=rest.price,
                fee=rest.fee,
            ),
        )
        if applied:
            return 1
        # Another booking of this order landed meanwhile: what is left is computed again.
    return 0
