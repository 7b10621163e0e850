"""``fks data download``: candle history from a venue, through ccxt, into a folder or the stack's bucket.

    fks data download --exchange binance --symbol BTC/USDT --timeframe 1m --since 2024-01-01 [--until ...]
                      [--to fks-data | --to s3://BUCKET]

Candles are fetched page by page by the collector's own source (``CcxtCandleSource``: the venue's
page size and rate limit, retries of temporary errors), validated as the collector validates them
(closed, aligned, OHLC consistent, exact decimals), and written in the collector's Parquet layout:
to a local folder (``fks_cli.folder_store``) or, with ``s3://BUCKET``, to a bucket through the
same ``S3CandleStore`` the functions use (boto3's default session: set ``AWS_ENDPOINT_URL`` for the
local stack). A progress line is printed per chunk.

Resume: a download starts after the newest candle already stored for the series (when it lies in
the range), so an interrupted run started again continues where it stopped, and a finished one
stores nothing twice. ``FKS_EXCHANGE_BASE_URL`` (or ``--exchange-url``) points ccxt at another host,
as the local stack does for its simulator.

Bad input exits with 2 and one line naming it; a venue failure exits with 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TextIO

from fks.errors import BadRequest, FksError
from fks.market_data import raw_frame_from_ccxt, validate_candles
from fks.market_data.storage import CandleStore, SeriesKey
from fks.market_data.timeframes import DAY_MS, ceil_time, floor_time
from fks_cli.commands_backtest import USAGE_ERROR, parse_time
from fks_cli.history import DEFAULT_DATA, open_store

FAILED = 1
_BAR_WIDTH = 30
# Bars per chunk written: a day of 1m candles (two pages on Binance), larger for longer timeframes.
_CHUNK_BARS = 1_440


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    data = commands.add_parser("data", help="candle history: download it from a venue into a folder or a bucket")
    actions = data.add_subparsers(dest="data_command", required=True)
    download = actions.add_parser("download", help="fetch candles through ccxt, validate them, store them")
    download.add_argument("--exchange", default="binance", help="ccxt exchange id (default binance)")
    download.add_argument("--symbol", required=True, help="unified symbol, e.g. BTC/USDT")
    download.add_argument("--timeframe", default="1m", help="candle timeframe (default 1m, what collection stores)")
    download.add_argument("--since", required=True, help="UTC date or ISO time, inclusive (e.g. 2024-01-01)")
    download.add_argument("--until", default=None, help="UTC date or ISO time, exclusive (default: now)")
    download.add_argument("--to", default=DEFAULT_DATA, help=f"folder or s3://BUCKET (default {DEFAULT_DATA})")
    download.add_argument("--exchange-url", default=None, help="send ccxt to this host (a simulator, a testnet)")


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        return download(args, out)
    except BadRequest as error:
        print(f"fks data download: error: {error.message}", file=err)
        return USAGE_ERROR
    except FksError as error:
        print(f"fks data download: failed: {error.message}", file=err)
        return FAILED


def download(args: argparse.Namespace, out: TextIO, now_ms: int | None = None) -> int:
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource, exchange_for  # ccxt: only when used

    key = SeriesKey.of(args.exchange, args.symbol, args.timeframe)
    tf = key.timeframe
    now = now_ms if now_ms is not None else int(time.time() * 1000)
    since = parse_time(args.since, "since")
    until = min(parse_time(args.until, "until") if args.until else now, floor_time(now, tf))
    if since >= until:
        raise BadRequest(f"--since {args.since} is not before --until {args.until or 'now'}")
    store: CandleStore = open_store(args.to)
    start = resume_from(store, key, since, until)
    if start >= until:
        print(f"{key}: already stored from {args.since} to {args.until or 'now'}; nothing to download", file=out)
        return 0
    url = args.exchange_url or os.environ.get("FKS_EXCHANGE_BASE_URL") or None
    source = CcxtCandleSource(exchange_for(key.exchange, url))
    source.require_market(key.symbol)  # an unknown symbol is named before any page is fetched
    if start > since:
        print(f"resuming after the newest stored candle: from {_iso(start)}", file=out)
    stored = rejected = 0
    chunk = max(_CHUNK_BARS * tf.ms, DAY_MS)
    for chunk_start in range(start, until, chunk):
        chunk_end = min(chunk_start + chunk, until)
        rows = source.fetch_closed(key.symbol, tf, chunk_start, chunk_end)
        result = validate_candles(raw_frame_from_ccxt(rows), timeframe=tf, now_ms=now)
        stored += store.write(key, result.accepted)
        rejected += result.rejected_count
        _progress(out, chunk_end - start, until - start, stored)
    print(f"{key}: stored {stored} new candles in {args.to} ({rejected} rejected by validation)", file=out)
    held = len(store.read(key, since, until))
    expected = (until - ceil_time(since, tf)) // tf.ms
    if held < expected:  # the venue has holes there, or rows were rejected: said, not hidden
        print(f"{key}: {expected - held} of {expected} candles in the range are missing", file=out)
    return 0


def resume_from(store: CandleStore, key: SeriesKey, since: int, until: int) -> int:
    """Where a download of ``[since, until)`` starts: after the newest stored candle when it is inside."""
    latest = store.latest_open_time(key)
    if latest is None or latest < since or latest >= until:
        return since if latest is None or latest < since else until
    return latest + key.timeframe.ms


def _progress(out: TextIO, done: int, total: int, stored: int) -> None:
    filled = _BAR_WIDTH * done // total
    bar = "#" * filled + "." * (_BAR_WIDTH - filled)
    print(f"downloading [{bar}] {100 * done // total:3d}% ({stored} candles stored)", file=out, flush=True)


def _iso(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat()
