"""Informative timeframes and symbols: built from stored 1m candles only, aligned without lookahead.

The store holds nothing but 1m candles (the simulator's sample series of ETH and BTC); every 1h and
1d bar below is resampled by the product's CandleSeriesReader. Lookahead is proven by cutting the
*stored minutes* at many instants and checking that nothing a strategy bar saw before the cut
changes: what a backtest shows at a bar is what a live run at that bar could have known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fks.errors import BadRequest
from fks.market_data import raw_frame_from_ccxt, validate_candles
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import DAY_MS, HOUR_MS, MINUTE_MS, Timeframe
from fks.strategies import Candles, IndicatorCache, Informative, Params, Strategy
from fks.strategies.analysis import lookahead
from fks.strategies.candles import FloatArray
from fks.strategies.inputs import newest_ready_bar, read_strategy_candles
from fks_exchange_sim import sample_candles

START = 1_704_067_200_000  # 2024-01-01
DAYS = 12
ETH_1H = SeriesKey.of("binance", "ETH/USDT", "1h")


def _minutes(symbol: str, start: int, end: int) -> pd.DataFrame:
    rows = [row[:6] for row in sample_candles(symbol, "1m", start, end - 1, now_ms=end + DAY_MS)]
    return validate_candles(raw_frame_from_ccxt(rows), timeframe=Timeframe.M1, now_ms=end + DAY_MS).accepted


class _MinuteStore:
    """The read side of a candle store holding only 1m series, optionally cut at an instant."""

    def __init__(self, series: dict[str, pd.DataFrame], cut_ms: int | None = None) -> None:
        self.series = series
        self.cut_ms = cut_ms

    def _frame(self, key: SeriesKey) -> pd.DataFrame:
        if key.timeframe is not Timeframe.M1:
            return _minutes("ETHUSDT", 0, 0)  # nothing stored at any other timeframe
        frame = self.series[key.symbol]
        if self.cut_ms is not None:
            frame = frame.loc[frame["open_time"].to_numpy() < self.cut_ms]
        return frame

    def read(self, key: SeriesKey, start_ms: int, end_ms: int) -> pd.DataFrame:
        frame = self._frame(key)
        times = frame["open_time"].to_numpy()
        return frame.loc[(times >= start_ms) & (times < end_ms)].reset_index(drop=True)

    def latest_open_time(self, key: SeriesKey) -> int | None:
        frame = self._frame(key)
        return None if frame.empty else int(frame["open_time"].max())


@pytest.fixture(scope="module")
def minutes() -> dict[str, pd.DataFrame]:
    end = START + DAYS * DAY_MS
    return {"ETH/USDT": _minutes("ETHUSDT", START, end), "BTC/USDT": _minutes("BTCUSDT", START, end)}


class BtcTrend(Strategy):
    """ETH hourly, long while BTC's last closed daily close is above the mean of the 3 days before."""

    name = "btc_trend_test"
    description = "test"
    parameters = ()

    def informative(self, params: Params) -> tuple[Informative, ...]:
        return (Informative.of("1d", "BTC/USDT", bars=4),)

    def warmup_bars(self, params: Params) -> int:
        return 0

    def daily_signal(self, candles: Candles) -> FloatArray:
        daily = candles.informative_series("1d", "BTC/USDT")
        close = daily.candles.close
        mean = np.full(close.shape, np.nan)
        for i in range(3, close.size):
            mean[i] = close[i - 3 : i].mean()
        return daily.align(np.where(np.isnan(mean), np.nan, (close > mean).astype(np.float64)))

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        return self.daily_signal(candles)


class PeekingBtcTrend(BtcTrend):
    """Reads the daily bar that is still open at the hour: the lookahead the platform must catch."""

    name = "btc_peek_test"

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        daily = candles.informative_series("1d", "BTC/USDT")
        ahead = np.minimum(daily.visible + 1, len(daily.candles) - 1)
        return (daily.candles.close[ahead] > daily.candles.open[ahead]).astype(np.float64)


def _read(store: _MinuteStore, strategy: Strategy, start: int, end: int) -> Candles:
    return read_strategy_candles(CandleSeriesReader(store), strategy, {}, ETH_1H, start, end)


def test_each_hour_sees_the_newest_btc_day_closed_by_its_close_built_from_1m_candles(minutes: dict) -> None:
    candles = _read(_MinuteStore(minutes), BtcTrend(), START + 5 * DAY_MS, START + DAYS * DAY_MS)

    daily = candles.informative_series("1d", "BTC/USDT")
    hour_close = candles.open_time + HOUR_MS
    seen_open = daily.candles.open_time[daily.visible]
    assert np.all(daily.visible >= 0)
    assert np.all(seen_open + DAY_MS <= hour_close), "a day is seen only once it has closed"
    assert np.all(seen_open == (hour_close // DAY_MS) * DAY_MS - DAY_MS), "and the newest such day"
    btc = minutes["BTC/USDT"]
    first_day = btc.loc[(btc["open_time"] >= seen_open[0]) & (btc["open_time"] < seen_open[0] + DAY_MS)]
    assert daily.candles.close[daily.visible[0]] == float(first_day["close"].iloc[-1])
    assert len(daily.candles) >= 4 + 1, "the declared warm-up days are read before the first hour"


@pytest.mark.parametrize("cut_hours", [5 * 24 + 1, 6 * 24 - 1, 6 * 24, 8 * 24 + 13, DAYS * 24 - 2])
def test_cutting_the_stored_minutes_changes_nothing_an_earlier_hour_saw(minutes: dict, cut_hours: int) -> None:
    strategy, start = BtcTrend(), START + 5 * DAY_MS
    full = _read(_MinuteStore(minutes), strategy, start, START + DAYS * DAY_MS)
    cut = START + cut_hours * HOUR_MS + 17 * MINUTE_MS  # mid-hour, mid-day: the live edge

    live = _read(_MinuteStore(minutes, cut_ms=cut), strategy, start, cut)

    bars = len(live)
    assert bars
    assert np.array_equal(live.open_time, full.open_time[:bars])
    seen = strategy.daily_signal(live)
    assert np.array_equal(seen, strategy.daily_signal(full)[:bars], equal_nan=True)
    assert np.array_equal(strategy.target_positions(live), strategy.target_positions(full)[:bars])


def test_the_lookahead_analysis_passes_the_honest_strategy_and_names_the_bar_the_peeking_one_changes(
    minutes: dict,
) -> None:
    honest = _read(_MinuteStore(minutes), BtcTrend(), START + 5 * DAY_MS, START + DAYS * DAY_MS)
    peeking = _read(_MinuteStore(minutes), PeekingBtcTrend(), START + 5 * DAY_MS, START + DAYS * DAY_MS)

    assert lookahead(BtcTrend(), honest, {}, cuts=60) is None
    finding = lookahead(PeekingBtcTrend(), peeking, {}, cuts=60)
    assert finding is not None
    assert finding.full_target != finding.recomputed_target


def test_a_bar_waits_until_the_informative_symbols_minutes_are_stored(minutes: dict) -> None:
    midnight = START + 8 * DAY_MS
    lagging = {
        "ETH/USDT": minutes["ETH/USDT"].loc[minutes["ETH/USDT"]["open_time"] < midnight],
        "BTC/USDT": minutes["BTC/USDT"].loc[minutes["BTC/USDT"]["open_time"] < midnight - MINUTE_MS],
    }
    caught_up = {**lagging, "BTC/USDT": minutes["BTC/USDT"].loc[minutes["BTC/USDT"]["open_time"] < midnight]}
    now = midnight + 30_000

    waiting, _ = newest_ready_bar(CandleSeriesReader(_MinuteStore(lagging)), BtcTrend(), {}, ETH_1H, now)
    ready, _ = newest_ready_bar(CandleSeriesReader(_MinuteStore(caught_up)), BtcTrend(), {}, ETH_1H, now)

    # ETH's 23:00 hour is stored, but the BTC day it would see ends with a minute not yet collected.
    assert waiting == midnight - 2 * HOUR_MS
    assert ready == midnight - HOUR_MS


def test_an_informative_series_nobody_stores_is_named_and_nothing_is_evaluated(minutes: dict) -> None:
    only_eth = {"ETH/USDT": minutes["ETH/USDT"], "BTC/USDT": minutes["BTC/USDT"].iloc[0:0]}

    newest, missing = newest_ready_bar(
        CandleSeriesReader(_MinuteStore(only_eth)), BtcTrend(), {}, ETH_1H, START + DAYS * DAY_MS
    )

    assert (newest, missing) == (None, ["binance:BTC/USDT:1d"])


def test_candles_without_the_declared_series_are_refused_naming_it(minutes: dict) -> None:
    plain = _read(_MinuteStore(minutes), BtcTrend(), START, START + DAY_MS).window(0, 24)
    bare = Candles(plain.open_time, plain.open, plain.high, plain.low, plain.close, plain.volume)

    with pytest.raises(BadRequest, match="BTC/USDT 1d"):
        BtcTrend().target_positions(bare)


def test_an_informative_timeframe_is_checked_when_declared() -> None:
    with pytest.raises(BadRequest, match="timeframe"):
        Informative.of("7m")
    with pytest.raises(BadRequest, match="bars"):
        Informative.of("1d", bars=-1)
