"""Asks ``backfill`` to repair a hole and waits for its answer (the gap scan needs to know whether
it worked)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fks.errors import TemporaryError
from fks.market_data.commands import BackfillRequest
from fks_adapters.aws.lazy import aws_client, client_config

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

BACKFILL_WAIT_S = 905


class BackfillInvoker:
    """Runs ``backfill`` and waits for its report (the scan needs to know whether it worked)."""

    def __init__(self, function_name: str, client: LambdaClient | None = None) -> None:
        self.function_name = function_name
        # A backfill may run for minutes (its timeout is 900 s): wait that long for the answer,
        # and never re-send the invocation on a slow answer (the next scan asks again if need be).
        self._client = client or aws_client(
            "lambda", config=client_config(read_timeout=BACKFILL_WAIT_S, retries={"total_max_attempts": 1})
        )

    def repair(self, request: BackfillRequest) -> dict[str, Any]:
        answer = self._client.invoke(
            FunctionName=self.function_name, Payload=json.dumps(request.model_dump(mode="json")).encode()
        )
        body: dict[str, Any] = json.loads(answer["Payload"].read() or b"{}")
        if "FunctionError" in answer:
            raise TemporaryError(f"backfill failed: {body.get('errorType')}: {body.get('errorMessage')}")
        return body
