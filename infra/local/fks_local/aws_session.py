"""boto3 sessions and clients for the local emulator: fixed test credentials, an explicit endpoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3

# The emulators accept any credentials; these are the conventional placeholders, never real keys.
LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def local_session(region: str) -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=region,
    )


def client_factory(endpoint_url: str, region: str = "us-east-1", **client_kwargs: Any) -> Callable[[str], Any]:
    """``clients('s3')``: one cached boto3 client per service, bound to ``endpoint_url``."""
    session = local_session(region)
    cache: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in cache:
            cache[service] = session.client(service, endpoint_url=endpoint_url, **client_kwargs)  # type: ignore[call-overload]
        return cache[service]

    return client
