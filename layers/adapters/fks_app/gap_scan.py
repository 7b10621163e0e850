"""One pass of the gap scan over every enabled asset.

Each pass reads the asset's window (``fks.data_gaps.scan_window``), finds the holes, and when
there are any asks ``backfill`` to repair them, waiting for its answer, then reads the window
again and records what is still missing. A failed backfill loses nothing: the hole is still in
the store, so the next pass finds it and asks again, until it is filled. One asset's failure
never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fks.data_gaps import GapState, scan_window
from fks.market_data.commands import BackfillRequest
from fks.market_data.gaps import Gap, find_gaps
from fks_adapters.data_gaps.backfill import BackfillInvoker
from fks_adapters.data_gaps.records import GapRecords
from fks_adapters.market_data.assets import Asset, AssetRegistry

if TYPE_CHECKING:  # the store (pandas, pyarrow) is passed in
    from fks_adapters.market_data.s3_store import S3CandleStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanResult:
    series: str
    found: int  # candles missing when the pass began
    missing: int  # candles still missing after the repair
    backfill_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"series": self.series, "found": self.found, "missing": self.missing, "error": self.backfill_error}


def series_name(asset: Asset) -> str:
    return f"{asset.exchange}:{asset.symbol}:{asset.timeframe.value}"


class GapScanner:
    def __init__(
        self,
        registry: AssetRegistry,
        store: S3CandleStore,
        backfill: BackfillInvoker,
        records: GapRecords,
        clock_ms: Callable[[], int],
    ) -> None:
        self.registry = registry
        self.store = store
        self.backfill = backfill
        self.records = records
        self.clock_ms = clock_ms

    def scan(self) -> list[ScanResult]:
        results = []
        for asset in self.registry.list_assets(enabled_only=True):
            try:
                results.append(self.scan_asset(asset))
            except Exception:  # one asset's failure must not hide the others' holes
                log.exception("gap scan of %s failed", series_name(asset))
        return results

    def scan_asset(self, asset: Asset) -> ScanResult:
        now_ms = self.clock_ms()
        enabled_ms = int(datetime.fromisoformat(asset.updated_at).timestamp() * 1000)
        start, end = scan_window(asset.timeframe, now_ms=now_ms, enabled_ms=enabled_ms, history_days=asset.history_days)
        gaps = self._gaps(asset, start, end)
        found = sum(gap.missing_count for gap in gaps)
        error = None
        if gaps:
            request = BackfillRequest(
                exchange=asset.exchange,
                symbol=asset.symbol,
                timeframe=asset.timeframe,
                start_ms=gaps[0].start_ms,
                end_ms=gaps[-1].end_ms,
                reason="gap scan",
            )
            try:
                self.backfill.repair(request)
            except Exception as exc:  # recorded below as still missing; the next pass asks again
                error = f"{type(exc).__name__}: {exc}"
                log.warning("backfill of %s failed: %s", series_name(asset), error)
            gaps = self._gaps(asset, start, end)
        self.records.put(GapState.of(series_name(asset), asset.timeframe, gaps, now_ms))
        return ScanResult(series_name(asset), found, sum(gap.missing_count for gap in gaps), error)

    def _gaps(self, asset: Asset, start: int, end: int) -> list[Gap]:
        if end <= start:
            return []
        stored = self.store.read(asset.key, start, end)
        return find_gaps(stored["open_time"].to_numpy(), timeframe=asset.timeframe, start_ms=start, end_ms=end)
