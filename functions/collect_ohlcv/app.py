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
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.errors import FksError
from fks.function_settings import FunctionSettings, SettingsError, flag, variable
from fks.invocations import ScheduledRun, parse_event
from fks.market_data.collection import CollectionReport, collect_series
from fks.market_data.commands import BackfillRequest
from fks.market_data.series import CandleSeriesReader
from fks.observability import metrics, observed
from fks_adapters.live_feed.publisher import LiveFeedPublisher, PushReport
from fks_adapters.market_data.assets import Asset, AssetRegistry
from fks_adapters.market_data.candle_reader import candle_series, candle_store
from fks_adapters.market_data.function_starts import FunctionStarter
from fks_adapters.market_data.live_bars import push_completed_bars

if TYPE_CHECKING:
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource
    from fks_adapters.market_data.s3_store import S3CandleStore
    from fks_adapters.market_data.timestream import TimestreamCandleWriter

logger = Logger()
# Stop starting new assets this close to the timeout: one asset with retries can take this long.
TIME_RESERVE_MS = 10_000


class Settings(FunctionSettings):
    data_bucket: str = variable(env.DATA_BUCKET)
    assets_table: str = variable(env.ASSETS_TABLE)
    backfill_function: str = variable(env.BACKFILL_FUNCTION)
    # Without it only the every-minute schedule starts generate_signals.
    generate_signals_function: str | None = variable(env.GENERATE_SIGNALS_FUNCTION, default=None)
    timestream_enabled: bool = variable(env.TIMESTREAM_ENABLED, flag, default=False)
    timestream_database: str | None = variable(env.TIMESTREAM_DATABASE, default=None)
    timestream_table: str | None = variable(env.TIMESTREAM_TABLE, default=None)
    # The live feed: both or no push.
    live_feed_endpoint: str | None = variable(env.LIVE_FEED_ENDPOINT, default=None)
    live_feed_table: str | None = variable(env.LIVE_FEED_TABLE, default=None)

    def check(self) -> None:
        if self.timestream_enabled and not (self.timestream_database and self.timestream_table):
            raise SettingsError(f"Timestream is on: {env.TIMESTREAM_DATABASE} and {env.TIMESTREAM_TABLE} must be set")


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _store() -> S3CandleStore:
    return candle_store(SETTINGS.data_bucket)


@cache
def _registry() -> AssetRegistry:
    return AssetRegistry(SETTINGS.assets_table)


@cache
def _backfill() -> FunctionStarter:
    return FunctionStarter(SETTINGS.backfill_function)


@cache
def _timestream() -> TimestreamCandleWriter | None:
    """The Timestream writer when the deployment has Timestream on, else None (S3 only)."""
    if not SETTINGS.timestream_enabled:
        return None
    from fks_adapters.market_data.timestream import TimestreamCandleWriter

    return TimestreamCandleWriter(str(SETTINGS.timestream_database), str(SETTINGS.timestream_table))


@cache
def _generate_signals(function: str) -> FunctionStarter:
    return FunctionStarter(function)


def _source(exchange_id: str) -> CcxtCandleSource:
    """Built per asset and run: the venue's market list is read afresh. ccxt costs ~0.5 s of import."""
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource, exchange_for

    return CcxtCandleSource(exchange_for(exchange_id))


def _candles() -> CandleSeriesReader:
    """One per run: it looks each asset's collected base up once."""
    return candle_series(_store(), _registry())


def collect_asset(asset: Asset, now_ms: int) -> dict[str, Any]:
    report = collect_series(asset.key, _source(asset.exchange), _store(), now_ms=now_ms)
    timestream = _timestream()
    timestream_rejected = timestream.write(asset.key, report.frame).rejected if timestream else 0
    pushed = push_live(asset, report)
    for hole in report.holes:
        _backfill().backfill(
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
    """The live feed's publisher when the deployment has one (both variables set), else None."""
    if not SETTINGS.live_feed_endpoint or not SETTINGS.live_feed_table:
        return None
    from fks_adapters.live_feed.connections import ConnectionStore

    return LiveFeedPublisher(SETTINGS.live_feed_endpoint, ConnectionStore(SETTINGS.live_feed_table))


def push_live(asset: Asset, report: CollectionReport) -> PushReport:
    """The stored candles to the live feed's subscribers. The candles are already stored: a push
    failure is logged and counted (LiveFeedPushFailures) and never fails the collection."""
    publisher = _live_publisher()
    if publisher is None or report.frame.empty:
        return PushReport()
    try:
        pushed = publisher.publish(asset.key, report.frame)
        # Subscribers to longer timeframes get each bar these candles closed (1h at minute 59).
        longer = push_completed_bars(publisher, _candles(), asset.key, report.frame)
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
    assets = _registry().list_assets(enabled_only=True)
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
    function = SETTINGS.generate_signals_function
    if not function:
        return False
    try:
        # The every-minute schedule also runs it, at the same instant as collection, so a bar
        # stored a second after that run would wait a whole minute to be judged. Both runs are
        # safe together: the evaluation cursor moves with a conditional write.
        _generate_signals(function).start({"now_ms": int(time.time() * 1000)})
        return True
    except Exception:
        logger.exception("could not start generate_signals; the schedule will judge the new bars")
        return False
