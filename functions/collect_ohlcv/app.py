"""Every minute: fetch each enabled asset's closed candles since the last stored one, validate, store.

One asset failing is logged and counted and does not stop the others; holes found are handed to
``backfill``; once new candles are stored, ``generate_signals`` is started so the bars they close
are judged at once. Metrics per asset: CandlesCollected, CandlesRejected (and per reason in the log),
GapsFound, TimestreamRejected, LiveFeedFramesSent, LiveFeedPushFailures. New candles are pushed to
the live feed's WebSocket subscribers once stored.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.errors import FksError
from fks.invocations import ScheduledRun, parse_event
from fks.market_data.collection import CollectionReport, collect_series
from fks.market_data.commands import BackfillRequest
from fks.observability import metrics, observed
from fks_adapters.live_feed.publisher import LiveFeedPublisher, PushReport
from fks_adapters.market_data import wiring
from fks_adapters.market_data.assets import Asset
from fks_adapters.market_data.live_bars import push_completed_bars

logger = Logger()
# Stop starting new assets this close to the timeout: one asset with retries can take this long.
TIME_RESERVE_MS = 10_000


def collect_asset(asset: Asset, now_ms: int) -> dict[str, Any]:
    report = collect_series(asset.key, wiring.candle_source(asset.exchange), wiring.candle_store(), now_ms=now_ms)
    timestream = wiring.timestream_writer()
    timestream_rejected = timestream.write(asset.key, report.frame).rejected if timestream else 0
    pushed = push_live(asset, report)
    for hole in report.holes:
        wiring.request_backfill(
            BackfillRequest(
                exchange=asset.exchange,
                symbol=asset.symbol,
                timeframe=asset.timeframe,
                start_ms=hole.start_ms,
                end_ms=hole.end_ms,
                reason="hole found by collect_ohlcv",
            )
        )
    _publish(asset, report, timestream_rejected, pushed)
    return {
        "asset": str(asset.key),
        "fetched": report.fetched,
        "stored_new": report.stored_new,
        "rejected": report.rejected,
        "reasons": report.reasons,
        "holes": len(report.holes),
        "timestream_rejected": timestream_rejected,
        "live_frames_sent": pushed.frames_sent,
    }


@cache
def _live_publisher() -> LiveFeedPublisher | None:
    return wiring.live_feed_publisher()


def push_live(asset: Asset, report: CollectionReport) -> PushReport:
    """The stored candles to the live feed's subscribers. The candles are already stored: a push
    failure is logged and counted (LiveFeedPushFailures) and never fails the collection."""
    publisher = _live_publisher()
    if publisher is None or report.frame.empty:
        return PushReport()
    try:
        pushed = publisher.publish(asset.key, report.frame)
        # Subscribers to longer timeframes get each bar these candles closed (1h at minute 59).
        longer = push_completed_bars(publisher, wiring.candle_series(), asset.key, report.frame)
        pushed.frames_sent += longer.frames_sent
        pushed.failed += longer.failed
        pushed.gone += longer.gone
    except Exception:
        logger.exception("live feed push failed", extra={"asset": str(asset.key)})
        return PushReport(failed=1)
    if pushed.failed or pushed.gone:
        logger.warning("live feed push incomplete", extra={"asset": str(asset.key), **vars(pushed)})
    return pushed


def _publish(asset: Asset, report: CollectionReport, timestream_rejected: int, pushed: PushReport) -> None:
    if report.rejected:
        logger.warning("candles rejected", extra={"asset": str(asset.key), "reasons": report.reasons})
    metrics.add_dimension(name="asset", value=f"{asset.exchange}:{asset.symbol}")
    metrics.add_metric(name="CandlesCollected", unit=MetricUnit.Count, value=report.stored_new)
    metrics.add_metric(name="CandlesRejected", unit=MetricUnit.Count, value=report.rejected)
    metrics.add_metric(name="GapsFound", unit=MetricUnit.Count, value=len(report.holes))
    metrics.add_metric(name="TimestreamRejected", unit=MetricUnit.Count, value=timestream_rejected)
    metrics.add_metric(name="LiveFeedFramesSent", unit=MetricUnit.Count, value=pushed.frames_sent)
    metrics.add_metric(name="LiveFeedPushFailures", unit=MetricUnit.Count, value=pushed.failed)
    metrics.flush_metrics()  # one EMF document per asset, so the dimension is the asset's


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    parse_event(ScheduledRun, event, "CollectOhlcv")  # a schedule run, or {}: no options
    now_ms = int(time.time() * 1000)
    results: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    assets = wiring.asset_registry().list_assets(enabled_only=True)
    for index, asset in enumerate(assets):
        if context.get_remaining_time_in_millis() < TIME_RESERVE_MS:
            # The next run starts where this one stopped (the cursor is the newest stored candle).
            skipped = [str(a.key) for a in assets[index:]]
            logger.warning("out of time; the next run collects the rest", extra={"skipped": skipped})
            break
        try:
            results.append(collect_asset(asset, now_ms))
        except FksError as error:  # one asset failing must not stop the others
            logger.exception("collection failed", extra={"asset": str(asset.key), "error": error.to_dict()})
            failed.append({"asset": str(asset.key), "error": type(error).__name__, "message": error.message})
        except Exception as error:
            logger.exception("collection failed unexpectedly", extra={"asset": str(asset.key)})
            failed.append({"asset": str(asset.key), "error": type(error).__name__, "message": str(error)})
    if failed:
        metrics.add_metric(name="CollectionFailures", unit=MetricUnit.Count, value=len(failed))
    signals_requested = _request_signals(results)
    return {"collected": results, "failed": failed, "signals_requested": signals_requested}


def _request_signals(results: list[dict[str, Any]]) -> bool:
    """Strategies judged right after new candles are stored, not at the next minute's schedule.
    A failure is logged, never raised: the candles are stored, and the schedule catches up."""
    if not any(result["stored_new"] for result in results):
        return False
    try:
        return wiring.request_signal_generation(int(time.time() * 1000))
    except Exception:
        logger.exception("could not start generate_signals; the schedule will judge the new bars")
        return False
