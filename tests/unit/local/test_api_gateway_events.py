from __future__ import annotations

import base64
import json

from fks_local.gateway_events import build_proxy_event, proxy_response, routes_from_definition


def _integration(function: str) -> dict[str, dict[str, str]]:
    arn = f"arn:aws:lambda:us-east-1:1:function:{function}"
    return {
        "x-amazon-apigateway-integration": {
            "uri": f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
        }
    }


DEFINITION = {
    "paths": {
        "/orders/{id}": {"get": _integration("get-order")},
        "/orders/open": {"get": _integration("open-orders")},
        "/files/{proxy+}": {"x-amazon-apigateway-any-method": _integration("files")},
    }
}


def _match(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    for route in routes_from_definition(DEFINITION):
        found = route.pattern.match(path)
        if found and route.method in (method, "ANY"):
            return route.function_arn.rsplit(":", 1)[-1], found.groupdict()
    return None


def test_literal_segment_beats_path_parameter() -> None:
    assert _match("GET", "/orders/open") == ("open-orders", {})
    assert _match("GET", "/orders/42") == ("get-order", {"id": "42"})


def test_greedy_proxy_parameter_takes_the_rest_of_the_path() -> None:
    assert _match("DELETE", "/files/a/b/c.txt") == ("files", {"proxy": "a/b/c.txt"})


def test_method_must_match() -> None:
    assert _match("POST", "/orders/42") is None


def test_proxy_event_has_rest_api_v1_shape() -> None:
    route = routes_from_definition(DEFINITION)[-1]
    event = build_proxy_event(
        route, "GET", "/orders/42", "a=1&a=2&b=", {"Host": "x"}, b"", {"id": "42"}, "v1", "127.0.0.1"
    )

    assert event["resource"] == route.resource
    assert event["queryStringParameters"] == {"a": "2", "b": ""}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": [""]}
    assert event["pathParameters"] == {"id": "42"}
    assert event["requestContext"]["stage"] == "v1"
    assert event["body"] is None
    assert event["isBase64Encoded"] is False


def test_binary_body_is_base64_encoded() -> None:
    route = routes_from_definition(DEFINITION)[0]
    event = build_proxy_event(route, "POST", "/x", "", {}, b"\xff\xfe", {}, "v1", "127.0.0.1")

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\xfe"


def test_proxy_response_maps_status_headers_and_body() -> None:
    payload = json.dumps(
        {"statusCode": 201, "headers": {"X-A": "1"}, "multiValueHeaders": {"X-B": ["2", "3"]}, "body": "ok"}
    )

    assert proxy_response(payload.encode()) == (201, {"X-A": "1", "X-B": "2, 3"}, b"ok")


def test_malformed_proxy_response_is_a_502() -> None:
    status, _, body = proxy_response(b'{"body": "no status"}')

    assert status == 502
    assert json.loads(body) == {"message": "Internal server error"}
