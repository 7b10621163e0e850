"""``POST /models/{asset}/train``, ``GET /models/{asset}/regime``, ``GET /models/{asset}/forecast``.

The path spells the asset ``BTC-USDT``. Training reads the stored history, fits the regime HMM and
the direction forecaster, and stores both with their out-of-sample report (``models/{asset}/...``
in the data bucket). Serving applies the latest stored model to the latest stored candles; too
little history is a 400 naming the bars needed, no trained model a 404. A daily schedule (off by
default in template.yaml) retrains every enabled asset.

Packaging: the AWS SDK for pandas layer (NumPy, pandas, pyarrow) and the project's layers; both
models train with NumPy alone (``fks.ml.boosting``, ``fks.ml.hmm``), as scikit-learn and SciPy
(~110 MB) would not fit beside the pandas layer (``make sam-sizes``).
"""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import ApiSettings, variable
from fks.invocations import ScheduledTraining, parse_event
from fks.ml.requests import TrainRequest
from fks.observability import API, observed
from fks_adapters.api import make_resolver
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.candle_reader import candle_store
from fks_adapters.ml import ModelStore
from fks_app.models import serve_forecast, serve_regime, train_asset, train_enabled_assets

if TYPE_CHECKING:
    from fks_adapters.market_data.s3_store import S3CandleStore

logger = Logger()
AssetInPath = Annotated[str, Path(description="the pair with a dash: BTC-USDT", min_length=3, max_length=40)]


class Settings(ApiSettings):
    data_bucket: str = variable(env.DATA_BUCKET)
    assets_table: str = variable(env.ASSETS_TABLE)
    models_prefix: str = variable(env.MODELS_PREFIX, default="models")


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _models() -> ModelStore:
    return ModelStore(SETTINGS.data_bucket, prefix=SETTINGS.models_prefix)


@cache
def _store() -> S3CandleStore:
    return candle_store(SETTINGS.data_bucket)


def _now_ms() -> int:
    return int(time.time() * 1000)


@app.post("/models/<asset>/train")
def train(asset: AssetInPath, request: Annotated[TrainRequest | None, Body()] = None) -> dict[str, Any]:
    """Train the regime HMM and the direction forecaster of an asset and store them."""
    request = request or TrainRequest()
    result = train_asset(asset, request, _store(), _models(), _now_ms())
    logger.info("models trained", extra={"asset": asset, "versions": result["versions"]})
    return result


@app.get("/models/<asset>/regime")
def regime(asset: AssetInPath) -> dict[str, Any]:
    """The current market regime of an asset, from its latest stored model."""
    return serve_regime(asset, _store(), _models(), _now_ms())


@app.get("/models/<asset>/forecast")
def forecast(asset: AssetInPath) -> dict[str, Any]:
    """The direction forecast of an asset, from its latest stored model."""
    return serve_forecast(asset, _store(), _models(), _now_ms())


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "httpMethod" not in event:  # the template's schedule Input, not an API call
        parse_event(ScheduledTraining, event, "scheduled training")
        enabled = AssetRegistry(SETTINGS.assets_table).list_assets(enabled_only=True)
        result = train_enabled_assets(
            [(asset.exchange, asset.symbol) for asset in enabled], _store(), _models(), _now_ms()
        )
        logger.info("scheduled training", extra=result)
        return result
    return app.resolve(event, context)
