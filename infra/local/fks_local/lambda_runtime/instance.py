"""One warm function instance: a process bound to its own Runtime API endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from fks_local.lambda_runtime.invocation import Invocation, InvocationResult
from fks_local.lambda_runtime.runtime_api import RuntimeApi

_PYTHON_BOOTSTRAP = Path(__file__).with_name("python_bootstrap.py")
INIT_TIMEOUT_SECONDS = 10.0  # AWS gives the init phase 10 s
_LOG_TAIL_BYTES = 4096  # what LogType=Tail returns in AWS
_WHOLE_LOG = 1 << 30


class FunctionInstance:
    def __init__(self, command: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> None:
        self._init_error: InvocationResult | None = None
        self.api = RuntimeApi(self._fail_init)
        self.log_path = log_path
        self.log_stream = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            env={**env, "AWS_LAMBDA_RUNTIME_API": self.api.address},
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self._current: Invocation | None = None
        threading.Thread(target=self._watch_exit, daemon=True, name="instance-watch").start()

    @classmethod
    def python(
        cls, env: dict[str, str], task_root: Path, log_path: Path, interpreter: tuple[str, ...] = ()
    ) -> FunctionInstance:
        """``interpreter``: the command that runs the bootstrap; the dev venv's Python by default."""
        return cls([*(interpreter or (sys.executable,)), str(_PYTHON_BOOTSTRAP)], env, task_root, log_path)

    @classmethod
    def native(cls, bootstrap: Path, env: dict[str, str], task_root: Path, log_path: Path) -> FunctionInstance:
        return cls([str(bootstrap)], env, task_root, log_path)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and self._init_error is None

    def _fail_init(self, result: InvocationResult) -> None:
        self._init_error = result
        if self._current is not None:
            self._current.complete(result)

    def _watch_exit(self) -> None:
        code = self.process.wait()
        current = self._current
        if current is not None and not current.done:
            reason = self._init_error or InvocationResult.error(
                "Runtime.ExitError",
                f"RequestId: {current.request_id} Error: Runtime exited with error: exit status {code}",
                current.request_id,
            )
            current.complete(reason)

    def invoke(self, payload: bytes, timeout_s: float, function_arn: str) -> InvocationResult:
        deadline_ms = int((time.time() + timeout_s) * 1000)
        invocation = Invocation(payload, deadline_ms, function_arn)
        self._current = invocation
        start = time.monotonic()
        log_start = self._log_size()
        self._write_log(f"START RequestId: {invocation.request_id} Version: $LATEST\n")
        if not self.api.ready.wait(INIT_TIMEOUT_SECONDS) and self._init_error is None and self.alive:
            self.kill()
            return InvocationResult.error("Runtime.InitTimeout", "Init phase exceeded 10 seconds")
        self.api.pending.put(invocation)
        result = invocation.wait(timeout_s)
        if result is None:
            # The sandbox is frozen and thrown away on a timeout; its late answer never counts.
            self.kill()
            result = InvocationResult.error(
                "Sandbox.Timedout",
                f"RequestId: {invocation.request_id} Error: Task timed out after {timeout_s:.2f} seconds",
                invocation.request_id,
            )
            invocation.complete(result)
        elapsed_ms = (time.monotonic() - start) * 1000
        self._write_log(f"END RequestId: {invocation.request_id}\n")
        self._write_log(f"REPORT RequestId: {invocation.request_id}\tDuration: {elapsed_ms:.2f} ms\n")
        self._current = None
        result.log = self._read_log_from(log_start, _WHOLE_LOG)
        result.log_tail = self._read_log_from(log_start)
        return result

    def _log_size(self) -> int:
        self._log.flush()
        return self.log_path.stat().st_size

    def _write_log(self, line: str) -> None:
        self._log.write(line.encode())
        self._log.flush()

    def _read_log_from(self, offset: int, limit: int = _LOG_TAIL_BYTES) -> str:
        self._log.flush()
        with self.log_path.open("rb") as log:
            log.seek(max(offset, self._log_size() - limit))
            return log.read().decode(errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        self.api.close()

    def dispose(self) -> None:
        self.kill()
        self._log.close()


def merged_env(*parts: dict[str, str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for part in parts:
        env.update(part)
    env.setdefault("PATH", os.environ.get("PATH", "/usr/bin:/bin"))
    return env
