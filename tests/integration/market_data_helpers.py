"""Helpers for the market-data integration tests: invoke functions, call the API, compare with the simulator."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pandas as pd
import requests

from fks.market_data import raw_frame_from_ccxt, validate_candles
from fks.market_data.serialise import candles_to_json
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe
from fks_adapters.market_data.s3_store import S3CandleStore
from fks_exchange_sim import sample_candles
from tests.stack_handle import StackHandle

BTC = SeriesKey.of("binance", "BTC/USDT", "1m")


def invoke(stack: StackHandle, logical_id: str, event: dict[str, Any]) -> dict[str, Any]:
    response = stack.clients("lambda").invoke(FunctionName=stack.function(logical_id), Payload=json.dumps(event))
    body: dict[str, Any] = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


def enable(stack: StackHandle, symbol: str, *, history_days: int = 0, exchange: str = "binance") -> requests.Response:
    body = {"exchange": exchange, "symbol": symbol, "history_days": history_days}
    return stack.api("POST", "/assets/enable", json=body)


def store(stack: StackHandle) -> S3CandleStore:
    return S3CandleStore(stack.output("DataBucketName"), stack.clients("s3"))


def collect_history(stack: StackHandle, symbol: str, start_ms: int, end_ms: int) -> dict[str, Any]:
    """``[start_ms, end_ms)`` of ``symbol``'s 1m candles collected the way production collects
    history: the backfill function fetching from the simulator with ccxt and storing them."""
    event = {"exchange": "binance", "symbol": symbol, "timeframe": "1m", "start_ms": start_ms, "end_ms": end_ms}
    report = invoke(stack, "BackfillFunction", {**event, "reason": "test history"})
    assert report["still_missing"] == 0, report
    return report


def store_sample_candles(stack: StackHandle, key: SeriesKey, exchange_symbol: str, start_ms: int, end_ms: int) -> int:
    """The simulator's sample 1m candles of ``exchange_symbol`` in ``[start_ms, end_ms]``, validated
    and written to the stack's store under ``key`` (which may name another exchange or symbol).

    Only the collected base: every other timeframe is the product's to build (resampled on read),
    so a test never hands it bars it should make itself."""
    if key.timeframe is not Timeframe.M1:
        raise ValueError(f"tests store only 1m candles (the collected base), not {key.timeframe.value}")
    rows = [row[:6] for row in sample_candles(exchange_symbol, key.timeframe.value, start_ms, end_ms)]
    now_ms = int(time.time() * 1000)
    frame = validate_candles(raw_frame_from_ccxt(rows), timeframe=key.timeframe, now_ms=now_ms).accepted
    return store(stack).write(key, frame)


def simulator_json(symbol: str, interval: str, start_ms: int, last_open_ms: int) -> list[dict[str, Any]]:
    """What the simulator served for open times in ``[start_ms, last_open_ms]``, as the API spells it."""
    rows = sample_candles(symbol.replace("/", ""), interval, start_ms, last_open_ms)
    names = ("open", "high", "low", "close", "volume")
    return [
        {"open_time": row[0], **{name: _text(Decimal(value)) for name, value in zip(names, row[1:6], strict=True)}}
        for row in rows
    ]


def stored_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return candles_to_json(frame)


def _text(value: Decimal) -> str:
    from fks.market_data.serialise import decimal_text

    return decimal_text(value)
