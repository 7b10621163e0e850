"""The REST edge shared by the API functions: errors mapped once to statuses, bodies read into models.

Each ``FksError`` carries its HTTP status, so the mapping is one handler and no ``isinstance``
ladder; a body that breaks its pydantic contract is a 400 listing what was wrong.
"""

from __future__ import annotations

import json
from typing import TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from pydantic import BaseModel, ValidationError

from fks.errors import BadRequest, FksError

M = TypeVar("M", bound=BaseModel)


def error_response(error: FksError) -> Response[str]:
    return Response(status_code=error.status_code, content_type="application/json", body=json.dumps(error.to_dict()))


def install_error_handlers(app: APIGatewayRestResolver, logger: Logger) -> None:
    def fks_error(error: FksError) -> Response[str]:
        if error.status_code >= 500:
            logger.exception("request failed", extra={"error": error.to_dict()})
        return error_response(error)

    def invalid(error: ValidationError) -> Response[str]:
        return error_response(_bad_request(error))

    # Registered by call, not as decorators: powertools' decorator is untyped for mypy --strict.
    app.exception_handler(FksError)(fks_error)
    app.exception_handler(ValidationError)(invalid)


def body_model(app: APIGatewayRestResolver, model: type[M]) -> M:
    """The request body as ``model``; a missing, non-JSON or invalid body is a ``BadRequest``."""
    raw = app.current_event.body
    if not raw:
        raise BadRequest(f"a JSON body is required ({model.__name__})")
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise _bad_request(error) from None


def _bad_request(error: ValidationError) -> BadRequest:
    problems = [
        {"field": ".".join(str(part) for part in item["loc"]) or "body", "problem": item["msg"]}
        for item in error.errors(include_url=False)
    ]
    summary = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
    return BadRequest(f"invalid request: {summary}", details={"problems": problems})
