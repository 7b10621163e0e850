"""The local API gateway: serves the deployed REST API's routes over HTTP on loopback.

Routes come from the RestApi definition the template deployed (the OpenAPI body SAM generates
from every ``Api`` event); each request goes through what API Gateway does before the
integration (Lambda authorizer, usage-plan key, throttling and quotas) and then becomes a REST
proxy event for the integration's function, invoked through the emulator's Lambda API.

Kept (issue 25): moto 5.2.5's server stores REST APIs, authorizers and usage plans but serves no
stage URL, so nothing there runs an authorizer or counts a plan; MiniStack does, on the second target.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fks_local.gateway_auth import AuthorizerCache, AuthResult, authorizers, call_authorizer
from fks_local.gateway_events import Route, build_proxy_event, proxy_response, routes_from_definition
from fks_local.gateway_responses import GatewayResponses, Response
from fks_local.throttling import Limiter, PlanLimits
from fks_local.usage_plans import UsagePlans

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
_STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


class LocalApiGateway:
    def __init__(
        self,
        definition: dict[str, Any],
        stage: str,
        lambda_client: Any,
        *,
        api_id: str = "local",
        method_arn_prefix: str = "arn:aws:execute-api:us-east-1:123456789012:local",
        usage_plans: UsagePlans | None = None,
        stage_limits: PlanLimits | None = None,
        access_log: Path | None = None,
        port: int = 0,
    ) -> None:
        self.routes = routes_from_definition(definition)
        self.responses = GatewayResponses(definition)
        self.authorizers = authorizers(definition)
        self.authorizer_cache = AuthorizerCache()
        self.stage = stage
        self.lambda_client = lambda_client
        self.api_id = api_id
        self.method_arn_prefix = method_arn_prefix
        self.usage_plans = usage_plans
        self.stage_limits = stage_limits
        self.limiter = Limiter()
        self.access_log = access_log
        if access_log is not None:
            access_log.parent.mkdir(parents=True, exist_ok=True)
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

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes, source_ip: str) -> Response:
        started = time.monotonic()
        url = urlsplit(raw_path)
        prefix = f"/{self.stage}"
        in_stage = url.path == prefix or url.path.startswith(prefix + "/")
        path = (url.path[len(prefix) :] or "/") if in_stage else ""
        found = self.match(method, path) if in_stage else None
        if found is None:
            # API Gateway answers an unknown stage, route or method this way, not with 404 or 405.
            return self.responses.render("MISSING_AUTHENTICATION_TOKEN")
        route, path_parameters = found
        if route.mock_headers is not None:
            return 200, dict(route.mock_headers), b"{}"
        event = build_proxy_event(route, method, path, url.query, headers, body, path_parameters, self.stage, source_ip)
        auth, refusal = self._admit(route, method, path, event)
        if refusal is not None:
            self._log_access(event, auth, refusal[0], started)
            return refusal
        if auth is not None:
            event["requestContext"]["authorizer"] = {**auth.context, "principalId": auth.principal_id}
        response = self.lambda_client.invoke(FunctionName=route.function_arn, Payload=json.dumps(event).encode())
        payload = response["Payload"].read()
        if response.get("FunctionError"):
            log.warning("%s %s: function error %s", method, path, payload[:500])
            result = self.responses.render("INTEGRATION_FAILURE")
        else:
            result = proxy_response(payload)
        self._log_access(event, auth, result[0], started)
        return result

    def _admit(
        self, route: Route, method: str, path: str, event: dict[str, Any]
    ) -> tuple[AuthResult | None, Response | None]:
        """Authorizer, then the usage-plan key and its limits, then the stage's limits."""
        auth = None
        authorizer = next((self.authorizers[s] for s in route.security if s in self.authorizers), None)
        if authorizer is not None:
            method_arn = f"{self.method_arn_prefix}/{self.stage}/{method}/{path.lstrip('/')}"
            auth = self.authorizer_cache.authorize(
                authorizer,
                {**event, "type": "REQUEST", "methodArn": method_arn},
                lambda request: call_authorizer(self.lambda_client, authorizer.function_arn, request),
            )
            if auth.outcome != "allow":
                return auth, self.responses.render(auth.outcome, auth.context)
        if "api_key" in route.security:
            key = auth.usage_key if auth else None
            limits = self.usage_plans.limits_for(key, self.api_id, self.stage) if self.usage_plans and key else None
            if limits is None:
                return auth, self.responses.render("INVALID_API_KEY")
            refusal = self._limit(f"key:{key}", limits)
            if refusal is not None:
                return auth, refusal
        if self.stage_limits is not None:
            return auth, self._limit("stage", self.stage_limits)
        return auth, None

    def _limit(self, identity: str, limits: PlanLimits) -> Response | None:
        verdict = self.limiter.check(identity, limits)
        if verdict is None:
            return None
        kind, retry_after = verdict
        status, headers, body = self.responses.render(kind)
        return status, {**headers, "Retry-After": str(retry_after)}, body

    def _log_access(self, event: dict[str, Any], auth: AuthResult | None, status: int, started: float) -> None:
        """The audit line API Gateway's access log writes: who did what, never a credential."""
        method = event["httpMethod"]
        line = {
            "requestId": event["requestContext"]["requestId"],
            "time": event["requestContext"]["requestTime"],
            "method": method,
            "resource": event["resource"],
            "status": status,
            "principal": auth.principal_id if auth else "",
            "kind": (auth.context.get("kind", "") if auth else ""),
            "ip": event["requestContext"]["identity"]["sourceIp"],
            "latencyMs": round((time.monotonic() - started) * 1000, 1),
        }
        if method in _STATE_CHANGING:
            log.info("audit %s", json.dumps(line))
        if self.access_log is not None:
            with self.access_log.open("a") as out:
                out.write(json.dumps(line) + "\n")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                log.debug("%s %s", self.address_string(), format % args)

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    status, headers, body = gateway.responses.render("REQUEST_TOO_LARGE")
                    self.close_connection = True  # the unread body must not be taken for a request
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

            def __getattr__(self, name: str) -> Any:
                # Any other method (TRACE, QUERY, ...) reaches the route table too, which answers it
                # the way API Gateway does, never with http.server's own 501 page.
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

        return Handler
