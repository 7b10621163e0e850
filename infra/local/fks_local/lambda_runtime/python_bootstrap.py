"""A Python runtime interface client: what the managed python3.x runtime runs inside a sandbox.

It is started as a script, imports the function's handler from LAMBDA_TASK_ROOT and the layers,
then loops on the Runtime API: GET the next event, call the handler, POST the result or the
error. It imports nothing from the project, so a handler sees only its own code and layers.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import urllib.request
from typing import Any

_API = f"http://{os.environ['AWS_LAMBDA_RUNTIME_API']}/2018-06-01/runtime"


class LambdaContext:
    """The context object handlers receive, with the attributes AWS documents."""

    def __init__(self, request_id: str, deadline_ms: int, function_arn: str) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    # The real clock, also under a simulated one (the deadline is the runtime's, in real time).
    wall = staticmethod(time.time)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(self.wall() * 1000))


def _post(path: str, body: bytes, error_type: str | None = None) -> None:
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    request = urllib.request.Request(f"{_API}{path}", data=body, headers=headers, method="POST")  # noqa: S310
    urllib.request.urlopen(request).close()  # noqa: S310 - loopback Runtime API


def _error_body(exc: BaseException, error_type: str | None = None, message: str | None = None) -> tuple[bytes, str]:
    name = error_type or type(exc).__name__
    # Drop this runtime's own frame: the trace starts in the function's code, as in AWS.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    stack = traceback.format_list(frames)
    text = str(exc) if message is None else message
    body = {"errorMessage": text, "errorType": name, "stackTrace": [line.rstrip() for line in stack]}
    return json.dumps(body).encode(), name


def _init_error(exc: BaseException, module_name: str) -> tuple[str | None, str | None]:
    """The error type and message AWS's Python runtime (awslambdaric's ``_get_handler``) gives a
    handler module that failed to import: only an ImportError is ``Runtime.ImportModuleError``
    and a SyntaxError ``Runtime.UserCodeSyntaxError``; anything else the module raised (a
    function's ``SettingsError`` naming a missing variable) keeps its class and message."""
    if isinstance(exc, ImportError):
        return "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
    if isinstance(exc, SyntaxError):
        return "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}"
    return None, None


def _isolate_project_packages() -> None:
    """The virtualenv has this project installed editable for development; a function must see
    only the project code its zip and layers carry, as in AWS, so a missing layer fails here too.
    Third-party packages stay: they stand in for the runtime's and the dependency layers'."""
    sys.meta_path[:] = [f for f in sys.meta_path if not type(f).__module__.startswith("__editable__")]
    for name in [n for n in sys.modules if n.split(".")[0] in ("fks", "fks_adapters", "fks_local")]:
        del sys.modules[name]


def _load_handler() -> Any:
    _isolate_project_packages()
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    layer_paths = [p for p in os.environ.get("FKS_LAYER_PATHS", "").split(os.pathsep) if p]
    runtime_paths = [p for p in os.environ.get("FKS_RUNTIME_PATHS", "").split(os.pathsep) if p]
    # The task root first, then the layers (/opt/python), then the runtime's own packages: AWS's order.
    # An isolated interpreter (-I) puts no script folder first; the dev venv's puts this one's.
    here = os.path.dirname(os.path.abspath(__file__))
    replaced = 1 if sys.path and os.path.abspath(sys.path[0] or os.curdir) == here else 0
    sys.path[:replaced] = [task_root, *layer_paths]
    sys.path.extend(runtime_paths)
    module_name, _, function_name = os.environ["_HANDLER"].rpartition(".")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except Exception as exc:
        _post("/init/error", *_error_body(exc, *_init_error(exc, module_name)))
        raise SystemExit(1) from exc
    handler = getattr(module, function_name, None)
    if handler is None:
        error = AttributeError(f"Handler '{function_name}' missing on module '{module_name}'")
        _post("/init/error", *_error_body(error, "Runtime.HandlerNotFound"))
        raise SystemExit(1)
    return handler


def _follow_simulated_clock() -> None:
    """With ``FKS_LOCAL_CLOCK_FILE`` set (``fks_local.sim_clock``: ``fks replay``), the function's
    ``time.time()`` is the simulated clock: that file's epoch ms (the wall clock while it is
    absent). Every time the trading path decides on is read so; ``datetime.now()`` stays the wall
    clock (replacing the datetime type breaks C extensions: pandas), as do monotonic clocks and
    the context's deadline."""
    path = os.environ.get("FKS_LOCAL_CLOCK_FILE")
    if not path:
        return
    wall = time.time

    def simulated() -> float:
        try:
            with open(path) as clock:
                return int(clock.read()) / 1000
        except (OSError, ValueError):
            return wall()

    time.time = simulated
    time.time_ns = lambda: int(simulated() * 1000) * 1_000_000


def main() -> None:
    _follow_simulated_clock()
    handler = _load_handler()
    while True:
        with urllib.request.urlopen(f"{_API}/invocation/next") as response:  # noqa: S310
            request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
            context = LambdaContext(
                request_id,
                int(response.headers["Lambda-Runtime-Deadline-Ms"]),
                response.headers["Lambda-Runtime-Invoked-Function-Arn"],
            )
            event = json.loads(response.read() or b"null")
        os.environ["_X_AMZN_TRACE_ID"] = response.headers.get("Lambda-Runtime-Trace-Id", "")
        try:
            result = handler(event, context)
        except Exception as exc:
            traceback.print_exc()
            _post(f"/invocation/{request_id}/error", *_error_body(exc))
            continue
        try:
            body = json.dumps(result).encode()
        except (TypeError, ValueError) as exc:
            _post(f"/invocation/{request_id}/error", *_error_body(exc, "Runtime.MarshalError"))
            continue
        _post(f"/invocation/{request_id}/response", body)


if __name__ == "__main__":
    main()
