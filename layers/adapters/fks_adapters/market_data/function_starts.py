"""Starting another function asynchronously (``InvocationType=Event``: Lambda retries a failed
async run twice on its own): collection starts ``backfill`` for a hole and ``generate_signals``
once new candles are stored; enabling an asset starts its history's backfill."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fks.market_data.commands import BackfillRequest
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


class FunctionStarter:
    def __init__(self, function_name: str, client: LambdaClient | None = None) -> None:
        self.function_name = function_name
        self._client = client or aws_client("lambda")

    def start(self, payload: dict[str, Any]) -> None:
        self._client.invoke(
            FunctionName=self.function_name, InvocationType="Event", Payload=json.dumps(payload).encode()
        )

    def backfill(self, request: BackfillRequest) -> None:
        self.start(request.model_dump(mode="json"))
