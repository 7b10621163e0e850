"""The matching engine: validates, fills or rests orders against the sample price.

Resting orders are matched lazily (resting.py): every request first sweeps them against the
minutes that have passed since they were last checked.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from decimal import Decimal

from fks_exchange_sim import errors, matching, order_lists
from fks_exchange_sim.account import Account
from fks_exchange_sim.candles import CandleSource, minute_index
from fks_exchange_sim.ledger import Fees, Ledger
from fks_exchange_sim.markets import SymbolSpec, check_notional, check_price, check_quantity
from fks_exchange_sim.order_lists import NewOco, OrderList
from fks_exchange_sim.order_params import NewOrder
from fks_exchange_sim.orders import Order, Trade
from fks_exchange_sim.resting import RestingOrders

CANCEL_RESTRICTIONS = {"ONLY_NEW": "NEW", "ONLY_PARTIALLY_FILLED": "PARTIALLY_FILLED"}


def new_client_id() -> str:
    return secrets.token_urlsafe(16)[:22]


class Engine:
    """Orders, order lists and the account behind them; every public method takes the engine's lock."""

    def __init__(
        self,
        specs: Sequence[SymbolSpec],
        candles: CandleSource,
        account: Account,
        *,
        fee_rate: Decimal,
        spread_bps: int,
        fees: Fees | None = None,
        holds_untriggered: bool = True,
    ) -> None:
        self.specs = {spec.symbol: spec for spec in specs}
        # Binance locks a stop's funds when it is placed; Kraken only once it triggers (its
        # trigger orders are not on the book until then), so two exits may cover the same coins.
        self.holds_untriggered = holds_untriggered
        self.account = account
        self.fees = fees or Fees(taker=fee_rate, maker=fee_rate)
        self.lock = threading.RLock()
        self.ledger = Ledger(self.specs, account, self.fees)
        self.resting = RestingOrders(self.specs, self.ledger, candles, hold_on_trigger=not holds_untriggered)
        self._candles = candles
        self._spread_bps = spread_bps
        self._orders: dict[int, Order] = {}
        self._lists: dict[int, OrderList] = {}
        self._next_order_id = 1
        self._next_list_id = 1

    def book(self, symbol: str, now_ms: int) -> matching.Quote:
        return matching.quote(self._candles.close_ticks(symbol, now_ms), self._spread_bps)

    def last_ticks(self, symbol: str, now_ms: int) -> int:
        return self._candles.close_ticks(symbol, now_ms)

    # ----- placing -----

    def place(self, request: NewOrder, now_ms: int, *, test: bool = False) -> Order | None:
        """Accept ``request`` (``None`` for ``order/test``) or raise the Binance rejection."""
        with self.lock:
            self.sweep(now_ms)
            book = self.book(request.spec.symbol, now_ms)
            qty = self._quantity(request, book)
            self._check_filters(request, qty, book, new_orders=1)
            if test:
                return None
            self._check_client_ids([request.client_order_id])
            order = self._execute(self._new_order(request, qty, now_ms), book, now_ms)
            self._orders[order.order_id] = order
            return order

    def place_oco(self, oco: NewOco, now_ms: int) -> OrderList:
        with self.lock:
            self.sweep(now_ms)
            order_lists.check_leg_types(oco)
            book = self.book(oco.above.spec.symbol, now_ms)
            for request in (oco.above, oco.below):
                self._check_filters(request, self._quantity(request, book), book, new_orders=2)
            order_lists.check_prices(oco, self.last_ticks(oco.above.spec.symbol, now_ms))
            self._check_client_ids([oco.above.client_order_id, oco.below.client_order_id])
            list_client_id = oco.list_client_order_id or new_client_id()
            if any(lst.is_open and lst.list_client_order_id == list_client_id for lst in self._lists.values()):
                raise errors.duplicate_order()
            legs = [self._new_order(r, self._quantity(r, book), now_ms) for r in oco.legs_stop_first]
            self._reserve_for_list(legs)
            order_list = OrderList(self._next_list_id, legs[0].symbol, list_client_id, now_ms, legs)
            self._next_list_id += 1
            for leg in legs:
                leg.order_list_id = order_list.order_list_id
                if leg.type in matching.STOP_TYPES:
                    leg.working_time = -1
                self._orders[leg.order_id] = leg
            self._lists[order_list.order_list_id] = order_list
            return order_list

    def _reserve_for_list(self, legs: list[Order]) -> None:
        # Binance locks the list's funds once: the same base for a sell, the dearer leg for a buy.
        needs = [self.ledger.spend(leg, self.ledger.reserve_price(leg))[1] for leg in legs]
        self.ledger.reserve(legs[0], max(needs))

    # ----- cancelling and reading -----

    def cancel(
        self, symbol: str, order_id: int | None, client_id: str | None, now_ms: int, restriction: str | None = None
    ) -> Order:
        """Cancel one order (and the rest of its OCO, as Binance does)."""
        with self.lock:
            self.sweep(now_ms)
            order = self._lookup(symbol, order_id, client_id)
            if order is None or not order.is_open:
                raise errors.unknown_order()
            if restriction is not None and order.status != CANCEL_RESTRICTIONS[restriction]:
                raise errors.cancel_restricted()
            siblings = self._lists[order.order_list_id].orders if order.order_list_id >= 0 else [order]
            for leg in siblings:
                self.resting.close(leg, "CANCELED", now_ms)
            return order

    def cancel_list(self, symbol: str, list_id: int | None, list_client_id: str | None, now_ms: int) -> OrderList:
        with self.lock:
            self.sweep(now_ms)
            order_list = self._lookup_list(list_id, list_client_id)
            if order_list is None or order_list.symbol != symbol or not order_list.is_open:
                raise errors.unknown_order()
            for leg in order_list.orders:
                self.resting.close(leg, "CANCELED", now_ms)
            return order_list

    def find(self, symbol: str, order_id: int | None, client_id: str | None, now_ms: int) -> Order:
        with self.lock:
            self.sweep(now_ms)
            order = self._lookup(symbol, order_id, client_id)
            if order is None:
                raise errors.order_does_not_exist()
            return order

    def find_list(self, list_id: int | None, list_client_id: str | None, now_ms: int) -> OrderList:
        with self.lock:
            self.sweep(now_ms)
            order_list = self._lookup_list(list_id, list_client_id)
            if order_list is None:
                raise errors.order_does_not_exist()
            return order_list

    def orders(self, symbol: str | None, now_ms: int, *, open_only: bool) -> list[Order]:
        with self.lock:
            self.sweep(now_ms)
            return [
                o
                for o in self._orders.values()
                if (symbol is None or o.symbol == symbol) and (o.is_open or not open_only)
            ]

    def order_lists(self, now_ms: int, *, open_only: bool) -> list[OrderList]:
        with self.lock:
            self.sweep(now_ms)
            return [lst for lst in self._lists.values() if lst.is_open or not open_only]

    def trades(self, symbol: str, now_ms: int) -> list[Trade]:
        with self.lock:
            self.sweep(now_ms)
            return [t for t in self.ledger.trades if t.symbol == symbol]

    # ----- the price moving -----

    def sweep(self, now_ms: int) -> None:
        """Trigger and fill resting orders the price has reached since they were last checked."""
        with self.lock:
            self.resting.sweep(self._orders.values(), now_ms)

    def set_price(self, symbol: str, price_ticks: int, now_ms: int) -> int:
        """Move ``symbol``'s price to ``price_ticks`` now; resting orders see the move. Returns the old price."""
        with self.lock:
            self.sweep(now_ms)
            old = self.last_ticks(symbol, now_ms)
            self._candles.set_close(symbol, now_ms, price_ticks)
            self.resting.price_moved(self._orders.values(), symbol, old, price_ticks, now_ms)
            return old

    # ----- internals -----

    def _execute(self, order: Order, book: matching.Quote, now_ms: int) -> Order:
        spec = self.specs[order.symbol]
        taker_ticks = book.ask if order.side == "BUY" else book.bid
        if order.type == "MARKET":
            self.ledger.require(order, spec.price_of_ticks(taker_ticks))
            self.ledger.fill(order, spec.price_of_ticks(taker_ticks), now_ms, maker=False)
        elif order.type in matching.STOP_TYPES:
            last = self.last_ticks(order.symbol, now_ms)
            if matching.triggers_now(order.side, order.type, self._ticks(spec, order.stop_price), last):
                raise errors.order_rejected("Order would trigger immediately.")
            if self.holds_untriggered:
                self.ledger.reserve(order)
            else:
                self.ledger.require(order, self.ledger.reserve_price(order))
            order.working_time = -1
        elif matching.marketable(order.side, self._ticks(spec, order.price), book):
            if order.type == "LIMIT_MAKER":
                raise errors.order_rejected("Order would immediately match and take.")
            self.ledger.require(order, order.price)
            self.ledger.fill(order, spec.price_of_ticks(taker_ticks), now_ms, maker=False)
        elif order.time_in_force in ("IOC", "FOK"):
            self.ledger.require(order, order.price)
            order.status = "EXPIRED"
        else:
            self.ledger.reserve(order)
        return order

    def _new_order(self, request: NewOrder, qty: Decimal, now_ms: int) -> Order:
        order = Order(
            order_id=self._next_order_id,
            symbol=request.spec.symbol,
            client_order_id=request.client_order_id or new_client_id(),
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
        self._next_order_id += 1
        return order

    def _check_client_ids(self, client_ids: list[str | None]) -> None:
        """A client order id may be reused only once no open order carries it (Binance's rule)."""
        wanted = {cid for cid in client_ids if cid}
        if len(wanted) < len([cid for cid in client_ids if cid]) or any(
            o.is_open and o.client_order_id in wanted for o in self._orders.values()
        ):
            raise errors.duplicate_order()

    def _quantity(self, request: NewOrder, book: matching.Quote) -> Decimal:
        if request.quantity is not None:
            return request.quantity
        assert request.quote_qty is not None  # order_params guarantees one of the two
        price = request.spec.price_of_ticks(book.ask if request.side == "BUY" else book.bid)
        if self.fees.in_quote and request.side == "BUY":
            # The amount to spend includes the commission charged on top of the cost.
            price *= 1 + self.fees.taker
        return request.spec.floor_to_step(request.quote_qty / price)

    def _check_filters(self, request: NewOrder, qty: Decimal, book: matching.Quote, *, new_orders: int) -> None:
        spec, market = request.spec, request.type == "MARKET"
        for price in (request.price, request.stop_price):
            if price is not None:
                check_price(spec, price)
        check_quantity(spec, qty, market=market)
        reference = request.price or request.stop_price or spec.price_of_ticks((book.bid + book.ask) // 2)
        check_notional(spec, qty * reference, market=market)
        resting = sum(1 for o in self._orders.values() if o.is_open and o.symbol == spec.symbol)
        if not market and resting + new_orders > spec.max_num_orders:
            raise errors.filter_failure("MAX_NUM_ORDERS")

    def _lookup(self, symbol: str, order_id: int | None, client_id: str | None) -> Order | None:
        if order_id is not None:
            # With both ids Binance finds the order by id, then requires the client id to match.
            order = self._orders.get(order_id)
            if order is None or order.symbol != symbol or client_id not in (None, order.client_order_id):
                return None
            return order
        matches = [o for o in self._orders.values() if o.symbol == symbol and o.client_order_id == client_id]
        return matches[-1] if matches else None

    def _lookup_list(self, list_id: int | None, list_client_id: str | None) -> OrderList | None:
        if list_id is not None:
            order_list = self._lists.get(list_id)
            if order_list is None or list_client_id not in (None, order_list.list_client_order_id):
                return None
            return order_list
        matches = [lst for lst in self._lists.values() if lst.list_client_order_id == list_client_id]
        return matches[-1] if matches else None

    @staticmethod
    def _ticks(spec: SymbolSpec, price: Decimal) -> int:
        return int(price / spec.tick)
