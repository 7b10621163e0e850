"""Collection, storage and gap repair of candles on the local stack, checked against the simulator."""

from __future__ import annotations

import time
from typing import Any

import pytest

from fks.market_data import raw_frame_from_ccxt, validate_candles
from fks.market_data.collection import collect_series
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe
from fks_adapters.exchanges import make_exchange
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.ccxt_source import CcxtCandleSource
from tests.integration.conftest import module_stack
from tests.integration.market_data_helpers import BTC, enable, invoke, simulator_json, store, stored_json
from tests.stack_handle import StackHandle

# Moves prices, reconciles or counts collection: see ``stack_of_its_own``.
local_stack = module_stack("collection")


pytestmark = pytest.mark.moto_only
MINUTE_MS = 60_000


@pytest.fixture(scope="module")
def collected_btc(local_stack: StackHandle) -> dict[str, Any]:
    """BTC/USDT enabled (no history) and the collection schedule fired three times."""
    response = enable(local_stack, "BTC/USDT")
    assert response.status_code == 200, response.text
    answers = [local_stack.fire_schedule("CollectOhlcvFunctionEveryMinute") for _ in range(3)]
    assert all(answer["error"] is None for tick in answers for answer in tick), answers
    return {"enable": response.json(), "ticks": answers}


def test_ticking_the_schedule_stores_the_candles_the_simulator_served(
    local_stack: StackHandle, collected_btc: dict[str, Any], aws_env: None
) -> None:
    # Arrange
    candle_store = store(local_stack)
    last = candle_store.latest_open_time(BTC)
    assert last is not None

    # Act
    stored = stored_json(candle_store.read(BTC, last - 59 * MINUTE_MS, last + MINUTE_MS))

    # Assert
    assert len(stored) == 60
    assert stored == simulator_json("BTC/USDT", "1m", stored[0]["open_time"], last)
    assert last + MINUTE_MS <= time.time() * 1000  # only closed candles


def test_ticking_again_stores_no_second_copy(local_stack: StackHandle, collected_btc: dict[str, Any]) -> None:
    # Arrange
    candle_store = store(local_stack)
    dates = candle_store.stored_dates(BTC)

    # Act
    body = invoke(local_stack, "CollectOhlcvFunction", {})
    days = [candle_store._read_day(BTC, date) for date in candle_store.stored_dates(BTC)]

    # Assert
    assert set(dates) <= set(candle_store.stored_dates(BTC))
    assert body["failed"] == []
    for day in days:
        assert day["open_time"].is_unique
        assert day["open_time"].is_monotonic_increasing


def test_rewriting_the_same_candles_leaves_one_copy(local_stack: StackHandle, aws_env: None) -> None:
    # Arrange
    candle_store = store(local_stack)
    key = SeriesKey.of("binance", "SOL/USDT", "1m")
    source = CcxtCandleSource(make_exchange("binance", base_url=local_stack.exchange_url))
    now = int(time.time() * 1000)
    first = collect_series(key, source, candle_store, now_ms=now)

    # Act
    candle_store.write(key, first.frame)
    candle_store.write(key, first.frame)
    stored = candle_store.read(key, 0, now)

    # Assert
    assert first.stored_new == 60
    assert len(stored) == 60
    assert stored["open_time"].is_unique


def test_malformed_candle_is_rejected_counted_and_the_rest_stored(local_stack: StackHandle, aws_env: None) -> None:
    # Arrange: the real ccxt client, with one row broken the way a bad exchange payload would be
    candle_store = store(local_stack)
    key = SeriesKey.of("binance", "ETH/USDT", "1m")
    real = CcxtCandleSource(make_exchange("binance", base_url=local_stack.exchange_url))

    class OneBrokenRow:
        def fetch_closed(self, symbol: str, timeframe: Timeframe, since_ms: int, until_ms: int) -> list[list[Any]]:
            rows = real.fetch_closed(symbol, timeframe, since_ms, until_ms)
            rows[10] = [rows[10][0], rows[10][1], rows[10][3] / 2, rows[10][3], rows[10][4], rows[10][5]]
            return rows

    # Act
    report = collect_series(key, OneBrokenRow(), candle_store, now_ms=int(time.time() * 1000))
    stored = candle_store.read(key, 0, int(time.time() * 1000))

    # Assert
    assert report.rejected == 1
    assert report.reasons == {"low above high": 1}
    assert report.stored_new == 59
    assert len(stored) == 59
    assert len(report.holes) == 1
    assert report.holes[0].missing_count == 1


def test_collector_back_after_downtime_fetches_one_page_and_hands_the_rest_to_backfill(
    local_stack: StackHandle, aws_env: None
) -> None:
    # Arrange: the newest stored candle is three days old
    candle_store = store(local_stack)
    key = SeriesKey.of("binance", "BTC/USDT:USDT", "1m")  # a series nobody else in the session writes
    source = CcxtCandleSource(make_exchange("binance", base_url=local_stack.exchange_url))
    now = int(time.time() * 1000)
    old = now - now % MINUTE_MS - 3 * 1440 * MINUTE_MS
    rows = source.fetch_closed("BTC/USDT", Timeframe.M1, old - MINUTE_MS, old)
    candle_store.write(key, validate_candles(raw_frame_from_ccxt(rows), timeframe="1m", now_ms=now).accepted)

    class SpotPrices:  # the simulator lists spot only; the prices are what matters here
        def fetch_closed(self, symbol: str, timeframe: Timeframe, since_ms: int, until_ms: int) -> list[list[Any]]:
            return source.fetch_closed("BTC/USDT", timeframe, since_ms, until_ms)

    # Act
    report = collect_series(key, SpotPrices(), candle_store, now_ms=now)

    # Assert
    assert report.stored_new == 1000
    assert len(report.holes) == 1
    assert report.holes[0].start_ms == old
    assert report.holes[0].end_ms == now - now % MINUTE_MS - 1000 * MINUTE_MS


def test_deleted_range_is_restored_exactly_by_backfill(
    local_stack: StackHandle, collected_btc: dict[str, Any], aws_env: None
) -> None:
    # Arrange
    candle_store = store(local_stack)
    last = candle_store.latest_open_time(BTC)
    assert last is not None
    start, end = last - 40 * MINUTE_MS, last - 20 * MINUTE_MS
    before = stored_json(candle_store.read(BTC, start - 5 * MINUTE_MS, end + 5 * MINUTE_MS))
    assert candle_store.delete_range(BTC, start, end) == 20

    # Act
    request = {"exchange": "binance", "symbol": "BTC/USDT", "timeframe": "1m"}
    body = invoke(local_stack, "BackfillFunction", {**request, "start_ms": start - 5 * MINUTE_MS, "end_ms": last})
    after = stored_json(candle_store.read(BTC, start - 5 * MINUTE_MS, end + 5 * MINUTE_MS))

    # Assert
    assert body["gaps_found"] == 1
    assert body["repaired"] == 20
    assert body["still_missing"] == 0
    assert after == before
    assert after == simulator_json("BTC/USDT", "1m", start - 5 * MINUTE_MS, end + 4 * MINUTE_MS)


def test_enabling_an_asset_starts_its_history_backfill(local_stack: StackHandle, aws_env: None) -> None:
    # Arrange
    key = SeriesKey.of("binance", "ETH/USDT", "1m")
    candle_store = store(local_stack)

    # Act
    response = enable(local_stack, "ETH/USDT", history_days=1)
    deadline = time.monotonic() + 90
    stored: list[dict[str, Any]] = []
    while time.monotonic() < deadline and len(stored) < 1440:
        time.sleep(1)
        now = int(time.time() * 1000)
        stored = stored_json(candle_store.read(key, now - 2 * 86_400_000, now))

    # Assert
    assert response.json()["backfill_started"] is True
    assert len(stored) >= 1440
    assert stored == simulator_json("ETH/USDT", "1m", stored[0]["open_time"], stored[-1]["open_time"])


def test_enabling_an_enabled_asset_starts_no_second_backfill(
    local_stack: StackHandle, collected_btc: dict[str, Any]
) -> None:
    response = enable(local_stack, "BTC/USDT", history_days=3)

    assert response.status_code == 200
    assert response.json()["enabled_now"] is False
    assert response.json()["backfill_started"] is False


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"exchange": "nosuchexchange", "symbol": "BTC/USDT"}, "nosuchexchange"),
        ({"exchange": "binance", "symbol": "DOGE/USDT"}, "DOGE/USDT"),
        ({"exchange": "binance", "symbol": "BTC_USDT"}, "BTC_USDT"),
    ],
)
def test_enabling_an_unknown_exchange_or_symbol_is_a_400_naming_it(
    local_stack: StackHandle, body: dict[str, str], named: str
) -> None:
    response = local_stack.api("POST", "/assets/enable", json=body)

    assert response.status_code == 400
    assert named in response.json()["message"]


def test_disabling_stops_collection_and_keeps_history(local_stack: StackHandle, aws_env: None) -> None:
    # Arrange
    key = SeriesKey.of("binance", "SOL/USDT", "1m")
    assert enable(local_stack, "SOL/USDT").status_code == 200
    invoke(local_stack, "CollectOhlcvFunction", {})
    kept = store(local_stack).latest_open_time(key)

    # Act
    response = local_stack.api("POST", "/assets/disable", json={"exchange": "binance", "symbol": "SOL/USDT"})
    body = invoke(local_stack, "CollectOhlcvFunction", {})
    listed = local_stack.api("GET", "/assets").json()["assets"]

    # Assert
    assert response.status_code == 200
    assert "binance:SOL/USDT:1m" not in [item["asset"] for item in body["collected"]]
    assert {
        k: v for k, v in next(a for a in listed if a["symbol"] == "SOL/USDT").items() if k in ("symbol", "enabled")
    } == {"symbol": "SOL/USDT", "enabled": False}
    assert store(local_stack).latest_open_time(key) == kept


def test_one_asset_failing_does_not_stop_the_others(local_stack: StackHandle, collected_btc: dict[str, Any]) -> None:
    # Arrange: kraken is registered directly (its API is not simulated, so every fetch fails)
    registry = AssetRegistry(local_stack.deployed.physical_id("AssetsTable"), local_stack.clients("dynamodb"))
    registry.enable(SeriesKey.of("kraken", "BTC/USD", "1m"), history_days=0)
    try:
        # Act
        body = invoke(local_stack, "CollectOhlcvFunction", {})
    finally:
        registry.disable("kraken", "BTC/USD")

    # Assert
    assert [item["asset"] for item in body["failed"]] == ["kraken:BTC/USD:1m"]
    assert "binance:BTC/USDT:1m" in [item["asset"] for item in body["collected"]]
