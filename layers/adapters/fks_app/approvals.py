"""Approving or rejecting a signal that waits for a person: the one implementation behind
``POST /signals/{id}/approve|reject`` and the chat bot's ``/approve`` and ``/reject``."""

from __future__ import annotations

import time
from typing import Any

from fks.errors import Conflict, NotFound
from fks.pipeline.outcomes import SignalStatus
from fks_adapters.pipeline.approvals import ApprovalGate
from fks_adapters.pipeline.signal_history import SignalHistory


def _waiting(history: SignalHistory, signal_id: str) -> dict[str, Any]:
    record = history.raw(signal_id)
    if record is None:
        raise NotFound(f"no signal {signal_id}", details={"signal_id": signal_id})
    if record.get("status") != SignalStatus.PENDING_APPROVAL or not record.get("task_token"):
        raise Conflict(
            f"signal {signal_id} is {record.get('status')}, not waiting for approval",
            details={"signal_id": signal_id, "status": record.get("status")},
        )
    return record


def approve_signal(
    history: SignalHistory, gate: ApprovalGate, signal_id: str, who: str, note: str | None = None
) -> dict[str, Any]:
    record = _waiting(history, signal_id)
    now_ms = int(time.time() * 1000)
    # Recorded before the execution resumes, so its next states cannot be overwritten by it; if
    # the window closed meanwhile, the execution's own outcome (expired) replaces "approved".
    history.record(signal_id, SignalStatus.APPROVED, now_ms, approval={"by": who, "at_ms": now_ms, "note": note})
    gate.approve(str(record["task_token"]), who, now_ms)
    return {"signal_id": signal_id, "status": SignalStatus.APPROVED.value, "by": who}


def reject_signal(history: SignalHistory, gate: ApprovalGate, signal_id: str, who: str, reason: str) -> dict[str, Any]:
    record = _waiting(history, signal_id)
    full_reason = f"rejected by {who}: {reason}"
    # Recorded before the execution resumes, so its last state finds the status final and keeps
    # who rejected it and why.
    history.record(signal_id, SignalStatus.REJECTED, int(time.time() * 1000), reason=full_reason)
    gate.reject(str(record["task_token"]), full_reason)
    return {"signal_id": signal_id, "status": SignalStatus.REJECTED.value, "by": who, "reason": full_reason}
