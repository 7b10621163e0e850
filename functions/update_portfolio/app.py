"""Pipeline state after execute_order: the execution report goes into the signal's record, the
order's fills into the portfolio (cash, the strategy's book), and the account's equity into a
snapshot (``fks_app.signal_execution``). Booking is idempotent per trade, and an order is never
booked beyond its filled quantity, so a retried state, or an order sync that learned the same
fills, counts nothing twice."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.observability import SIGNAL, metrics, observed
from fks.pipeline.task_inputs import UpdatePortfolioInput, parse_task_input
from fks_adapters.pipeline import wiring
from fks_app.signal_execution import book_signal_execution

logger = Logger()


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(UpdatePortfolioInput, event, "UpdatePortfolio")
    updated = book_signal_execution(
        wiring.signal_history(),
        wiring.portfolio_store(),
        wiring.execution_tables(),
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
