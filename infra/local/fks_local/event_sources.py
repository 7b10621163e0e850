"""Polls SQS queues for their Lambda event-source mappings, as the Lambda service does.

Kept (issue 25): moto 5.2.5's own mapping invokes inside SendMessage (the sender waits), one record
per invoke with fixed attributes (ApproximateReceiveCount "1"), ignores ReportBatchItemFailures, and
redelivers a failed message only on the next send, so nothing reaches the dead-letter queue.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fks_local.background import BackgroundLoop

log = logging.getLogger(__name__)


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


class SqsPoller(BackgroundLoop):
    def __init__(self, clients: Any, region: str, interval_s: float = 0.5) -> None:
        super().__init__("sqs-poller", interval_s)
        self._clients = clients
        self._region = region

    def run_pass(self) -> None:
        self.poll_once()

    def poll_once(self) -> int:
        """One pass over every enabled SQS mapping; returns how many messages were delivered."""
        delivered = 0
        for mapping in self._clients("lambda").list_event_source_mappings().get("EventSourceMappings", []):
            arn = mapping.get("EventSourceArn", "")
            if arn.split(":")[2:3] == ["sqs"] and mapping.get("State", "Enabled") == "Enabled":
                delivered += self._deliver(mapping, arn)
        return delivered

    def _deliver(self, mapping: dict[str, Any], queue_arn: str) -> int:
        sqs = self._clients("sqs")
        url = sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
        messages = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(int(mapping.get("BatchSize", 10)), 10),
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        response = self._clients("lambda").invoke(
            FunctionName=mapping["FunctionArn"],
            Payload=json.dumps(sqs_event(messages, queue_arn, self._region)).encode(),
        )
        body = response["Payload"].read()
        if response.get("FunctionError"):
            # The whole batch stays; it comes back after the visibility timeout and, past
            # maxReceiveCount, the queue's redrive policy moves it to the dead-letter queue.
            log.warning("%s failed on a batch of %d: %s", mapping["FunctionArn"], len(messages), body[:300])
            return 0
        failed = self._failed_ids(mapping, body)
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
            )
        return len(done)

    @staticmethod
    def _failed_ids(mapping: dict[str, Any], body: bytes) -> set[str]:
        if "ReportBatchItemFailures" not in mapping.get("FunctionResponseTypes", []):
            return set()
        try:
            failures = json.loads(body or b"{}").get("batchItemFailures") or []
        except (ValueError, AttributeError):
            return set()
        return {str(f.get("itemIdentifier")) for f in failures}
