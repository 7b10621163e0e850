"""First state of the signal pipeline: the signal must match its contract before anything acts on it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.observability import SIGNAL, metrics, observed
from fks.signals import InvalidSignal, parse_signal

logger = Logger()


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The whole execution input arrives here; the signal id is the correlation id of every log
    # line along the signal's path. An InvalidSignal surfaces to Step Functions as the error
    # name the ASL catches and records.
    logger.set_correlation_id(str(event.get("signal_id", "")) or None)
    try:
        signal = parse_signal(event)
    except InvalidSignal:
        metrics.add_metric(name="SignalsRejected", unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name="SignalsValidated", unit=MetricUnit.Count, value=1)
    logger.info("signal valid", extra={"symbol": signal.symbol, "side": signal.side})
    return {"valid": True, "signal": signal.model_dump(mode="json")}
