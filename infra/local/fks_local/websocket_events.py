"""A deployed WebSocket API as the local gateway serves it, and the Lambda events API Gateway
sends its functions: CONNECT (with the REQUEST authorizer's event before it), MESSAGE and
DISCONNECT, shaped as API Gateway shapes them.

The routes come from the emulator's apigatewayv2 API (what the template deployed). moto cannot
list route responses, so a route answers its caller when it has a RouteResponseSelectionExpression
(the template pairs each such route with its $default route response).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_FUNCTION_ARN = re.compile(r"functions/(arn:aws:lambda:[^/]+)/invocations")
DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class WsAuthorizer:
    function_arn: str
    identity_source: tuple[str, ...] = ()

    def missing_identity(self, headers: dict[str, str], query: dict[str, str]) -> list[str]:
        """The identity sources the request lacks; API Gateway refuses those with 401 unasked."""
        lowered = {k.lower(): v for k, v in headers.items()}
        missing = []
        for source in self.identity_source:
            kind, _, name = source.removeprefix("route.request.").partition(".")
            present = query.get(name) if kind == "querystring" else lowered.get(name.lower())
            if not present:
                missing.append(source)
        return missing


@dataclass(frozen=True)
class WsRoute:
    key: str
    function_arn: str
    two_way: bool = False
    authorizer: WsAuthorizer | None = None


@dataclass(frozen=True)
class WsApi:
    api_id: str
    stage: str
    route_selection_expression: str
    routes: dict[str, WsRoute] = field(default_factory=dict)

    def select_route(self, body: str) -> WsRoute | None:
        """The route ``body`` selects (``$request.body.<path>``), else ``$default`` (or None)."""
        selected = _body_value(self.route_selection_expression, body)
        route = self.routes.get(selected) if isinstance(selected, str) else None
        return route or self.routes.get(DEFAULT_ROUTE)


def _body_value(expression: str, body: str) -> Any:
    if not expression.startswith("$request.body."):
        return None
    try:
        value: Any = json.loads(body)
    except (json.JSONDecodeError, TypeError):
        return None
    for part in expression.removeprefix("$request.body.").split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def function_arn(uri: str) -> str:
    match = _FUNCTION_ARN.search(uri)
    if match is None:
        raise ValueError(f"not a Lambda integration URI: {uri}")
    return match.group(1)


def load_api(client: Any, api_id: str, stage: str) -> WsApi:
    """The API's routes, their Lambda integrations and authorizers, read from the emulator."""
    api = client.get_api(ApiId=api_id)
    routes: dict[str, WsRoute] = {}
    for route in client.get_routes(ApiId=api_id)["Items"]:
        target = str(route.get("Target", ""))
        if not target.startswith("integrations/"):
            continue
        integration = client.get_integration(ApiId=api_id, IntegrationId=target.removeprefix("integrations/"))
        authorizer = None
        if route.get("AuthorizationType") == "CUSTOM" and route.get("AuthorizerId"):
            found = client.get_authorizer(ApiId=api_id, AuthorizerId=route["AuthorizerId"])
            authorizer = WsAuthorizer(function_arn(found["AuthorizerUri"]), tuple(found.get("IdentitySource") or ()))
        routes[route["RouteKey"]] = WsRoute(
            route["RouteKey"],
            function_arn(integration["IntegrationUri"]),
            two_way=bool(route.get("RouteResponseSelectionExpression")),
            authorizer=authorizer,
        )
    return WsApi(api_id, stage, str(api.get("RouteSelectionExpression", "$request.body.action")), routes)


@dataclass(frozen=True)
class ConnectionInfo:
    connection_id: str
    source_ip: str
    user_agent: str
    connected_at_ms: int
    domain_name: str


def _now_ms() -> int:
    return int(time.time() * 1000)


def request_context(
    api: WsApi, connection: ConnectionInfo, route_key: str, event_type: str, **extra: Any
) -> dict[str, Any]:
    now = _now_ms()
    request_id = uuid.uuid4().hex
    return {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": datetime.fromtimestamp(now / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "messageDirection": "IN",
        "stage": api.stage,
        "connectedAt": connection.connected_at_ms,
        "requestTimeEpoch": now,
        "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
        "requestId": request_id,
        "domainName": connection.domain_name,
        "connectionId": connection.connection_id,
        "apiId": api.api_id,
        **extra,
    }


def _multi(values: dict[str, list[str]]) -> dict[str, Any]:
    return {"single": {k: v[-1] for k, v in values.items()} or None, "multi": values or None}


def connect_event(
    api: WsApi,
    connection: ConnectionInfo,
    headers: dict[str, list[str]],
    query: dict[str, list[str]],
    authorizer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    context = request_context(api, connection, "$connect", "CONNECT")
    if authorizer is not None:
        context["authorizer"] = authorizer
    return {
        "headers": {k: v[-1] for k, v in headers.items()},
        "multiValueHeaders": headers,
        "queryStringParameters": _multi(query)["single"],
        "multiValueQueryStringParameters": _multi(query)["multi"],
        "requestContext": context,
        "isBase64Encoded": False,
    }


def authorizer_event(
    api: WsApi,
    connection: ConnectionInfo,
    headers: dict[str, list[str]],
    query: dict[str, list[str]],
    method_arn_prefix: str,
) -> dict[str, Any]:
    event = connect_event(api, connection, headers, query)
    return {
        "type": "REQUEST",
        "methodArn": f"{method_arn_prefix}/{api.stage}/$connect",
        "stageVariables": {},
        **{k: v for k, v in event.items() if k != "isBase64Encoded"},
    }


def message_event(api: WsApi, connection: ConnectionInfo, route_key: str, body: str) -> dict[str, Any]:
    context = request_context(api, connection, route_key, "MESSAGE", messageId=uuid.uuid4().hex[:16])
    return {"requestContext": context, "body": body, "isBase64Encoded": False}


def disconnect_event(api: WsApi, connection: ConnectionInfo, status_code: int, reason: str) -> dict[str, Any]:
    context = request_context(
        api, connection, "$disconnect", "DISCONNECT", disconnectStatusCode=status_code, disconnectReason=reason
    )
    return {"headers": {}, "multiValueHeaders": {}, "requestContext": context, "isBase64Encoded": False}
