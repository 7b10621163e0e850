"""The Lambda Runtime API (2018-06-01) for one function instance, on its own loopback port."""

from __future__ import annotations

import json
import queue
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from fks_local.lambda_runtime.invocation import Invocation, InvocationResult

if TYPE_CHECKING:
    from collections.abc import Callable

_PREFIX = "/2018-06-01/runtime"
_RESULT_PATH = re.compile(rf"^{_PREFIX}/invocation/([^/]+)/(response|error)$")


class RuntimeApi:
    """Hands invocations to the instance's process and collects its answers."""

    def __init__(self, on_init_error: Callable[[InvocationResult], None]) -> None:
        self.pending: queue.Queue[Invocation] = queue.Queue()
        self.in_flight: dict[str, Invocation] = {}
        self.ready = threading.Event()  # set at the first /next: init is over
        self.closed = threading.Event()
        self._on_init_error = on_init_error
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="runtime-api")
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._server.server_port}"

    def close(self) -> None:
        self.closed.set()
        self._server.shutdown()
        self._server.server_close()

    def next_invocation(self) -> Invocation | None:
        self.ready.set()
        while not self.closed.is_set():
            try:
                invocation = self.pending.get(timeout=0.2)
            except queue.Empty:
                continue
            self.in_flight[invocation.request_id] = invocation
            return invocation
        return None

    def finish(self, request_id: str, result: InvocationResult) -> bool:
        invocation = self.in_flight.pop(request_id, None)
        return invocation is not None and invocation.complete(result)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return  # the function's own logs are what matter; request lines are noise

            def _reply(self, status: HTTPStatus, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the instance was killed (timeout, shutdown) while it waited

            def do_GET(self) -> None:
                if self.path != f"{_PREFIX}/invocation/next":
                    self._reply(HTTPStatus.NOT_FOUND)
                    return
                invocation = api.next_invocation()
                if invocation is None:
                    self._reply(HTTPStatus.GONE)
                    return
                self._reply(
                    HTTPStatus.OK,
                    invocation.payload,
                    {
                        "Content-Type": "application/json",
                        "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                        "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn": invocation.function_arn,
                        "Lambda-Runtime-Trace-Id": _trace_id(invocation.request_id),
                    },
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path == f"{_PREFIX}/init/error":
                    api._on_init_error(_error_result(body, self.headers.get("Lambda-Runtime-Function-Error-Type")))
                    self._reply(HTTPStatus.ACCEPTED, b'{"status":"OK"}')
                    return
                match = _RESULT_PATH.match(self.path)
                if match is None:
                    self._reply(HTTPStatus.NOT_FOUND)
                    return
                request_id, kind = match.groups()
                result = (
                    InvocationResult(body)
                    if kind == "response"
                    else _error_result(body, self.headers.get("Lambda-Runtime-Function-Error-Type"))
                )
                if not api.finish(request_id, result):
                    self._reply(HTTPStatus.BAD_REQUEST, b'{"errorType":"InvalidRequestID"}')
                    return
                self._reply(HTTPStatus.ACCEPTED, b'{"status":"OK"}')

        return Handler


def _error_result(body: bytes, header_type: str | None) -> InvocationResult:
    try:
        document = json.loads(body or b"{}")
    except json.JSONDecodeError:
        document = {"errorMessage": body.decode(errors="replace")}
    error_type = str(document.get("errorType") or header_type or "Unhandled")
    document.setdefault("errorType", error_type)
    return InvocationResult(json.dumps(document).encode(), error_type)


def _trace_id(request_id: str) -> str:
    """An X-Ray trace header in AWS's format, derived from the request id (nothing samples it locally)."""
    digits = request_id.replace("-", "")
    return f"Root=1-{digits[:8]}-{digits[8:32]};Sampled=0"
