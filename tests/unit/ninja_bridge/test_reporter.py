from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from fks.errors import PermanentError, TemporaryError
from fks_ninja.reporter import HttpFillReporter
from fks_ninja.tracker import Fill
from tests.unit.ninja_bridge.fake_api import FakeFillsApi, running_api

FILL = Fill("fks1", "sig-1", "Sim101", "ES 12-25", "BUY", 1, Decimal("5000.25"), 1)


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[FakeFillsApi]:
    with running_api(list(request.param)) as server:
        yield server


def _reporter(url: str, sleeps: list[float] | None = None) -> HttpFillReporter:
    return HttpFillReporter(
        url, "key-123", attempts=3, backoff=0.1, sleep=(sleeps if sleeps is not None else []).append
    )


@pytest.mark.parametrize("api", [[]], indirect=True)
def test_fill_is_posted_with_api_key_idempotency_key_and_decimal_string(api: FakeFillsApi) -> None:
    _reporter(api.url).report_fill(FILL)

    (request,) = api.requests
    assert request["path"] == "/v1/fills"
    assert request["headers"]["authorization"] == "Bearer key-123"
    assert request["headers"]["idempotency-key"] == "fks1:1"
    assert request["body"]["price"] == "5000.25"


@pytest.mark.parametrize("api", [[503, 500]], indirect=True)
def test_server_errors_are_retried_with_growing_backoff(api: FakeFillsApi) -> None:
    sleeps: list[float] = []

    _reporter(api.url, sleeps).report_fill(FILL)

    assert len(api.requests) == 3
    assert sleeps == [0.1, 0.2]


@pytest.mark.parametrize("api", [[400]], indirect=True)
def test_client_error_is_permanent_and_not_retried(api: FakeFillsApi) -> None:
    with pytest.raises(PermanentError, match="400"):
        _reporter(api.url).report_refusal("sig-1", "max_contracts", "max_contracts")

    assert len(api.requests) == 1


@pytest.mark.parametrize("api", [[500, 500, 500]], indirect=True)
def test_persistent_server_errors_end_as_a_temporary_error(api: FakeFillsApi) -> None:
    with pytest.raises(TemporaryError, match="failed 3 times"):
        _reporter(api.url).report_fill(FILL)


def test_unreachable_api_is_retried_then_temporary() -> None:
    sleeps: list[float] = []
    reporter = HttpFillReporter("http://127.0.0.1:9", "k", attempts=2, backoff=0.01, timeout=1, sleep=sleeps.append)

    with pytest.raises(TemporaryError):
        reporter.report_fill(FILL)

    assert sleeps == [0.01]
