"""Data freshness per enabled asset, for the monitor: is collection still writing its candles?"""

from __future__ import annotations

from datetime import UTC, datetime

from fks_adapters.aws.health import DEGRADED, HEALTHY, PartHealth, guard
from fks_adapters.market_data.assets import Asset, AssetRegistry
from fks_adapters.market_data.s3_store import S3CandleStore

MIN_LIMIT_S = 180  # three one-minute collection passes missed


def freshness_limit_s(asset: Asset) -> int:
    """Stale after three missed candles of the asset's timeframe, and never under three minutes."""
    return max(MIN_LIMIT_S, 3 * asset.timeframe.ms // 1000)


def check_asset(asset: Asset, store: S3CandleStore, now: datetime) -> PartHealth:
    part = f"data:{asset.exchange}:{asset.symbol}:{asset.timeframe.value}"

    def check() -> PartHealth:
        written = store.last_write_time(asset.key)
        if written is None:
            return PartHealth(part, DEGRADED, "enabled, but no candles are stored yet", metric=None)
        age = int((now - written).total_seconds())
        limit = freshness_limit_s(asset)
        if age > limit:
            return PartHealth(part, DEGRADED, f"stale: last candles written {age} s ago (limit {limit} s)", metric=age)
        return PartHealth(part, HEALTHY, metric=age)

    return guard(part, check)


def check_freshness(registry: AssetRegistry, store: S3CandleStore, now: datetime | None = None) -> list[PartHealth]:
    moment = now or datetime.now(UTC)
    return [check_asset(asset, store, moment) for asset in registry.list_assets(enabled_only=True)]
