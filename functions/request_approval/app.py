"""Pipeline state for strategies in manual mode: park the signal until a person decides.

Step Functions invokes this with a task token and waits (``.waitForTaskToken``) until
``POST /signals/{id}/approve`` or ``/reject`` hands the token back, or the signal's approval
window runs out. The token is stored with the signal; readers of the history never see it.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.errors import Conflict
from fks.observability import SIGNAL, metrics, observed
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.task_inputs import ApprovalRequestInput, parse_task_input
from fks.pipeline.task_outputs import ApprovalRequested
from fks_adapters.pipeline import wiring
from fks_adapters.pipeline.notices import approval_needed, notifiers

logger = Logger()


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = parse_task_input(ApprovalRequestInput, event, "WaitForApproval")
    signal_id, token = task.signal_id, task.task_token
    window_s = task.approval_window_s or 0
    now_ms = int(time.time() * 1000)
    deadline_ms = now_ms + window_s * 1000 if window_s else None
    if not wiring.signal_history().record(
        signal_id, SignalStatus.PENDING_APPROVAL, now_ms, task_token=token, approval_deadline_ms=deadline_ms
    ):
        raise Conflict(f"signal {signal_id} already ended; nothing to approve")
    metrics.add_metric(name="ApprovalsRequested", unit=MetricUnit.Count, value=1)
    for notifier in notifiers():
        try:
            notifier.send(approval_needed(signal_id, task.signal.model_dump(mode="json"), window_s))
        except Exception:  # the signal waits whether or not the message got out; the log says why
            logger.exception("approval notice not sent")
    logger.info("waiting for approval", extra={"window_s": window_s})
    return ApprovalRequested().state_result()
