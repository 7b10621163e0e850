"""The REST edge shared by the API functions: errors mapped once to statuses, bodies read into models.

Each ``FksError`` carries its HTTP status, so the mapping is one handler and no ``isinstance``
ladder. Whatever breaks a request's contract (a body, path or query parameter that fails its
pydantic model in powertools' validation, or a model read by hand) is a 400 in the same shape as
every other error: ``{"error", "message", "details": {"problems": [{"field", "problem"}]}}``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from fks.errors import BadRequest, FksError
from fks_adapters.api.json_body import read_json

M = TypeVar("M", bound=BaseModel)


def error_response(error: FksError) -> Response[str]:
    return Response(status_code=error.status_code, content_type="application/json", body=json.dumps(error.to_dict()))


def install_error_handlers(app: APIGatewayRestResolver, logger: Logger) -> None:
    def fks_error(error: FksError) -> Response[str]:
        if error.status_code >= 500:
            logger.exception("request failed", extra={"error": error.to_dict()})
        return error_response(error)

    def invalid(error: ValidationError) -> Response[str]:
        return error_response(bad_request(error.errors(include_url=False)))

    def request_invalid(error: RequestValidationError) -> Response[str]:
        return error_response(bad_request(error.errors(), _model_parameters(app)))

    def unparsable_body(error: ValueError) -> Response[str]:
        # Powertools parses a multipart body before validating it and raises a bare ValueError
        # when the Content-Type has no boundary; any other ValueError is a bug and stays a 500.
        content_type = app.current_event.headers.get("content-type") or ""
        if not content_type.lower().startswith("multipart/"):
            raise error
        return error_response(
            BadRequest(f"cannot read a {content_type} body ({error}); this API takes application/json")
        )

    def not_utf8(error: UnicodeDecodeError) -> Response[str]:
        if not app.current_event.is_base64_encoded:  # the body was text: the error is a bug
            raise error
        return error_response(BadRequest(f"request body is not UTF-8 text: {error.reason} at position {error.start}"))

    # Registered by call, not as decorators: powertools' decorator is untyped for mypy --strict.
    app.exception_handler(FksError)(fks_error)
    app.exception_handler(ValidationError)(invalid)
    app.exception_handler(RequestValidationError)(request_invalid)
    app.exception_handler(ValueError)(unparsable_body)
    app.exception_handler(UnicodeDecodeError)(not_utf8)


def body_model(app: APIGatewayRestResolver, model: type[M]) -> M:
    """The request body as ``model``; a missing, non-JSON or invalid body is a ``BadRequest``.

    For handlers that cannot declare the body in their signature; a typed ``Body()`` parameter is
    the usual way (it also documents the body in the OpenAPI document).
    """
    raw = app.current_event.decoded_body
    if not raw:
        raise BadRequest(f"a JSON body is required ({model.__name__})")
    try:
        return model.model_validate(read_json(raw))
    except ValidationError as error:
        raise bad_request(error.errors(include_url=False)) from None


def bad_request(errors: Iterable[Mapping[str, Any]], model_parameters: Collection[str] = ()) -> BadRequest:
    """One ``BadRequest`` naming every field that was wrong and why (pydantic error dicts in)."""
    errors = list(errors)
    malformed = next((item for item in errors if item.get("type") == "json_invalid"), None)
    if malformed is not None:
        return _malformed_json(malformed)
    problems = [
        {"field": field_name(item.get("loc", ()), model_parameters), "problem": str(item.get("msg", "invalid"))}
        for item in errors
    ]
    summary = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
    return BadRequest(f"invalid request: {summary}", details={"problems": problems})


def field_name(loc: Iterable[object], model_parameters: Collection[str] = ()) -> str:
    """``("query", "limit")`` -> ``query.limit``. A query parameter typed as a whole model puts its own
    name in the location too (``("query", "page", "limit")``), which says nothing to the caller."""
    parts = [str(item) for item in loc]
    if len(parts) > 2 and parts[0] in ("query", "header") and parts[1] in model_parameters:
        del parts[1]
    return ".".join(parts) or "body"


def _model_parameters(app: APIGatewayRestResolver) -> frozenset[str]:
    """The current route's query and header parameters that are typed as a pydantic model."""
    dependant = getattr(app.context.get("_route"), "dependant", None)
    if dependant is None:
        return frozenset()
    params = [*dependant.query_params, *dependant.header_params]
    return frozenset(
        param.name
        for param in params
        if isinstance(param.field_info.annotation, type) and issubclass(param.field_info.annotation, BaseModel)
    )


def _malformed_json(item: Mapping[str, Any]) -> BadRequest:
    reason = str((item.get("ctx") or {}).get("error") or item.get("msg") or "JSON decode error")
    loc = list(item.get("loc", ()))
    where = f" at position {loc[-1]}" if len(loc) > 1 else ""
    return BadRequest(f"request body is not valid JSON: {reason}{where}")
