"""One invocation in flight: the event going in and the result (or error) coming back."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field


@dataclass
class InvocationResult:
    payload: bytes
    error_type: str | None = None  # set when the function failed: FunctionError "Unhandled"
    log_tail: str = ""  # the log's last 4 KB, what LogType=Tail returns
    log: str = ""  # the invocation's whole log (START to REPORT), what Lambda sends to CloudWatch Logs

    @property
    def failed(self) -> bool:
        return self.error_type is not None

    @classmethod
    def error(cls, error_type: str, message: str, request_id: str = "") -> InvocationResult:
        body = {"errorType": error_type, "errorMessage": message}
        if request_id:
            body["requestId"] = request_id
        return cls(json.dumps(body).encode(), error_type)


@dataclass
class Invocation:
    payload: bytes
    deadline_ms: int
    function_arn: str
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _done: threading.Event = field(default_factory=threading.Event)
    _result: InvocationResult | None = None

    def complete(self, result: InvocationResult) -> bool:
        """First completion wins: a late response after a timeout is dropped, as in AWS."""
        if self._done.is_set():
            return False
        self._result = result
        self._done.set()
        return True

    def wait(self, timeout: float) -> InvocationResult | None:
        if self._done.wait(timeout):
            return self._result
        return None

    @property
    def done(self) -> bool:
        return self._done.is_set()
