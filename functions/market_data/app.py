"""``GET /market-data/{symbol}`` (latest candles) and ``GET /historical/{symbol}`` (paged history).

History comes from the S3 Parquet dataset; the asset's collected base (1m) is resampled on read
to the asked timeframe, whole closed bars only (``fks.market_data.series``); a timeframe finer
than the base is a 400 naming both. The path spells the symbol ``BTC-USDT`` (a ``/`` cannot be
part of a path segment). Prices and volumes are exact decimal strings.
"""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.errors import NotFound
from fks.function_settings import ApiSettings, variable
from fks.market_data.queries import HistoryQuery, LatestQuery
from fks.market_data.serialise import candles_to_json
from fks.market_data.storage import SeriesKey, symbol_from_partition
from fks.market_data.timeframes import Timeframe
from fks.observability import API, observed
from fks_adapters.api import make_resolver
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.candle_reader import candle_series, candle_store

if TYPE_CHECKING:
    from fks.market_data.series import CandleSeriesReader
    from fks_adapters.market_data.s3_store import S3CandleStore

logger = Logger()


class Settings(ApiSettings):
    data_bucket: str = variable(env.DATA_BUCKET)
    assets_table: str = variable(env.ASSETS_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _registry() -> AssetRegistry:
    return AssetRegistry(SETTINGS.assets_table)


@cache
def _store() -> S3CandleStore:
    return candle_store(SETTINGS.data_bucket)  # pandas and pyarrow load with it


def _candles() -> CandleSeriesReader:
    """One per request: it looks each asset's collected base up once."""
    return candle_series(_store(), _registry())


SymbolInPath = Annotated[str, Path(description="the pair with a dash: BTC-USDT", min_length=3, max_length=40)]


def _collected_series(exchange: str, symbol_in_path: str, timeframe: Timeframe) -> SeriesKey:
    symbol = symbol_from_partition(symbol_in_path)
    if _registry().get(exchange, symbol) is None:
        raise NotFound(
            f"unknown symbol {symbol} on {exchange}: it is not collected; enable it with POST /assets/enable",
            details={"exchange": exchange, "symbol": symbol},
        )
    return SeriesKey.of(exchange, symbol, timeframe)


@app.get("/market-data/<symbol>")
def latest(symbol: SymbolInPath, query: Annotated[LatestQuery, Query()]) -> dict[str, Any]:
    """The latest complete candles of a collected asset, resampled to the asked timeframe."""
    key = _collected_series(query.exchange, symbol, query.timeframe)
    series = _candles()
    newest = series.newest_closed_bar(key, int(time.time() * 1000))
    candles: list[dict[str, Any]] = []
    if newest is not None:
        tf = key.timeframe
        candles = candles_to_json(series.read(key, newest - (query.limit - 1) * tf.ms, newest + tf.ms))
    return {"exchange": key.exchange, "symbol": key.symbol, "timeframe": query.timeframe.value, "candles": candles}


@app.get("/historical/<symbol>")
def historical(symbol: SymbolInPath, query: Annotated[HistoryQuery, Query()]) -> dict[str, Any]:
    """One page of stored history; next_start is where the next page starts."""
    key = _collected_series(query.exchange, symbol, query.timeframe)
    start, stop, next_start = query.page(int(time.time() * 1000))
    candles = candles_to_json(_candles().read(key, start, stop))
    return {
        "exchange": key.exchange,
        "symbol": key.symbol,
        "timeframe": query.timeframe.value,
        "start": start,
        "end": stop,
        "count": len(candles),
        "candles": candles,
        "next_start": next_start,
    }


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
