"""Pipeline state for strategies in manual mode: park the signal until a person decides.

Step Functions invokes this with a task token and waits (``.waitForTaskToken``) until
``POST /signals/{id}/approve`` or ``/reject`` hands the token back, or the signal's approval
window runs out. The token is stored with the signal; readers of the history never see it.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.errors import Conflict
from fks.function_settings import NoticeSettings, variable
from fks.observability import SIGNAL, metrics, observed
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.task_inputs import ApprovalRequestInput, parse_task_input
from fks.pipeline.task_outputs import ApprovalRequested
from fks_adapters.pipeline.notices import Notifier, approval_needed, notifiers
from fks_adapters.pipeline.signal_history import SignalHistory

logger = Logger()


class Settings(NoticeSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


@cache
def _notifiers() -> list[Notifier]:
    return notifiers(SETTINGS.notify_topic_arn, SETTINGS.notify_webhook_url)


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(ApprovalRequestInput, event, "WaitForApproval")
    signal_id, token = task.signal_id, task.task_token
    window_s = task.approval_window_s or 0
    now_ms = int(time.time() * 1000)
    deadline_ms = now_ms + window_s * 1000 if window_s else None
    if not _history().record(
        signal_id, SignalStatus.PENDING_APPROVAL, now_ms, task_token=token, approval_deadline_ms=deadline_ms
    ):
        raise Conflict(f"signal {signal_id} already ended; nothing to approve")
    metrics.add_metric(name="ApprovalsRequested", unit=MetricUnit.Count, value=1)
    for notifier in _notifiers():
        try:
            notifier.send(approval_needed(signal_id, task.signal.model_dump(mode="json"), window_s))
        except Exception:  # the signal waits whether or not the message got out; the log says why
            logger.exception("approval notice not sent")
    logger.info("waiting for approval", extra={"window_s": window_s})
    return ApprovalRequested().state_result()
