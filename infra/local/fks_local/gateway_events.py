"""API Gateway REST (payload 1.0) proxy events and responses, and the routes of a deployed API."""

from __future__ import annotations

import base64
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger(__name__)
_FUNCTION_ARN = re.compile(r"functions/(arn:aws:lambda:[^/]+)/invocations")
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
ANY_METHOD = "x-amazon-apigateway-any-method"


@dataclass(frozen=True)
class Route:
    resource: str  # the template path, e.g. /orders/{id}
    method: str  # upper case, or ANY
    function_arn: str  # empty for a mock integration
    pattern: re.Pattern[str]
    security: tuple[str, ...] = ()  # security scheme names: an authorizer, "api_key"
    mock_headers: tuple[tuple[str, str], ...] | None = None  # a mock integration's response headers


def _compile(resource: str) -> re.Pattern[str]:
    regex = ""
    for part in resource.strip("/").split("/"):
        if not part:
            continue
        if part.startswith("{") and part.endswith("+}"):
            regex += rf"/(?P<{part[1:-2]}>.+)"
        elif part.startswith("{") and part.endswith("}"):
            regex += rf"/(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += "/" + re.escape(part)
    return re.compile(f"^{regex or '/'}/?$")


def _mock_headers(integration: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The static headers a mock integration answers with (SAM's CORS preflight)."""
    default = (integration.get("responses") or {}).get("default") or {}
    prefix = "method.response.header."
    return tuple(
        (name.removeprefix(prefix), str(value).strip("'"))
        for name, value in (default.get("responseParameters") or {}).items()
        if name.startswith(prefix)
    )


def routes_from_definition(body: dict[str, Any]) -> list[Route]:
    routes = []
    for resource, operations in (body.get("paths") or {}).items():
        for method, operation in operations.items():
            if method not in _METHODS and method != ANY_METHOD:
                continue
            integration = operation.get("x-amazon-apigateway-integration") or {}
            name = "ANY" if method == ANY_METHOD else method.upper()
            security = tuple(scheme for requirement in operation.get("security", []) for scheme in requirement)
            if integration.get("type") == "mock":
                routes.append(Route(resource, name, "", _compile(resource), security, _mock_headers(integration)))
                continue
            match = _FUNCTION_ARN.search(str(integration.get("uri", "")))
            if match is not None:
                routes.append(Route(resource, name, match.group(1), _compile(resource), security))
    # Literal segments beat parameters, as in API Gateway: /orders/open before /orders/{id}.
    routes.sort(key=lambda r: (r.resource.count("{"), -len(r.resource)))
    return routes


def build_proxy_event(
    route: Route,
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    path_parameters: dict[str, str],
    stage: str,
    source_ip: str,
) -> dict[str, Any]:
    """The REST API (payload format 1.0) proxy event API Gateway sends to a Lambda integration."""
    multi_query = parse_qs(query, keep_blank_values=True)
    try:
        text_body: str | None = body.decode() if body else None
        is_base64 = False
    except UnicodeDecodeError:
        text_body, is_base64 = base64.b64encode(body).decode(), True
    now = time.time()
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": method,
        "headers": headers or None,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": route.resource,
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent")},
            "protocol": "HTTP/1.1",
            "domainName": headers.get("Host", "127.0.0.1"),
            "apiId": "local",
        },
        "body": text_body,
        "isBase64Encoded": is_base64,
    }


def proxy_response(payload: bytes) -> tuple[int, dict[str, str], bytes]:
    """A proxy integration's answer must be {statusCode, headers?, body?}; anything else is a 502."""
    try:
        document = json.loads(payload)
        status = int(document["statusCode"])
    except (ValueError, KeyError, TypeError):
        log.warning("malformed Lambda proxy response: %s", payload[:300])
        return _json_error(502, "Internal server error")
    headers = {str(k): str(v) for k, v in (document.get("headers") or {}).items()}
    for key, values in (document.get("multiValueHeaders") or {}).items():
        headers[str(key)] = ", ".join(str(v) for v in values)
    body = document.get("body") or ""
    raw = base64.b64decode(body) if document.get("isBase64Encoded") else str(body).encode()
    return status, headers, raw


def _json_error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps({"message": message}).encode()
