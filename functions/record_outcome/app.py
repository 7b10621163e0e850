"""Every path through the pipeline ends here: the signal's final status and the reason, recorded."""

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
from fks.pipeline.outcomes import SignalStatus, failure_reason
from fks.pipeline.task_inputs import RecordOutcomeInput, parse_task_input
from fks.pipeline.task_outputs import OutcomeRecorded
from fks_adapters.pipeline.signal_history import SignalHistory

logger = Logger()


class Settings(FunctionSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(RecordOutcomeInput, event, "RecordOutcome")
    signal_id, outcome = task.signal_id, task.outcome
    status, error = outcome.status, outcome.error
    reason = outcome.reason or (failure_reason(error.error, error.cause) if error else None)
    history = _history()
    changed = history.record(
        signal_id, status, int(time.time() * 1000), reason=reason, execution_arn=task.execution_arn
    )
    if not changed:
        # Already final (e.g. an approval raced the window): what was recorded first stands.
        stored = history.get(signal_id) or {}
        status, reason = SignalStatus(stored.get("status", status)), stored.get("reason", reason)
    metrics.add_metric(name=f"Signals{status.value.title().replace('_', '')}", unit=MetricUnit.Count, value=1)
    log = logger.warning if status is SignalStatus.FAILED else logger.info
    log("signal outcome", extra={"status": status.value, "reason": reason})
    return OutcomeRecorded(signal_id=signal_id, status=status, reason=reason).state_result()
