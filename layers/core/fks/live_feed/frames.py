"""What the server sends over the WebSocket: one JSON object per frame, with a ``type``.

Candle prices and volumes are exact decimal strings, as in the REST API.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fks.errors import FksError
from fks.live_feed.requests import Feed
from fks.live_topics import Topic
from fks.market_data.serialise import candles_to_json
from fks.market_data.storage import SeriesKey


def candle_frames(series: SeriesKey, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One ``candle`` frame per closed candle of ``frame``, oldest first."""
    head = {"type": "candle", "exchange": series.exchange, "symbol": series.symbol, "timeframe": series.timeframe.value}
    return [{**head, "candle": candle} for candle in candles_to_json(frame)]


def ack_frame(action: str, feed: Feed | Topic) -> dict[str, Any]:
    """``subscribed`` / ``unsubscribed``, naming the feed."""
    return {"type": f"{action}d", **feed.as_dict()}


def error_frame(error: FksError, action: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "error", "error": type(error).__name__, "message": error.message}
    if action:
        body["action"] = action
    if error.details:
        body["details"] = error.details
    return body
