"""The monitor's view of the gap scan: one part per scanned series, degraded while a gap older
than the limit is unrepaired; its metric is the number of missing candles."""

from __future__ import annotations

from fks.data_gaps import DEFAULT_MAX_AGE_MIN
from fks_adapters.aws.health import DEGRADED, HEALTHY, PartHealth, guard
from fks_adapters.data_gaps.records import GapRecords


def check_gaps(records: GapRecords, now_ms: int, max_age_min: int = DEFAULT_MAX_AGE_MIN) -> list[PartHealth]:
    parts: list[PartHealth] = []

    def read() -> PartHealth:
        for state in records.all():
            part = f"gaps:{state.series}"
            overdue = state.overdue_minutes(now_ms, max_age_min)
            if overdue is None:
                parts.append(PartHealth(part, HEALTHY, metric=state.missing))
                continue
            reason = (
                f"{state.missing} candle(s) missing in {state.gaps} gap(s), the oldest unrepaired for "
                f"{overdue} min (limit {max_age_min} min); the gap scan keeps asking backfill for them"
            )
            parts.append(PartHealth(part, DEGRADED, reason, metric=state.missing))
        return PartHealth(f"table:{records.table}", HEALTHY)

    checked = guard(f"table:{records.table}", read)
    return parts if checked.status == HEALTHY else [checked]
