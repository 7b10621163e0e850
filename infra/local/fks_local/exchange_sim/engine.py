"""The matching engine: validates, fills or rests orders against the sample price, moves balances.

Liquidity is unlimited at the quoted price, so an order fills completely or not at all. Resting
orders are matched lazily: every request first sweeps them against the minutes that have passed
since they were last checked. Commission is charged on what the order receives, as Binance does
when fees are not paid in BNB.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from fks_local.exchange_sim import errors, matching
from fks_local.exchange_sim.account import Account
from fks_local.exchange_sim.candles import CandleSource, minute_index
from fks_local.exchange_sim.intervals import MINUTE_MS
from fks_local.exchange_sim.markets import SymbolSpec, check_notional, check_price, check_quantity
from fks_local.exchange_sim.order_params import NewOrder
from fks_local.exchange_sim.orders import Order, Trade
from fks_local.exchange_sim.series import EPOCH_MS

_EIGHT_DECIMALS = Decimal("1e-8")


class Engine:
    """Orders, trades and the account behind them; every public method takes the engine's lock."""

    def __init__(
        self,
        specs: Sequence[SymbolSpec],
        candles: CandleSource,
        account: Account,
        *,
        fee_rate: Decimal,
        spread_bps: int,
    ) -> None:
        self.specs = {spec.symbol: spec for spec in specs}
        self.account = account
        self.fee_rate = fee_rate
        self.lock = threading.RLock()
        self._candles = candles
        self._spread_bps = spread_bps
        self._orders: dict[int, Order] = {}
        self._trades: list[Trade] = []
        self._next_order_id = 1
        self._next_trade_id = 1

    def book(self, symbol: str, now_ms: int) -> matching.Quote:
        return matching.quote(self._candles.close_ticks(symbol, now_ms), self._spread_bps)

    def place(self, request: NewOrder, now_ms: int, *, test: bool = False) -> Order | None:
        """Accept ``request`` (``None`` for ``order/test``) or raise the Binance rejection."""
        with self.lock:
            self.sweep(now_ms)
            book = self.book(request.spec.symbol, now_ms)
            qty = self._quantity(request, book)
            self._check_filters(request, qty, book)
            if test:
                return None
            if request.client_order_id and any(
                o.is_open and o.client_order_id == request.client_order_id for o in self._orders.values()
            ):
                raise errors.duplicate_order()
            order = self._execute(self._new_order(request, qty, now_ms), book, now_ms)
            self._orders[order.order_id] = order
            self._next_order_id += 1
            return order

    def cancel(self, symbol: str, order_id: int | None, client_id: str | None, now_ms: int) -> Order:
        with self.lock:
            self.sweep(now_ms)
            order = self._lookup(symbol, order_id, client_id)
            if order is None or not order.is_open:
                raise errors.unknown_order()
            self._release(order)
            order.status, order.update_time = "CANCELED", now_ms
            return order

    def find(self, symbol: str, order_id: int | None, client_id: str | None, now_ms: int) -> Order:
        with self.lock:
            self.sweep(now_ms)
            order = self._lookup(symbol, order_id, client_id)
            if order is None:
                raise errors.order_does_not_exist()
            return order

    def orders(self, symbol: str | None, now_ms: int, *, open_only: bool) -> list[Order]:
        with self.lock:
            self.sweep(now_ms)
            return [
                o
                for o in self._orders.values()
                if (symbol is None or o.symbol == symbol) and (o.is_open or not open_only)
            ]

    def trades(self, symbol: str, now_ms: int) -> list[Trade]:
        with self.lock:
            self.sweep(now_ms)
            return [t for t in self._trades if t.symbol == symbol]

    def sweep(self, now_ms: int) -> None:
        """Trigger and fill resting orders the price has reached since they were last checked."""
        with self.lock:
            minute = minute_index(now_ms)
            if minute < 0:  # a test clock before the sample epoch: no candles to match against
                return
            for order in [o for o in self._orders.values() if o.is_open and o.checked_minute < minute]:
                self._sweep_order(order, minute, now_ms)

    def _sweep_order(self, order: Order, minute: int, now_ms: int) -> None:
        spec = self.specs[order.symbol]
        first = max(order.checked_minute + 1, 0)
        bars = self._candles.series(order.symbol).minutes(first, minute + 1)
        stop = self._ticks(spec, order.stop_price) if not order.is_working else None
        crossing = matching.cross(order.side, order.type, self._ticks(spec, order.price), stop, bars.low, bars.high)
        order.checked_minute = minute
        if crossing.triggered_at is not None:
            order.working_time = order.update_time = self._minute_start(first + crossing.triggered_at)
        if crossing.filled_at is not None and crossing.fill_price is not None:
            fill_time = min(max(order.time, self._minute_start(first + crossing.filled_at)), now_ms)
            self._fill(order, spec.price_of_ticks(crossing.fill_price), fill_time, maker=crossing.maker)

    def _execute(self, order: Order, book: matching.Quote, now_ms: int) -> Order:
        spec = self.specs[order.symbol]
        taker_ticks = book.ask if order.side == "BUY" else book.bid
        if order.type == "MARKET":
            self._require(order, spec.price_of_ticks(taker_ticks))
            self._fill(order, spec.price_of_ticks(taker_ticks), now_ms, maker=False)
        elif order.type in matching.STOP_TYPES:
            last = self._candles.close_ticks(order.symbol, now_ms)
            if matching.triggers_now(order.side, order.type, self._ticks(spec, order.stop_price), last):
                raise errors.order_rejected("Order would trigger immediately.")
            self._reserve(order)
            order.working_time = -1
        elif matching.marketable(order.side, self._ticks(spec, order.price), book):
            if order.type == "LIMIT_MAKER":
                raise errors.order_rejected("Order would immediately match and take.")
            self._require(order, order.price)
            self._fill(order, spec.price_of_ticks(taker_ticks), now_ms, maker=False)
        elif order.time_in_force in ("IOC", "FOK"):
            self._require(order, order.price)
            order.status = "EXPIRED"
        else:
            self._reserve(order)
        return order

    def _new_order(self, request: NewOrder, qty: Decimal, now_ms: int) -> Order:
        return Order(
            order_id=self._next_order_id,
            symbol=request.spec.symbol,
            client_order_id=request.client_order_id or secrets.token_urlsafe(16)[:22],
            side=request.side,
            type=request.type,
            time_in_force=request.time_in_force,
            price=request.price or Decimal(0),
            stop_price=request.stop_price or Decimal(0),
            orig_qty=qty,
            orig_quote_qty=request.quote_qty or Decimal(0),
            time=now_ms,
            checked_minute=minute_index(now_ms),
            working_time=now_ms,
            update_time=now_ms,
        )

    def _quantity(self, request: NewOrder, book: matching.Quote) -> Decimal:
        if request.quantity is not None:
            return request.quantity
        assert request.quote_qty is not None  # order_params guarantees one of the two
        price = request.spec.price_of_ticks(book.ask if request.side == "BUY" else book.bid)
        return request.spec.floor_to_step(request.quote_qty / price)

    def _check_filters(self, request: NewOrder, qty: Decimal, book: matching.Quote) -> None:
        spec, market = request.spec, request.type == "MARKET"
        for price in (request.price, request.stop_price):
            if price is not None:
                check_price(spec, price)
        check_quantity(spec, qty, market=market)
        reference = request.price if request.price is not None else spec.price_of_ticks((book.bid + book.ask) // 2)
        check_notional(spec, qty * reference, market=market)
        resting = sum(1 for o in self._orders.values() if o.is_open and o.symbol == spec.symbol)
        if not market and resting >= spec.max_num_orders:
            raise errors.filter_failure("MAX_NUM_ORDERS")

    def _spend(self, order: Order, price: Decimal) -> tuple[str, Decimal]:
        spec = self.specs[order.symbol]
        if order.side == "BUY":
            return spec.quote, order.orig_qty * price
        return spec.base, order.orig_qty

    def _require(self, order: Order, price: Decimal) -> None:
        self.account.require_free(*self._spend(order, price))

    def _reserve(self, order: Order) -> None:
        asset, amount = self._spend(order, order.price)
        self.account.lock(asset, amount)
        order.locked = amount

    def _release(self, order: Order) -> None:
        if order.locked:
            self.account.unlock(self._spend(order, order.price)[0], order.locked)
            order.locked = Decimal(0)

    def _fill(self, order: Order, price: Decimal, now_ms: int, *, maker: bool) -> None:
        spec = self.specs[order.symbol]
        self._release(order)
        spent_asset, spent = self._spend(order, price)
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
        )
        self._next_trade_id += 1
        self._trades.append(trade)
        order.fills.append(trade)
        order.executed_qty, order.cumulative_quote_qty = order.orig_qty, order.orig_qty * price
        order.status, order.update_time = "FILLED", now_ms

    def _lookup(self, symbol: str, order_id: int | None, client_id: str | None) -> Order | None:
        if order_id is not None:
            order = self._orders.get(order_id)
            return order if order is not None and order.symbol == symbol else None
        matches = [o for o in self._orders.values() if o.symbol == symbol and o.client_order_id == client_id]
        return matches[-1] if matches else None

    @staticmethod
    def _ticks(spec: SymbolSpec, price: Decimal) -> int:
        return int(price / spec.tick)

    @staticmethod
    def _minute_start(minute: int) -> int:
        return EPOCH_MS + minute * MINUTE_MS
