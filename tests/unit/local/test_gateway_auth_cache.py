"""The local gateway's authorizer cache behaves as API Gateway's: identity sources required, one
invocation per identity and TTL, the kept policy judged against each request's method ARN."""

from __future__ import annotations

from typing import Any

from fks_local.gateway_auth import Authorizer, AuthorizerCache, AuthResult, Decision, authorizers

PREFIX = "arn:aws:execute-api:us-east-1:123456789012:api/v1"
SOURCES = ("method.request.header.Authorization", "context.httpMethod", "context.resourcePath")


def event(method: str, resource: str, authorization: str | None) -> dict[str, Any]:
    return {
        "headers": {"authorization": authorization} if authorization else {},
        "requestContext": {"httpMethod": method, "resourcePath": resource},
        "methodArn": f"{PREFIX}/{method}{resource}",
    }


class Authorizing:
    """Stands in for the authorizer function: allows GET /assets to 'Bearer good', counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: dict[str, Any]) -> Decision | AuthResult:
        self.calls += 1
        if request["headers"].get("authorization") != "Bearer good":
            return AuthResult("UNAUTHORIZED")
        allowed = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{PREFIX}/GET/assets"}
        return Decision("alice", {"Statement": [allowed]}, {"scopes": "read"}, None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_with_a_ttl_one_identity_is_authorized_once_until_the_ttl_passes() -> None:
    clock, authorizing = Clock(), Authorizing()
    cache, authorizer = AuthorizerCache(clock), Authorizer("arn:fn", SOURCES, 300)
    for _ in range(3):
        assert cache.authorize(authorizer, event("GET", "/assets", "Bearer good"), authorizing).outcome == "allow"
    assert authorizing.calls == 1
    clock.now += 301
    assert cache.authorize(authorizer, event("GET", "/assets", "Bearer good"), authorizing).outcome == "allow"
    assert authorizing.calls == 2


def test_a_missing_identity_source_is_401_without_invoking() -> None:
    authorizing = Authorizing()
    result = AuthorizerCache().authorize(Authorizer("arn:fn", SOURCES, 300), event("GET", "/assets", None), authorizing)
    assert result.outcome == "UNAUTHORIZED"
    assert authorizing.calls == 0


def test_the_kept_policy_is_judged_against_each_request_and_unauthorized_is_not_kept() -> None:
    authorizing = Authorizing()
    cache, authorizer = AuthorizerCache(), Authorizer("arn:fn", ("method.request.header.Authorization",), 300)
    assert cache.authorize(authorizer, event("GET", "/assets", "Bearer good"), authorizing).outcome == "allow"
    assert cache.authorize(authorizer, event("POST", "/orders", "Bearer good"), authorizing).outcome == "ACCESS_DENIED"
    assert authorizing.calls == 1
    for _ in range(2):
        assert cache.authorize(authorizer, event("GET", "/assets", "Bearer bad"), authorizing).outcome == "UNAUTHORIZED"
    assert authorizing.calls == 3


def test_without_a_ttl_every_request_invokes_the_authorizer() -> None:
    authorizing = Authorizing()
    cache, authorizer = AuthorizerCache(), Authorizer("arn:fn", (), 0)
    for _ in range(2):
        assert cache.authorize(authorizer, event("GET", "/assets", "Bearer good"), authorizing).outcome == "allow"
    assert authorizing.calls == 2


def test_the_ttl_and_identity_sources_come_from_the_definition() -> None:
    function = "arn:aws:lambda:us-east-1:1:function:auth"
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations"
    scheme = {"x-amazon-apigateway-authorizer": {"authorizerUri": uri, "identitySource": ", ".join(SOURCES)}}
    found = authorizers({"components": {"securitySchemes": {"A": scheme}}})
    assert found == {"A": Authorizer(function, SOURCES, 300)}
