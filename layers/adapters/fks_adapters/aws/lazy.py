"""boto3 imported on first use, not when a function's module is imported.

``import boto3`` costs a cold start 100-250 ms (botocore's session, loaders and docs machinery);
a Lambda module that only defines handlers and adapters should not pay it before the invocation
that reaches AWS, and a path that never does (a refused request, a cached answer) never pays it.
Adapters build their default clients with ``aws_client``; under type checking it is boto3's own
``client`` (the stubs' per-service overloads keep every client typed).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from boto3 import client as aws_client
    from boto3 import resource as aws_resource
    from boto3.dynamodb.types import TypeDeserializer
    from botocore.config import Config
else:

    def aws_client(*args: Any, **kwargs: Any) -> Any:
        import boto3

        return boto3.client(*args, **kwargs)

    def aws_resource(*args: Any, **kwargs: Any) -> Any:
        import boto3

        return boto3.resource(*args, **kwargs)


@cache
def dynamodb_deserializer() -> TypeDeserializer:
    """One DynamoDB attribute-value deserializer per process (boto3's, imported on first use)."""
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def client_config(**settings: Any) -> Config:
    """A botocore ``Config`` (timeouts, retries), imported on first use."""
    from botocore.config import Config

    return Config(**settings)


__all__ = ["aws_client", "aws_resource", "client_config", "dynamodb_deserializer"]
