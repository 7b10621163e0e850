"""The envelopes AWS wraps around what a function receives, pinned to fixed ids and times so a
sample event file is the same on every run: EventBridge schedules, SQS batches, SNS
notifications, DynamoDB stream records, API Gateway REST proxy events (the local gateway's own
builder) and WebSocket events (the local WebSocket gateway's builders)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fks_local.gateway_events import Route, _compile, build_proxy_event
from fks_local.websocket_events import ConnectionInfo, WsApi, connect_event, disconnect_event, message_event

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # the local emulator's account
STACK_NAME = "fks-local"  # `fks local up`'s stack: physical names are <stack>-<LogicalId>
SAMPLE_TIME_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
SAMPLE_TIME_ISO = "2026-01-01T00:00:00Z"
SAMPLE_REQUEST_TIME = "01/Jan/2026:00:00:00 +0000"
SAMPLE_SOURCE_IP = "203.0.113.10"  # TEST-NET-3: a documentation address
API_STAGE = "v1"
# What the REQUEST authorizer hands an allowed call (functions/authorizer): the API key's
# subject, its kind and its scopes; API Gateway adds principalId.
AUTHORIZER_CONTEXT = {"subject": "sample-admin", "kind": "api_key", "scopes": "admin read trade"}


def _sample_id(*parts: str) -> str:
    """A UUID-shaped id derived from ``parts``: stable, and distinct per event."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def physical_name(logical_id: str) -> str:
    return f"{STACK_NAME}-{logical_id}"


def schedule_event(function: str, rule: str) -> dict[str, Any]:
    """The event an EventBridge schedule rule delivers to its target."""
    return {
        "version": "0",
        "id": _sample_id("schedule", function, rule),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": SAMPLE_TIME_ISO,
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{physical_name(function)}{rule}"],
        "detail": {},
    }


def sqs_batch(queue: str, bodies: list[str]) -> dict[str, Any]:
    """The batch Lambda's SQS poller delivers: one record per message."""
    records = []
    for index, body in enumerate(bodies):
        message_id = _sample_id("sqs", queue, str(index))
        records.append(
            {
                "messageId": message_id,
                "receiptHandle": f"AQEB{hashlib.sha256(message_id.encode()).hexdigest()}",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": str(SAMPLE_TIME_MS),
                    "SenderId": ACCOUNT_ID,
                    "ApproximateFirstReceiveTimestamp": str(SAMPLE_TIME_MS),
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{physical_name(queue)}",
                "awsRegion": REGION,
            }
        )
    return {"Records": records}


def sns_event(topic: str, subject: str | None, message: str) -> dict[str, Any]:
    """One SNS notification as a Lambda subscription receives it."""
    topic_arn = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{physical_name(topic)}"
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:{_sample_id('subscription', topic)}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": _sample_id("sns", topic, message),
                    "TopicArn": topic_arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": "2026-01-01T00:00:00.000Z",
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem",
                    "UnsubscribeUrl": f"https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}",
                    "MessageAttributes": {},
                },
            }
        ]
    }


def dynamodb_stream_event(
    table: str,
    event_name: str,
    keys: dict[str, Any],
    new_image: dict[str, Any] | None,
    old_image: dict[str, Any] | None,
) -> dict[str, Any]:
    """One change record of a table's stream (NEW_AND_OLD_IMAGES), as Lambda's poller delivers it."""
    change: dict[str, Any] = {
        "ApproximateCreationDateTime": SAMPLE_TIME_MS // 1000,
        "Keys": keys,
        "SequenceNumber": "100000000000000000001",
        "SizeBytes": 256,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new_image is not None:
        change["NewImage"] = new_image
    if old_image is not None:
        change["OldImage"] = old_image
    stream_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{physical_name(table)}/stream/2026-01-01T00:00:00.000"
    return {
        "Records": [
            {
                "eventID": _sample_id("stream", table, event_name),
                "eventName": event_name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": change,
                "eventSourceARN": stream_arn,
            }
        ]
    }


def api_event(
    resource: str,
    method: str,
    path_parameters: dict[str, str] | None = None,
    query: str = "",
    body: str | None = None,
    headers: dict[str, str] | None = None,
    authorized: bool = True,
) -> dict[str, Any]:
    """A REST API proxy event as the local gateway builds it, with the authorizer's context of an
    allowed admin key (``authorized``) and fixed ids and times."""
    path = resource
    for name, value in (path_parameters or {}).items():
        path = path.replace(f"{{{name}+}}", value).replace(f"{{{name}}}", value)
    all_headers = {
        "Accept": "application/json",
        "Host": "abc123.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "curl/8.5.0",
        **({"Content-Type": "application/json"} if body is not None else {}),
        **(headers or {}),
    }
    route = Route(resource, method, "", _compile(resource))
    event = build_proxy_event(
        route,
        method,
        path,
        query,
        all_headers,
        (body or "").encode(),
        path_parameters or {},
        API_STAGE,
        SAMPLE_SOURCE_IP,
    )
    context = event["requestContext"]
    context.update(
        requestId=_sample_id("api", method, path, query),
        requestTime=SAMPLE_REQUEST_TIME,
        requestTimeEpoch=SAMPLE_TIME_MS,
        accountId=ACCOUNT_ID,
        apiId="abc123",
    )
    if authorized:
        context["authorizer"] = {**AUTHORIZER_CONTEXT, "principalId": AUTHORIZER_CONTEXT["subject"]}
    return event


def authorizer_request(resource: str, method: str, headers: dict[str, str]) -> dict[str, Any]:
    """The REQUEST authorizer's event for a REST call: the proxy event plus type and methodArn."""
    event = api_event(resource, method, headers=headers, authorized=False)
    method_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:abc123/{API_STAGE}/{method}{resource}"
    return {"type": "REQUEST", "methodArn": method_arn, **event}


_WS_API = WsApi("wsapi123", "live", "$request.body.action")
_WS_CONNECTION = ConnectionInfo(
    connection_id="Sample0ConnectionId=",
    source_ip=SAMPLE_SOURCE_IP,
    user_agent="Mozilla/5.0",
    connected_at_ms=SAMPLE_TIME_MS,
    domain_name="wsapi123.execute-api.us-east-1.amazonaws.com",
)


def _pin_ws(event: dict[str, Any], route: str) -> dict[str, Any]:
    context = event["requestContext"]
    request_id = _sample_id("ws", route)
    context.update(requestId=request_id, extendedRequestId=request_id, requestTime=SAMPLE_REQUEST_TIME)
    context["requestTimeEpoch"] = SAMPLE_TIME_MS
    if "messageId" in context:
        context["messageId"] = request_id[:16]
    return event


def websocket_connect(token_parameter: str) -> dict[str, Any]:
    """$connect after the authorizer allowed the caller (the context it returned is attached)."""
    headers = {"Host": [_WS_CONNECTION.domain_name], "Sec-WebSocket-Version": ["13"]}
    authorizer = {**AUTHORIZER_CONTEXT, "principalId": AUTHORIZER_CONTEXT["subject"]}
    event = connect_event(_WS_API, _WS_CONNECTION, headers, {token_parameter: ["<API key or JWT>"]}, authorizer)
    return _pin_ws(event, "$connect")


def websocket_message(body: dict[str, Any]) -> dict[str, Any]:
    return _pin_ws(message_event(_WS_API, _WS_CONNECTION, "$default", json.dumps(body)), "$default")


def websocket_disconnect() -> dict[str, Any]:
    return _pin_ws(disconnect_event(_WS_API, _WS_CONNECTION, 1000, "Client closed the connection"), "$disconnect")
