"""GET /health's status code: 503 only when a part the platform runs on is down, so a degraded part
(a dead letter, a stale asset, an unrepaired gap) or a halted account shows in the body and the
alarms without reading as an outage."""

from __future__ import annotations

import pytest

from fks_adapters.aws.health import DEGRADED, DOWN, HEALTHY, PartHealth, http_status, report


@pytest.mark.parametrize(
    ("statuses", "code"),
    [((HEALTHY, HEALTHY), 200), ((HEALTHY, DEGRADED), 200), ((DEGRADED, DOWN), 503), ((DOWN,), 503)],
)
def test_health_is_503_only_when_a_part_is_down(statuses: tuple[str, ...], code: int) -> None:
    parts = [PartHealth(f"table:t{i}", status) for i, status in enumerate(statuses)]

    assert http_status(parts) == code


def test_a_halted_account_is_down_in_the_body_but_no_outage() -> None:
    parts = [PartHealth("table:orders", HEALTHY), PartHealth("trading:binance-spot", DOWN, "trading is halted")]

    assert report(parts)["status"] == DOWN
    assert http_status(parts) == 200
