"""The gap scan's window and when an unrepaired gap turns health red (pure rules, no stack)."""

from __future__ import annotations

from fks.data_gaps import GRACE_CANDLES, SCAN_WINDOW_DAYS, GapState, scan_window
from fks.market_data.gaps import Gap
from fks.market_data.timeframes import DAY_MS, MINUTE_MS, Timeframe

NOW = 1_767_225_600_000 + 30_000  # 2026-01-01T00:00:30Z


def test_window_is_seven_days_up_to_the_candle_collection_has_had_time_to_store() -> None:
    start, end = scan_window(Timeframe.M1, now_ms=NOW, enabled_ms=NOW - 30 * DAY_MS, history_days=30)

    assert start == NOW + 30_000 - SCAN_WINDOW_DAYS * DAY_MS  # the first whole minute in the window
    assert end == NOW - 30_000 - GRACE_CANDLES * MINUTE_MS


def test_window_starts_no_earlier_than_the_history_enabling_asked_for() -> None:
    enabled = NOW - 2 * DAY_MS

    start, _ = scan_window(Timeframe.M1, now_ms=NOW, enabled_ms=enabled, history_days=1)

    assert start == enabled + 30_000 - DAY_MS


def test_an_asset_enabled_a_moment_ago_without_history_has_nothing_to_scan() -> None:
    start, end = scan_window(Timeframe.M1, now_ms=NOW, enabled_ms=NOW, history_days=0)

    assert end == start


def test_a_gap_is_overdue_only_once_its_first_candle_closed_longer_ago_than_the_limit() -> None:
    def state(first_missing_ms: int) -> GapState:
        return GapState.of("binance:BTC/USDT:1m", Timeframe.M1, [Gap(first_missing_ms, NOW, 5)], NOW)

    assert state(NOW - 10 * MINUTE_MS).overdue_minutes(NOW, 15) is None
    assert state(NOW - 40 * MINUTE_MS).overdue_minutes(NOW, 15) == 39
    assert GapState.of("s", Timeframe.M1, [], NOW).overdue_minutes(NOW, 15) is None
