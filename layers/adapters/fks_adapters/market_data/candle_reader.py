"""The one reader of candles at any timeframe, resampled on read from each asset's collected base
(the registry's timeframe; 1m for a series no asset collects, e.g. loaded history)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fks.market_data.series import BASE_TIMEFRAME, CandleSeriesReader
from fks.market_data.timeframes import Timeframe
from fks_adapters.market_data.assets import AssetRegistry

if TYPE_CHECKING:
    from fks_adapters.market_data.s3_store import S3CandleStore


def candle_store(bucket: str) -> S3CandleStore:
    # Imported here: the store brings pandas and pyarrow, which routes that read no candles skip.
    from fks_adapters.market_data.s3_store import S3CandleStore

    return S3CandleStore(bucket)


def candle_series(store: S3CandleStore, registry: AssetRegistry) -> CandleSeriesReader:
    return CandleSeriesReader(store, CollectedBase(registry))


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
