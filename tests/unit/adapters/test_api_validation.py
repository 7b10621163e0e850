"""Request validation through powertools answers in the API's one error shape, naming the field."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from fks_adapters.api import make_resolver
from fks_adapters.api.json_body import MAX_BODY_BYTES, MAX_DEPTH


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


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_body_nested_thousands_of_levels_is_a_400_naming_the_limit(app: Any, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    status, body = _answer(app, _event("POST", "/widgets", opening * 5000 + "1" + closing * 5000))

    assert status == 400
    assert f"the limit is {MAX_DEPTH}" in body["message"]
    assert body["details"] == {"limit_depth": MAX_DEPTH}


def test_brackets_inside_strings_do_not_count_as_nesting(app: Any) -> None:
    status, body = _answer(app, _event("POST", "/widgets", json.dumps({"name": "[" * 100 + '"{', "size": 1})))

    assert status == 200
    assert body["widget"]["name"] == "[" * 100 + '"{'


def test_body_over_the_size_limit_is_a_413_naming_the_limit(app: Any) -> None:
    status, body = _answer(app, _event("POST", "/widgets", json.dumps({"name": "a" * MAX_BODY_BYTES, "size": 1})))

    assert status == 413
    assert body["error"] == "PayloadTooLarge"
    assert body["details"] == {"limit_bytes": MAX_BODY_BYTES}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_number_constants_are_a_400(app: Any, constant: str) -> None:
    status, body = _answer(app, _event("POST", "/widgets", f'{{"name": "a", "size": {constant}}}'))

    assert status == 400
    assert f"{constant} is not a JSON number" in body["message"]


def test_unknown_query_parameter_is_a_400_naming_it_and_what_the_route_takes(app: Any) -> None:
    status, body = _answer(app, _event("GET", "/widgets/w7", query={"limit": "5", "lmit": "5", "debug": "1"}))

    assert status == 400
    assert body["details"]["problems"] == [
        {"field": "query.debug", "problem": "unknown query parameter"},
        {"field": "query.lmit", "problem": "unknown query parameter"},
    ]
    assert "this route takes: limit" in body["message"]


def test_query_parameter_on_a_route_that_takes_none_is_a_400(app: Any) -> None:
    status, body = _answer(app, _event("POST", "/widgets", json.dumps({"name": "a", "size": 1}), {"dry": "1"}))

    assert status == 400
    assert "unknown query parameter(s): dry; this route takes: none" in body["message"]
