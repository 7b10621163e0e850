"""OCO order lists: their legs, the rules the legs' prices must follow, and Binance's JSON shapes.

A leg that triggers (a stop) or fills (a limit maker) expires its sibling at once, as on Binance;
cancelling either leg cancels the whole list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fks_exchange_sim import errors
from fks_exchange_sim.order_params import NewOrder
from fks_exchange_sim.orders import Json, Order

STOP_LOSS_TYPES = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT"})
# The other leg: a resting limit or a take-profit (Binance's "contingent" legs are the stops).
PROFIT_TYPES = frozenset({"LIMIT_MAKER", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"})
LEG_TYPES = STOP_LOSS_TYPES | PROFIT_TYPES


@dataclass
class OrderList:
    order_list_id: int
    symbol: str
    list_client_order_id: str
    transaction_time: int
    # Stop-loss leg first, as Binance numbers them.
    orders: list[Order]

    @property
    def is_open(self) -> bool:
        return any(order.is_open for order in self.orders)


@dataclass(frozen=True)
class NewOco:
    """Both legs of an OCO, above and below the market, with the same side and quantity."""

    above: NewOrder
    below: NewOrder
    list_client_order_id: str | None
    resp_type: str

    @property
    def legs_stop_first(self) -> tuple[NewOrder, NewOrder]:
        if self.above.type in STOP_LOSS_TYPES:
            return self.above, self.below
        return self.below, self.above


def check_leg_types(oco: NewOco) -> None:
    """Binance's -1158/-1168 for the legs' types and -1196/-1197 for a stop on the wrong side."""
    above, below = oco.above.type, oco.below.type
    if above not in LEG_TYPES or below not in LEG_TYPES or (above in STOP_LOSS_TYPES and below in STOP_LOSS_TYPES):
        raise errors.oco_order_type_rejected()
    if above in PROFIT_TYPES and below in PROFIT_TYPES:
        raise errors.oco_leg_misplaced(-1168)
    buy = oco.above.side == "BUY"
    # A sell OCO protects a long: the stop sits below the market, the profit leg above; a buy
    # mirrors it. With one leg of each kind, a stop on the wrong side puts both there.
    if (below if buy else above) in STOP_LOSS_TYPES:
        raise errors.oco_leg_misplaced(-1196 if buy else -1197)


def level(leg: NewOrder) -> int:
    """The price (in ticks) at which a leg acts: its limit for a limit maker, else its stop."""
    value = leg.price if leg.type == "LIMIT_MAKER" else leg.stop_price
    assert value is not None  # the parsers require it per type
    return int(value / leg.spec.tick)


def check_prices(oco: NewOco, last_ticks: int) -> None:
    """Above leg > last traded price > below leg, else Binance's -2010 relationship error."""
    if not level(oco.above) > last_ticks > level(oco.below):
        raise errors.oco_prices_wrong()


def list_view(order_list: OrderList, reports: Sequence[Json] | None = None) -> Json:
    done = not order_list.is_open
    view: Json = {
        "orderListId": order_list.order_list_id,
        "contingencyType": "OCO",
        "listStatusType": "ALL_DONE" if done else "EXEC_STARTED",
        "listOrderStatus": "ALL_DONE" if done else "EXECUTING",
        "listClientOrderId": order_list.list_client_order_id,
        "transactionTime": order_list.transaction_time,
        "symbol": order_list.symbol,
        "orders": [
            {"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.client_order_id} for o in order_list.orders
        ],
    }
    if reports is not None:
        view["orderReports"] = list(reports)
    return view
