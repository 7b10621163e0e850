"""``POST /models/{asset}/train``, ``GET /models/{asset}/regime``, ``GET /models/{asset}/forecast``.

The path spells the asset ``BTC-USDT``. Training reads the stored history, fits the regime HMM and
the direction forecaster, and stores both with their out-of-sample report (``models/{asset}/...``
in the data bucket). Serving applies the latest stored model to the latest stored candles; too
little history is a 400 naming the bars needed, no trained model a 404. A daily schedule (off by
default in template.yaml) retrains every enabled asset.

Packaging: scikit-learn, NumPy and pandas exceed a zip Lambda's 250 MB with the rest, so in AWS
this function takes the AWS SDK for pandas layer (NumPy, pandas, pyarrow) plus a scikit-learn
layer built for ``python3.12``/x86_64 (``pip install scikit-learn -t python/``); a container image
is the fallback if the two together pass the limit. Locally the installed packages are used.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.observability import API, observed
from fks_adapters.api import body_model, make_resolver
from fks_adapters.market_data import wiring
from fks_adapters.ml import ModelStore
from fks_adapters.ml.service import TrainRequest, serve_forecast, serve_regime, train_asset, train_enabled_assets

SCHEDULED_TRAINING = "train_enabled_assets"
logger = Logger()
app = make_resolver(logger)


def _models() -> ModelStore:
    return ModelStore(env.require(env.DATA_BUCKET), prefix=env.get(env.MODELS_PREFIX) or "models")


def _now_ms() -> int:
    return int(time.time() * 1000)


@app.post("/models/<asset>/train")
def train(asset: str) -> dict[str, Any]:
    request = body_model(app, TrainRequest) if app.current_event.body else TrainRequest()
    result = train_asset(asset, request, wiring.candle_store(), _models(), _now_ms())
    logger.info("models trained", extra={"asset": asset, "versions": result["versions"]})
    return result


@app.get("/models/<asset>/regime")
def regime(asset: str) -> dict[str, Any]:
    return serve_regime(asset, wiring.candle_store(), _models(), _now_ms())


@app.get("/models/<asset>/forecast")
def forecast(asset: str) -> dict[str, Any]:
    return serve_forecast(asset, wiring.candle_store(), _models(), _now_ms())


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("schedule") == SCHEDULED_TRAINING:  # the template's schedule Input, not an API call
        enabled = wiring.asset_registry().list_assets(enabled_only=True)
        result = train_enabled_assets(
            [(asset.exchange, asset.symbol) for asset in enabled], wiring.candle_store(), _models(), _now_ms()
        )
        logger.info("scheduled training", extra=result)
        return result
    return app.resolve(event, context)
