from __future__ import annotations

import json
from typing import Any

import pytest

from fks.errors import NotFound
from fks_adapters.api import make_resolver


def _event(method: str, path: str, body: str | None = None) -> dict[str, Any]:
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Origin": "http://localhost:8080", "Content-Type": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "requestContext": {"requestId": "r", "stage": "v1"},
        "body": body,
        "isBase64Encoded": False,
    }


@pytest.fixture
def app() -> Any:
    resolver = make_resolver(origin="http://localhost:8080")

    @resolver.get("/things/<thing_id>")  # type: ignore[untyped-decorator]
    def get_thing(thing_id: str) -> dict[str, str]:
        raise NotFound(f"no thing {thing_id}")

    @resolver.post("/things")  # type: ignore[untyped-decorator]
    def post_thing() -> dict[str, Any]:
        return {"got": resolver.current_event.json_body}

    return resolver


def test_domain_error_maps_to_its_status_and_body(app: Any) -> None:
    response = app.resolve(_event("GET", "/things/7"), None)

    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {"error": "NotFound", "message": "no thing 7"}


def test_response_carries_the_dashboard_origin(app: Any) -> None:
    response = app.resolve(_event("POST", "/things", '{"a": 1}'), None)

    assert response["statusCode"] == 200
    headers = response.get("multiValueHeaders") or {}
    assert headers.get("Access-Control-Allow-Origin") == ["http://localhost:8080"]


def test_malformed_json_is_a_400_saying_so(app: Any) -> None:
    response = app.resolve(_event("POST", "/things", "{not json"), None)

    assert response["statusCode"] == 400
    assert "not valid JSON" in json.loads(response["body"])["message"]
