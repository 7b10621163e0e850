"""``GET /assets``, ``POST /assets/enable``, ``POST /assets/disable``: the registry of collected assets.

Enabling checks the exchange and symbol against the exchange's own market list (an unknown one is
a 400 naming it), registers the asset, and starts a history backfill of ``history_days`` (the
deployment's ``FKS_HISTORY_DAYS`` when absent). Enabling an enabled asset changes nothing and
starts no second backfill. Disabling stops collection; the stored history stays.
"""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import ApiSettings, variable
from fks.market_data.commands import BackfillRequest, DisableAsset, EnableAsset
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import DAY_MS, floor_time
from fks.observability import API, observed
from fks_adapters.api import make_resolver
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.function_starts import FunctionStarter

if TYPE_CHECKING:
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource

logger = Logger()
DEFAULT_HISTORY_DAYS = 7


class Settings(ApiSettings):
    assets_table: str = variable(env.ASSETS_TABLE)
    backfill_function: str = variable(env.BACKFILL_FUNCTION)
    # The history an enabled asset is backfilled with when the request names none.
    history_days: int = variable(env.HISTORY_DAYS, int, default=DEFAULT_HISTORY_DAYS)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _registry() -> AssetRegistry:
    return AssetRegistry(SETTINGS.assets_table)


@cache
def _backfill() -> FunctionStarter:
    return FunctionStarter(SETTINGS.backfill_function)


def _source(exchange_id: str) -> CcxtCandleSource:
    """Built per call: the venue's market list is read afresh. ccxt costs ~0.5 s of import, here only."""
    from fks_adapters.market_data.ccxt_source import CcxtCandleSource, exchange_for

    return CcxtCandleSource(exchange_for(exchange_id))


@app.get("/assets")
def list_assets() -> dict[str, Any]:
    """Every registered asset, enabled or not, with its timeframe and history depth."""
    return {"assets": [asset.as_dict() for asset in _registry().list_assets()]}


@app.post("/assets/enable")
def enable_asset(command: Annotated[EnableAsset, Body()]) -> dict[str, Any]:
    """Start collecting an asset (checked against the exchange's markets) and backfill its history."""
    # The venue's own spelling of the symbol (its market list maps it: BTC/USDT is Kraken's XBTUSDT).
    venue_symbol = _source(command.exchange).require_market(command.symbol)
    key = SeriesKey.of(command.exchange, command.symbol, command.timeframe)
    days = SETTINGS.history_days if command.history_days is None else command.history_days
    asset, enabled_now = _registry().enable(key, days)
    backfill_started = enabled_now and days > 0
    if backfill_started:
        end = floor_time(int(time.time() * 1000), key.timeframe)
        _backfill().backfill(
            BackfillRequest(
                exchange=key.exchange,
                symbol=key.symbol,
                timeframe=key.timeframe,
                start_ms=end - days * DAY_MS,
                end_ms=end,
                reason="history on enable",
            )
        )
    logger.info("asset enabled", extra={"asset": str(key), "new": enabled_now, "history_days": days})
    return {
        "asset": asset.as_dict(),
        "venue_symbol": venue_symbol,
        "enabled_now": enabled_now,
        "backfill_started": backfill_started,
    }


@app.post("/assets/disable")
def disable_asset(command: Annotated[DisableAsset, Body()]) -> dict[str, Any]:
    """Stop collecting an asset; its stored history stays."""
    asset = _registry().disable(command.exchange, command.symbol)
    return {"asset": asset.as_dict()}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
