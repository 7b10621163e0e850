"""The local API gateway: serves the deployed REST API's routes over HTTP on loopback.

Routes come from the RestApi definition the template deployed (the OpenAPI body SAM generates
from every ``Api`` event); each request becomes an API Gateway REST proxy event, and the
integration's function is invoked through the emulator's Lambda API, as API Gateway would.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)
_FUNCTION_ARN = re.compile(r"functions/(arn:aws:lambda:[^/]+)/invocations")
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
ANY_METHOD = "x-amazon-apigateway-any-method"
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit


@dataclass(frozen=True)
class Route:
    resource: str  # the template path, e.g. /orders/{id}
    method: str  # upper case, or ANY
    function_arn: str
    pattern: re.Pattern[str]


def _compile(resource: str) -> re.Pattern[str]:
    regex = ""
    for part in resource.strip("/").split("/"):
        if not part:
            continue
        if part.startswith("{") and part.endswith("+}"):
            regex += rf"/(?P<{part[1:-2]}>.+)"
        elif part.startswith("{") and part.endswith("}"):
            regex += rf"/(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += "/" + re.escape(part)
    return re.compile(f"^{regex or '/'}/?$")


def routes_from_definition(body: dict[str, Any]) -> list[Route]:
    routes = []
    for resource, operations in (body.get("paths") or {}).items():
        for method, operation in operations.items():
            if method not in _METHODS and method != ANY_METHOD:
                continue
            uri = str((operation.get("x-amazon-apigateway-integration") or {}).get("uri", ""))
            match = _FUNCTION_ARN.search(uri)
            if match is None:
                continue
            name = "ANY" if method == ANY_METHOD else method.upper()
            routes.append(Route(resource, name, match.group(1), _compile(resource)))
    # Literal segments beat parameters, as in API Gateway: /orders/open before /orders/{id}.
    routes.sort(key=lambda r: (r.resource.count("{"), -len(r.resource)))
    return routes


class LocalApiGateway:
    def __init__(self, routes: list[Route], stage: str, lambda_client: Any, port: int = 0) -> None:
        self.routes = routes
        self.stage = stage
        self.lambda_client = lambda_client
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="api-gateway")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/{self.stage}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            found = route.pattern.match(path)
            if found is not None and route.method in (method, "ANY"):
                return route, found.groupdict()
        return None

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(raw_path)
        prefix = f"/{self.stage}"
        if not (url.path == prefix or url.path.startswith(prefix + "/")):
            return _json_error(403, "Missing Authentication Token")
        path = url.path[len(prefix) :] or "/"
        found = self.match(method, path)
        if found is None:
            # API Gateway answers an unknown route or method this way, not with 404 or 405.
            return _json_error(403, "Missing Authentication Token")
        route, path_parameters = found
        event = build_proxy_event(route, method, path, url.query, headers, body, path_parameters, self.stage, source_ip)
        response = self.lambda_client.invoke(FunctionName=route.function_arn, Payload=json.dumps(event).encode())
        payload = response["Payload"].read()
        if response.get("FunctionError"):
            log.warning("%s %s: function error %s", method, path, payload[:500])
            return _json_error(502, "Internal server error")
        return proxy_response(payload)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                log.debug("%s %s", self.address_string(), format % args)

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    status, headers, body = _json_error(413, "Request Too Long")
                else:
                    request_body = self.rfile.read(length) if length else b""
                    status, headers, body = gateway.handle(
                        self.command, self.path, dict(self.headers.items()), request_body, self.client_address[0]
                    )
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

        return Handler


def build_proxy_event(
    route: Route,
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    path_parameters: dict[str, str],
    stage: str,
    source_ip: str,
) -> dict[str, Any]:
    """The REST API (payload format 1.0) proxy event API Gateway sends to a Lambda integration."""
    multi_query = parse_qs(query, keep_blank_values=True)
    try:
        text_body: str | None = body.decode() if body else None
        is_base64 = False
    except UnicodeDecodeError:
        text_body, is_base64 = base64.b64encode(body).decode(), True
    now = time.time()
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": method,
        "headers": headers or None,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": route.resource,
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent")},
            "protocol": "HTTP/1.1",
            "domainName": headers.get("Host", "127.0.0.1"),
            "apiId": "local",
        },
        "body": text_body,
        "isBase64Encoded": is_base64,
    }


def proxy_response(payload: bytes) -> tuple[int, dict[str, str], bytes]:
    """A proxy integration's answer must be {statusCode, headers?, body?}; anything else is a 502."""
    try:
        document = json.loads(payload)
        status = int(document["statusCode"])
    except (ValueError, KeyError, TypeError):
        log.warning("malformed Lambda proxy response: %s", payload[:300])
        return _json_error(502, "Internal server error")
    headers = {str(k): str(v) for k, v in (document.get("headers") or {}).items()}
    for key, values in (document.get("multiValueHeaders") or {}).items():
        headers[str(key)] = ", ".join(str(v) for v in values)
    body = document.get("body") or ""
    raw = base64.b64decode(body) if document.get("isBase64Encoded") else str(body).encode()
    return status, headers, raw


def _json_error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps({"message": message}).encode()
