"""A small client for the simulator's ``/sim/`` endpoints, for tests and ``fks`` commands in
another process than the simulator (in-process code may call ``ExchangeSimulator`` directly).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode


class SimulatorAdminError(RuntimeError):
    """The simulator refused an admin request; the message is its ``error``."""


class SimulatorAdmin:
    def __init__(self, base_url: str, *, timeout_s: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def price(self, symbol: str) -> Decimal:
        return Decimal(self._call("GET", "price", query={"symbol": symbol})["price"])

    def set_price(self, symbol: str, price: Decimal | str) -> dict[str, Any]:
        return self._call("POST", "price", {"symbol": symbol, "price": str(price)})

    def move_price(self, symbol: str, change_pct: Decimal | str) -> dict[str, Any]:
        return self._call("POST", "price", {"symbol": symbol, "change_pct": str(change_pct)})

    def add_faults(self, faults: list[dict[str, Any]], *, seed: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"faults": faults} if seed is None else {"faults": faults, "seed": seed}
        return self._call("POST", "faults", body)

    def faults(self) -> dict[str, Any]:
        return self._call("GET", "faults")

    def clear_faults(self) -> dict[str, Any]:
        return self._call("DELETE", "faults")

    def orders(self, *, symbol: str | None = None, client_order_id: str | None = None) -> dict[str, Any]:
        query = {k: v for k, v in (("symbol", symbol), ("client_order_id", client_order_id)) if v is not None}
        return self._call("GET", "orders", query=query)

    def _call(
        self, method: str, name: str, body: dict[str, Any] | None = None, query: dict[str, str] | None = None
    ) -> dict[str, Any]:
        url = f"{self.base_url}/sim/{name}" + (f"?{urlencode(query)}" if query else "")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - the simulator's URL
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                answer: dict[str, Any] = json.loads(response.read())
                return answer
        except urllib.error.HTTPError as error:
            raise SimulatorAdminError(json.loads(error.read()).get("error", str(error))) from None
