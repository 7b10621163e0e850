"""First state of the signal pipeline: the signal must match its contract before anything acts on it."""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import FunctionSettings, variable
from fks.observability import SIGNAL, metrics, observed
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.task_outputs import ValidationResult
from fks.signals import InvalidSignal, parse_signal
from fks_adapters.pipeline.signal_history import SignalHistory

logger = Logger()
DEFAULT_APPROVAL_WINDOW_S = 3600


class Settings(FunctionSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)
    # How long a manual signal waits when its strategy sets none.
    approval_window_s: int = variable(env.APPROVAL_WINDOW_S, int, default=DEFAULT_APPROVAL_WINDOW_S)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


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
    payload = signal.model_dump(mode="json")
    _history().record(
        signal.signal_id,
        SignalStatus.VALIDATED,
        int(time.time() * 1000),
        signal=payload,
        strategy_id=signal.strategy_id,
        symbol=signal.symbol,
        side=signal.side.value,
        quantity=str(signal.quantity),
        mode=signal.mode.value,
        asset_class=signal.asset_class.value,
        account=signal.account,
    )
    metrics.add_metric(name="SignalsValidated", unit=MetricUnit.Count, value=1)
    logger.info("signal valid", extra={"symbol": signal.symbol, "side": signal.side})
    window = signal.approval_window_s or SETTINGS.approval_window_s
    return ValidationResult(signal=signal, approval_window_s=window).state_result()
