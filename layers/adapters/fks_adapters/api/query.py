"""Unknown query parameters are refused, on every route, naming them.

Powertools validates the query parameters a handler declares and drops the rest without a word,
so ``GET /signals?stauts=denied`` would answer every signal as if the filter had been applied.
This middleware compares what came with what the route's signature declares (a parameter typed
as a model declares its fields) and answers 400 for the difference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from pydantic import BaseModel

from fks.errors import BadRequest


def declared_query_names(app: APIGatewayRestResolver) -> frozenset[str] | None:
    """The query parameters the current route takes; None when the route is not known."""
    dependant = getattr(app.context.get("_route"), "dependant", None)
    if dependant is None:
        return None
    names: set[str] = set()
    for param in dependant.query_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.update(field.alias or name for name, field in annotation.model_fields.items())
        else:
            names.add(param.alias or param.name)
    return frozenset(names)


def refuse_unknown_query_parameters(
    app: APIGatewayRestResolver, next_middleware: Callable[[APIGatewayRestResolver], Response[Any]]
) -> Response[Any]:
    event = app.current_event
    given = set(event.query_string_parameters or {}) | set(event.multi_value_query_string_parameters or {})
    declared = declared_query_names(app)
    unknown = sorted(given - declared) if declared is not None else []
    if unknown:
        accepted = ", ".join(sorted(declared or ())) or "none"
        problems = [{"field": f"query.{name}", "problem": "unknown query parameter"} for name in unknown]
        raise BadRequest(
            f"unknown query parameter(s): {', '.join(unknown)}; this route takes: {accepted}",
            details={"problems": problems},
        )
    return next_middleware(app)
