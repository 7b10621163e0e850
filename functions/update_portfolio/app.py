"""Pipeline state: book the order's fills into the portfolio (cash, the strategy's book) and
take an equity snapshot. Booking is idempotent per trade, and an order is never booked beyond
its filled quantity, so a retried state, or an order sync that learned the same fills, counts
nothing twice."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.observability import SIGNAL, observed
from fks.pipeline.task_inputs import UpdatePortfolioInput, parse_task_input
from fks.pipeline.task_outputs import PortfolioUpdated
from fks_adapters.pipeline import wiring
from fks_app.booking import FillOwner, book_report
from fks_app.valuation import PortfolioValuer

logger = Logger()


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(UpdatePortfolioInput, event, "UpdatePortfolio")
    signal, report = task.signal, task.report
    store = wiring.portfolio_store()
    account = report.account
    booked = book_report(store, account, report, FillOwner(signal.strategy_id, signal.exchange))
    now_ms = int(time.time() * 1000)
    valuation = PortfolioValuer(store, wiring.execution_tables()).value(account, signal.exchange, now_ms)
    store.snapshot(account, now_ms, valuation.snapshot())
    logger.info("portfolio updated", extra={"fills_booked": booked, "equity": str(valuation.equity)})
    return PortfolioUpdated(
        account=account, fills_booked=booked, equity=valuation.equity, cash=valuation.cash
    ).state_result()
