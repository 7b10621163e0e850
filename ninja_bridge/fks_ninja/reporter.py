"""Reports fills, order states, positions and refusals back to the platform.

``FillReporter`` is the seam; ``HttpFillReporter`` posts JSON to ``<base_url>/<kind>`` with
the key as ``Authorization: Bearer <key>`` (the header the authorizer's cached decisions hang
on). The platform's endpoint is ``functions/ninja_reports``: ``base_url`` is the stack's
``ApiUrl`` + ``/ninja`` (``POST /ninja/fills``, ``/ninja/orders``, ``/ninja/positions``,
``/ninja/refusals``) and the key needs the ``trade`` scope. The bodies are
the dataclasses below as JSON (``fks.ninja.reports`` validates them, decimals as strings), and the
``Idempotency-Key`` makes a retried or re-read report count once there (a replay answers 200).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal
from typing import Protocol

from fks.errors import PermanentError, TemporaryError
from fks_ninja.outgoing import PositionUpdate
from fks_ninja.tracker import Fill, OrderStatusChange

log = logging.getLogger(__name__)


class FillReporter(Protocol):
    def report_fill(self, fill: Fill) -> None: ...

    def report_order_state(self, change: OrderStatusChange) -> None: ...

    def report_position(self, position: PositionUpdate) -> None: ...

    def report_refusal(self, signal_id: str, reason: str, rule: str | None) -> None: ...


class HttpFillReporter:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10,
        attempts: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"fills API base URL must be http(s), got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout
        self._attempts = attempts
        self._backoff = backoff
        self._sleep = sleep

    def report_fill(self, fill: Fill) -> None:
        # The key makes a retried POST (or a re-read file after restart) count once on the server.
        self._post("fills", asdict(fill), idempotency_key=f"{fill.order_id}:{fill.cumulative_filled}")

    def report_order_state(self, change: OrderStatusChange) -> None:
        self._post("orders", asdict(change), idempotency_key=f"{change.order_id}:{change.state}:{change.filled}")

    def report_position(self, position: PositionUpdate) -> None:
        self._post("positions", asdict(position), idempotency_key=None)

    def report_refusal(self, signal_id: str, reason: str, rule: str | None) -> None:
        body: dict[str, object] = {"signal_id": signal_id, "reason": reason, "rule": rule}
        self._post("refusals", body, idempotency_key=f"refusal:{signal_id}")

    def _post(self, kind: str, body: dict[str, object], idempotency_key: str | None) -> None:
        data = json.dumps(body, default=_json_default).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self._api_key}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = f"{self.base_url}/{kind}"
        for attempt in range(1, self._attempts + 1):
            request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self._timeout):  # noqa: S310 - scheme checked above
                    return
            except urllib.error.HTTPError as exc:
                if exc.code < 500 and exc.code != 429:
                    raise PermanentError(f"POST {url} refused with {exc.code}: {exc.reason}") from exc
                problem = f"HTTP {exc.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                problem = str(exc)
            if attempt == self._attempts:
                raise TemporaryError(f"POST {url} failed {attempt} times; last: {problem}")
            delay = self._backoff * 2 ** (attempt - 1)
            log.warning("POST %s failed (%s); retry %d/%d in %.1fs", url, problem, attempt, self._attempts, delay)
            self._sleep(delay)


def _json_default(value: object) -> str:
    # Money goes over the wire as a string so no float ever rounds it.
    if isinstance(value, Decimal):
        return str(value)
    return str(value)
