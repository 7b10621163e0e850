"""On its schedule (every 15 minutes): the gap scan. Each enabled asset's last seven days of
candles are checked for holes; ``backfill`` is asked to repair them and the scan waits for it;
what is still missing is recorded for the monitor (health turns degraded while a hole older than
``FKS_GAP_MAX_AGE_MIN`` is unrepaired; its figure is the count of missing candles) and published as
``CandlesMissing``. A hole a failed backfill left behind is found again on the next pass, until it
is filled."""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import FunctionSettings, variable
from fks.invocations import ScheduledRun, parse_event
from fks.observability import metrics, observed
from fks_adapters.data_gaps import BackfillInvoker, GapRecords
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.candle_reader import candle_store
from fks_app.gap_scan import GapScanner

if TYPE_CHECKING:
    from fks_adapters.market_data.s3_store import S3CandleStore

logger = Logger()


class Settings(FunctionSettings):
    data_bucket: str = variable(env.DATA_BUCKET)
    assets_table: str = variable(env.ASSETS_TABLE)
    backfill_function: str = variable(env.BACKFILL_FUNCTION)
    data_gaps_table: str = variable(env.DATA_GAPS_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _store() -> S3CandleStore:
    return candle_store(SETTINGS.data_bucket)


@cache
def _registry() -> AssetRegistry:
    return AssetRegistry(SETTINGS.assets_table)


@cache
def _scanner() -> GapScanner:
    return GapScanner(
        _registry(),
        _store(),
        BackfillInvoker(SETTINGS.backfill_function),
        GapRecords(SETTINGS.data_gaps_table),
        clock_ms=lambda: int(time.time() * 1000),
    )


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    parse_event(ScheduledRun, event, "GapScan")  # a schedule run, or {}: no options
    results = _scanner().scan()
    # The total here; per asset it is the monitor's PartFigure of each ``gaps:<series>`` part.
    metrics.add_metric(name="CandlesMissing", unit=MetricUnit.Count, value=sum(r.missing for r in results))
    for result in results:
        if result.missing:
            logger.warning("candles still missing after the gap scan", extra=result.as_dict())
    return {"scanned": [result.as_dict() for result in results]}
