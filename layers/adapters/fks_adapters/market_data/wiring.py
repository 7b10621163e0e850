"""Default adapters for the market-data functions, built from the environment template.yaml sets.

An explicit argument beats the environment (see ``fks.env``); these builders are what a handler
uses at cold start.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fks import env
from fks.market_data.commands import BackfillRequest
from fks.market_data.series import BASE_TIMEFRAME, CandleSeriesReader
from fks.market_data.timeframes import Timeframe
from fks_adapters.aws.lazy import aws_client
from fks_adapters.market_data.assets import AssetRegistry

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

    from fks_adapters.live_feed.publisher import LiveFeedPublisher
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource
    from fks_adapters.market_data.s3_store import S3CandleStore
    from fks_adapters.market_data.timestream import TimestreamCandleWriter

DEFAULT_HISTORY_DAYS = 7


def candle_store() -> S3CandleStore:
    # Imported here: the store brings pandas and pyarrow, which routes that read no candles skip.
    from fks_adapters.market_data.s3_store import S3CandleStore

    return S3CandleStore(env.require(env.DATA_BUCKET))


def candle_series(store: S3CandleStore | None = None, registry: AssetRegistry | None = None) -> CandleSeriesReader:
    """The one reader of candles at any timeframe: resampled on read from each asset's collected
    base (the registry's timeframe; 1m for a series no asset collects, e.g. loaded history)."""
    return CandleSeriesReader(store or candle_store(), CollectedBase(registry or asset_registry()))


class CollectedBase:
    """The timeframe collection stores for an asset, looked up once per reader."""

    def __init__(self, registry: AssetRegistry) -> None:
        self.registry = registry
        self._known: dict[tuple[str, str], Timeframe] = {}

    def __call__(self, exchange: str, symbol: str) -> Timeframe:
        if (exchange, symbol) not in self._known:
            asset = self.registry.get(exchange, symbol)
            self._known[(exchange, symbol)] = asset.timeframe if asset is not None else BASE_TIMEFRAME
        return self._known[(exchange, symbol)]


def asset_registry() -> AssetRegistry:
    return AssetRegistry(env.require(env.ASSETS_TABLE))


def candle_source(exchange_id: str) -> CcxtCandleSource:
    # ccxt costs about 0.5 s of cold start: only the functions that fetch pay for it.
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource, exchange_for

    return CcxtCandleSource(exchange_for(exchange_id))


def timestream_writer() -> TimestreamCandleWriter | None:
    """The Timestream writer when the deployment has Timestream on, else None (S3 only)."""
    if (env.get(env.TIMESTREAM_ENABLED) or "").lower() != "true":
        return None
    from fks_adapters.market_data.timestream import TimestreamCandleWriter

    return TimestreamCandleWriter(env.require(env.TIMESTREAM_DATABASE), env.require(env.TIMESTREAM_TABLE))


def live_feed_publisher() -> LiveFeedPublisher | None:
    """The live feed's publisher when the deployment has one (both variables set), else None."""
    endpoint, table = env.get(env.LIVE_FEED_ENDPOINT), env.get(env.LIVE_FEED_TABLE)
    if not endpoint or not table:
        return None
    from fks_adapters.live_feed.connections import ConnectionStore
    from fks_adapters.live_feed.publisher import LiveFeedPublisher

    return LiveFeedPublisher(endpoint, ConnectionStore(table))


def history_days_default() -> int:
    return int(env.get(env.HISTORY_DAYS) or DEFAULT_HISTORY_DAYS)


def request_signal_generation(now_ms: int, client: LambdaClient | None = None) -> bool:
    """Start ``generate_signals`` asynchronously, now that a collection stored new candles.

    The every-minute schedule also runs it, at the same instant as collection, so a bar stored a
    second after that run would wait a whole minute to be judged. Both runs are safe together:
    the evaluation cursor moves with a conditional write, so a bar is judged once whoever comes
    first. False when no function is configured (the schedule alone then serves).
    """
    name = env.get(env.GENERATE_SIGNALS_FUNCTION)
    if not name:
        return False
    lam = client or aws_client("lambda")
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"now_ms": now_ms}).encode())
    return True


def request_backfill(request: BackfillRequest, client: LambdaClient | None = None) -> None:
    """Start ``backfill`` asynchronously (Lambda retries a failed async run twice on its own)."""
    lam = client or aws_client("lambda")
    lam.invoke(
        FunctionName=env.require(env.BACKFILL_FUNCTION),
        InvocationType="Event",
        Payload=json.dumps(request.model_dump(mode="json")).encode(),
    )
