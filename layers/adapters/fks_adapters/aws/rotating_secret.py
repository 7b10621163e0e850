"""The JWT signing secret as the authorizer holds it, so that a rotation takes effect in bounded time.

The secret is re-read at most every ``max_age_s`` seconds (``FKS_JWT_SECRET_MAX_AGE_S``, 30 by
default): ``max_age_s`` after a rotation no instance accepts a token signed with the old secret.
API Gateway caches no authorizer result (``ReauthorizeEvery: 0``), so nothing else holds it longer.
A token whose signature fails makes one early re-read, at most every ``refresh_gap_s``, so tokens
signed with a freshly rotated secret work at once, and a flood of forged tokens costs at most one
Secrets Manager call per instance per gap.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

DEFAULT_MAX_AGE_S = 30.0
REFRESH_GAP_S = 5.0


class RotatingSecret:
    def __init__(
        self,
        secret_id: str,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        refresh_gap_s: float = REFRESH_GAP_S,
        client: SecretsManagerClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.secret_id = secret_id
        self.max_age_s = max_age_s
        self.refresh_gap_s = refresh_gap_s
        self._client = client
        self._clock = clock
        self._value: str | None = None
        self._read_at = 0.0

    def current(self) -> str:
        if self._value is None or self._clock() - self._read_at >= self.max_age_s:
            self._read()
        assert self._value is not None
        return self._value

    def refresh(self) -> bool:
        """Re-read now unless the last read is more recent than the gap; True if it was re-read."""
        if self._value is not None and self._clock() - self._read_at < self.refresh_gap_s:
            return False
        self._read()
        return True

    def _read(self) -> None:
        client = self._client or aws_client("secretsmanager")
        self._value = str(client.get_secret_value(SecretId=self.secret_id)["SecretString"])
        self._read_at = self._clock()
