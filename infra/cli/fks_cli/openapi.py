"""One OpenAPI document for the whole REST API, generated from the handlers.

The routes come from template.yaml (every ``Api`` event on ``FksApi``); each route's function is
imported (``functions.<folder>.app``) and its powertools resolver describes its operations, typed
from the handlers' signatures. The documents are merged, every operation gets the API's security
(API key or bearer JWT, none on the public routes; ``x-fks-scope`` names the scope it needs) and
the one error shape every function answers with, and the result must hold exactly the template's
routes. ``fks openapi --write`` rewrites the
committed copy that the ``openapi`` function serves at ``GET /openapi.json``.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from pydantic import BaseModel

from fks.auth.route_scopes import required_scope
from fks_local.template import load

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "template.yaml"
DOCUMENT = ROOT / "functions" / "openapi" / "openapi.json"
API_ID = "FksApi"
TITLE = "FKS REST API"
VERSION = "1.0.0"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
ERROR_REF = {"$ref": "#/components/schemas/Error"}
# Both kinds of credential come as a bearer token: the header API Gateway caches the authorizer's
# decisions under (template.yaml).
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]
# Powertools documents its own 422 body; FKS answers validation errors as a 400 in its own shape.
_POWERTOOLS_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")


class OpenApiError(Exception):
    """The handlers and the template disagree, or two functions describe the same thing differently."""


@dataclass(frozen=True)
class TemplateRoute:
    path: str
    method: str
    function: str  # the folder under functions/
    public: bool


def template_routes(template_path: Path = TEMPLATE) -> list[TemplateRoute]:
    """Every route of the REST API, from the ``Api`` events whose ``RestApiId`` is ``FksApi``."""
    routes = []
    for logical_id, resource in load(template_path)["Resources"].items():
        properties = resource.get("Properties") or {}
        for event in (properties.get("Events") or {}).values():
            event_properties = event.get("Properties") or {}
            if event.get("Type") != "Api" or event_properties.get("RestApiId") != {"Ref": API_ID}:
                continue
            code_uri = str(properties.get("CodeUri", ""))
            if not code_uri.startswith("functions/"):
                raise OpenApiError(f"{logical_id}: an API function's CodeUri must be functions/<name>/")
            auth = event_properties.get("Auth") or {}
            routes.append(
                TemplateRoute(
                    path=str(event_properties["Path"]),
                    method=str(event_properties["Method"]).lower(),
                    function=code_uri.strip("/").split("/")[1],
                    public=auth.get("Authorizer") == "NONE",
                )
            )
    return routes


def function_paths(function: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The paths and component schemas one function's handlers declare."""
    module = _function_app(function)
    declared = getattr(module, "OPENAPI_PATHS", None)
    if declared is not None:  # a function that is not a JSON resolver describes itself
        return dict(declared), {}
    app = getattr(module, "app", None)
    if app is None or not hasattr(app, "get_openapi_schema"):
        raise OpenApiError(f"functions.{function}.app has neither a powertools resolver `app` nor OPENAPI_PATHS")
    schema = json.loads(
        app.get_openapi_schema(title=TITLE, version=VERSION).model_dump_json(by_alias=True, exclude_none=True)
    )
    paths, schemas = schema.get("paths", {}), (schema.get("components") or {}).get("schemas", {})
    _describe_query_models(app, paths, schemas)
    _summarise(app, paths)
    return paths, schemas


def _summarise(app: Any, paths: dict[str, Any]) -> None:
    """Powertools' default summary repeats the method and path shown beside it: the handler's
    docstring says more (first line the summary, the rest the description), and none beats it."""
    for route in [*getattr(app, "_static_routes", []), *getattr(app, "_dynamic_routes", [])]:
        operation = paths.get(route.openapi_path, {}).get(route.method.lower())
        if operation is None or operation.get("summary") != f"{route.method.upper()} {route.openapi_path}":
            continue
        summary, _, description = (inspect.getdoc(route.func) or "").partition("\n")
        if summary:
            operation["summary"] = summary.strip()
        else:
            del operation["summary"]
        if description.strip() and not operation.get("description"):
            operation["description"] = description.strip()


def _describe_query_models(app: Any, paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Powertools documents the fields of a query parameter typed as a whole model by their type
    alone; give each the model's own field schema (bounds, patterns, enums, defaults)."""
    routes = [*getattr(app, "_static_routes", []), *getattr(app, "_dynamic_routes", [])]
    for route in routes:
        operation = paths.get(route.openapi_path, {}).get(route.method.lower())
        if operation is None:
            continue
        for param in route.dependant.query_params:
            model = param.field_info.annotation
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                continue
            described = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in described.get("$defs", {}).items():
                schemas.setdefault(name, definition)
            fields = described.get("properties", {})
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter["name"] in fields:
                    parameter["schema"] = _without_null(fields[parameter["name"]])
                    parameter["required"] = parameter["name"] in described.get("required", [])


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter is one left out, never the text "null"."""
    options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
    if len(options) == 1:
        rest = {key: value for key, value in schema.items() if key != "anyOf" and (key, value) != ("default", None)}
        return {**rest, **options[0]}
    return schema


def build_document(template_path: Path = TEMPLATE) -> dict[str, Any]:
    routes = template_routes(template_path)
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": _error_schema()}
    for function in sorted({route.function for route in routes}):
        function_paths_found = _merge_schemas(schemas, *function_paths(function), function)
        for path, operations in function_paths_found.items():
            for method, operation in operations.items():
                if method in paths.get(path, {}):
                    raise OpenApiError(f"{method.upper()} {path} is described by two functions")
                paths.setdefault(path, {})[method] = {**operation, "tags": operation.get("tags") or [function]}
    _check_same_routes(routes, paths)
    public = {(route.path, route.method) for route in routes if route.public}
    for path, operations in paths.items():
        for method, operation in operations.items():
            _finish_operation(operation, public=(path, method) in public)
            if (path, method) not in public:
                operation["x-fks-scope"] = required_scope(method, path).value
    _check_unique_operation_ids(paths)
    for name in _POWERTOOLS_ERROR_SCHEMAS:
        schemas.pop(name, None)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "The FKS trading platform's REST API. Every route but /health (and the dashboard's "
            "static files) needs 'Authorization: Bearer <FKS API key or JWT>'; scopes: read, trade, admin.",
        },
        "servers": [
            {
                "url": "https://{restApiId}.execute-api.{region}.amazonaws.com/v1",
                "variables": {"restApiId": {"default": "api-id"}, "region": {"default": "us-east-1"}},
            },
            {
                "url": "http://127.0.0.1:{port}/v1",
                "description": "fks local up",
                "variables": {"port": {"default": "3000"}},
            },
        ],
        "security": SECURITY,
        "paths": {path: paths[path] for path in sorted(paths)},
        "components": {
            "schemas": {name: schemas[name] for name in sorted(schemas)},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an FKS key (fks keys create) or a JWT",
                },
            },
        },
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _function_app(function: str) -> Any:
    """``functions.<name>.app``, also from the installed ``fks`` command, whose path lacks the repo root."""
    if "functions" not in sys.modules and importlib.util.find_spec("functions") is None:
        package = ROOT / "functions"
        spec = importlib.util.spec_from_file_location(
            "functions", package / "__init__.py", submodule_search_locations=[str(package)]
        )
        if spec is None or spec.loader is None:
            raise OpenApiError(f"cannot load the functions package from {package}")
        sys.modules["functions"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["functions"])
    # Imported with the environment the template gives the function: it reads its settings on import.
    sys.path.insert(0, str(ROOT / "infra" / "sam"))
    try:
        from function_env import environment_of_folder
    finally:
        sys.path.remove(str(ROOT / "infra" / "sam"))
    environment = environment_of_folder(load(ROOT / "template.yaml"), f"functions/{function}/")
    with mock.patch.dict(os.environ, {**environment, **os.environ}):
        return importlib.import_module(f"functions.{function}.app")


def _merge_schemas(
    into: dict[str, Any], paths: dict[str, Any], schemas: dict[str, Any], function: str
) -> dict[str, Any]:
    """Adds ``schemas`` to ``into``. Two functions may each have their own model of one name
    (``HistoryQuery``): the later one is renamed after its function (``PortfolioHistoryQuery``),
    and so are the references to it in its paths and schemas. Returns the paths."""
    clashes = {
        name: _prefixed(function, name)
        for name, schema in schemas.items()
        if name in into and into[name] != schema and name not in _POWERTOOLS_ERROR_SCHEMAS
    }
    if clashes:
        text = json.dumps({"paths": paths, "schemas": schemas})
        for name, renamed in clashes.items():
            text = text.replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{renamed}"')
        renamed_parts = json.loads(text)
        paths = renamed_parts["paths"]
        schemas = {clashes.get(name, name): schema for name, schema in renamed_parts["schemas"].items()}
    for name, schema in schemas.items():
        if name in into and into[name] != schema and name not in _POWERTOOLS_ERROR_SCHEMAS:
            raise OpenApiError(f"functions.{function} describes schema {name} differently from another function")
        into.setdefault(name, schema)
    return paths


def _prefixed(function: str, name: str) -> str:
    return "".join(part.capitalize() for part in function.split("_")) + name


def _check_same_routes(routes: list[TemplateRoute], paths: dict[str, dict[str, Any]]) -> None:
    in_template = {(route.path, route.method) for route in routes}
    in_handlers = {(path, method) for path, operations in paths.items() for method in operations if method in METHODS}
    problems = [f"{m.upper()} {p} is in template.yaml but no handler declares it" for p, m in in_template - in_handlers]
    problems += [
        f"{m.upper()} {p} has a handler but no Api event in template.yaml" for p, m in in_handlers - in_template
    ]
    if problems:
        raise OpenApiError("; ".join(sorted(problems)) + " (path parameters must be named as in the template)")


def _check_unique_operation_ids(paths: dict[str, dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    for path, operations in paths.items():
        for method, operation in operations.items():
            operation_id = operation.get("operationId", "")
            if operation_id in seen:
                raise OpenApiError(
                    f"operationId {operation_id} of {method.upper()} {path} is also {seen[operation_id]}'s"
                )
            seen[operation_id] = f"{method.upper()} {path}"


def _finish_operation(operation: dict[str, Any], *, public: bool) -> None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and not parameter.get("required") and "schema" in parameter:
            parameter["schema"] = _without_null(parameter["schema"])
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    error = {"description": "", "content": {"application/json": {"schema": ERROR_REF}}}
    if operation.get("parameters") or operation.get("requestBody"):
        responses["400"] = {**error, "description": "Invalid request: details.problems names each field and why"}
    if not public:
        responses["401"] = {**error, "description": "Missing, invalid or expired credentials"}
        responses["403"] = {**error, "description": "The key or token lacks the route's scope"}
        responses["429"] = {**error, "description": "Over the usage plan's rate or quota (see Retry-After)"}
    responses["default"] = {**error, "description": "Any other error, in the same shape"}
    operation["security"] = [] if public else SECURITY


def _error_schema() -> dict[str, Any]:
    return {
        "title": "Error",
        "description": "Every error the API answers: the FKS error name, a message naming what was wrong, and "
        "details (details.problems lists each invalid field). Errors from the gateway itself carry only message.",
        "type": "object",
        "required": ["message"],
        "properties": {
            "error": {"type": "string", "examples": ["BadRequest", "NotFound"]},
            "message": {"type": "string"},
            "details": {"type": "object", "additionalProperties": True},
        },
    }
