"""Pools of warm instances per function, code and layers unpacked as Lambda would see them."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from fks_local.lambda_runtime.instance import FunctionInstance, merged_env
from fks_local.lambda_runtime.invocation import InvocationResult

log = logging.getLogger(__name__)
DEFAULT_MAX_INSTANCES = 4
# Opt-in: run Python functions as the managed runtime does, on this interpreter (python3.12),
# isolated from the dev venv, with these folders (the runtime's boto3) after the layers.
PYTHON_ENV = "FKS_LOCAL_LAMBDA_PYTHON"
RUNTIME_PATHS_ENV = "FKS_LOCAL_LAMBDA_RUNTIME_PATHS"
# Where isolated runs unpack layers, by content hash, for every stack on this machine: a built layer
# is tens of MB unzipped and the same in every stack a test session starts from one build; unpacking
# is atomic (a staging folder renamed into place) and a folder is never changed once there.
SHARED_LAYERS_DIR = Path(tempfile.gettempdir()) / "fks-local-layers"


@dataclass(frozen=True)
class IsolatedPython:
    """The python3.x runtime as AWS runs it: ``executable`` with no site-packages and no
    environment or user paths (``-I -S``), so a function imports only its folder, its layers and
    ``runtime_paths`` (what the runtime itself brings: boto3); whatever else the dev venv holds, a
    module its layers lack fails with Runtime.ImportModuleError, as in AWS."""

    executable: str
    runtime_paths: tuple[str, ...] = ()

    @property
    def command(self) -> tuple[str, ...]:
        # -u and -B: what PYTHONUNBUFFERED and PYTHONDONTWRITEBYTECODE say, which -I ignores.
        return (self.executable, "-I", "-S", "-u", "-B")

    @classmethod
    def from_environment(cls) -> IsolatedPython | None:
        executable = os.environ.get(PYTHON_ENV)
        if not executable:
            return None
        # Absolute: an instance runs in its own unpacked folder, where a relative path means nothing.
        paths = tuple(os.path.abspath(p) for p in os.environ.get(RUNTIME_PATHS_ENV, "").split(os.pathsep) if p)
        return cls(executable, paths)


@dataclass(frozen=True)
class Layer:
    arn: str
    zip_bytes: bytes = field(repr=False)


@dataclass(frozen=True)
class FunctionConfig:
    name: str
    arn: str
    runtime: str
    handler: str
    code_zip: bytes = field(repr=False)
    layers: tuple[Layer, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()
    timeout_s: float = 3.0
    memory_mb: int = 128
    region: str = "us-east-1"

    @property
    def is_native(self) -> bool:
        return self.runtime.startswith("provided")

    @property
    def fingerprint(self) -> str:
        """Changes whenever code, layers or configuration change, retiring old instances."""
        digest = hashlib.sha256(self.code_zip)
        for layer in self.layers:
            digest.update(layer.arn.encode())
        digest.update(repr((self.runtime, self.handler, self.environment, self.timeout_s, self.memory_mb)).encode())
        return digest.hexdigest()[:16]


def _unpack(zip_bytes: bytes, target: Path) -> Path:
    if target.exists():
        return target
    # A staging folder per call: instances of one function (a Map state's iterations) start
    # concurrently and unpack the same layer; a shared folder let one delete the other's files.
    staging = target.with_name(f"{target.name}.partial-{os.getpid()}-{threading.get_ident()}")
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        for info in archive.infolist():
            path = archive.extract(info, staging)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(path, mode)
    # Renamed into place only when whole, so a crash mid-unpack never leaves a half task root.
    try:
        staging.rename(target)
    except OSError:
        if not target.exists():
            raise
        shutil.rmtree(staging, ignore_errors=True)  # another start won the race with the same bytes
    return target


class _Pool:
    def __init__(self, config: FunctionConfig, max_instances: int) -> None:
        self.config = config
        self.idle: list[FunctionInstance] = []
        self.count = 0
        self.max_instances = max_instances
        self.available = threading.Condition()


class LocalLambdaRuntime:
    """Runs functions the emulator holds. ``overrides`` is the local environment every function
    gets on top of its own (the emulator endpoint and test credentials), like ``sam local``'s
    ``--env-vars``."""

    def __init__(
        self,
        state_dir: Path,
        overrides: dict[str, str] | None = None,
        max_instances: int = DEFAULT_MAX_INSTANCES,
        python: IsolatedPython | None = None,
    ) -> None:
        self.state_dir = state_dir
        # None: the dev venv's interpreter and packages stand in for the runtime and the layers.
        self.python = python or IsolatedPython.from_environment()
        self.overrides = dict(overrides or {})
        # An AWS URL a local server stands in for (a WebSocket API's @connections endpoint) ->
        # its local URL: a function environment value equal to a key gets the local URL.
        self.url_rewrites: dict[str, str] = {}
        self.max_instances = max_instances
        self._pools: dict[str, _Pool] = {}
        self._lock = threading.Lock()
        self._async = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lambda-event")
        # Event invocations submitted and not yet finished: a caller (a test, the demo) that must not
        # race a function another one started asynchronously waits for them to settle.
        self._pending_events: set[Future[InvocationResult]] = set()
        self._events_lock = threading.Lock()
        # Where each invocation's whole log goes (function, log stream, text): the emulator sends it
        # to CloudWatch Logs as Lambda does, so a user (a test) reads it where AWS keeps it.
        self.log_sink: Callable[[FunctionConfig, str, str], None] | None = None

    def invoke(self, config: FunctionConfig, payload: bytes) -> InvocationResult:
        pool = self._pool(config)
        instance = self._acquire(pool)
        try:
            result = instance.invoke(payload or b"{}", config.timeout_s, config.arn)
        finally:
            self._release(pool, instance)
        if self.log_sink is not None and result.log:
            try:
                self.log_sink(config, instance.log_stream, result.log)
            except Exception:  # the logs are a copy: losing one never fails the invocation
                log.exception("%s: its log did not reach CloudWatch Logs", config.name)
        if result.failed:
            log.warning("%s failed: %s", config.name, result.payload[:500].decode(errors="replace"))
        return result

    def invoke_async(self, config: FunctionConfig, payload: bytes) -> None:
        future = self._async.submit(self.invoke, config, payload)
        with self._events_lock:
            self._pending_events.add(future)
        future.add_done_callback(self._event_done)

    def wait_for_events(self, timeout_s: float = 120) -> None:
        """Return once every event invocation submitted so far (and any it started) has finished."""
        deadline = time.monotonic() + timeout_s
        while True:
            with self._events_lock:
                pending = list(self._pending_events)
            if not pending:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(pending)} event invocation(s) still running after {timeout_s}s")
            wait(pending, timeout=remaining)

    def _event_done(self, future: Future[InvocationResult]) -> None:
        with self._events_lock:
            self._pending_events.discard(future)

    def shutdown(self) -> None:
        self._async.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            for instance in pool.idle:
                instance.dispose()

    def _pool(self, config: FunctionConfig) -> _Pool:
        with self._lock:
            pool = self._pools.get(config.name)
            if pool is None or pool.config.fingerprint != config.fingerprint:
                if pool is not None:
                    for instance in pool.idle:
                        instance.dispose()
                pool = _Pool(config, self.max_instances)
                self._pools[config.name] = pool
            return pool

    def _acquire(self, pool: _Pool) -> FunctionInstance:
        with pool.available:
            while True:
                while pool.idle:
                    instance = pool.idle.pop()
                    if instance.alive:
                        return instance
                    pool.count -= 1
                    instance.dispose()
                if pool.count < pool.max_instances:
                    pool.count += 1
                    break
                pool.available.wait(timeout=1.0)
        try:
            return self._start(pool.config, pool.count)
        except Exception:
            with pool.available:
                pool.count -= 1
            raise

    def _release(self, pool: _Pool, instance: FunctionInstance) -> None:
        with pool.available:
            if instance.alive:
                pool.idle.append(instance)
            else:
                pool.count -= 1
                instance.dispose()
            pool.available.notify()

    def _start(self, config: FunctionConfig, number: int) -> FunctionInstance:
        base = self.state_dir / "lambda"
        task_root = _unpack(config.code_zip, base / "code" / hashlib.sha256(config.code_zip).hexdigest()[:16])
        layers = base / "layers" if self.python is None else SHARED_LAYERS_DIR
        layer_roots = [
            _unpack(layer.zip_bytes, layers / hashlib.sha256(layer.zip_bytes).hexdigest()[:16])
            for layer in config.layers
        ]
        own = {name: self.url_rewrites.get(value, value) for name, value in config.environment}
        env = merged_env(self._aws_env(config, task_root, layer_roots, number), own, self.overrides)
        log_path = self.state_dir / "logs" / config.name / f"instance-{number}.log"
        if config.is_native:
            bootstrap = task_root / "bootstrap"
            if not bootstrap.is_file():
                raise FileNotFoundError(f"{config.name}: no 'bootstrap' executable in its code package")
            return FunctionInstance.native(bootstrap, env, task_root, log_path)
        if self.python is not None:
            return FunctionInstance.python(env, task_root, log_path, self.python.command)
        return FunctionInstance.python(env, task_root, log_path)

    def _aws_env(self, config: FunctionConfig, task_root: Path, layer_roots: list[Path], number: int) -> dict[str, str]:
        python_paths = [str(root / "python") for root in layer_roots]
        return {
            "AWS_LAMBDA_FUNCTION_NAME": config.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(int(config.timeout_s)),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"local/[$LATEST]instance-{number}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.runtime}",
            "AWS_REGION": config.region,
            "AWS_DEFAULT_REGION": config.region,
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(task_root),
            "FKS_LAYER_PATHS": os.pathsep.join(python_paths),
            "FKS_RUNTIME_PATHS": os.pathsep.join(self.python.runtime_paths if self.python else ()),
            "_HANDLER": config.handler,
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
