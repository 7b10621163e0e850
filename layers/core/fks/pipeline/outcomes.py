"""Where a signal stands on its way through the pipeline, and why it stopped if it did."""

from __future__ import annotations

import json
from enum import StrEnum


class SignalStatus(StrEnum):
    RECORDED = "recorded"  # generated and stored; its execution is being started
    STALE = "stale"  # generated while catching up on missed bars: too late to trade, never sent
    VALIDATED = "validated"
    RISK_APPROVED = "risk_approved"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    FILLED = "filled"  # the order filled (fully or partly) on the exchange
    PLACED = "placed"  # the exchange accepted the order; it rests unfilled
    ROUTED = "routed"  # a futures signal handed to the NinjaTrader bridge
    COMPLETED = "completed"
    DENIED = "denied"  # the risk check refused it
    REJECTED = "rejected"  # invalid, or rejected by a person
    EXPIRED = "expired"  # nobody approved it in its window
    REFUSED = "refused"  # the execution engine or the exchange refused the order
    FAILED = "failed"  # an error nobody planned for; see the execution history


# A recorded terminal status is never overwritten: a late approval or a retried state cannot
# turn an expired signal into an executed one on paper.
TERMINAL: frozenset[SignalStatus] = frozenset(
    {
        SignalStatus.STALE,
        SignalStatus.COMPLETED,
        SignalStatus.DENIED,
        SignalStatus.REJECTED,
        SignalStatus.EXPIRED,
        SignalStatus.REFUSED,
        SignalStatus.FAILED,
    }
)


def failure_reason(error: str | None, cause: str | None) -> str:
    """A readable reason from a Step Functions Catch's ``Error`` and ``Cause``.

    A Lambda's Cause is its error JSON (``errorType``, ``errorMessage``, ``stackTrace``); a
    service integration's or a timeout's Cause is plain text or empty.
    """
    error = error or "Error"
    if not cause:
        return {"States.Timeout": "nobody approved or rejected it in its approval window"}.get(error, error)
    try:
        parsed = json.loads(cause)
    except json.JSONDecodeError:
        return f"{error}: {cause}"
    if isinstance(parsed, dict) and isinstance(parsed.get("errorMessage"), str):
        return f"{parsed.get('errorType') or error}: {parsed['errorMessage']}"
    return f"{error}: {cause}"
