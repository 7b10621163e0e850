"""Bars longer than the collected base, pushed to the live feed when collection closes them.

Collection stores base (1m) candles and pushes them as they are; a subscriber to 1h of the same
symbol gets each hour once, when the collection that stored its last minute has finished, built
by the same reader every other consumer uses (so the pushed bar is the bar the API serves).
Timeframes nobody subscribes to cost one index query and no read.
"""

from __future__ import annotations

import pandas as pd

from fks.live_feed import Feed
from fks.market_data.series import CandleSeriesReader, bars_completed_by
from fks.market_data.storage import SeriesKey
from fks_adapters.live_feed.publisher import LiveFeedPublisher, PushReport


def push_completed_bars(
    publisher: LiveFeedPublisher, candles: CandleSeriesReader, base: SeriesKey, stored: pd.DataFrame
) -> PushReport:
    total = PushReport()
    times = [int(t) for t in stored["open_time"].to_numpy()]
    for tf, (first, last) in bars_completed_by(times, base.timeframe).items():
        key = SeriesKey(base.exchange, base.symbol, tf)
        if not publisher.connections.subscribers(Feed.of(key)):
            continue
        pushed = publisher.publish(key, candles.read(key, first, last + tf.ms))
        total.subscribers += pushed.subscribers
        total.frames_sent += pushed.frames_sent
        total.gone += pushed.gone
        total.failed += pushed.failed
    return total
