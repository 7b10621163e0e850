"""On its schedule: an equity snapshot of the trading account, so the equity curve moves with
prices between fills (the pipeline snapshots after each fill too)."""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.accounts import engine_account
from fks.function_settings import ExecutionTablesSettings, PortfolioSettings, TradingAccountSettings, variable
from fks.invocations import SnapshotRun, parse_event
from fks.market_data.series import CandleSeriesReader
from fks.observability import metrics, observed
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.market_data.candle_reader import candle_store
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.valuation import PortfolioValuer

logger = Logger()


class Settings(TradingAccountSettings, ExecutionTablesSettings, PortfolioSettings):
    data_bucket: str = variable(env.DATA_BUCKET)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _tables() -> ExecutionTables:
    return ExecutionTables(SETTINGS.orders_table, SETTINGS.positions_table, SETTINGS.risk_state_table)


@cache
def _portfolio() -> PortfolioStore:
    return PortfolioStore(SETTINGS.portfolio_table, SETTINGS.initial_capital)


@cache
def _candles() -> CandleSeriesReader:
    return CandleSeriesReader(candle_store(SETTINGS.data_bucket))


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = parse_event(SnapshotRun, event, "SnapshotPortfolio")
    account, exchange = engine_account(run.trading_account, SETTINGS.trading_account), run.exchange
    now_ms = int(time.time() * 1000)
    store = _portfolio()
    valuation = PortfolioValuer(store, _tables(), CandlePrices(_candles())).value(account, exchange, now_ms)
    values = valuation.snapshot()
    store.snapshot(account, now_ms, values)
    metrics.add_metric(name="PortfolioEquity", unit=MetricUnit.Count, value=float(values["equity"]))
    logger.info("equity snapshot", extra={"account": account, "equity": str(values["equity"])})
    return {"account": account, "time_ms": now_ms, **{name: str(value) for name, value in values.items()}}
