"""Use cases of the models: training and serving on stored candles (what ``functions/models`` calls).

Candles come from the S3 candle store at the model's timeframe; when that series is not stored
(collection stores 1m), the 1m history is resampled on read, as ``GET /historical`` does.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fks.errors import BadRequest
from fks.market_data import resample_candles
from fks.market_data.series import BASE_TIMEFRAME
from fks.market_data.storage import CandleStore, SeriesKey, symbol_from_partition, symbol_to_partition
from fks.market_data.timeframes import DAY_MS, floor_time
from fks.ml.regimes import RegimeModel
from fks.ml.requests import TrainRequest
from fks.ml.training import MIN_SERVE_BARS, latest_forecast, latest_regime, train_models
from fks.ml.trees import TreeEnsemble
from fks.strategies.candles import Candles
from fks.strategies.inputs import candles_from_frame
from fks_adapters.ml.model_store import ModelStore

# Serving reads this many recent bars: the regime filter settles within a few hundred.
SERVE_BARS = 500


def canonical_asset(asset: str) -> str:
    """The path's asset as the store spells it (``BTC-USDT``); a malformed one is a 400 here, not
    a model key nobody can find."""
    return symbol_to_partition(symbol_from_partition(asset))


def read_candles(store: CandleStore, key: SeriesKey, start_ms: int, end_ms: int) -> Candles:
    frame: pd.DataFrame = store.read(key, start_ms, end_ms)
    if frame.empty and key.timeframe != BASE_TIMEFRAME:
        base = SeriesKey.of(key.exchange, key.symbol, BASE_TIMEFRAME)
        frame = resample_candles(store.read(base, start_ms, end_ms), source=BASE_TIMEFRAME, target=key.timeframe)
    return candles_from_frame(frame)


def history_end(store: CandleStore, key: SeriesKey, now_ms: int) -> int:
    """Just past the newest stored candle of the series (or of its 1m base), else ``now_ms``.

    Anchoring on what is stored, not on the clock, serves "the latest stored candles" even when
    collection has paused (or, locally, when only old sample history was loaded).
    """
    latest = store.latest_open_time(key)
    if latest is not None:
        return latest + key.timeframe.ms
    base = store.latest_open_time(SeriesKey.of(key.exchange, key.symbol, BASE_TIMEFRAME))
    return floor_time(base + BASE_TIMEFRAME.ms if base is not None else now_ms, key.timeframe)


def train_asset(
    asset: str, request: TrainRequest, candles: CandleStore, models: ModelStore, now_ms: int
) -> dict[str, Any]:
    asset = canonical_asset(asset)
    key = SeriesKey.of(request.exchange, symbol_from_partition(asset), request.timeframe)
    end = request.end_ms if request.end_ms is not None else history_end(candles, key, now_ms)
    data = read_candles(candles, key, end - request.days * DAY_MS, end)
    trained = train_models(data)
    report = trained.report.model_dump(mode="json")
    metadata = {"exchange": key.exchange, "symbol": key.symbol, "timeframe": key.timeframe.value, "report": report}
    regime_version = models.put(asset, "regime", trained.regime.to_json(), metadata)
    forecast_version = models.put(asset, "forecast", trained.forecaster.to_json(), metadata)
    return {"asset": asset, "versions": {"regime": regime_version, "forecast": forecast_version}, "report": report}


def train_enabled_assets(
    assets: list[tuple[str, str]], candles: CandleStore, models: ModelStore, now_ms: int
) -> dict[str, Any]:
    """The scheduled run: retrain every (exchange, symbol) given; one asset's short history is
    recorded and skipped, not a failure of the whole run."""
    trained: dict[str, dict[str, str]] = {}
    skipped: dict[str, str] = {}
    for exchange, symbol in assets:
        asset = symbol_to_partition(symbol)
        try:
            trained[asset] = train_asset(asset, TrainRequest(exchange=exchange), candles, models, now_ms)["versions"]
        except BadRequest as error:
            skipped[asset] = error.message
    return {"trained": trained, "skipped": skipped}


def _recent(asset: str, metadata: dict[str, Any], candles: CandleStore, now_ms: int) -> tuple[SeriesKey, Candles]:
    key = SeriesKey.of(metadata["exchange"], metadata["symbol"], metadata["timeframe"])
    end = history_end(candles, key, now_ms)
    return key, read_candles(candles, key, end - SERVE_BARS * key.timeframe.ms, end)


def serve_regime(asset: str, candles: CandleStore, models: ModelStore, now_ms: int) -> dict[str, Any]:
    asset = canonical_asset(asset)
    stored = models.latest(asset, "regime")
    key, data = _recent(asset, stored.metadata, candles, now_ms)
    regime = latest_regime(RegimeModel.from_json(stored.model), data)
    return {**_served(asset, key, stored.version, data), "regime": regime}


def serve_forecast(asset: str, candles: CandleStore, models: ModelStore, now_ms: int) -> dict[str, Any]:
    asset = canonical_asset(asset)
    stored = models.latest(asset, "forecast")
    key, data = _recent(asset, stored.metadata, candles, now_ms)
    prob_up = latest_forecast(TreeEnsemble.from_json(stored.model), data)
    evaluation = stored.metadata.get("report", {}).get("evaluation")
    return {
        **_served(asset, key, stored.version, data),
        "prob_up": prob_up,
        "direction": "up" if prob_up > 0.5 else "down",
        "evaluation": evaluation,
    }


def _served(asset: str, key: SeriesKey, version: str, data: Candles) -> dict[str, Any]:
    return {
        "asset": asset,
        "timeframe": key.timeframe.value,
        "model_version": version,
        "as_of_open_time": int(data.open_time[-1]) if len(data) else None,
        "bars": len(data),
        "min_bars": MIN_SERVE_BARS,
    }
