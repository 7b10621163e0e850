"""Starts one signal-to-execution run per signal event from the queue.

The execution is named by the signal id, so a redelivered message, or the same signal sent
twice, cannot start a second run: Step Functions refuses the duplicate name and we treat that
as done.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.invocations import SignalMessage, parse_event
from fks.observability import metrics, observed
from fks.signals import InvalidSignal
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)
_sfn: SFNClient | None = None


def _client() -> SFNClient:
    global _sfn
    if _sfn is None:
        _sfn = aws_client("stepfunctions")
    return _sfn


def start_pipeline(record: SQSRecord) -> None:
    try:
        payload = json.loads(record.body)
    except json.JSONDecodeError as error:
        raise InvalidSignal(f"signal event is not JSON: {error}") from None
    # Without an id there is no execution to name; the message goes to the DLQ after its retries.
    signal_id = parse_event(SignalMessage, payload, "signal event").signal_id
    logger.set_correlation_id(signal_id)
    client = _client()
    try:
        client.start_execution(
            stateMachineArn=env.require(env.SIGNAL_STATE_MACHINE_ARN), name=signal_id, input=record.body
        )
        logger.info("pipeline started")
        metrics.add_metric(name="PipelinesStarted", unit=MetricUnit.Count, value=1)
    except client.exceptions.ExecutionAlreadyExists:
        logger.info("pipeline already started for this signal; duplicate ignored")
        metrics.add_metric(name="DuplicateSignals", unit=MetricUnit.Count, value=1)


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=start_pipeline, processor=processor, context=context)
