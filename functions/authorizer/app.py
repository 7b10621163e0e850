"""The Lambda REQUEST authorizer of the REST API and of the live feed's WebSocket ``$connect``.

REST: API keys and JWTs, both as ``Authorization: Bearer <key or JWT>`` (the authorizer's one
identity source, so API Gateway can cache its decisions: template.yaml), and the scope each route
needs. A decision is cached per credential and route (method + resource), so the policy allows the
route's resource with its path parameters as wildcards: a cached Allow for ``GET /strategies/{id}``
must serve every id, not only the one first asked for. Each caller is throttled and counted against its own
usage-plan key: an API key's twin, or for a JWT one key per subject, created on its first
request (``SubjectUsageKeys``). A rotated JWT secret takes effect within
``FKS_JWT_SECRET_MAX_AGE_S`` (``RotatingSecret``).

WebSocket: browsers cannot set headers on a WebSocket, so ``$connect`` carries the API key
or the JWT as the ``token`` query parameter, and the feed needs the read scope. Unknown or bad
credentials raise "Unauthorized", which API Gateway answers with 401; a known caller without the
scope gets a Deny whose context names the missing scope (403)."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.auth import JwtSettings, Principal, parse_presented_key, required_scope, verify_jwt
from fks.auth.principal import AuthError, Scope
from fks.auth.tokens import BadSignature
from fks.function_settings import FunctionSettings, variable
from fks.observability import observed
from fks_adapters.aws.api_key_store import ApiKeyStore
from fks_adapters.aws.rotating_secret import DEFAULT_MAX_AGE_S, RotatingSecret
from fks_adapters.aws.subject_usage_keys import SubjectUsageKeys

logger = Logger()
# The WebSocket $connect query parameter holding an API key (fks_...) or a JWT; it is also the
# authorizer's identity source in template.yaml, so a connect without it never gets here.
WEBSOCKET_TOKEN_PARAMETER = "token"  # noqa: S105 - a parameter name, not a secret


class Settings(FunctionSettings):
    api_keys_table: str = variable(env.API_KEYS_TABLE)
    # JWTs: HS256 with the rotating secret, or RS256 with the public key (either may be absent).
    jwt_secret_arn: str | None = variable(env.JWT_SECRET_ARN, default=None)
    jwt_secret_max_age_s: float = variable(env.JWT_SECRET_MAX_AGE_S, float, default=DEFAULT_MAX_AGE_S)
    jwt_public_key: str | None = variable(env.JWT_PUBLIC_KEY, default=None)
    jwt_issuer: str = variable(env.JWT_ISSUER, default="fks")
    jwt_audience: str = variable(env.JWT_AUDIENCE, default="fks-api")
    # Per-subject usage-plan keys for JWT callers (both set, or none: the stack has no usage plan).
    jwt_callers_table: str | None = variable(env.JWT_CALLERS_TABLE, default=None)
    shared_usage_key_name: str | None = variable(env.SHARED_USAGE_KEY_NAME, default=None)
    jwt_usage_key_prefix: str = variable(env.JWT_USAGE_KEY_PREFIX, default="fks-jwt-")


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _keys() -> ApiKeyStore:
    return ApiKeyStore(SETTINGS.api_keys_table)


@cache
def _subject_keys() -> SubjectUsageKeys | None:
    """Per-subject usage-plan keys for JWT callers; None where the stack has no usage plan."""
    if not (SETTINGS.jwt_callers_table and SETTINGS.shared_usage_key_name):
        return None
    return SubjectUsageKeys(SETTINGS.jwt_callers_table, SETTINGS.shared_usage_key_name, SETTINGS.jwt_usage_key_prefix)


@cache
def _jwt_secret() -> RotatingSecret | None:
    if not SETTINGS.jwt_secret_arn:
        return None
    return RotatingSecret(SETTINGS.jwt_secret_arn, SETTINGS.jwt_secret_max_age_s)


def _jwt_settings() -> JwtSettings:
    secret = _jwt_secret()
    return JwtSettings(
        issuer=SETTINGS.jwt_issuer,
        audience=SETTINGS.jwt_audience,
        hs256_secret=secret.current() if secret else None,
        rs256_public_key=SETTINGS.jwt_public_key,
    )


def _jwt_principal(token: str) -> Principal:
    try:
        return verify_jwt(token, _jwt_settings())
    except BadSignature:
        # Perhaps signed with a secret rotated in since this instance read it: read it once more.
        secret = _jwt_secret()
        if secret is None or not secret.refresh():
            raise
        return verify_jwt(token, _jwt_settings())


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
    return _api_key_principal(token) if token.startswith("fks_") else _jwt_principal(token)


def authenticate(event: dict[str, Any]) -> Principal:
    if _is_websocket_connect(event):
        return _websocket_principal(event)
    # Only the identity source decides: API Gateway caches the decision under the Authorization
    # header's value, so a decision drawn from any other header (X-Api-Key) would be served to
    # whoever later presents the same Authorization value.
    authorization = _header(event, "authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip().startswith("fks_"):
        return _api_key_principal(token.strip())
    if scheme.lower() == "bearer" and token:
        principal = _jwt_principal(token.strip())
        keys = _subject_keys()
        # Each subject is throttled and counted against its own usage-plan key, as an API key is.
        return replace(principal, usage_key=keys.key_for(principal.subject) if keys else None)
    raise AuthError("no credentials")


def route_resource_arn(method_arn: str, resource: str) -> str:
    """The execute-api ARN of a route: ``method_arn`` (.../<stage>/<METHOD>/<path>) with its path
    replaced by the route's resource, each path parameter (``{id}``, ``{proxy+}``) a wildcard."""
    api_stage_method = method_arn.split("/", 3)[:3]
    path = re.sub(r"\{[^}/]+\}", "*", resource.lstrip("/"))
    return "/".join([*api_stage_method, path])


def _policy(principal: Principal, effect: str, resource_arn: str, context: dict[str, str]) -> dict[str, Any]:
    policy: dict[str, Any] = {
        "principalId": principal.subject,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource_arn}],
        },
        "context": context,
    }
    if principal.usage_key:
        policy["usageIdentifierKey"] = principal.usage_key
    return policy


def _route(event: dict[str, Any]) -> str:
    """The route a decision is for: ``GET /strategies/{strategy_id}``, or the WebSocket's ``$connect``."""
    if _is_websocket_connect(event):
        return str(event["requestContext"].get("routeKey", "$connect"))
    return f"{event.get('httpMethod')} {event.get('resource')}"


# Each decision is one log line (allowed, forbidden or unauthorized) naming the caller (the key id
# or the JWT subject; for an unknown or bad credential, the reason) and the route: the audit of who
# was let in where, and, as API Gateway caches decisions, a count of the decisions it asked for.
@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    route = _route(event)
    try:
        principal = authenticate(event)
    except AuthError as exc:
        # Why goes to the log (never the secret); the caller learns only that it is unauthorized.
        logger.warning("unauthorized", extra={"reason": str(exc), "route": route, "path": event.get("path")})
        # The exact message API Gateway maps to a 401; any other error would be a 500.
        raise Exception("Unauthorized") from None
    if _is_websocket_connect(event):
        needed, resource_arn = Scope.READ, event["methodArn"]
    else:
        needed = required_scope(event["httpMethod"], event["resource"])
        resource_arn = route_resource_arn(event["methodArn"], event["resource"])
    granted = " ".join(sorted(s.value for s in principal.effective_scopes()))
    details = {"subject": principal.subject, "kind": principal.kind, "scopes": granted}
    if not principal.allows(needed):
        logger.info("forbidden", extra={**details, "needed": needed.value, "route": route})
        reason = f"this route needs the '{needed.value}' scope; the credentials carry: {granted}"
        return _policy(principal, "Deny", resource_arn, {**details, "denyReason": reason})
    logger.info("allowed", extra={**details, "route": route})
    return _policy(principal, "Allow", resource_arn, details)
