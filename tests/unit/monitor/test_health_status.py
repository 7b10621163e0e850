"""GET /health's status code: 503 only when a part is down, so a degraded part (a dead letter, a
stale asset, an unrepaired gap) shows in the body and the alarms without reading as an outage."""

from __future__ import annotations

import pytest

from fks_adapters.aws.health import DEGRADED, DOWN, HEALTHY, PartHealth, report
from functions.monitor.app import http_status


@pytest.mark.parametrize(
    ("statuses", "code"),
    [((HEALTHY, HEALTHY), 200), ((HEALTHY, DEGRADED), 200), ((DEGRADED, DOWN), 503), ((DOWN,), 503)],
)
def test_health_is_503_only_when_a_part_is_down(statuses: tuple[str, ...], code: int) -> None:
    body = report([PartHealth(f"part:{i}", status) for i, status in enumerate(statuses)])

    assert http_status(body["status"]) == code
