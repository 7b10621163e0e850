"""API Gateway's gateway responses (401, 403, 429, ...) as the deployed API defines them."""

from __future__ import annotations

import json
import re
from typing import Any

_DEFAULTS = {
    "UNAUTHORIZED": (401, "Unauthorized"),
    "ACCESS_DENIED": (403, "User is not authorized to access this resource"),
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
    "INVALID_API_KEY": (403, "Forbidden"),
    "THROTTLED": (429, "Too Many Requests"),
    "QUOTA_EXCEEDED": (429, "Limit Exceeded"),
    "REQUEST_TOO_LARGE": (413, "Request Too Long"),
    "AUTHORIZER_FAILURE": (500, "Internal server error"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "Internal server error"),
    "INTEGRATION_FAILURE": (502, "Internal server error"),
}
_CONTEXT_VARIABLE = re.compile(r"\$context\.authorizer\.([A-Za-z0-9_]+)")

Response = tuple[int, dict[str, str], bytes]


class GatewayResponses:
    def __init__(self, definition: dict[str, Any]) -> None:
        self._custom: dict[str, Any] = definition.get("x-amazon-apigateway-gateway-responses") or {}

    def render(self, kind: str, authorizer_context: dict[str, Any] | None = None) -> Response:
        status, message = _DEFAULTS[kind]
        custom = self._custom.get(kind) or (
            self._custom.get("DEFAULT_4XX") if status < 500 else self._custom.get("DEFAULT_5XX")
        )
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": kind}
        body = json.dumps({"message": message})
        if custom:
            status = int(custom.get("statusCode", status))
            template = (custom.get("responseTemplates") or {}).get("application/json")
            if template:
                context = authorizer_context or {}
                body = _CONTEXT_VARIABLE.sub(lambda m: str(context.get(m.group(1), "")), template)
            for name, value in (custom.get("responseParameters") or {}).items():
                if name.startswith("gatewayresponse.header."):
                    headers[name.removeprefix("gatewayresponse.header.")] = str(value).strip("'")
        return status, headers, body.encode()
