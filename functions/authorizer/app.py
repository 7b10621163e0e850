"""The Lambda REQUEST authorizer of the REST API and of the live feed's WebSocket ``$connect``.

REST: API keys (``X-Api-Key``) and JWTs (``Authorization: Bearer``), and the scope each route
needs. WebSocket: browsers cannot set headers on a WebSocket, so ``$connect`` carries the API key
or the JWT as the ``token`` query parameter, and the feed needs the read scope. Unknown or bad
credentials raise "Unauthorized", which API Gateway answers with 401; a known caller without the
scope gets a Deny whose context names the missing scope (403)."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.auth import JwtSettings, Principal, parse_presented_key, required_scope, verify_jwt
from fks.auth.principal import AuthError, Scope
from fks.observability import observed
from fks_adapters.aws.api_key_store import ApiKeyStore

logger = Logger()
_store: ApiKeyStore | None = None
# The WebSocket $connect query parameter holding an API key (fks_...) or a JWT; it is also the
# authorizer's identity source in template.yaml, so a connect without it never gets here.
WEBSOCKET_TOKEN_PARAMETER = "token"  # noqa: S105 - a parameter name, not a secret


def _keys() -> ApiKeyStore:
    global _store
    if _store is None:
        _store = ApiKeyStore(os.environ["FKS_API_KEYS_TABLE"])
    return _store


_shared_key_value: str | None = None


def _shared_usage_key() -> str | None:
    """The usage plan key bearer-token callers are counted against (one lookup per instance)."""
    global _shared_key_value
    name = os.environ.get("FKS_SHARED_USAGE_KEY_NAME")
    if _shared_key_value is None and name:
        keys = boto3.client("apigateway").get_api_keys(nameQuery=name, includeValues=True)["items"]
        _shared_key_value = next((str(k["value"]) for k in keys if k["name"] == name), None)
    return _shared_key_value


def _jwt_settings() -> JwtSettings:
    secret_id = os.environ.get("FKS_JWT_SECRET_ARN")
    # Cached by powertools for five minutes: one Secrets Manager call per warm instance and rotation.
    secret = str(parameters.get_secret(secret_id, max_age=300)) if secret_id else None
    return JwtSettings(
        issuer=os.environ.get("FKS_JWT_ISSUER", "fks"),
        audience=os.environ.get("FKS_JWT_AUDIENCE", "fks-api"),
        hs256_secret=secret,
        rs256_public_key=os.environ.get("FKS_JWT_PUBLIC_KEY") or None,
    )


def _header(event: dict[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def _is_websocket_connect(event: dict[str, Any]) -> bool:
    return (event.get("requestContext") or {}).get("eventType") == "CONNECT"


def _api_key_principal(presented: str) -> Principal:
    key_id, secret = parse_presented_key(presented)
    key = _keys().get(key_id)
    if key is None:
        raise AuthError(f"unknown key {key_id}")
    return key.authenticate(secret)


def _websocket_principal(event: dict[str, Any]) -> Principal:
    token = str((event.get("queryStringParameters") or {}).get(WEBSOCKET_TOKEN_PARAMETER) or "").strip()
    if not token:
        raise AuthError(f"no '{WEBSOCKET_TOKEN_PARAMETER}' query parameter")
    # API keys are spelled fks_<id>_<secret>; anything else can only be a JWT. No usage plan
    # counts WebSocket connections, so a JWT caller needs no usage key here.
    return _api_key_principal(token) if token.startswith("fks_") else verify_jwt(token, _jwt_settings())


def authenticate(event: dict[str, Any]) -> Principal:
    if _is_websocket_connect(event):
        return _websocket_principal(event)
    presented = _header(event, "x-api-key")
    if presented:
        return _api_key_principal(presented)
    authorization = _header(event, "authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token:
        principal = verify_jwt(token.strip(), _jwt_settings())
        return replace(principal, usage_key=_shared_usage_key())
    raise AuthError("no credentials")


def _policy(principal: Principal, effect: str, method_arn: str, context: dict[str, str]) -> dict[str, Any]:
    policy: dict[str, Any] = {
        "principalId": principal.subject,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": method_arn}],
        },
        "context": context,
    }
    if principal.usage_key:
        policy["usageIdentifierKey"] = principal.usage_key
    return policy


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        principal = authenticate(event)
    except AuthError as exc:
        # Why goes to the log (never the secret); the caller learns only that it is unauthorized.
        logger.warning("unauthorized", extra={"reason": str(exc), "path": event.get("path")})
        # The exact message API Gateway maps to a 401; any other error would be a 500.
        raise Exception("Unauthorized") from None
    if _is_websocket_connect(event):
        needed, route = Scope.READ, str(event["requestContext"].get("routeKey", "$connect"))
    else:
        needed, route = required_scope(event["httpMethod"], event["resource"]), event["resource"]
    granted = " ".join(sorted(s.value for s in principal.effective_scopes()))
    details = {"subject": principal.subject, "kind": principal.kind, "scopes": granted}
    if not principal.allows(needed):
        logger.info("forbidden", extra={**details, "needed": needed.value, "route": route})
        reason = f"this route needs the '{needed.value}' scope; the credentials carry: {granted}"
        return _policy(principal, "Deny", event["methodArn"], {**details, "denyReason": reason})
    return _policy(principal, "Allow", event["methodArn"], details)
