"""The bridge's reports in DynamoDB: NT8 orders and positions in the NinjaTrader tables (their own,
never the Rust engine's: an NT8 order id cannot overwrite or squat an engine order, and IAM lets
each writer touch only its own tables), refusals in the signals table. Each report is one
transaction with its idempotency claim.

Orders are keyed by the bridge's ORDER ID and carry a ``report`` (the JSON
``GET /ninja/orders/{id}`` returns). Positions are keyed by (NT8 account, contract) with the
attributes the Rust engine writes for its own (``side``, signed ``quantity``, ``avg_entry_price``,
``realized_pnl``, ``fees``, ``version``, ``last_client_order_id``, ``updated_ms``), and NT8's own
view from its position files beside them (``reported_quantity``, ``reported_average_price``,
``reported_at_ms``) for reconciliation. Refusals sit at ``pk = SIGNAL#<id>``, ``sk = NINJA#REFUSAL``
beside the signal's history, without ``status``/``day`` so the history's indexes do not list them.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from fks.errors import Conflict, TemporaryError
from fks.ninja.booking import book_fill
from fks.ninja.contracts import contract_of
from fks.ninja.orders import VENUE, NinjaOrder
from fks.ninja.positions import FuturesPosition
from fks.ninja.reports import NinjaFillReport, NinjaOrderStateReport, NinjaPositionReport, NinjaRefusalReport
from fks_adapters.aws.lazy import aws_client
from fks_adapters.ninja.transactions import Contended, IdempotencyClaim, Transactions, Write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

log = logging.getLogger(__name__)

Outcome = Literal["recorded", "duplicate", "ignored"]  # ignored: new, but stale or already booked
REFUSAL_SK = "NINJA#REFUSAL"
_ATTEMPTS = 6
_BACKOFF_S = 0.01


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int | Decimal) -> dict[str, str]:
    return {"N": str(value)}


def _version_condition(version: int, when_new: str) -> tuple[str, dict[str, Any]]:
    """Optimistic lock: the item is still at the version read (``when_new`` when there was none)."""
    if version == 0:
        return when_new, {}
    return "version = :expected", {":expected": _n(version)}


class NinjaReportStore:
    def __init__(
        self,
        orders_table: str,
        positions_table: str,
        signals_table: str,
        idempotency_table: str,
        client: DynamoDBClient | None = None,
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.orders_table = orders_table
        self.positions_table = positions_table
        self.signals_table = signals_table
        self.client: DynamoDBClient = client or aws_client("dynamodb")
        self.transactions = Transactions(idempotency_table, self.client)
        self.clock_ms = clock_ms
        self.sleep = sleep

    # ------------------------------------------------------------------ reports
    def record_fill(self, fill: NinjaFillReport, claim: IdempotencyClaim | None) -> Outcome:
        def attempt(now_ms: int) -> tuple[list[Write], Outcome]:
            order, order_version = self._order(fill.order_id, fill.signal_id, now_ms)
            symbol = contract_of(fill.instrument)
            position, position_version = self._position(fill.account, symbol)
            booking = book_fill(order, position, fill, now_ms)
            if booking is None:
                return [], "ignored"
            if booking.missing_contracts:
                log.warning(
                    "fill of %s skips %d contracts never reported; the position may be short of them",
                    fill.order_id,
                    booking.missing_contracts,
                )
            return [
                self._order_put(booking.order, order_version),
                self._position_update(fill, booking.position, position_version, now_ms),
            ], "recorded"

        return self._run(attempt, claim)

    def record_order_state(self, change: NinjaOrderStateReport, claim: IdempotencyClaim | None) -> Outcome:
        def attempt(now_ms: int) -> tuple[list[Write], Outcome]:
            order, version = self._order(change.order_id, change.signal_id, now_ms)
            moved = order.with_state(change, now_ms)
            if moved is None:
                return [], "ignored"
            return [self._order_put(moved, version)], "recorded"

        return self._run(attempt, claim)

    def record_position(self, report: NinjaPositionReport, claim: IdempotencyClaim | None) -> Outcome:
        def attempt(now_ms: int) -> tuple[list[Write], Outcome]:
            zero = _n(Decimal(0))
            update = {
                "Update": {
                    "TableName": self.positions_table,
                    "Key": {"account": _s(report.account), "symbol": _s(contract_of(report.instrument))},
                    # Booked figures start flat when NT8 reports a position first (one opened by
                    # hand): reconciliation then sees quantity 0 against what NT8 holds.
                    "UpdateExpression": (
                        "SET reported_quantity = :rq, reported_average_price = :rp, reported_position = :rpos, "
                        "reported_instrument = :ri, reported_at_ms = :now, venue = :venue, "
                        "quantity = if_not_exists(quantity, :zero), "
                        "avg_entry_price = if_not_exists(avg_entry_price, :zero), "
                        "realized_pnl = if_not_exists(realized_pnl, :zero), fees = if_not_exists(fees, :zero), "
                        "side = if_not_exists(side, :flat)"
                    ),
                    "ExpressionAttributeValues": {
                        ":rq": _n(report.signed_quantity),
                        ":rp": _n(report.average_entry_price),
                        ":rpos": _s(report.position),
                        ":ri": _s(report.instrument),
                        ":now": _n(now_ms),
                        ":venue": _s(VENUE),
                        ":zero": zero,
                        ":flat": _s("flat"),
                    },
                }
            }
            return [Write(update)], "recorded"

        return self._run(attempt, claim)

    def record_refusal(self, refusal: NinjaRefusalReport, claim: IdempotencyClaim | None) -> Outcome:
        def attempt(now_ms: int) -> tuple[list[Write], Outcome]:
            item: dict[str, Any] = {
                "pk": _s(f"SIGNAL#{refusal.signal_id}"),
                "sk": _s(REFUSAL_SK),
                "signal_id": _s(refusal.signal_id),
                "kind": _s("ninja_refusal"),
                "reason": _s(refusal.reason),
                "refused_ms": _n(now_ms),
            }
            if refusal.rule is not None:
                item["rule"] = _s(refusal.rule)
            put = {
                "Put": {
                    "TableName": self.signals_table,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            # The first refusal of a signal stands; a later one for the same signal is the same event.
            return [Write(put, "duplicate")], "recorded"

        return self._run(attempt, claim)

    # ------------------------------------------------------------------ internals
    def _run(self, attempt: Callable[[int], tuple[list[Write], Outcome]], claim: IdempotencyClaim | None) -> Outcome:
        for tries in range(_ATTEMPTS):
            now_ms = self.clock_ms()
            writes, outcome = attempt(now_ms)
            try:
                committed = self.transactions.commit(writes, claim, now_ms)
            except Contended:
                # Another report moved the order or position first: read again after a jittered
                # pause, so writers that collided do not collide again in lockstep.
                self.sleep(random.uniform(0, _BACKOFF_S * 2**tries))  # noqa: S311 - jitter, not a secret
                continue
            return outcome if committed else "duplicate"
        raise TemporaryError(f"the order or position kept changing during {_ATTEMPTS} attempts; retry")

    def _get(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        item = self.client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        return dict(item) if item else None

    def _order(self, order_id: str, signal_id: str, now_ms: int) -> tuple[NinjaOrder, int]:
        item = self._get(self.orders_table, {"client_order_id": _s(order_id)})
        if item is None:
            return NinjaOrder(order_id, signal_id, created_ms=now_ms, ts_ms=now_ms), 0
        return _order_of(item, order_id), int(item.get("version", {}).get("N", "0"))

    def _position(self, account: str, symbol: str) -> tuple[FuturesPosition, int]:
        item = self._get(self.positions_table, {"account": _s(account), "symbol": _s(symbol)})
        if item is None:
            return FuturesPosition(), 0

        def number(name: str) -> Decimal:
            return Decimal(item.get(name, {}).get("N", "0"))

        position = FuturesPosition(
            int(number("quantity")), number("avg_entry_price"), number("realized_pnl"), number("fees")
        )
        return position, int(number("version"))

    def _order_put(self, order: NinjaOrder, version: int) -> Write:
        condition, values = _version_condition(version, "attribute_not_exists(client_order_id)")
        item: dict[str, Any] = {
            "client_order_id": _s(order.client_order_id),
            "venue": _s(VENUE),
            "signal_id": _s(order.signal_id),
            "status": _s(order.status),
            "filled_qty": _n(order.filled_qty),
            "fees": _n(0),
            "report": _s(json.dumps(order.report())),
            "created_ms": _n(order.created_ms),
            "updated_ms": _n(order.ts_ms),
            "version": _n(version + 1),
        }
        optional = {"account": order.account, "symbol": order.symbol, "side": order.side, "nt8_state": order.nt8_state}
        item.update({name: _s(value) for name, value in optional.items() if value is not None})
        if order.avg_fill_price is not None:
            item["avg_fill_price"] = _n(order.avg_fill_price)
        put: dict[str, Any] = {"TableName": self.orders_table, "Item": item, "ConditionExpression": condition}
        if values:
            put["ExpressionAttributeValues"] = values
        return Write({"Put": put})

    def _position_update(self, fill: NinjaFillReport, position: FuturesPosition, version: int, now_ms: int) -> Write:
        condition, values = _version_condition(
            version, "attribute_not_exists(version)"
        )  # NT8's report may have made it
        values.update(
            {
                ":side": _s(position.side),
                ":quantity": _n(position.quantity),
                ":average": _n(position.avg_entry_price),
                ":realized": _n(position.realized_pnl),
                ":fees": _n(position.fees),
                ":next": _n(version + 1),
                ":order": _s(fill.order_id),
                ":now": _n(now_ms),
                ":venue": _s(VENUE),
            }
        )
        update = {
            "TableName": self.positions_table,
            "Key": {"account": _s(fill.account), "symbol": _s(contract_of(fill.instrument))},
            # An update, not a put: NT8's reported_* figures on the same item must survive a fill.
            "UpdateExpression": (
                "SET side = :side, quantity = :quantity, avg_entry_price = :average, realized_pnl = :realized, "
                "fees = :fees, version = :next, last_client_order_id = :order, updated_ms = :now, venue = :venue"
            ),
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
        return Write({"Update": update})


def _order_of(item: dict[str, Any], order_id: str) -> NinjaOrder:
    if item.get("venue", {}).get("S") != VENUE or "report" not in item:
        raise Conflict(f"order {order_id} exists and is not a NinjaTrader order")
    order: NinjaOrder = NinjaOrder.from_report(json.loads(item["report"]["S"]))
    return order
