"""Repairs the gaps in one asset's stored history: finds missing ranges and fetches them again.

Started by enabling an asset (history of the configured depth) and by ``collect_ohlcv`` when it
finds a hole. Data-quality metrics per asset: GapsFound, CandlesRepaired, CandlesStillMissing,
CandlesRejected.
"""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import FunctionSettings, variable
from fks.market_data.collection import backfill_series
from fks.market_data.commands import BackfillRequest
from fks.market_data.storage import SeriesKey
from fks.observability import metrics, observed
from fks_adapters.market_data.candle_reader import candle_store

if TYPE_CHECKING:
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource
    from fks_adapters.market_data.s3_store import S3CandleStore

logger = Logger()


class Settings(FunctionSettings):
    data_bucket: str = variable(env.DATA_BUCKET)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _store() -> S3CandleStore:
    return candle_store(SETTINGS.data_bucket)


def _source(exchange_id: str) -> CcxtCandleSource:
    """Built per run: the venue's market list is read afresh. ccxt costs ~0.5 s of import, here only."""
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource, exchange_for

    return CcxtCandleSource(exchange_for(exchange_id))


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = BackfillRequest.model_validate(event)
    key = SeriesKey.of(request.exchange, request.symbol, request.timeframe)
    report = backfill_series(
        key,
        _source(key.exchange),
        _store(),
        start_ms=request.start_ms,
        end_ms=request.end_ms,
        now_ms=int(time.time() * 1000),
    )
    if report.rejected:
        logger.warning("candles rejected", extra={"asset": str(key), "reasons": report.reasons})
    metrics.add_dimension(name="asset", value=f"{key.exchange}:{key.symbol}")
    metrics.add_metric(name="GapsFound", unit=MetricUnit.Count, value=report.gaps_found)
    metrics.add_metric(name="CandlesRepaired", unit=MetricUnit.Count, value=report.repaired)
    metrics.add_metric(name="CandlesStillMissing", unit=MetricUnit.Count, value=report.still_missing)
    metrics.add_metric(name="CandlesRejected", unit=MetricUnit.Count, value=report.rejected)
    return {
        "asset": str(key),
        "start_ms": report.start_ms,
        "end_ms": report.end_ms,
        "gaps_found": report.gaps_found,
        "missing": report.missing,
        "repaired": report.repaired,
        "still_missing": report.still_missing,
        "rejected": report.rejected,
        "reason": request.reason,
    }
