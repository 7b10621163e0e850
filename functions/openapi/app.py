"""``GET /openapi.json``: the REST API's OpenAPI document.

The document is generated from every API function's handlers and committed beside this file
(``fks openapi --write``; a test fails when it is stale), so serving it imports none of them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.function_settings import ApiSettings
from fks.observability import API, observed
from fks_adapters.api import make_resolver

DOCUMENT = Path(__file__).with_name("openapi.json")
logger = Logger()


class Settings(ApiSettings):
    pass


SETTINGS = Settings.from_environ()  # cold start: an unreadable variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return document


@app.get("/openapi.json")
def openapi_document() -> dict[str, Any]:
    """This document (OpenAPI 3.1): every route, its parameters, bodies, responses and security."""
    return _document()


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
