"""Orders and trades, and the JSON shapes Binance gives them in each response."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from fks_exchange_sim.markets import fmt8

OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})
ZERO = Decimal(0)
Json = dict[str, object]


@dataclass(frozen=True)
class Trade:
    trade_id: int
    order_id: int
    symbol: str
    price: Decimal
    qty: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    is_buyer: bool
    is_maker: bool
    order_list_id: int = -1

    @property
    def quote_qty(self) -> Decimal:
        return self.price * self.qty


@dataclass
class Order:
    order_id: int
    symbol: str
    client_order_id: str
    side: str
    type: str
    time_in_force: str
    price: Decimal
    stop_price: Decimal
    orig_qty: Decimal
    orig_quote_qty: Decimal
    time: int
    # Minute index up to which the price has been checked against this order.
    checked_minute: int
    # -1 while a stop order waits for its trigger, as Binance reports ``workingTime``.
    working_time: int
    status: str = "NEW"
    executed_qty: Decimal = ZERO
    cumulative_quote_qty: Decimal = ZERO
    update_time: int = 0
    locked: Decimal = ZERO
    fills: list[Trade] = field(default_factory=list)
    # The OCO this order is a leg of, -1 for a standalone order (Binance's value).
    order_list_id: int = -1

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_working(self) -> bool:
        return self.working_time >= 0


def _core(order: Order) -> Json:
    return {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": order.order_list_id,
        "clientOrderId": order.client_order_id,
    }


def _state(order: Order) -> Json:
    state: Json = {
        "price": fmt8(order.price),
        "origQty": fmt8(order.orig_qty),
        "executedQty": fmt8(order.executed_qty),
        "origQuoteOrderQty": fmt8(order.orig_quote_qty),
        "cummulativeQuoteQty": fmt8(order.cumulative_quote_qty),
        "status": order.status,
        "timeInForce": order.time_in_force,
        "type": order.type,
        "side": order.side,
    }
    if order.stop_price:
        state["stopPrice"] = fmt8(order.stop_price)
    return state


def new_order_view(order: Order, resp_type: str) -> Json:
    """``POST /api/v3/order`` in ACK, RESULT or FULL shape."""
    view = {**_core(order), "transactTime": order.time}
    if resp_type == "ACK":
        return view
    view.update(_state(order))
    view.update({"workingTime": order.working_time, "selfTradePreventionMode": "NONE"})
    if resp_type == "FULL":
        view["fills"] = [
            {
                "price": fmt8(t.price),
                "qty": fmt8(t.qty),
                "commission": fmt8(t.commission),
                "commissionAsset": t.commission_asset,
                "tradeId": t.trade_id,
            }
            for t in order.fills
        ]
    return view


def query_view(order: Order) -> Json:
    """``GET /api/v3/order``, ``openOrders`` and ``allOrders`` entries."""
    view = {**_core(order), **_state(order)}
    view.update(
        {
            "stopPrice": fmt8(order.stop_price),
            "icebergQty": fmt8(ZERO),
            "time": order.time,
            "updateTime": order.update_time,
            "isWorking": order.is_working,
            "workingTime": order.working_time,
            "selfTradePreventionMode": "NONE",
        }
    )
    return view


def cancel_view(order: Order, cancel_client_id: str, now_ms: int) -> Json:
    view: Json = {
        "symbol": order.symbol,
        "origClientOrderId": order.client_order_id,
        "orderId": order.order_id,
        "orderListId": order.order_list_id,
        "clientOrderId": cancel_client_id,
        "transactTime": now_ms,
    }
    view.update(_state(order))
    view["selfTradePreventionMode"] = "NONE"
    return view


def trade_view(trade: Trade) -> Json:
    return {
        "symbol": trade.symbol,
        "id": trade.trade_id,
        "orderId": trade.order_id,
        "orderListId": trade.order_list_id,
        "price": fmt8(trade.price),
        "qty": fmt8(trade.qty),
        "quoteQty": fmt8(trade.quote_qty),
        "commission": fmt8(trade.commission),
        "commissionAsset": trade.commission_asset,
        "time": trade.time,
        "isBuyer": trade.is_buyer,
        "isMaker": trade.is_maker,
        "isBestMatch": True,
    }
