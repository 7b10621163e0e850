"""On its schedule: the order sync of the trading account (``fks_adapters.execution.order_sync``).
Late fills reach the order, the position and the portfolio; canceled, expired and stuck orders
are settled; a trade the platform never placed halts the account. A venue that cannot be reached
changes nothing: the miss is counted (``OrderSyncMisses``, and the misses in a row that
``OrderSyncUnreachableAlarm`` watches) and the next run tries again."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.invocations import ScheduledRun, parse_event
from fks.observability import observed
from fks_adapters.execution.order_sync import report_outcome
from fks_adapters.pipeline import wiring

logger = Logger()


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    parse_event(ScheduledRun, event, "SyncOrders")  # a schedule run, or {}: no options
    outcome = wiring.order_sync().run(wiring.trading_account())
    report_outcome(outcome, logger)
    return outcome.as_dict()
