"""The powertools REST resolver every API function uses, configured once.

- CORS for the dashboard's origin only (FKS_CORS_ORIGIN, from the template's DashboardOrigin);
  API Gateway answers the preflight, but each response must carry the header itself.
- Request validation from the handlers' type hints (pydantic): 422 naming the field.
- Every FksError becomes its own status with {"error", "message", "details"}: the handler has no
  isinstance ladder, the error class carries its status.
- Malformed JSON is a 400 saying so, not a 500.
"""

from __future__ import annotations

import json
import os
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types

from fks.errors import FksError

_ALLOWED_HEADERS = ["Authorization", "X-Api-Key", "Content-Type"]


def _json(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(body))


def _error_response(error: FksError) -> Response[str]:
    return _json(error.status_code, error.to_dict())


def _malformed_json(error: json.JSONDecodeError) -> Response[str]:
    message = f"request body is not valid JSON: {error.msg} at position {error.pos}"
    return _json(400, {"error": "BadRequest", "message": message})


def make_resolver(enable_validation: bool = True) -> APIGatewayRestResolver:
    origin = os.environ.get("FKS_CORS_ORIGIN") or "http://localhost:8080"
    resolver = APIGatewayRestResolver(
        cors=CORSConfig(allow_origin=origin, allow_headers=_ALLOWED_HEADERS, max_age=600),
        enable_validation=enable_validation,
    )
    # Registered by call rather than as decorators, which powertools leaves untyped.
    register: Any = resolver.exception_handler
    register(FksError)(_error_response)
    register(json.JSONDecodeError)(_malformed_json)
    return resolver
