"""The compaction schedule's work: fold each collected series' recent days into one file each.

Collection adds a small part to today's partition every minute; folding today's parts every 15
minutes keeps a read of today to a handful of files. A day that has ended is folded by the write
that ends it (``S3CandleStore.compact_day`` from the writer), so the schedule also looks at the
days before today (``days_back``) only to finish one whose fold was interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass

from fks.market_data.storage import partition_date
from fks.market_data.timeframes import DAY_MS
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.s3_store import S3CandleStore


@dataclass(frozen=True)
class Compacted:
    series: str
    date: str
    files_before: int
    folded: bool

    def as_dict(self) -> dict[str, object]:
        return {"series": self.series, "date": self.date, "files_before": self.files_before, "folded": self.folded}


def compact_recent(registry: AssetRegistry, store: S3CandleStore, now_ms: int, days_back: int) -> list[Compacted]:
    """Fold today and the ``days_back`` days before it, for every enabled asset; idempotent."""
    dates = [partition_date(now_ms - back * DAY_MS) for back in range(days_back, -1, -1)]
    results: list[Compacted] = []
    for asset in registry.list_assets(enabled_only=True):
        for date in dates:
            files = len(store.day_files(asset.key, date))
            if files:
                results.append(Compacted(str(asset.key), date, files, store.compact_day(asset.key, date)))
    return results
