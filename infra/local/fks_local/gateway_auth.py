"""Lambda authorizers, as API Gateway runs them: invoke, read the IAM policy, allow or answer
with the gateway response (401 for "Unauthorized", 403 for a Deny, 500 for a broken authorizer).

With a result TTL (``authorizerResultTtlInSeconds`` > 0, SAM's ``ReauthorizeEvery``), API
Gateway requires every identity source (``identitySource``: headers, query strings, stage
variables, ``context.*``) to be present and non-empty, answering 401 without invoking the
authorizer otherwise, and keeps the returned policy for the TTL under the sources' values,
evaluating it against each later request's method ARN. ``AuthorizerCache`` does the same.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)
_FUNCTION_ARN = re.compile(r"functions/(arn:aws:lambda:[^/]+)/invocations")


@dataclass(frozen=True)
class AuthResult:
    outcome: str  # "allow", or the gateway response kind that answers instead
    principal_id: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    usage_key: str | None = None


@dataclass(frozen=True)
class Authorizer:
    function_arn: str
    identity_sources: tuple[str, ...] = ()
    ttl_s: int = 0


def authorizers(definition: dict[str, Any]) -> dict[str, Authorizer]:
    """Security scheme name -> its Lambda authorizer, from the OpenAPI 3 or Swagger 2 body."""
    schemes = (definition.get("components") or {}).get("securitySchemes") or definition.get("securityDefinitions") or {}
    found = {}
    for name, scheme in schemes.items():
        authorizer = scheme.get("x-amazon-apigateway-authorizer") or {}
        match = _FUNCTION_ARN.search(str(authorizer.get("authorizerUri", "")))
        if match:
            sources = tuple(s.strip() for s in str(authorizer.get("identitySource") or "").split(",") if s.strip())
            # API Gateway's default TTL is 300 s when the authorizer does not set one.
            ttl = int(authorizer.get("authorizerResultTtlInSeconds", 300))
            found[name] = Authorizer(match.group(1), sources, ttl)
    return found


def identity_values(sources: tuple[str, ...], event: dict[str, Any]) -> tuple[str, ...] | None:
    """The identity sources' values in a REST proxy event; None when one is missing or empty."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    request_context = event.get("requestContext") or {}
    values = []
    for source in sources:
        if source.startswith("method.request.header."):
            value = headers.get(source.removeprefix("method.request.header.").lower())
        elif source.startswith("method.request.querystring."):
            value = (event.get("queryStringParameters") or {}).get(source.removeprefix("method.request.querystring."))
        elif source.startswith("stageVariables."):
            value = (event.get("stageVariables") or {}).get(source.removeprefix("stageVariables."))
        elif source.startswith("context."):
            value = request_context.get(source.removeprefix("context."))
        else:
            value = None
        if value in (None, ""):
            return None
        values.append(str(value))
    return tuple(values)


def _policy_allows(policy: dict[str, Any], method_arn: str) -> bool:
    """IAM evaluation for execute-api:Invoke: an explicit Deny wins, else any Allow."""
    allowed = False
    for statement in policy.get("Statement", []):
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if not any(fnmatch.fnmatchcase(method_arn, pattern) for pattern in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed |= statement.get("Effect") == "Allow"
    return allowed


@dataclass(frozen=True)
class Decision:
    """What an authorizer answered with a policy: what API Gateway caches."""

    principal_id: str
    policy: dict[str, Any]
    context: dict[str, Any]
    usage_key: str | None

    def judge(self, method_arn: str) -> AuthResult:
        outcome = "allow" if _policy_allows(self.policy, method_arn) else "ACCESS_DENIED"
        return AuthResult(outcome, self.principal_id, self.context, self.usage_key)


def call_authorizer(lambda_client: Any, function_arn: str, event: dict[str, Any]) -> Decision | AuthResult:
    """The authorizer's policy, or the gateway response that answers instead of one."""
    response = lambda_client.invoke(FunctionName=function_arn, Payload=json.dumps(event).encode())
    payload = json.loads(response["Payload"].read() or b"{}")
    if response.get("FunctionError"):
        if payload.get("errorMessage") == "Unauthorized":
            return AuthResult("UNAUTHORIZED")
        log.warning("authorizer failed: %s", payload)
        return AuthResult("AUTHORIZER_FAILURE")
    try:
        principal = str(payload["principalId"])
        policy = payload["policyDocument"]
    except (KeyError, TypeError):
        log.warning("authorizer answered without principalId/policyDocument: %s", payload)
        return AuthResult("AUTHORIZER_CONFIGURATION_ERROR")
    context = {k: v for k, v in (payload.get("context") or {}).items() if isinstance(v, str | int | float | bool)}
    return Decision(principal, policy, context, payload.get("usageIdentifierKey"))


def run_authorizer(lambda_client: Any, function_arn: str, event: dict[str, Any]) -> AuthResult:
    answer = call_authorizer(lambda_client, function_arn, event)
    return answer.judge(event["methodArn"]) if isinstance(answer, Decision) else answer


class AuthorizerCache:
    """API Gateway's authorizer result cache: a policy kept per authorizer and identity values."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._kept: dict[tuple[str, tuple[str, ...]], tuple[float, Decision]] = {}
        self._lock = threading.Lock()

    def authorize(
        self, authorizer: Authorizer, event: dict[str, Any], call: Callable[[dict[str, Any]], Decision | AuthResult]
    ) -> AuthResult:
        """``call`` invokes the authorizer with ``event``; with a TTL it runs once per identity and TTL."""
        if authorizer.ttl_s <= 0:
            answer = call(event)
            return answer.judge(event["methodArn"]) if isinstance(answer, Decision) else answer
        values = identity_values(authorizer.identity_sources, event)
        if values is None:
            return AuthResult("UNAUTHORIZED")  # an identity source is missing: no invocation
        key = (authorizer.function_arn, values)
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] > self._clock():
            return kept[1].judge(event["methodArn"])
        answer = call(event)
        if not isinstance(answer, Decision):
            return answer  # no policy, nothing to keep
        with self._lock:
            self._kept[key] = (self._clock() + authorizer.ttl_s, answer)
        return answer.judge(event["methodArn"])

    def flush(self) -> None:
        """Forget every kept decision, as ``aws apigateway flush-stage-authorizers-cache`` does."""
        with self._lock:
            self._kept.clear()
