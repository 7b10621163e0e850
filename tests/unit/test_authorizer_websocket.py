"""The authorizer on the live feed's WebSocket $connect (token in the query string) beside its
REST behaviour (headers only). JWTs are RS256 with the public key in the environment, so no AWS
call is made."""

from __future__ import annotations

import importlib
import sys
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.stubs import LambdaContextStub

CONNECT_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/$connect"
_PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The authorizer as its cold start reads it: RS256 only, no usage plan, no AWS call."""
    public_pem = (
        _PRIVATE.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    monkeypatch.setenv("FKS_JWT_PUBLIC_KEY", public_pem)
    for name in ("FKS_JWT_SECRET_ARN", "FKS_SHARED_USAGE_KEY_NAME", "FKS_JWT_CALLERS_TABLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FKS_API_KEYS_TABLE", "keys")
    monkeypatch.delitem(sys.modules, "functions.authorizer.app", raising=False)
    return importlib.import_module("functions.authorizer.app")


def _token(scope: str = "read") -> str:
    claims = {"sub": "alice", "iss": "fks", "aud": "fks-api", "scope": scope}
    return jwt.encode({**claims, "exp": datetime.now(UTC) + timedelta(minutes=5)}, _PRIVATE, algorithm="RS256")


def _connect_event(query: dict[str, str] | None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "type": "REQUEST",
        "methodArn": CONNECT_ARN,
        "headers": headers or {},
        "queryStringParameters": query,
        "requestContext": {"routeKey": "$connect", "eventType": "CONNECT", "connectionId": "Abc="},
    }


def _rest_event(headers: dict[str, str], query: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:us-east-1:123456789012:rest/v1/GET/assets",
        "httpMethod": "GET",
        "resource": "/assets",
        "path": "/assets",
        "headers": headers,
        "queryStringParameters": query,
        "requestContext": {"resourcePath": "/assets", "httpMethod": "GET"},
    }


def test_websocket_connect_with_jwt_in_query_is_allowed_on_its_method_arn(app: ModuleType) -> None:
    policy = app.lambda_handler(_connect_event({"token": _token()}), LambdaContextStub())

    statement = policy["policyDocument"]["Statement"][0]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", CONNECT_ARN)
    assert policy["principalId"] == "alice"
    assert policy["context"]["kind"] == "jwt"


@pytest.mark.parametrize(
    "event",
    [
        _connect_event(None),
        _connect_event({"token": ""}),
        _connect_event({"token": "fks_bad"}),
        _connect_event({"token": "not.a.jwt"}),
        _connect_event(None, headers={"Authorization": "Bearer x"}),
    ],
    ids=["no-query", "empty", "malformed-key", "bad-jwt", "header-only"],
)
def test_websocket_connect_without_a_valid_query_token_is_unauthorized(app: ModuleType, event: dict[str, Any]) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(event, LambdaContextStub())


def test_rest_request_still_reads_the_bearer_header(app: ModuleType) -> None:
    policy = app.lambda_handler(_rest_event({"Authorization": f"Bearer {_token()}"}), LambdaContextStub())

    assert policy["policyDocument"]["Statement"][0]["Effect"] == "Allow"


def test_rest_request_does_not_take_a_token_from_the_query_string(app: ModuleType) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(_rest_event({}, {"token": _token()}), LambdaContextStub())
