"""What orders do to the account: funds reserved while they rest, and trades when they fill.

Liquidity is unlimited at the quoted price, so an order fills completely in one trade. Commission
is charged on what the order receives, as Binance does when fees are not paid in BNB, or in the
quote currency on top of a buy's cost and out of a sell's proceeds, as Kraken and Coinbase do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fks_exchange_sim.account import Account
from fks_exchange_sim.markets import SymbolSpec
from fks_exchange_sim.orders import Order, Trade

_EIGHT_DECIMALS = Decimal("1e-8")


@dataclass(frozen=True)
class Fees:
    """A venue's commission: rates for takers and makers, and the asset it is charged in."""

    taker: Decimal
    maker: Decimal
    # False: in the asset the order receives (Binance); True: in the quote currency (Kraken, Coinbase).
    in_quote: bool = False

    def of(self, notional: Decimal, *, maker: bool) -> Decimal:
        rate = self.maker if maker else self.taker
        return (notional * rate).quantize(_EIGHT_DECIMALS, rounding=ROUND_HALF_UP)


class Ledger:
    """Balances moved by orders and the trades they made. Callers hold the engine's lock."""

    def __init__(self, specs: Mapping[str, SymbolSpec], account: Account, fees: Fees) -> None:
        self.specs = specs
        self.account = account
        self.fees = fees
        self.trades: list[Trade] = []
        self._next_trade_id = 1

    def spend(self, order: Order, price: Decimal) -> tuple[str, Decimal]:
        """The asset and amount ``order`` gives up when it trades at ``price`` (as a taker, at most)."""
        spec = self.specs[order.symbol]
        if order.side == "BUY":
            cost = order.orig_qty * price
            if self.fees.in_quote:
                cost += self.fees.of(cost, maker=False)
            return spec.quote, cost
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
        qty, notional = order.orig_qty, order.orig_qty * price
        # A buy pays its fee in the base it receives, unless the venue charges the quote; a sell
        # always pays from the quote it receives.
        fee_in_base = order.side == "BUY" and not self.fees.in_quote
        fee_asset = spec.base if fee_in_base else spec.quote
        fee = self.fees.of(qty if fee_in_base else notional, maker=maker)
        if order.side == "BUY":
            self.account.spend_free(spec.quote, notional if fee_in_base else notional + fee)
            self.account.credit(spec.base, qty - fee if fee_in_base else qty)
        else:
            self.account.spend_free(spec.base, qty)
            self.account.credit(spec.quote, notional - fee)
        trade = Trade(
            self._next_trade_id,
            order.order_id,
            order.symbol,
            price,
            order.orig_qty,
            fee,
            fee_asset,
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
