"""What orders do to the account: funds reserved while they rest, and trades when they fill.

Liquidity is unlimited at the quoted price, so an order fills completely in one trade. Commission
is charged on what the order receives, as Binance does when fees are not paid in BNB.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from fks_local.exchange_sim.account import Account
from fks_local.exchange_sim.markets import SymbolSpec
from fks_local.exchange_sim.orders import Order, Trade

_EIGHT_DECIMALS = Decimal("1e-8")


class Ledger:
    """Balances moved by orders and the trades they made. Callers hold the engine's lock."""

    def __init__(self, specs: Mapping[str, SymbolSpec], account: Account, fee_rate: Decimal) -> None:
        self.specs = specs
        self.account = account
        self.fee_rate = fee_rate
        self.trades: list[Trade] = []
        self._next_trade_id = 1

    def spend(self, order: Order, price: Decimal) -> tuple[str, Decimal]:
        """The asset and amount ``order`` gives up when it trades at ``price``."""
        spec = self.specs[order.symbol]
        if order.side == "BUY":
            return spec.quote, order.orig_qty * price
        return spec.base, order.orig_qty

    @staticmethod
    def reserve_price(order: Order) -> Decimal:
        # A stop-market order has no limit price: its stop is the best guess of what it will pay.
        return order.price or order.stop_price

    def require(self, order: Order, price: Decimal) -> None:
        self.account.require_free(*self.spend(order, price))

    def reserve(self, order: Order, amount: Decimal | None = None) -> None:
        """Lock what ``order`` may spend (``amount`` of its spent asset when given)."""
        asset, needed = self.spend(order, self.reserve_price(order))
        locked = needed if amount is None else amount
        self.account.lock(asset, locked)
        order.locked = locked

    def release(self, order: Order) -> None:
        if order.locked:
            self.account.unlock(self.spend(order, self.reserve_price(order))[0], order.locked)
            order.locked = Decimal(0)

    def fill(self, order: Order, price: Decimal, now_ms: int, *, maker: bool) -> None:
        spec = self.specs[order.symbol]
        self.release(order)
        spent_asset, spent = self.spend(order, price)
        self.account.spend_free(spent_asset, spent)
        received_asset = spec.base if order.side == "BUY" else spec.quote
        received = order.orig_qty if order.side == "BUY" else order.orig_qty * price
        fee = (received * self.fee_rate).quantize(_EIGHT_DECIMALS, rounding=ROUND_HALF_UP)
        self.account.credit(received_asset, received - fee)
        trade = Trade(
            self._next_trade_id,
            order.order_id,
            order.symbol,
            price,
            order.orig_qty,
            fee,
            received_asset,
            now_ms,
            is_buyer=order.side == "BUY",
            is_maker=maker,
            order_list_id=order.order_list_id,
        )
        self._next_trade_id += 1
        self.trades.append(trade)
        order.fills.append(trade)
        order.executed_qty, order.cumulative_quote_qty = order.orig_qty, order.orig_qty * price
        order.status, order.update_time = "FILLED", now_ms
