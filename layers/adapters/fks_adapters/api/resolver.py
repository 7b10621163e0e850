"""The powertools REST resolver for an API function, configured once: request validation with
pydantic (body, path and query typed in each handler's signature, which is also what the OpenAPI
document is generated from), CORS for the dashboard's origin only (``origin``: the function's FKS_CORS_ORIGIN, from the
template's DashboardOrigin; API Gateway answers the preflight, but each response must carry the
header itself), bodies read within size and depth limits (``json_body``), unknown query parameters
refused (``query``), and the shared error handlers."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response

from fks.errors import BadRequest
from fks_adapters.api.edge import error_response, install_error_handlers
from fks_adapters.api.json_body import read_json
from fks_adapters.api.query import refuse_unknown_query_parameters

_ALLOWED_HEADERS = ["Authorization", "Content-Type"]


def _malformed_json(error: json.JSONDecodeError) -> Response[str]:
    return error_response(BadRequest(f"request body is not valid JSON: {error.msg} at position {error.pos}"))


def make_resolver(logger: Logger | None = None, origin: str = "http://localhost:8080") -> APIGatewayRestResolver:
    resolver = APIGatewayRestResolver(
        cors=CORSConfig(allow_origin=origin, allow_headers=_ALLOWED_HEADERS, max_age=600),
        enable_validation=True,
        json_body_deserializer=read_json,
    )
    resolver.use([refuse_unknown_query_parameters])
    install_error_handlers(resolver, logger or Logger())
    # Registered by call rather than as a decorator, which powertools leaves untyped.
    register: Any = resolver.exception_handler
    register(json.JSONDecodeError)(_malformed_json)
    return resolver
