"""``GET /web`` and ``GET /web/{proxy+}``: the dashboard's static files (public, no data).

The page asks the user for an API key and calls the REST API with it from the browser; this
function only serves the HTML shell, the page scripts and the vendored libraries.
"""

from __future__ import annotations

import hashlib
import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger

from fks import env
from fks.function_settings import FunctionSettings, variable
from fks.observability import API, observed

logger = Logger()
STATIC = (Path(__file__).parent / "static").resolve()
SHELL = "index.html"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".md": "text/markdown; charset=utf-8",
}
# Vendored files change only with their version; page scripts and the shell are revalidated.
VENDOR_CACHE = "public, max-age=604800, immutable"
PAGE_CACHE = "no-cache"


class Settings(FunctionSettings):
    # The WebSocket API's wss:// address the pages subscribe to (empty: no live updates).
    live_feed_url: str = variable(env.LIVE_FEED_URL, default="")


SETTINGS = Settings.from_environ()  # cold start: an unreadable variable fails here, naming it


def _static_operation(summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    text = {"schema": {"type": "string"}}
    return {
        "summary": summary,
        "operationId": "web_" + ("file" if parameters else "shell"),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "The file",
                "content": {content_type: text for content_type in CONTENT_TYPES.values()},
            },
            "304": {"description": "Not modified (If-None-Match matched the ETag)"},
        },
    }


# Not a JSON resolver (a greedy {proxy+} path), so these routes are described here for the one
# OpenAPI document of the API (fks_cli.openapi); 404 falls under the document's default error.
OPENAPI_PATHS = {
    "/web": {"get": _static_operation("The dashboard's HTML shell", [])},
    "/web/{proxy+}": {
        "get": _static_operation(
            "A static file of the dashboard (page scripts, styles, vendored libraries)",
            [{"name": "proxy+", "in": "path", "required": True, "schema": {"type": "string"}}],
        )
    },
}


@lru_cache(maxsize=64)
def _read(relative: str) -> tuple[str, str] | None:
    """The file's text and ETag, or None when it is not a servable file under ``static/``."""
    path = (STATIC / relative).resolve()
    if not path.is_file() or not path.is_relative_to(STATIC) or path.suffix not in CONTENT_TYPES:
        return None
    text = path.read_text(encoding="utf-8")
    return text, '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _response(status: int, body: str, content_type: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    headers = {"Content-Type": content_type, "X-Content-Type-Options": "nosniff", **(extra or {})}
    return {"statusCode": status, "headers": headers, "body": body, "isBase64Encoded": False}


def _base_href(event: dict[str, Any]) -> str:
    """Where the shell was served from (``/v1/web/``), so relative asset and API URLs resolve."""
    path = str((event.get("requestContext") or {}).get("path") or event.get("path") or "/web")
    return path[: path.index("/web") + len("/web")] + "/" if "/web" in path else "/web/"


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    relative = str((event.get("pathParameters") or {}).get("proxy") or SHELL)
    found = _read(relative)
    if found is None:
        return _response(404, json.dumps({"message": f"no such file: {relative}"}), "application/json")
    text, etag = found
    content_type = CONTENT_TYPES[Path(relative).suffix]
    if relative == SHELL:
        # The live feed's address is configuration, not a secret; escaped as it lands in an attribute.
        live_feed = html.escape(SETTINGS.live_feed_url, quote=True)
        shell = text.replace("{{BASE}}", _base_href(event)).replace("{{LIVE_FEED_URL}}", live_feed)
        return _response(200, shell, content_type, {"Cache-Control": PAGE_CACHE})
    cached = {"ETag": etag, "Cache-Control": VENDOR_CACHE if relative.startswith("vendor/") else PAGE_CACHE}
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    if headers.get("if-none-match") == etag:
        return _response(304, "", content_type, cached)
    return _response(200, text, content_type, cached)
