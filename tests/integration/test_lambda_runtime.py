"""The local Lambda runtime's failure paths: each surfaces as a Lambda error, never a hang."""

from __future__ import annotations

import io
import json
import textwrap
import zipfile
from pathlib import Path

import pytest

from fks_local.lambda_runtime import FunctionConfig, LocalLambdaRuntime


def _zip(files: dict[str, str], executable: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((0o755 if name in executable else 0o644) | 0o100000) << 16
            archive.writestr(info, textwrap.dedent(text))
    return buffer.getvalue()


def _python_function(code: str, timeout_s: float = 5.0, name: str = "probe") -> FunctionConfig:
    return FunctionConfig(
        name=name,
        arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        runtime="python3.12",
        handler="app.handler",
        code_zip=_zip({"app.py": code}),
        environment=(("GREETING", "hello"),),
        timeout_s=timeout_s,
    )


@pytest.fixture
def runtime(tmp_path: Path) -> LocalLambdaRuntime:
    runtime = LocalLambdaRuntime(tmp_path)
    yield runtime
    runtime.shutdown()


def test_python_handler_gets_event_context_and_environment(runtime: LocalLambdaRuntime) -> None:
    config = _python_function(
        """
        import os
        def handler(event, context):
            return {"echo": event, "greeting": os.environ["GREETING"], "name": context.function_name,
                    "remaining_ok": 0 < context.get_remaining_time_in_millis() <= 5000}
        """
    )

    result = runtime.invoke(config, b'{"n": 1}')

    assert not result.failed
    assert json.loads(result.payload) == {"echo": {"n": 1}, "greeting": "hello", "name": "probe", "remaining_ok": True}


def test_warm_instance_is_reused_between_invocations(runtime: LocalLambdaRuntime) -> None:
    config = _python_function(
        """
        import os
        COUNT = {"n": 0}
        def handler(event, context):
            COUNT["n"] += 1
            return {"pid": os.getpid(), "n": COUNT["n"]}
        """
    )

    first = json.loads(runtime.invoke(config, b"{}").payload)
    second = json.loads(runtime.invoke(config, b"{}").payload)

    assert second == {"pid": first["pid"], "n": 2}


def test_handler_past_its_timeout_returns_sandbox_timedout(runtime: LocalLambdaRuntime) -> None:
    config = _python_function("import time\ndef handler(event, context):\n    time.sleep(30)\n", timeout_s=1.0)

    result = runtime.invoke(config, b"{}")

    assert result.error_type == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in json.loads(result.payload)["errorMessage"]


def test_handler_that_exits_returns_runtime_exit_error(runtime: LocalLambdaRuntime) -> None:
    config = _python_function("import os\ndef handler(event, context):\n    os._exit(3)\n")

    result = runtime.invoke(config, b"{}")

    assert result.error_type == "Runtime.ExitError"
    assert "exit status 3" in json.loads(result.payload)["errorMessage"]


def test_module_that_fails_to_import_returns_import_module_error(runtime: LocalLambdaRuntime) -> None:
    config = _python_function("import no_such_module_anywhere\n")

    result = runtime.invoke(config, b"{}")

    assert result.error_type == "Runtime.ImportModuleError"
    assert "no_such_module_anywhere" in json.loads(result.payload)["errorMessage"]


def test_result_that_is_not_json_returns_marshal_error(runtime: LocalLambdaRuntime) -> None:
    config = _python_function(
        "from decimal import Decimal\ndef handler(event, context):\n    return {'price': Decimal('1.1')}\n"
    )

    result = runtime.invoke(config, b"{}")

    assert result.error_type == "Runtime.MarshalError"


# A native runtime speaks the Runtime API itself; this bootstrap does so as a Rust binary built
# with the lambda_runtime crate would: GET next, POST response or error.
_NATIVE_BOOTSTRAP = """\
#!/usr/bin/env python3
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    if event.get("fail"):
        path, body = "/error", {"errorType": "OrderRejected", "errorMessage": "price off tick"}
    else:
        path, body = "/response", {"handled_by": "native", "task_root": os.getcwd() == os.environ["LAMBDA_TASK_ROOT"]}
    request = urllib.request.Request(api + request_id + path, data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(request).close()
"""


def _native_function() -> FunctionConfig:
    return FunctionConfig(
        name="native-probe",
        arn="arn:aws:lambda:us-east-1:123456789012:function:native-probe",
        runtime="provided.al2023",
        handler="bootstrap",
        code_zip=_zip({"bootstrap": _NATIVE_BOOTSTRAP}, executable=("bootstrap",)),
        timeout_s=5.0,
    )


def test_native_bootstrap_runs_through_the_runtime_api(runtime: LocalLambdaRuntime) -> None:
    result = runtime.invoke(_native_function(), b"{}")

    assert not result.failed
    assert json.loads(result.payload) == {"handled_by": "native", "task_root": True}


def test_native_error_keeps_its_error_type(runtime: LocalLambdaRuntime) -> None:
    result = runtime.invoke(_native_function(), b'{"fail": true}')

    assert result.error_type == "OrderRejected"
    assert json.loads(result.payload)["errorMessage"] == "price off tick"
