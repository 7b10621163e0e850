"""moto's server on loopback, configured to execute state machines and to run Lambda code
through the local Lambda runtime instead of echoing."""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import requests
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.logs.models import logs_backends
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from fks_local import authorizer_flush
from fks_local.lambda_runtime import FunctionConfig, LocalLambdaRuntime
from fks_local.lambda_runtime.runtime import Layer

log = logging.getLogger(__name__)
_runtime: LocalLambdaRuntime | None = None
_logs_lock = threading.Lock()  # moto's log streams are not thread-safe (its own TODO)
# moto's in-process server keeps one set of services per process: a second stack started in the
# same process (tests do) shares them, and the newest running emulator serves every invoke. When it
# stops, the one started before it takes over again instead of leaving no runtime at all.
_running: list[Emulator] = []


def _function_config(backend: LambdaSimpleBackend, fn: Any) -> FunctionConfig:
    layers = []
    for layer in fn.layers:
        version = backend._layers.get_layer_version_by_arn(layer["Arn"])
        if version is None:
            raise ValueError(f"{fn.function_name}: layer {layer['Arn']} is not deployed")
        layers.append(Layer(layer["Arn"], version.code_bytes))
    return FunctionConfig(
        name=fn.function_name,
        arn=fn.function_arn,
        runtime=fn.run_time or "python3.12",
        handler=fn.handler or "bootstrap",
        code_zip=fn.code_bytes,
        layers=tuple(layers),
        environment=tuple(sorted((str(k), str(v)) for k, v in (fn.environment_vars or {}).items())),
        timeout_s=float(fn.timeout or 3),
        memory_mb=int(fn.memory_size or 128),
        region=fn.region,
    )


def _invoke(
    self: LambdaSimpleBackend, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any
) -> bytes | None:
    """Replaces moto's echoing invoke: the Lambda API call runs the function's real code."""
    fn = self.get_function(function_name, qualifier)
    if _runtime is None:
        raise RuntimeError("the local Lambda runtime is not running")
    config = _function_config(self, fn)
    payload = body.encode() if isinstance(body, str) else (body or b"")
    invocation_type = headers.get("X-Amz-Invocation-Type", "RequestResponse")
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        _runtime.invoke_async(config, payload)
        return b""
    result = _runtime.invoke(config, payload)
    if result.failed:
        response_headers["x-amz-function-error"] = "Unhandled"
    response_headers["x-amz-log-result"] = base64.b64encode(result.log_tail.encode()).decode()
    response_headers["x-amz-executed-version"] = "$LATEST"
    return result.payload


def _send_sns_message(
    self: LambdaSimpleBackend,
    function_name: str,
    message: str,
    subject: str | None = None,
    qualifier: str | None = None,
) -> None:
    """moto delivers an SNS message to a subscribed function through its Docker runner; SNS
    invokes asynchronously, so the local runtime runs it as an ``Event`` invocation."""
    fn = self.get_function(function_name, qualifier)
    if _runtime is None:
        raise RuntimeError("the local Lambda runtime is not running")
    record = {
        "EventVersion": "1.0",
        "EventSource": "aws:sns",
        "EventSubscriptionArn": f"{fn.function_arn}:sns",
        "Sns": {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": "",  # moto does not hand the topic to this hook
            "Subject": subject,
            "Message": message,
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "MessageAttributes": {},
        },
    }
    _runtime.invoke_async(_function_config(self, fn), json.dumps({"Records": [record]}).encode())


class _StreamBatches:
    """A function's stream records, gathered for a short window and run as one invocation, one
    at a time per function, as Lambda's stream poller batches them. Invoking once per write
    (moto's way) would start a process per write and starve the rest of the stack."""

    def __init__(self, window_s: float = 0.3) -> None:
        self.window_s = window_s
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[FunctionConfig, list[dict[str, Any]]]] = {}
        self._running: dict[str, threading.Lock] = {}

    def add(self, config: FunctionConfig, records: list[dict[str, Any]]) -> None:
        with self._lock:
            if config.arn in self._pending:
                self._pending[config.arn][1].extend(records)
                return
            self._pending[config.arn] = (config, list(records))
            self._running.setdefault(config.arn, threading.Lock())
        timer = threading.Timer(self.window_s, self._flush, (config.arn,))
        timer.daemon = True
        timer.start()

    def _flush(self, arn: str) -> None:
        with self._running[arn]:
            with self._lock:
                config, records = self._pending.pop(arn)
            if _runtime is not None:
                _runtime.invoke(config, json.dumps({"Records": records}, default=str).encode())


_stream_batches = _StreamBatches()


def _send_dynamodb_items(self: LambdaSimpleBackend, function_arn: str, items: list[Any], source: str) -> bytes:
    """moto hands a table's new stream records to a mapped function through its Docker runner,
    inside the write; Lambda polls the stream instead, so the records are batched and run by the
    local runtime apart from the write. The truthy answer tells moto the records were delivered
    (it clears them, as a poller would advance its iterator)."""
    fn = self._lambdas.get_arn(function_arn)
    records = []
    for item in items:
        record = item.to_json()
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        records.append(
            {
                "eventID": record["eventID"],
                "eventName": record["eventName"],
                "eventVersion": record["eventVersion"],
                "eventSource": record["eventSource"],
                "awsRegion": self.region_name,
                "dynamodb": change,
                "eventSourceARN": source,
            }
        )
    _stream_batches.add(_function_config(self, fn), records)
    return b"queued"


def _isolate_dynamodb_transactions() -> None:
    """moto applies a TransactWriteItems item by item and, when a condition fails, rolls back by
    restoring a copy of each whole table taken before it began: a write another request committed
    meanwhile is lost, and a conditional write can pass against state about to be rolled back
    (concurrent reports booked on one position lost updates this way). DynamoDB isolates
    transactions; one lock around moto's DynamoDB item operations does the same locally."""
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_fks_isolated", False):
        return
    lock = threading.RLock()

    def locked(operation: Any) -> Any:
        def run(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
            with lock:
                return operation(self, *args, **kwargs)

        return run

    for name in ("get_item", "put_item", "update_item", "delete_item", "query", "scan", "transact_write_items"):
        setattr(DynamoDBBackend, name, locked(getattr(DynamoDBBackend, name)))
    DynamoDBBackend._fks_isolated = True  # type: ignore[attr-defined]


def _to_cloudwatch_logs(config: FunctionConfig, stream: str, text: str) -> None:
    """An invocation's log into moto's CloudWatch Logs as Lambda sends it: log group
    ``/aws/lambda/<function>`` (made on first use), the instance's log stream, one event per line."""
    account, region = config.arn.split(":")[4], config.region
    backend = logs_backends[account][region]
    group = f"/aws/lambda/{config.name}"
    with _logs_lock:
        if group not in backend.groups:
            backend.create_log_group(group, tags={})
        if stream not in backend.groups[group].streams:
            backend.create_log_stream(group, stream)
        now_ms = int(time.time() * 1000)
        lines = [line for line in text.splitlines() if line.strip()]
        backend.put_log_events(group, stream, [{"timestamp": now_ms, "message": line} for line in lines])


class Emulator:
    def __init__(self, port: int, runtime: LocalLambdaRuntime) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.runtime = runtime
        runtime.log_sink = _to_cloudwatch_logs
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)

    def start(self) -> None:
        global _runtime
        # Step Functions' Task states call Lambda over HTTP on MOTO_PORT; without it they call 5000.
        os.environ["MOTO_PORT"] = str(self.port)
        # Roles attach AWS-managed policies (AWSLambdaBasicExecutionRole); moto knows them only so.
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ.setdefault(key, "testing")
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        _runtime = self.runtime
        _running.append(self)
        LambdaSimpleBackend.invoke = _invoke  # type: ignore[method-assign]
        LambdaSimpleBackend.send_sns_message = _send_sns_message  # type: ignore[method-assign,assignment]
        LambdaSimpleBackend.send_dynamodb_items = _send_dynamodb_items  # type: ignore[method-assign,assignment]
        _isolate_dynamodb_transactions()
        authorizer_flush.install()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call is noise
        self._server.start()
        # The executing Step Functions backend and the no-Docker Lambda backend are chosen by this
        # config, which must come before anything is created (they are separate stores).
        response = requests.post(
            f"{self.url}/moto-api/config",
            json={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}},
            timeout=10,
        )
        response.raise_for_status()

    def stop(self) -> None:
        global _runtime
        self._server.stop()
        self.runtime.shutdown()
        if self in _running:
            _running.remove(self)
        if _running:
            previous = _running[-1]
            _runtime = previous.runtime
            os.environ["MOTO_PORT"] = str(previous.port)
        else:
            _runtime = None
