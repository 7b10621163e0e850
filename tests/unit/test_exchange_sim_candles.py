"""The simulator's sample candles: deterministic, on the tick grid, consistent across intervals."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from fks_exchange_sim import sample_candles
from fks_exchange_sim.candles import CandleSource
from fks_exchange_sim.intervals import DAY_MS, HOUR_MS, MINUTE_MS, parse_interval
from fks_exchange_sim.series import EPOCH_MS

# A fixed "now" keeps these tests independent of the wall clock: 2025-06-02T12:34:56.789Z.
NOW_MS = 1_748_867_696_789
NOW_MINUTE_OPEN = NOW_MS - NOW_MS % MINUTE_MS


@pytest.fixture(scope="module")
def source() -> CandleSource:
    return CandleSource()


def _klines(source: CandleSource, interval: str, **kw: int) -> list[list[object]]:
    parsed = parse_interval(interval)
    assert parsed is not None
    return source.klines("BTCUSDT", parsed, now_ms=kw.pop("now_ms", NOW_MS), **kw)


def test_klines_when_built_by_two_sources_are_identical(source: CandleSource) -> None:
    # Arrange
    other = CandleSource()

    # Act
    first = _klines(source, "1m", start_ms=NOW_MS - 3 * DAY_MS, limit=1000)
    second = _klines(other, "1m", start_ms=NOW_MS - 3 * DAY_MS, limit=1000)

    # Assert
    assert first == second
    assert len(first) == 1000


def test_sample_candles_when_computed_in_another_process_are_identical() -> None:
    # Arrange
    start, end = EPOCH_MS + 400 * DAY_MS, EPOCH_MS + 400 * DAY_MS + 90 * MINUTE_MS
    script = (
        "import json; from fks_exchange_sim import sample_candles; "
        f"print(json.dumps(sample_candles('ETHUSDT', '5m', {start}, {end}, now_ms={NOW_MS})))"
    )

    # Act
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    # Assert
    assert json.loads(output.stdout) == sample_candles("ETHUSDT", "5m", start, end, now_ms=NOW_MS)


def test_klines_rows_have_binance_shape_and_string_values(source: CandleSource) -> None:
    # Act
    row = _klines(source, "1h", limit=1)[0]

    # Assert
    assert len(row) == 12
    assert all(isinstance(row[i], int) for i in (0, 6, 8))
    assert all(isinstance(row[i], str) for i in (1, 2, 3, 4, 5, 7, 9, 10, 11))
    assert row[6] == row[0] + HOUR_MS - 1
    assert row[11] == "0"


def test_klines_prices_sit_on_the_tick_grid_and_ohlc_is_consistent(source: CandleSource) -> None:
    # Act
    rows = _klines(source, "1m", limit=1000) + _klines(source, "1d", limit=300)

    # Assert
    tick = Decimal("0.01")
    for row in rows:
        open_, high, low, close = (Decimal(str(v)) for v in row[1:5])
        assert all(price % tick == 0 and price > 0 for price in (open_, high, low, close))
        assert low <= min(open_, close)
        assert max(open_, close) <= high
        assert Decimal(str(row[5])) > 0


def test_klines_when_no_range_given_end_with_the_open_candle_of_now(source: CandleSource) -> None:
    # Act
    rows = _klines(source, "1m")

    # Assert
    assert len(rows) == 500
    assert rows[-1][0] == NOW_MINUTE_OPEN
    assert rows[-1][6] > NOW_MS  # still open, as Binance includes it


def test_klines_when_start_is_mid_candle_begin_with_the_next_candle(source: CandleSource) -> None:
    # Act
    rows = _klines(source, "1h", start_ms=EPOCH_MS + 90 * MINUTE_MS, limit=3)

    # Assert
    assert [r[0] for r in rows] == [EPOCH_MS + 2 * HOUR_MS, EPOCH_MS + 3 * HOUR_MS, EPOCH_MS + 4 * HOUR_MS]


def test_klines_when_only_end_given_return_the_last_candles_before_it(source: CandleSource) -> None:
    # Arrange
    end = EPOCH_MS + 10 * DAY_MS + 30 * MINUTE_MS

    # Act
    rows = _klines(source, "15m", end_ms=end, limit=4)

    # Assert
    assert [r[0] for r in rows] == [end - 45 * MINUTE_MS, end - 30 * MINUTE_MS, end - 15 * MINUTE_MS, end]


def test_klines_when_range_is_before_the_sample_epoch_are_empty(source: CandleSource) -> None:
    # Act
    rows = _klines(source, "1m", start_ms=EPOCH_MS - DAY_MS, end_ms=EPOCH_MS - 1)

    # Assert
    assert rows == []


def test_klines_never_open_after_now(source: CandleSource) -> None:
    # Act
    rows = _klines(source, "1m", start_ms=NOW_MS - 10 * MINUTE_MS, end_ms=NOW_MS + DAY_MS, limit=1000)

    # Assert
    assert len(rows) == 10  # 12:25 (first open after 12:24:56) to 12:34
    assert rows[-1][0] == NOW_MINUTE_OPEN


@pytest.mark.parametrize(("interval", "minutes"), [("5m", 5), ("1h", 60), ("4h", 240), ("1d", 1440)])
def test_klines_of_longer_intervals_aggregate_the_one_minute_candles_exactly(
    source: CandleSource, interval: str, minutes: int
) -> None:
    # Arrange
    start = EPOCH_MS + 200 * DAY_MS
    ones = _klines(source, "1m", start_ms=start, limit=minutes * 3)

    # Act
    bigger = _klines(source, interval, start_ms=start, limit=3)

    # Assert
    for index, row in enumerate(bigger):
        part = ones[index * minutes : (index + 1) * minutes]
        assert row[0] == part[0][0]
        assert row[1] == part[0][1]
        assert Decimal(row[2]) == max(Decimal(r[2]) for r in part)
        assert Decimal(row[3]) == min(Decimal(r[3]) for r in part)
        assert row[4] == part[-1][4]
        assert Decimal(row[5]) == sum(Decimal(r[5]) for r in part)
        assert row[8] == sum(int(r[8]) for r in part)


def test_klines_current_hour_aggregates_only_the_minutes_so_far(source: CandleSource) -> None:
    # Arrange
    minutes_so_far = _klines(source, "1m", start_ms=NOW_MS - NOW_MS % HOUR_MS, limit=60)

    # Act
    current_hour = _klines(source, "1h", limit=1)[0]

    # Assert
    assert len(minutes_so_far) == 35  # 12:00 to 12:34 inclusive
    assert current_hour[4] == minutes_so_far[-1][4]
    assert Decimal(current_hour[5]) == sum(Decimal(r[5]) for r in minutes_so_far)


def test_klines_weeks_open_on_monday_and_months_on_the_first(source: CandleSource) -> None:
    # Act
    weeks = _klines(source, "1w", limit=3)
    months = _klines(source, "1M", start_ms=EPOCH_MS, limit=3)

    # Assert
    assert all((r[0] // DAY_MS + 3) % 7 == 0 for r in weeks)  # 1970-01-05, day 4, was a Monday
    assert [r[0] for r in months] == [1_704_067_200_000, 1_706_745_600_000, 1_709_251_200_000]
    assert months[0][6] == 1_706_745_600_000 - 1


def test_klines_of_different_symbols_differ(source: CandleSource) -> None:
    # Act
    parsed = parse_interval("1m")
    assert parsed is not None
    btc = source.klines("BTCUSDT", parsed, now_ms=NOW_MS, limit=5)
    sol = source.klines("SOLUSDT", parsed, now_ms=NOW_MS, limit=5)

    # Assert
    assert [r[4] for r in btc] != [r[4] for r in sol]


def test_sample_candles_when_interval_unknown_raises() -> None:
    with pytest.raises(ValueError, match="2m"):
        sample_candles("BTCUSDT", "2m", EPOCH_MS, EPOCH_MS + HOUR_MS)
