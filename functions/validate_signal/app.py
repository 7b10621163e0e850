"""First state of the signal pipeline: the signal must match its contract before anything acts on it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.signals import parse_signal

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The whole execution input arrives here; an InvalidSignal raised by parse_signal surfaces
    # to Step Functions as the error name the ASL catches and records.
    logger.set_correlation_id(str(event.get("signal_id", "")) or None)
    signal = parse_signal(event)
    logger.info("signal valid", extra={"symbol": signal.symbol, "side": signal.side})
    return {"valid": True, "signal": signal.model_dump(mode="json")}
