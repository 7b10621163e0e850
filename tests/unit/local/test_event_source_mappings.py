"""The local deployer's event-source mappings: DynamoDB streams only (fks_local polls no queue)."""

from __future__ import annotations

import pytest

from fks_local.deploy.compute import check_event_source


def test_an_sqs_event_source_is_refused_naming_the_mapping_and_where_it_runs() -> None:
    props = {"FunctionName": "fks-fn", "EventSourceArn": "arn:aws:sqs:us-east-1:000000000000:fks-queue"}
    with pytest.raises(ValueError, match=r"QueueEvent: an SQS event source .*make test-second-target"):
        check_event_source("QueueEvent", props)
