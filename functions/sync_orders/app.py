"""On its schedule: the order sync of the trading account (``fks_app.order_sync``),
then of every other enabled account of the accounts table, each on its venue.
Late fills reach the order, the position and the portfolio; canceled, expired and stuck orders
are settled; a trade the platform never placed halts the account. A venue that cannot be reached
changes nothing: the miss is counted (``OrderSyncMisses``, and the misses in a row that
``OrderSyncUnreachableAlarm`` watches) and the next run tries again."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.errors import FksError
from fks.function_settings import OrderSyncSettings
from fks.invocations import ScheduledRun, parse_event
from fks.observability import observed
from fks_app.order_sync import OrderSyncParts, report_outcome

logger = Logger()
SETTINGS = OrderSyncSettings.from_environ()  # cold start: a missing variable fails here, naming it
PARTS = OrderSyncParts(SETTINGS)  # its adapters, built on first use, kept for the container


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    parse_event(ScheduledRun, event, "SyncOrders")  # a schedule run, or {}: no options
    sync = PARTS.order_sync()
    default, *others = PARTS.routing.accounts_to_sync()
    outcome = sync.run(*default)
    report_outcome(outcome, logger, PARTS.notifiers)
    answer = outcome.as_dict()
    # The accounts table's other accounts, each on its venue; one failing does not stop the rest.
    answer["accounts"], answer["failed"] = [], []
    for account, venue in others:
        try:
            other = sync.run(account, venue)
        except FksError as error:
            logger.exception("order sync failed", extra={"account": account, "venue": venue})
            answer["failed"].append({"account": account, "error": type(error).__name__, "message": error.message})
            continue
        report_outcome(other, logger, PARTS.notifiers)
        answer["accounts"].append(other.as_dict())
    return answer
