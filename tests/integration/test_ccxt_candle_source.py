"""The ccxt candle source against the exchange simulator: pages, retries and translated errors."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from fks.errors import BadRequest, PermanentError, RateLimited
from fks.market_data.timeframes import Timeframe
from fks_adapters.exchanges import make_exchange
from fks_adapters.market_data.ccxt_source import CcxtCandleSource
from fks_exchange_sim import ExchangeSimulator, sample_candles

JAN_2 = 1_704_153_600_000  # 2024-01-02T00:00Z
MINUTE = 60_000


@pytest.fixture(scope="module")
def simulator() -> Iterator[ExchangeSimulator]:
    with ExchangeSimulator(port=0) as sim:
        yield sim


def _source(sim: ExchangeSimulator, sleeps: list[float] | None = None) -> CcxtCandleSource:
    record = sleeps if sleeps is not None else []
    return CcxtCandleSource(make_exchange("binance", base_url=sim.url), base_delay_s=0.01, sleep=record.append)


def test_fetch_closed_pages_through_the_exchange_limit(simulator: ExchangeSimulator) -> None:
    source = _source(simulator)

    rows = source.fetch_closed("BTC/USDT", Timeframe.M1, JAN_2, JAN_2 + 2500 * MINUTE)

    expected = sample_candles("BTCUSDT", "1m", JAN_2, JAN_2 + 2499 * MINUTE)
    assert source.page_limit == 1000
    assert [row[0] for row in rows] == [row[0] for row in expected]
    assert [float(v) for v in rows[-1][1:6]] == [float(v) for v in expected[-1][1:6]]


def test_a_temporary_exchange_failure_is_retried_with_backoff(simulator: ExchangeSimulator) -> None:
    sleeps: list[float] = []
    simulator.inject_error("/api/v3/klines", http_status=503, times=2)

    rows = _source(simulator, sleeps).fetch_closed("BTC/USDT", Timeframe.M1, JAN_2, JAN_2 + 10 * MINUTE)

    assert len(rows) == 10
    assert sleeps == [0.01, 0.02]


def test_rate_limit_that_outlasts_the_retries_is_rate_limited(simulator: ExchangeSimulator) -> None:
    simulator.inject_error("/api/v3/klines", code=-1003, times=4)

    with pytest.raises(RateLimited):
        _source(simulator).fetch_closed("BTC/USDT", Timeframe.M1, JAN_2, JAN_2 + 10 * MINUTE)


def test_a_permanent_exchange_error_is_not_retried(simulator: ExchangeSimulator) -> None:
    sleeps: list[float] = []
    simulator.inject_error("/api/v3/klines", code=-1100, times=1)

    with pytest.raises(PermanentError):
        _source(simulator, sleeps).fetch_closed("BTC/USDT", Timeframe.M1, JAN_2, JAN_2 + 10 * MINUTE)
    assert sleeps == []


def test_require_market_names_an_unknown_symbol(simulator: ExchangeSimulator) -> None:
    with pytest.raises(BadRequest, match="DOGE/USDT"):
        _source(simulator).require_market("DOGE/USDT")


@pytest.mark.parametrize(
    ("venue", "venue_symbol"), [("binance", "BTCUSDT"), ("kraken", "XBTUSDT"), ("coinbase", "BTC-USDT")]
)
def test_each_venue_serves_closed_candles_through_its_own_ccxt_class(venue: str, venue_symbol: str) -> None:
    # Arrange: a keyless client of each venue, as collection builds it; 400 minutes are one page
    # on Binance (1000) and Kraken (720, its newest only) and two on Coinbase (300)
    with ExchangeSimulator(port=0, venue=venue) as sim:
        source = CcxtCandleSource(make_exchange(venue, base_url=sim.url), base_delay_s=0.01)
        now = int(time.time() * 1000) // MINUTE * MINUTE
        since = now - 400 * MINUTE

        # Act
        mapped = source.require_market("BTC/USDT")
        rows = source.fetch_closed("BTC/USDT", Timeframe.M1, since, now)

    # Assert
    expected = sample_candles("BTCUSDT", "1m", since, now - MINUTE, now_ms=now)
    assert mapped == venue_symbol
    assert [row[0] for row in rows] == [row[0] for row in expected]
    assert [[float(v) for v in row[1:6]] for row in rows] == [[float(v) for v in row[1:6]] for row in expected]
