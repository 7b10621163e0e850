"""API Gateway's FlushStageAuthorizersCache on the local stack.

moto 5.2.5 stores stages but does not serve ``DELETE /restapis/{id}/stages/{stage}/cache/authorizers``
(``aws apigateway flush-stage-authorizers-cache``), and the authorizer cache it would flush is not
moto's anyway: it is the local gateway's (``gateway_auth.AuthorizerCache``). ``install`` adds that
route to moto's API Gateway service, answering as API Gateway does (202, or 404 for a stage it does
not have), and each local gateway registers its cache under its API id and stage, so
``fks keys revoke`` (which flushes after revoking) takes effect locally at once, as in AWS.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

_ROUTE = "{0}/restapis/(?P<function_id>[^/]+)/stages/(?P<stage_name>[^/]+)/cache/authorizers/?$"
_PATH = re.compile(r"/restapis/(?P<api>[^/]+)/stages/(?P<stage>[^/]+)/cache/authorizers/?$")
_REGION = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/apigateway/")

_lock = threading.Lock()
_flushes: dict[tuple[str, str], list[Callable[[], None]]] = {}


def register(api_id: str, stage: str, flush: Callable[[], None]) -> Callable[[], None]:
    """Call ``flush`` when the stage's authorizer cache is flushed; returns the unregistering call."""
    with _lock:
        _flushes.setdefault((api_id, stage), []).append(flush)

    def unregister() -> None:
        with _lock:
            kept = _flushes.get((api_id, stage), [])
            if flush in kept:
                kept.remove(flush)

    return unregister


def _not_found(message: str) -> tuple[int, dict[str, str], str]:
    return 404, {"x-amzn-ErrorType": "NotFoundException"}, json.dumps({"message": message})


def _flush_stage_authorizers_cache(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    from moto.apigateway.models import apigateway_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    match = _PATH.search(urlsplit(full_url).path)
    if request.method != "DELETE" or match is None:
        return _not_found("No method found matching route")
    api_id, stage = match["api"], match["stage"]
    region = _REGION.search(str(headers.get("Authorization", "")))
    backend = apigateway_backends[DEFAULT_ACCOUNT_ID][region.group(1) if region else "us-east-1"]
    try:
        backend.get_stage(api_id, stage)
    except Exception:  # moto raises its RestAPINotFound / StageNotFoundException
        return _not_found("Invalid stage identifier specified")
    with _lock:
        flushes = list(_flushes.get((api_id, stage), []))
    for flush in flushes:
        flush()
    return 202, {}, ""


def install() -> None:
    """Add the flush route to moto's API Gateway service, before its server builds its routes."""
    from moto.apigateway import urls

    urls.url_paths.setdefault(_ROUTE, _flush_stage_authorizers_cache)
