"""The local WebSocket gateway's routing and the Lambda events it builds."""

from __future__ import annotations

import pytest

from fks_local.websocket_events import (
    ConnectionInfo,
    WsApi,
    WsAuthorizer,
    WsRoute,
    authorizer_event,
    connect_event,
    disconnect_event,
    function_arn,
    message_event,
)

FN = "arn:aws:lambda:us-east-1:123456789012:function:live"
API = WsApi(
    "abc123",
    "v1",
    "$request.body.action",
    {
        "$connect": WsRoute("$connect", FN, authorizer=WsAuthorizer(FN, ("route.request.querystring.token",))),
        "subscribe": WsRoute("subscribe", FN, two_way=True),
        "$default": WsRoute("$default", FN, two_way=True),
    },
)
CONNECTION = ConnectionInfo("Abc123=", "127.0.0.1", "pytest", 1_700_000_000_000, "127.0.0.1:9999")


@pytest.mark.parametrize(
    ("body", "route"),
    [
        ('{"action": "subscribe"}', "subscribe"),
        ('{"action": "unsubscribe"}', "$default"),  # no such route here
        ('{"action": 3}', "$default"),
        ('{"no": "action"}', "$default"),
        ("not json", "$default"),
        ("[]", "$default"),
    ],
)
def test_body_selects_its_route_else_default(body: str, route: str) -> None:
    selected = API.select_route(body)

    assert selected is not None
    assert selected.key == route


def test_without_default_route_an_unknown_action_selects_nothing() -> None:
    api = WsApi("abc", "v1", "$request.body.action", {"subscribe": WsRoute("subscribe", FN)})

    assert api.select_route('{"action": "other"}') is None


def test_missing_identity_source_is_named() -> None:
    authorizer = WsAuthorizer(FN, ("route.request.querystring.token", "route.request.header.X-Client"))

    assert authorizer.missing_identity({"x-client": "a"}, {"token": "t"}) == []
    assert authorizer.missing_identity({}, {"token": ""}) == [
        "route.request.querystring.token",
        "route.request.header.X-Client",
    ]


def test_connect_and_authorizer_events_have_api_gateways_shape() -> None:
    headers, query = {"Host": ["127.0.0.1"]}, {"token": ["a", "b"]}

    connect = connect_event(API, CONNECTION, headers, query, {"principalId": "key1", "kind": "api_key"})
    authorize = authorizer_event(API, CONNECTION, headers, query, "arn:aws:execute-api:us-east-1:1:abc123")

    context = connect["requestContext"]
    assert (context["routeKey"], context["eventType"], context["connectionId"]) == ("$connect", "CONNECT", "Abc123=")
    assert (context["apiId"], context["stage"], context["domainName"]) == ("abc123", "v1", "127.0.0.1:9999")
    assert context["authorizer"] == {"principalId": "key1", "kind": "api_key"}
    assert connect["queryStringParameters"] == {"token": "b"}
    assert connect["multiValueQueryStringParameters"] == {"token": ["a", "b"]}
    assert authorize["type"] == "REQUEST"
    assert authorize["methodArn"] == "arn:aws:execute-api:us-east-1:1:abc123/v1/$connect"
    assert authorize["requestContext"]["eventType"] == "CONNECT"
    assert "authorizer" not in authorize["requestContext"]


def test_message_and_disconnect_events() -> None:
    message = message_event(API, CONNECTION, "subscribe", '{"action": "subscribe"}')
    disconnect = disconnect_event(API, CONNECTION, 1001, "going away")

    assert message["body"] == '{"action": "subscribe"}'
    assert message["requestContext"]["eventType"] == "MESSAGE"
    assert message["requestContext"]["routeKey"] == "subscribe"
    assert disconnect["requestContext"]["eventType"] == "DISCONNECT"
    assert disconnect["requestContext"]["disconnectStatusCode"] == 1001


def test_function_arn_from_integration_uri() -> None:
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}/invocations"

    assert function_arn(uri) == FN
    with pytest.raises(ValueError, match="not a Lambda integration URI"):
        function_arn("http://example.com")
