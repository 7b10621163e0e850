"""On its schedule: the order sync of the trading account (``fks_app.order_sync``),
then of every other enabled account of the accounts table, each on its venue.
Late fills reach the order, the position and the portfolio; canceled, expired and stuck orders
are settled; a trade the platform never placed halts the account. A venue that cannot be reached
changes nothing: the miss is counted (``OrderSyncMisses``, and the misses in a row that
``OrderSyncUnreachableAlarm`` watches) and the next run tries again."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.accounts import ENGINE_VENUE
from fks.errors import FksError
from fks.function_settings import (
    AccountsTableSettings,
    ExecutionTablesSettings,
    NoticeSettings,
    PortfolioSettings,
    TradingAccountSettings,
    variable,
)
from fks.invocations import ScheduledRun, parse_event
from fks.observability import observed
from fks_adapters.accounts.routing import AccountRouting
from fks_adapters.accounts.store import AccountStore
from fks_adapters.execution.invoker import ExecuteOrderInvoker
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.notices import Notifier, notifiers
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.order_sync import OrderSync, report_outcome

logger = Logger()


class Settings(
    TradingAccountSettings, ExecutionTablesSettings, PortfolioSettings, NoticeSettings, AccountsTableSettings
):
    signals_table: str = variable(env.SIGNALS_TABLE)
    execute_order_function: str = variable(env.EXECUTE_ORDER_FUNCTION)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _tables() -> ExecutionTables:
    return ExecutionTables(SETTINGS.orders_table, SETTINGS.positions_table, SETTINGS.risk_state_table)


@cache
def _portfolio() -> PortfolioStore:
    return PortfolioStore(SETTINGS.portfolio_table, SETTINGS.initial_capital)


@cache
def _engine() -> tuple[ExecuteOrderInvoker, SignalHistory]:
    return ExecuteOrderInvoker(SETTINGS.execute_order_function), SignalHistory(SETTINGS.signals_table)


def _order_sync() -> OrderSync:
    """The deployment's engine, tables, portfolio and signal history, on the engine's venue; one
    per run (it remembers each signal's owner for the run)."""
    invoker, history = _engine()
    return OrderSync(invoker, _tables(), _portfolio(), history, ENGINE_VENUE)


@cache
def _routing() -> AccountRouting:
    table = SETTINGS.accounts_table
    return AccountRouting(SETTINGS.trading_account, AccountStore(table) if table else None)


@cache
def _notifiers() -> list[Notifier]:
    return notifiers(SETTINGS.notify_topic_arn, SETTINGS.notify_webhook_url)


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    parse_event(ScheduledRun, event, "SyncOrders")  # a schedule run, or {}: no options
    sync = _order_sync()
    default, *others = _routing().accounts_to_sync()
    outcome = sync.run(*default)
    report_outcome(outcome, logger, _notifiers())
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
        report_outcome(other, logger, _notifiers())
        answer["accounts"].append(other.as_dict())
    return answer
