"""Pipeline state after execute_order: the execution report goes into the signal's history."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.observability import SIGNAL, metrics, observed
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.task_inputs import RecordFillInput, parse_task_input
from fks_adapters.pipeline import wiring

logger = Logger()


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(RecordFillInput, event, "RecordFill")
    signal_id, report = task.signal_id, task.report
    filled = Decimal(str(report.get("filled_qty") or "0"))
    status = SignalStatus.FILLED if filled > 0 else SignalStatus.PLACED
    wiring.signal_history().record(
        signal_id, status, int(time.time() * 1000), report=report, client_order_id=report.get("client_order_id")
    )
    metrics.add_metric(name="OrdersFilled" if filled > 0 else "OrdersResting", unit=MetricUnit.Count, value=1)
    logger.info("execution recorded", extra={"status": report.get("status"), "filled_qty": str(filled)})
    return {"status": status.value, "order_status": report.get("status"), "filled_qty": str(filled)}
