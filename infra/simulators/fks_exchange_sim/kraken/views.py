"""Orders, trades and balances in Kraken's JSON shapes (``QueryOrders``, ``TradesHistory``, ``BalanceEx``)."""

from __future__ import annotations

from decimal import Decimal

from fks_exchange_sim.kraken import names
from fks_exchange_sim.markets import SymbolSpec, fmt8
from fks_exchange_sim.matching import STOP_TYPES
from fks_exchange_sim.orders import Order, Trade

Json = dict[str, object]
# The shared engine's order types as Kraken names them.
ORDER_TYPES = {
    "MARKET": "market",
    "LIMIT": "limit",
    "LIMIT_MAKER": "limit",
    "STOP_LOSS": "stop-loss",
    "STOP_LOSS_LIMIT": "stop-loss-limit",
    "TAKE_PROFIT": "take-profit",
    "TAKE_PROFIT_LIMIT": "take-profit-limit",
}
STATUSES = {"NEW": "open", "PARTIALLY_FILLED": "open", "FILLED": "closed", "CANCELED": "canceled", "EXPIRED": "expired"}


def seconds(ms: int) -> float:
    """Kraken's timestamps: seconds as a JSON number with the fraction."""
    return ms / 1000


def price(spec: SymbolSpec, value: Decimal) -> str:
    return f"{value:.{spec.tick_decimals}f}"


def description(order: Order, spec: SymbolSpec) -> Json:
    kind = ORDER_TYPES[order.type]
    side, volume, pair = order.side.lower(), fmt8(order.orig_qty), names.pair_key(spec)
    if order.type in STOP_TYPES:
        primary, secondary = order.stop_price, order.price
        words = kind.removesuffix("-limit").replace("-", " ")
        text = f"{side} {volume} {pair} @ {words} {price(spec, primary)}"
        if secondary:
            text += f" -> limit {price(spec, secondary)}"
    elif order.type == "MARKET":
        primary, secondary, text = Decimal(0), Decimal(0), f"{side} {volume} {pair} @ market"
    else:
        primary, secondary = order.price, Decimal(0)
        text = f"{side} {volume} {pair} @ limit {price(spec, primary)}"
    return {
        "pair": pair,
        "type": side,
        "ordertype": kind,
        "price": price(spec, primary),
        "price2": price(spec, secondary),
        "leverage": "none",
        "order": text,
        "close": "",
    }


def _misc(order: Order) -> str:
    """Kraken's word for a trigger order whose price was reached: ``stopped`` or ``touched``."""
    if order.type not in STOP_TYPES or not order.is_working:
        return ""
    return "stopped" if order.type.startswith("STOP_LOSS") else "touched"


def order_view(order: Order, spec: SymbolSpec, *, client_id: str | None, userref: int, trades: bool) -> Json:
    fee = sum((t.commission for t in order.fills), Decimal(0))
    average = order.cumulative_quote_qty / order.executed_qty if order.executed_qty else Decimal(0)
    view: Json = {
        "refid": None,
        "userref": userref,
        "status": STATUSES[order.status],
        "opentm": seconds(order.time),
        "starttm": 0,
        "expiretm": 0,
        "descr": description(order, spec),
        "vol": fmt8(order.orig_qty),
        "vol_exec": fmt8(order.executed_qty),
        "cost": fmt8(order.cumulative_quote_qty),
        "fee": fmt8(fee),
        "price": price(spec, average),
        "stopprice": price(spec, order.stop_price),
        "limitprice": price(spec, order.price),
        "misc": _misc(order),
        # Fees in the quote currency ("fciq"), Kraken's default for spot.
        "oflags": "fciq,post" if order.type == "LIMIT_MAKER" else "fciq",
    }
    if client_id is not None:
        view["cl_ord_id"] = client_id
    if not order.is_open:
        view["closetm"] = seconds(order.update_time)
        view["reason"] = "User requested" if order.status == "CANCELED" else None
    if trades and order.fills:
        view["trades"] = [names.trade_txid(t.trade_id) for t in order.fills]
    return view


def trade_view(trade: Trade, order: Order, spec: SymbolSpec) -> Json:
    return {
        "ordertxid": names.order_txid(trade.order_id),
        "postxid": names.trade_txid(trade.trade_id).replace("T", "P", 1),
        "pair": names.pair_key(spec),
        "time": seconds(trade.time),
        "type": "buy" if trade.is_buyer else "sell",
        "ordertype": ORDER_TYPES[order.type],
        "price": price(spec, trade.price),
        "cost": fmt8(trade.quote_qty),
        "fee": fmt8(trade.commission),
        "vol": fmt8(trade.qty),
        "margin": "0.00000000",
        "leverage": "0",
        "misc": "",
        "trade_id": trade.trade_id,
        "maker": trade.is_maker,
    }
