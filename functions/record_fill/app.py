"""Pipeline state after execute_order: the execution report goes into the signal's history."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.observability import SIGNAL, metrics, observed
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.task_inputs import RecordFillInput, parse_task_input
from fks.pipeline.task_outputs import FillRecorded
from fks_adapters.pipeline import wiring

logger = Logger()


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(RecordFillInput, event, "RecordFill")
    signal_id, report = task.signal_id, task.report
    filled = report.filled_qty
    status = SignalStatus.FILLED if filled > 0 else SignalStatus.PLACED
    wiring.signal_history().record(
        signal_id,
        status,
        int(time.time() * 1000),
        report=report.model_dump(mode="json"),
        client_order_id=report.client_order_id,
    )
    metrics.add_metric(name="OrdersFilled" if filled > 0 else "OrdersResting", unit=MetricUnit.Count, value=1)
    logger.info("execution recorded", extra={"status": report.status, "filled_qty": str(filled)})
    return FillRecorded(status=status, order_status=report.status, filled_qty=filled).state_result()
