"""Pipeline state after execute_order: the execution report goes into the signal's record, the
order's fills into the portfolio (cash, the strategy's book), and the account's equity into a
snapshot (``fks_app.signal_execution``). Booking is idempotent per trade, and an order is never
booked beyond its filled quantity, so a retried state, or an order sync that learned the same
fills, counts nothing twice."""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import ExecutionTablesSettings, PortfolioSettings, variable
from fks.market_data.series import CandleSeriesReader
from fks.observability import SIGNAL, metrics, observed
from fks.pipeline.task_inputs import UpdatePortfolioInput, parse_task_input
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.market_data.candle_reader import candle_store
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.signal_execution import book_signal_execution

logger = Logger()


class Settings(ExecutionTablesSettings, PortfolioSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)
    data_bucket: str = variable(env.DATA_BUCKET)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


@cache
def _tables() -> ExecutionTables:
    return ExecutionTables(SETTINGS.orders_table, SETTINGS.positions_table, SETTINGS.risk_state_table)


@cache
def _portfolio() -> PortfolioStore:
    return PortfolioStore(SETTINGS.portfolio_table, SETTINGS.initial_capital)


@cache
def _candles() -> CandleSeriesReader:
    return CandleSeriesReader(candle_store(SETTINGS.data_bucket))


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(UpdatePortfolioInput, event, "UpdatePortfolio")
    updated = book_signal_execution(
        _history(),
        _portfolio(),
        _tables(),
        CandlePrices(_candles()),
        task.signal_id,
        task.signal,
        task.report,
        int(time.time() * 1000),
    )
    filled = updated.filled_qty > 0
    metrics.add_metric(name="OrdersFilled" if filled else "OrdersResting", unit=MetricUnit.Count, value=1)
    logger.info(
        "execution booked",
        extra={"status": updated.order_status, "fills_booked": updated.fills_booked, "equity": str(updated.equity)},
    )
    return updated.state_result()
