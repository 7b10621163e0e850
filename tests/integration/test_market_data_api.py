"""The market-data API on the local stack: history and latest candles equal what the simulator served."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.integration.market_data_helpers import BTC, enable, invoke, simulator_json, store
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
MINUTE_MS = 60_000


@pytest.fixture(scope="module")
def btc_last(local_stack: StackHandle) -> int:
    """BTC/USDT collected once; the open time of the newest stored candle."""
    assert enable(local_stack, "BTC/USDT").status_code == 200
    invoke(local_stack, "CollectOhlcvFunction", {})
    last = store(local_stack).latest_open_time(BTC)
    assert last is not None
    return last


def _get(stack: StackHandle, path: str, **params: Any) -> requests.Response:
    return stack.api("GET", path, scope="read", params=params)


def test_historical_returns_the_candles_the_simulator_served(local_stack: StackHandle, btc_last: int) -> None:
    start = btc_last - 29 * MINUTE_MS

    response = _get(local_stack, "/historical/BTC-USDT", start=start, end=btc_last + MINUTE_MS)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 30
    assert body["next_start"] is None
    assert body["candles"] == simulator_json("BTC/USDT", "1m", start, btc_last)
    assert all(isinstance(candle["close"], str) for candle in body["candles"])


def test_historical_pages_with_next_start(local_stack: StackHandle, btc_last: int) -> None:
    start, end = btc_last - 29 * MINUTE_MS, btc_last + MINUTE_MS

    first = _get(local_stack, "/historical/BTC-USDT", start=start, end=end, limit=20).json()
    second = _get(local_stack, "/historical/BTC-USDT", start=first["next_start"], end=end, limit=20).json()

    assert [first["count"], second["count"]] == [20, 10]
    assert second["next_start"] is None
    assert first["candles"] + second["candles"] == simulator_json("BTC/USDT", "1m", start, btc_last)


def test_historical_resamples_to_5m_as_the_simulator_aggregates(local_stack: StackHandle, btc_last: int) -> None:
    # Whole 5m buckets inside the stored hour.
    end = (btc_last + MINUTE_MS) - (btc_last + MINUTE_MS) % (5 * MINUTE_MS)
    start = end - 6 * 5 * MINUTE_MS

    response = _get(local_stack, "/historical/BTC-USDT", timeframe="5m", start=start, end=end)

    assert response.status_code == 200, response.text
    assert response.json()["candles"] == simulator_json("BTC/USDT", "5m", start, end - 5 * MINUTE_MS)


def test_market_data_returns_the_latest_candles(local_stack: StackHandle, btc_last: int) -> None:
    response = _get(local_stack, "/market-data/BTC-USDT", limit=3)

    assert response.status_code == 200, response.text
    candles = response.json()["candles"]
    assert candles[-1]["open_time"] >= btc_last
    assert candles == simulator_json("BTC/USDT", "1m", candles[0]["open_time"], candles[-1]["open_time"])
    assert len(candles) == 3


@pytest.mark.parametrize(
    ("path", "params", "status", "named"),
    [
        ("/historical/DOGE-USDT", {}, 404, "DOGE/USDT"),
        ("/historical/BTC-USDT", {"timeframe": "7m"}, 400, "timeframe"),
        ("/historical/BTC-USDT", {"start": "2024-02-01T00:00:00Z", "end": "2024-01-01T00:00:00Z"}, 400, "before"),
        ("/historical/BTC-USDT", {"start": "yesterday"}, 400, "yesterday"),
        ("/historical/BTC-USDT", {"limit": "0"}, 400, "limit"),
        ("/historical/B!TC", {}, 400, "B!TC"),
        ("/market-data/DOGE-USDT", {}, 404, "DOGE/USDT"),
    ],
)
def test_bad_market_data_requests_get_a_clear_4xx(
    local_stack: StackHandle, btc_last: int, path: str, params: dict[str, str], status: int, named: str
) -> None:
    response = _get(local_stack, path, **params)

    assert response.status_code == status, response.text
    assert named in response.json()["message"]
