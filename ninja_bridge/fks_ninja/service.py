"""The bridge's service loop: long-poll the NinjaTrader queue, handle, delete on success.

A message whose handling raises is left alone: SQS makes it visible again after the queue's
visibility timeout and, after ``maxReceiveCount`` tries, moves it to the dead-letter queue, which
is where a malformed signal or an unknown account is recorded for a human.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fks.errors import FksError
from fks.signals import parse_signal
from fks_ninja.bridge import Bridge, SignalResult
from fks_ninja.heartbeat import Heartbeat

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

log = logging.getLogger(__name__)


@dataclass
class BatchReport:
    handled: list[SignalResult] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # message id -> reason


class BridgeService:
    def __init__(
        self,
        bridge: Bridge,
        sqs: SQSClient,
        queue_url: str,
        *,
        wait_seconds: int = 20,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.bridge = bridge
        self.heartbeat = heartbeat
        self.sqs = sqs
        self.queue_url = queue_url
        self.wait_seconds = wait_seconds
        self.stop_event = threading.Event()

    def run(self, max_batches: int | None = None) -> None:
        self.bridge.reconcile()
        batches = 0
        while not self.stop_event.is_set() and (max_batches is None or batches < max_batches):
            if self.heartbeat is not None:
                self.heartbeat.beat()
            report = self.poll_once()
            try:
                self.bridge.handle_outgoing()
            except Exception:  # the next pass re-reads outgoing; the loop must keep serving signals
                log.exception("reading NT8's outgoing folder failed; retrying on the next pass")
            batches += 1
            if report.handled or report.failed:
                log.info("batch %d: %d handled, %d left for redrive", batches, len(report.handled), len(report.failed))

    def poll_once(self) -> BatchReport:
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=self.wait_seconds,
            MessageAttributeNames=["All"],
        )
        report = BatchReport()
        for message in response.get("Messages", []):
            self._handle_message(message, report)
        return report

    def _handle_message(self, message: Any, report: BatchReport) -> None:
        message_id = message["MessageId"]
        try:
            result = self.bridge.handle_signal(parse_signal(_signal_payload(message["Body"])))
        except FksError as exc:
            log.error("message %s left for redrive: %s: %s", message_id, type(exc).__name__, exc.message)
            report.failed[message_id] = f"{type(exc).__name__}: {exc.message}"
            return
        except Exception as exc:  # a bug must not kill the loop; the message goes to the DLQ in time
            log.exception("message %s left for redrive after an unexpected error", message_id)
            report.failed[message_id] = f"{type(exc).__name__}: {exc}"
            return
        self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        report.handled.append(result)


def _signal_payload(body: str) -> object:
    """The pipeline sends the signal itself, or wrapped as ``{"signal": {...}}`` by a state
    machine task; anything that is not JSON is handed on so ``parse_signal`` names the problem."""
    try:
        payload = json.loads(body)
    except json.JSONDecodeError:
        return body
    if isinstance(payload, dict) and set(payload) == {"signal"}:
        return payload["signal"]
    return payload
