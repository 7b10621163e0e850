"""The local WebSocket gateway: serves a deployed WebSocket API on loopback, as API Gateway does.

A connect runs the ``$connect`` route's REQUEST authorizer (401 without its identity source,
401/403/500 as the authorizer answers), then the ``$connect`` function (a non-2xx answer refuses
the connection). Each text frame goes to the route its body selects (else ``$default``); a
two-way route's response body is sent back as a frame. A close runs ``$disconnect``. Functions
run through the emulator's Lambda API, like the REST gateway's.

Beside it, on its own loopback port, the ``@connections`` management API
(``POST/GET/DELETE /{stage}/@connections/{id}``) that functions reach with boto3's
``apigatewaymanagementapi`` client: an unknown or closed connection is a 410 GoneException.

Kept (issue 25): moto 5.2.5 stores WebSocket APIs but serves no connection, and its @connections
API appends posted data to a record no client reads; MiniStack serves both, on the second target.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from fks_local.gateway_auth import run_authorizer
from fks_local.websocket_events import (
    ConnectionInfo,
    WsApi,
    WsRoute,
    authorizer_event,
    connect_event,
    disconnect_event,
    message_event,
)

log = logging.getLogger(__name__)
MAX_FRAME_BYTES = 128 * 1024  # API Gateway's WebSocket message limit
_REFUSAL = {"UNAUTHORIZED": (401, "Unauthorized"), "ACCESS_DENIED": (403, "Forbidden")}


def _connection_id() -> str:
    # API Gateway's ids look like "L0SM9cOFvHcCIhw=": base64 of random bytes, '=' included, so
    # clients must URL-encode them, as boto3 does.
    return base64.b64encode(secrets.token_bytes(10)).decode()


class LocalWebSocketGateway:
    def __init__(
        self, api: WsApi, lambda_client: Any, *, method_arn_prefix: str, port: int = 0, management_port: int = 0
    ) -> None:
        self.api = api
        self.lambda_client = lambda_client
        self.method_arn_prefix = method_arn_prefix
        self._lock = threading.Lock()
        self._handshakes: dict[ServerConnection, ConnectionInfo] = {}
        self.connections: dict[str, tuple[ServerConnection, ConnectionInfo]] = {}
        self._server: Server = serve(
            self._serve_connection,
            "127.0.0.1",
            port,
            process_request=self._handshake,
            max_size=MAX_FRAME_BYTES,
            compression=None,
        )
        self._management = ThreadingHTTPServer(("127.0.0.1", management_port), _management_handler(self))
        self._management.daemon_threads = True
        self._threads = [
            threading.Thread(target=self._server.serve_forever, daemon=True, name="websocket-gateway"),
            threading.Thread(target=self._management.serve_forever, daemon=True, name="websocket-management"),
        ]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/{self.api.stage}"

    @property
    def management_url(self) -> str:
        """What ``https://{api}.execute-api.{region}.amazonaws.com/{stage}`` is locally."""
        return f"http://127.0.0.1:{self._management.server_port}/{self.api.stage}"

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._management.shutdown()
        self._management.server_close()

    # ---- connect
    def _handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path.rstrip("/") != f"/{self.api.stage}":
            return connection.respond(403, "Forbidden")
        headers: dict[str, list[str]] = defaultdict(list)
        for name, value in request.headers.raw_items():
            headers[name].append(value)
        query = parse_qs(url.query, keep_blank_values=True)
        address = connection.remote_address
        info = ConnectionInfo(
            _connection_id(),
            str(address[0]) if address else "127.0.0.1",
            request.headers.get("User-Agent", ""),
            int(time.time() * 1000),
            request.headers.get("Host", "127.0.0.1"),
        )
        route = self.api.routes.get("$connect")
        authorizer_context: dict[str, Any] | None = None
        if route is not None and route.authorizer is not None:
            refusal, authorizer_context = self._authorize(route, info, dict(headers), query)
            if refusal is not None:
                return connection.respond(*refusal)
        if route is not None:
            event = connect_event(self.api, info, dict(headers), query, authorizer_context)
            status = self._invoke(route, event).get("statusCode", 200)
            if not 200 <= int(status) < 300:
                return connection.respond(int(status), "Connection refused")
        with self._lock:
            self._handshakes[connection] = info
        return None

    def _authorize(
        self, route: WsRoute, info: ConnectionInfo, headers: dict[str, list[str]], query: dict[str, list[str]]
    ) -> tuple[tuple[int, str] | None, dict[str, Any] | None]:
        assert route.authorizer is not None
        single_headers = {k: v[-1] for k, v in headers.items()}
        if route.authorizer.missing_identity(single_headers, {k: v[-1] for k, v in query.items()}):
            return (401, "Unauthorized"), None
        event = authorizer_event(self.api, info, headers, query, self.method_arn_prefix)
        result = run_authorizer(self.lambda_client, route.authorizer.function_arn, event)
        if result.outcome != "allow":
            return _REFUSAL.get(result.outcome, (500, "Internal server error")), None
        return None, {**result.context, "principalId": result.principal_id}

    # ---- frames
    def _serve_connection(self, connection: ServerConnection) -> None:
        with self._lock:
            info = self._handshakes.pop(connection)
            self.connections[info.connection_id] = (connection, info)
        try:
            for message in connection:
                body = message if isinstance(message, str) else message.decode(errors="replace")
                self._on_message(connection, info, body)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self.connections.pop(info.connection_id, None)
            self._disconnected(connection, info)

    def _disconnected(self, connection: ServerConnection, info: ConnectionInfo) -> None:
        route = self.api.routes.get("$disconnect")
        if route is None:
            return
        event = disconnect_event(self.api, info, connection.close_code or 1006, connection.close_reason or "")
        try:
            self._invoke(route, event)
        except Exception as exc:  # the stack stopping under open connections: best effort, as in AWS
            log.debug("$disconnect of %s not delivered: %s", info.connection_id, exc)

    def _on_message(self, connection: ServerConnection, info: ConnectionInfo, body: str) -> None:
        route = self.api.select_route(body)
        if route is None:
            connection.send(json.dumps({"message": "Forbidden", "connectionId": info.connection_id}))
            return
        response = self._invoke(route, message_event(self.api, info, route.key, body))
        if response.get("errorMessage") is not None:
            connection.send(json.dumps({"message": "Internal server error", "connectionId": info.connection_id}))
        elif route.two_way and response.get("body") is not None:
            connection.send(str(response["body"]))

    def _invoke(self, route: WsRoute, event: dict[str, Any]) -> dict[str, Any]:
        """The function's answer; a failed invocation comes back as {"errorMessage": ...}."""
        answer = self.lambda_client.invoke(FunctionName=route.function_arn, Payload=json.dumps(event).encode())
        payload = json.loads(answer["Payload"].read() or b"{}")
        if answer.get("FunctionError"):
            log.warning("%s: function error %s", route.key, str(payload)[:500])
            return {"statusCode": 500, "errorMessage": str(payload.get("errorMessage", "failed"))}
        return payload if isinstance(payload, dict) else {}

    # ---- @connections
    def find(self, connection_id: str) -> tuple[ServerConnection, ConnectionInfo] | None:
        with self._lock:
            return self.connections.get(connection_id)


class _ManagementHandler(BaseHTTPRequestHandler):
    """``/{stage}/@connections/{id}``: POST sends a frame, GET describes, DELETE closes."""

    gateway: LocalWebSocketGateway
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _answer(self, status: int, body: dict[str, Any] | None = None, error_type: str | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)  # what boto3 reads the error code from
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _gone(self, connection_id: str) -> None:
        self._answer(410, {"message": f"connection {connection_id} is gone"}, "GoneException")

    def _target(self) -> tuple[str, tuple[ServerConnection, ConnectionInfo] | None]:
        """(connection id, the open connection or None); ("", None) after answering a bad path."""
        prefix = f"/{self.gateway.api.stage}/@connections/"
        path = urlsplit(self.path).path
        if not path.startswith(prefix):
            self._answer(403, {"message": "Forbidden"}, "ForbiddenException")
            return "", None
        connection_id = unquote(path[len(prefix) :])
        found = self.gateway.find(connection_id)
        if found is None:
            self._gone(connection_id)
        return connection_id, found

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        connection_id, found = self._target()
        if found is None:
            return
        if len(data) > MAX_FRAME_BYTES:
            self._answer(413, {"message": "payload too large"}, "PayloadTooLargeException")
            return
        try:
            payload: str | bytes = data.decode()
        except UnicodeDecodeError:
            payload = data  # not text: a binary frame, as API Gateway sends it
        try:
            found[0].send(payload)
        except ConnectionClosed:
            self._gone(connection_id)
            return
        self._answer(200)

    def do_GET(self) -> None:
        _, found = self._target()
        if found is None:
            return
        info = found[1]
        connected = datetime.fromtimestamp(info.connected_at_ms / 1000, UTC).isoformat()
        identity = {"SourceIp": info.source_ip, "UserAgent": info.user_agent}
        self._answer(200, {"ConnectedAt": connected, "Identity": identity, "LastActiveAt": connected})

    def do_DELETE(self) -> None:
        _, found = self._target()
        if found is None:
            return
        # Closing runs $disconnect, as API Gateway does after a DeleteConnection.
        threading.Thread(target=found[0].close, daemon=True).start()
        self._answer(204)


def _management_handler(gateway: LocalWebSocketGateway) -> type[BaseHTTPRequestHandler]:
    return type("ManagementHandler", (_ManagementHandler,), {"gateway": gateway})
