"""Orders go to the exchange only through the Rust ``execute_order`` function, the one holder of
the trading key; its error types are ``fks.errors`` class names, raised here as those classes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fks import errors
from fks.execution import CancelOrderCommand, OrderCommand, SyncCommand
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


class ExecuteOrderInvoker:
    def __init__(self, function_name: str, client: LambdaClient | None = None) -> None:
        self.function_name = function_name
        self.client: LambdaClient = client or aws_client("lambda")

    def execute(self, command: OrderCommand | CancelOrderCommand | SyncCommand) -> dict[str, Any]:
        """The order's execution report after the command (placed, or canceled; a sync's result
        for a sync); a refusal
        raises the ``fks.errors`` class the function names (``NotFound``, ``Conflict``,
        ``InsufficientFunds``, ``RiskDenied``, ``TemporaryError``...)."""
        response = self.client.invoke(
            FunctionName=self.function_name, Payload=command.model_dump_json(exclude_none=True).encode()
        )
        body: dict[str, Any] = json.loads(response["Payload"].read())
        if "FunctionError" not in response:
            return body
        error_type = str(body.get("errorType", ""))
        error_class = getattr(errors, error_type, None)
        if not (isinstance(error_class, type) and issubclass(error_class, errors.FksError)):
            # Not one of ours (a crash, a timeout): the outcome is unknown, so retrying is right.
            error_class = errors.TemporaryError
        raise error_class(str(body.get("errorMessage", error_type)), details={"error_type": error_type})
