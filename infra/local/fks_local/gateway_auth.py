"""Lambda authorizers, as API Gateway runs them: invoke, read the IAM policy, allow or answer
with the gateway response (401 for "Unauthorized", 403 for a Deny, 500 for a broken authorizer)."""

from __future__ import annotations

import fnmatch
import json
import logging
import re
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


def authorizer_functions(definition: dict[str, Any]) -> dict[str, str]:
    """Security scheme name -> authorizer function ARN, from the OpenAPI 3 or Swagger 2 body."""
    schemes = (definition.get("components") or {}).get("securitySchemes") or definition.get("securityDefinitions") or {}
    found = {}
    for name, scheme in schemes.items():
        authorizer = scheme.get("x-amazon-apigateway-authorizer") or {}
        match = _FUNCTION_ARN.search(str(authorizer.get("authorizerUri", "")))
        if match:
            found[name] = match.group(1)
    return found


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


def run_authorizer(lambda_client: Any, function_arn: str, event: dict[str, Any]) -> AuthResult:
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
    usage_key = payload.get("usageIdentifierKey")
    if not _policy_allows(policy, event["methodArn"]):
        return AuthResult("ACCESS_DENIED", principal, context, usage_key)
    return AuthResult("allow", principal, context, usage_key)
