"""A new signal recorded once and its pipeline run started, named by its id.

The signal's one record (``SIGNAL#<id>``, ``fks_adapters.pipeline.signal_history``) is created
``recorded`` with a conditional write, then the execution is started. A run that dies between
the two leaves a ``recorded`` record, and the next evaluation of the bar (the cursor had not moved)
starts it again; a record any pipeline state already moved on is a duplicate, and so is a
``stale`` one. Starting twice is harmless: Step Functions runs one execution per name
(``fks_adapters.pipeline.executions``), so a repeated or concurrent delivery places one order.

A signal found while catching up on bars missed during downtime is too old to trade: it is
recorded ``stale`` and never started, so the history shows what the strategy said and when.
"""

from __future__ import annotations

from typing import Literal

from fks.pipeline.outcomes import SignalStatus
from fks.signals import Signal
from fks_adapters.pipeline.executions import SignalPipeline
from fks_adapters.pipeline.signal_history import SignalHistory

Outcome = Literal["sent", "resent", "duplicate", "stale"]


class SignalRecorder:
    def __init__(self, history: SignalHistory, pipeline: SignalPipeline) -> None:
        self.history = history
        self.pipeline = pipeline

    def record(self, signal: Signal, now_ms: int) -> Outcome:
        outcome: Outcome
        if self._create(signal, SignalStatus.RECORDED, now_ms):
            outcome = "sent"
        else:
            stored = self.history.get(signal.signal_id) or {}
            if stored.get("status") != SignalStatus.RECORDED:  # the pipeline took it, or it is stale
                return "duplicate"
            outcome = "resent"
        started = self.pipeline.start(signal)
        return "duplicate" if outcome == "resent" and not started else outcome

    def record_stale(self, signal: Signal, now_ms: int) -> Outcome:
        """Keep a signal too old to act on, without starting it."""
        return "stale" if self._create(signal, SignalStatus.STALE, now_ms) else "duplicate"

    def _create(self, signal: Signal, status: SignalStatus, now_ms: int) -> bool:
        return self.history.create(
            signal.signal_id,
            status,
            now_ms,
            signal=signal.model_dump(mode="json"),
            strategy_id=signal.strategy_id,
            symbol=signal.symbol,
            account=signal.account,
            asset_class=signal.asset_class.value,
        )
