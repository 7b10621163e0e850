"""The REST authorizer's decisions are cached by API Gateway under the Authorization header and
the route (template.yaml), so: only that header decides, and a policy covers the whole route
(path parameters as wildcards), not only the path first asked for. JWTs are RS256 with the public
key in the environment, so no AWS call is made."""

from __future__ import annotations

import importlib
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.stubs import LambdaContextStub

API = "arn:aws:execute-api:us-east-1:123456789012:abc123/v1"
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


def _event(method: str, resource: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "REQUEST",
        "methodArn": f"{API}/{method}{path}",
        "httpMethod": method,
        "resource": resource,
        "path": path,
        "headers": headers,
        "requestContext": {"resourcePath": resource, "httpMethod": method},
    }


@pytest.mark.parametrize(
    ("resource", "path", "expected"),
    [
        ("/assets", "/assets", f"{API}/GET/assets"),
        ("/strategies/{strategy_id}", "/strategies/s-1", f"{API}/GET/strategies/*"),
        ("/backtests/{run_id}/trades", "/backtests/r-9/trades", f"{API}/GET/backtests/*/trades"),
        ("/static/{proxy+}", "/static/js/app.js", f"{API}/GET/static/*"),
    ],
)
def test_the_policy_covers_the_route_with_path_parameters_as_wildcards(
    app: ModuleType, resource: str, path: str, expected: str
) -> None:
    policy = app.lambda_handler(
        _event("GET", resource, path, {"Authorization": f"Bearer {_token()}"}), LambdaContextStub()
    )

    statement = policy["policyDocument"]["Statement"][0]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", expected)


def test_a_deny_also_covers_the_route(app: ModuleType) -> None:
    event = _event("DELETE", "/strategies/{strategy_id}", "/strategies/s-1", {"Authorization": f"Bearer {_token()}"})

    policy = app.lambda_handler(event, LambdaContextStub())

    statement = policy["policyDocument"]["Statement"][0]
    assert (statement["Effect"], statement["Resource"]) == ("Deny", f"{API}/DELETE/strategies/*")
    assert policy["context"]["denyReason"].startswith("this route needs the '")


def test_x_api_key_is_not_a_credential(app: ModuleType) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(_event("GET", "/assets", "/assets", {"X-Api-Key": _token()}), LambdaContextStub())


def test_x_api_key_beside_a_bad_bearer_does_not_rescue_it(app: ModuleType) -> None:
    """The decision is cached under the Authorization value: another header must not decide it."""
    headers = {"Authorization": "Bearer not-a-jwt", "X-Api-Key": _token()}

    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(_event("GET", "/assets", "/assets", headers), LambdaContextStub())


def _decision_lines(out: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("message") in ("allowed", "forbidden", "unauthorized")]


def test_each_decision_is_one_log_line_naming_the_caller_and_the_route(
    app: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = io.StringIO()  # the stream Lambda sends to CloudWatch Logs
    monkeypatch.setattr(app.logger.registered_handler, "stream", log)
    app.lambda_handler(
        _event("GET", "/assets", "/assets", {"Authorization": f"Bearer {_token()}"}), LambdaContextStub()
    )
    delete = _event("DELETE", "/strategies/{strategy_id}", "/strategies/s-1", {"Authorization": f"Bearer {_token()}"})
    app.lambda_handler(delete, LambdaContextStub())
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(_event("GET", "/assets", "/assets", {}), LambdaContextStub())

    decisions = _decision_lines(log.getvalue())

    assert [(d["message"], d.get("subject"), d["route"]) for d in decisions] == [
        ("allowed", "alice", "GET /assets"),
        ("forbidden", "alice", "DELETE /strategies/{strategy_id}"),
        ("unauthorized", None, "GET /assets"),
    ]
    assert decisions[2]["reason"] == "no credentials"
