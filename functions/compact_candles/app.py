"""On its schedule (every 15 minutes): candle compaction. Collection writes each run's new candles
as a small file of its own (no day file is rewritten, so a versioned bucket keeps no version per
minute); this folds each enabled asset's files of today (and of the ``days_back`` days before,
1 by default) into one file per day, so reading a day stays a few requests. Idempotent: a day
already in one file is left alone; a fold interrupted half way is finished by the next run."""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import FunctionSettings, variable
from fks.invocations import parse_event
from fks.market_data.compaction import CompactionRun
from fks.observability import metrics, observed
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.candle_reader import candle_store
from fks_adapters.market_data.compaction import compact_recent

if TYPE_CHECKING:
    from fks_adapters.market_data.s3_store import S3CandleStore

logger = Logger()


class Settings(FunctionSettings):
    data_bucket: str = variable(env.DATA_BUCKET)
    assets_table: str = variable(env.ASSETS_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _store() -> S3CandleStore:
    return candle_store(SETTINGS.data_bucket)


@cache
def _registry() -> AssetRegistry:
    return AssetRegistry(SETTINGS.assets_table)


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = parse_event(CompactionRun, event, "CompactCandles")
    results = compact_recent(_registry(), _store(), int(time.time() * 1000), run.days_back)
    folded = [result for result in results if result.folded]
    metrics.add_metric(name="CandleDaysCompacted", unit=MetricUnit.Count, value=len(folded))
    return {"compacted": [result.as_dict() for result in results]}
