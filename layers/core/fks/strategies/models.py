"""Stored models a strategy evaluates with (the ML forecast, the regime gate), checked before use.

A strategy declares the kinds it needs (``Strategy.models``); whatever evaluates it (backtests,
optimisations, ``generate_signals``, ``fks strategy check``) fetches the latest stored version of
each for the strategy's asset (``functions/models`` trains and stores them) and hands them over on
``candles.models[kind]``. A model is refused, by name, when:

- none is stored for the asset (train one first);
- it was trained on another timeframe (its features are per bar: an hourly model on 15m bars
  answers a question nobody asked);
- it is too old: the newest bar evaluated is more than ``max_age_ms`` after the last bar it was
  trained on (markets drift; a live strategy must not trade on a stale model silently);
- it was trained on too little data: fewer bars than fitting its kind needs (``min_trained_bars``).
  Training refuses such a fit, so only a model stored some other way (an older build, a copied
  file) can be one; it is refused rather than trusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from fks.errors import BadRequest
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import DAY_MS

MODEL_KINDS = ("forecast", "regime")


@dataclass(frozen=True, slots=True)
class ModelNeed:
    kind: str
    max_age_days: int

    def __post_init__(self) -> None:
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"model kind must be one of {', '.join(MODEL_KINDS)}, got {self.kind!r}")


@dataclass(frozen=True, slots=True)
class ServedModel:
    """One stored model version and what it was trained on."""

    kind: str
    asset: str  # BTC-USDT
    version: str
    timeframe: str
    trained_until: int  # open time of the last bar it was trained on (epoch ms)
    document: dict[str, Any]  # the model's JSON document
    trained_bars: int | None = None  # how many bars it was fitted on, as its training report says

    def __str__(self) -> str:
        return f"the {self.kind} model of {self.asset} (version {self.version})"


class ModelSource(Protocol):
    """Where stored models are read (``fks_adapters.ml.model_store.ModelStore``)."""

    def served(self, asset: str, kind: str) -> ServedModel:
        """The latest version; ``NotFound`` naming the asset and kind when none is stored."""
        ...


def min_trained_bars(kind: str) -> int:
    """The fewest bars a stored model of ``kind`` may have been fitted on (what training requires)."""
    from fks.ml.forecast import min_forecast_bars  # the model strategies' own modules: NumPy only
    from fks.ml.regimes import min_regime_bars

    return min_regime_bars() if kind == "regime" else min_forecast_bars()


def served_models(
    needs: tuple[ModelNeed, ...], key: SeriesKey, newest_bar: int | None, source: ModelSource | None, strategy: str
) -> Mapping[str, ServedModel]:
    """Each needed model, checked for ``key``'s timeframe and its age at ``newest_bar``."""
    if not needs:
        return {}
    if source is None:
        raise BadRequest(f"strategy {strategy} evaluates stored models, and no model store is available here")
    served: dict[str, ServedModel] = {}
    for need in needs:
        model = source.served(key.partition_symbol, need.kind)
        details: dict[str, object] = {"model": need.kind, "asset": model.asset, "version": model.version}
        if model.timeframe != key.timeframe.value:
            raise BadRequest(
                f"{model} was trained on {model.timeframe} bars; strategy {strategy} runs on {key.timeframe.value}: "
                f"train one on {key.timeframe.value} (POST /models/{model.asset}/train)",
                details=details,
            )
        minimum = min_trained_bars(need.kind)
        if model.trained_bars is not None and model.trained_bars < minimum:
            raise BadRequest(
                f"{model} was trained on {model.trained_bars} bars, fewer than the {minimum} a {need.kind} model "
                f"needs; retrain it on more history (POST /models/{model.asset}/train)",
                details={**details, "trained_bars": model.trained_bars, "min_bars": minimum},
            )
        if newest_bar is not None and newest_bar - model.trained_until > need.max_age_days * DAY_MS:
            age_days = (newest_bar - model.trained_until) / DAY_MS
            raise BadRequest(
                f"{model} is too old: trained on bars up to {age_days:.1f} days before the bar evaluated, "
                f"more than max_model_age_days={need.max_age_days}; retrain it (POST /models/{model.asset}/train)",
                details={**details, "age_days": round(age_days, 3)},
            )
        served[need.kind] = model
    return served
