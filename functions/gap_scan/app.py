"""On its schedule (every 15 minutes): the gap scan. Each enabled asset's last seven days of
candles are checked for holes; ``backfill`` is asked to repair them and the scan waits for it;
what is still missing is recorded for the monitor (health turns degraded while a hole older than
``FKS_GAP_MAX_AGE_MIN`` is unrepaired; its figure is the count of missing candles) and published as
``CandlesMissing``. A hole a failed backfill left behind is found again on the next pass, until it
is filled."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.invocations import ScheduledRun, parse_event
from fks.observability import metrics, observed
from fks_adapters.data_gaps import BackfillInvoker, GapRecords
from fks_adapters.market_data import wiring
from fks_app.gap_scan import GapScanner

logger = Logger()


def _scanner() -> GapScanner:
    return GapScanner(
        wiring.asset_registry(),
        wiring.candle_store(),
        BackfillInvoker(env.require(env.BACKFILL_FUNCTION)),
        GapRecords(env.require(env.DATA_GAPS_TABLE)),
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
