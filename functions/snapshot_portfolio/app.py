"""On its schedule: an equity snapshot of the trading account, so the equity curve moves with
prices between fills (the pipeline snapshots after each fill too)."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.invocations import SnapshotRun, parse_event
from fks.observability import metrics, observed
from fks_adapters.pipeline import wiring
from fks_app.valuation import PortfolioValuer

logger = Logger()


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = parse_event(SnapshotRun, event, "SnapshotPortfolio")
    account, exchange = wiring.trading_account(run.trading_account), run.exchange
    now_ms = int(time.time() * 1000)
    store = wiring.portfolio_store()
    valuation = PortfolioValuer(store, wiring.execution_tables()).value(account, exchange, now_ms)
    values = valuation.snapshot()
    store.snapshot(account, now_ms, values)
    metrics.add_metric(name="PortfolioEquity", unit=MetricUnit.Count, value=float(values["equity"]))
    logger.info("equity snapshot", extra={"account": account, "equity": str(values["equity"])})
    return {"account": account, "time_ms": now_ms, **{name: str(value) for name, value in values.items()}}
