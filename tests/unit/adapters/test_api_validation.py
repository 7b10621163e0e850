"""Request validation through powertools answers in the API's one error shape, naming the field."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from fks_adapters.api import make_resolver


class Widget(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1)
    size: int = Field(ge=1)


class Page(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    limit: int = Field(default=10, ge=1, le=100)


def _event(method: str, path: str, body: str | None = None, query: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "requestContext": {"requestId": "r", "stage": "v1"},
        "body": body,
        "isBase64Encoded": False,
    }


@pytest.fixture
def app() -> Any:
    resolver = make_resolver()

    @resolver.post("/widgets")  # type: ignore[untyped-decorator]
    def create(widget: Annotated[Widget, Body()]) -> dict[str, Any]:
        return {"widget": widget.model_dump()}

    @resolver.get("/widgets/<widget_id>")  # type: ignore[untyped-decorator]
    def get(widget_id: Annotated[str, Path(pattern=r"^w[0-9]+$")], page: Annotated[Page, Query()]) -> dict[str, Any]:
        return {"id": widget_id, "limit": page.limit}

    return resolver


def _answer(app: Any, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = app.resolve(event, None)
    return response["statusCode"], json.loads(response["body"])


def test_valid_request_reaches_the_handler_typed(app: Any) -> None:
    assert _answer(app, _event("GET", "/widgets/w7", query={"limit": "5"})) == (200, {"id": "w7", "limit": 5})


def test_unknown_body_field_is_a_400_naming_it(app: Any) -> None:
    status, body = _answer(app, _event("POST", "/widgets", json.dumps({"name": "a", "size": 1, "colour": "red"})))

    assert status == 400
    assert body["error"] == "BadRequest"
    assert body["details"]["problems"] == [{"field": "body.colour", "problem": "Extra inputs are not permitted"}]
    assert "body.colour" in body["message"]


def test_bad_query_parameter_is_a_400_naming_it_once(app: Any) -> None:
    status, body = _answer(app, _event("GET", "/widgets/w7", query={"limit": "1000"}))

    assert status == 400
    assert body["details"]["problems"][0]["field"] == "query.limit"
    assert "less than or equal to 100" in body["details"]["problems"][0]["problem"]


def test_bad_path_parameter_is_a_400_naming_it(app: Any) -> None:
    status, body = _answer(app, _event("GET", "/widgets/x"))

    assert status == 400
    assert body["details"]["problems"][0]["field"] == "path.widget_id"


def test_malformed_json_body_is_a_400_saying_so(app: Any) -> None:
    status, body = _answer(app, _event("POST", "/widgets", '{"name": '))

    assert status == 400
    assert body["message"].startswith("request body is not valid JSON")


def test_missing_body_is_a_400(app: Any) -> None:
    status, body = _answer(app, _event("POST", "/widgets"))

    assert status == 400
    assert body["details"]["problems"] == [{"field": "body", "problem": "Field required"}]


def test_multipart_body_without_a_boundary_is_a_400_not_a_crash(app: Any) -> None:
    event = _event("POST", "/widgets", '{"name": "a", "size": 1}')
    event["headers"] = {"Content-Type": "multipart/form-data"}
    event["multiValueHeaders"] = {"Content-Type": ["multipart/form-data"]}

    status, body = _answer(app, event)

    assert status == 400
    assert "application/json" in body["message"]


def test_any_other_value_error_stays_a_server_error() -> None:
    resolver = make_resolver()

    @resolver.get("/broken")  # type: ignore[untyped-decorator]
    def broken() -> dict[str, Any]:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        resolver.resolve(_event("GET", "/broken"), None)


def test_body_that_is_not_utf8_is_a_400(app: Any) -> None:
    event = _event("POST", "/widgets", base64.b64encode(b"\xaf\xff{").decode())
    event["isBase64Encoded"] = True

    status, body = _answer(app, event)

    assert status == 400
    assert "not UTF-8" in body["message"]
