"""Faults outside the simulator: S3 writes that fail and Lambda instances killed mid-invoke.

Both reach into the local stack's own process, which the tier owns: the emulator is moto's server
in this process (an S3 write the functions send over HTTP lands in ``S3Backend.put_object`` here),
and the local Lambda runtime's instances are this process's children.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.s3.exceptions import S3ClientError
from moto.s3.models import S3Backend

from fks_local.lambda_runtime.instance import FunctionInstance


class InjectedS3Failure(S3ClientError):
    """What S3 answers when it cannot take a write (HTTP 500, InternalError)."""

    code = "InternalError"

    def __init__(self) -> None:
        super().__init__("InternalError", "We encountered an internal error. Please try again.")


class S3WriteFaults:
    """Fails a seeded share of the PUTs into ``bucket`` while ``probability`` is above zero."""

    def __init__(self, bucket: str, seed: int) -> None:
        self.bucket = bucket
        self.probability = 0.0
        self.injected = 0
        self._random = random.Random(seed)  # a replayable schedule, not a secret
        self._lock = threading.Lock()

    def _fires(self, bucket_name: str) -> bool:
        with self._lock:
            if bucket_name != self.bucket or self.probability <= 0 or self._random.random() >= self.probability:
                return False
            self.injected += 1
            return True

    @contextmanager
    def installed(self) -> Iterator[S3WriteFaults]:
        original = S3Backend.put_object
        faults = self

        def put_object(backend: S3Backend, bucket_name: str, key_name: str, *args: Any, **kwargs: Any) -> Any:
            if faults._fires(bucket_name):
                raise InjectedS3Failure()
            return original(backend, bucket_name, key_name, *args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(S3Backend, "put_object", put_object)
            yield self


class InstanceKiller:
    """Kills the process of a Lambda instance while it runs an invocation of a chosen function.

    The runtime sees what AWS shows when a sandbox dies mid-invoke: the invocation ends with
    ``Runtime.ExitError`` and the dead instance is dropped from its pool, never reused."""

    def __init__(self) -> None:
        self._busy: dict[int, tuple[str, FunctionInstance]] = {}
        self._lock = threading.Lock()
        self.killed: dict[str, int] = {}

    @contextmanager
    def installed(self) -> Iterator[InstanceKiller]:
        original: Callable[..., Any] = FunctionInstance.invoke
        killer = self

        def invoke(instance: FunctionInstance, payload: bytes, timeout_s: float, function_arn: str) -> Any:
            name = function_arn.rsplit(":", 1)[-1]
            with killer._lock:
                killer._busy[id(instance)] = (name, instance)
            try:
                return original(instance, payload, timeout_s, function_arn)
            finally:
                with killer._lock:
                    killer._busy.pop(id(instance), None)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(FunctionInstance, "invoke", invoke)
            yield self

    def kill_one(self, function_names: set[str], rng: random.Random) -> str | None:
        """Kills one busy instance of one of ``function_names``; its name, or None if none was busy."""
        with self._lock:
            candidates = sorted(
                ((name, instance) for name, instance in self._busy.values() if name in function_names),
                key=lambda pair: pair[0],
            )
        if not candidates:
            return None
        name, instance = rng.choice(candidates)
        if not instance.alive:
            return None
        instance.process.kill()  # SIGKILL: no handler runs, as when a sandbox is torn down
        self.killed[name] = self.killed.get(name, 0) + 1
        return name
