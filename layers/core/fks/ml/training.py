"""One training run end to end: regimes, walk-forward forecasts, scores, and the backtests.

Used by the ``fks ml`` command and the ``models`` function alike, so both report the same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from fks.backtest import run_backtest
from fks.errors import BadRequest
from fks.ml.evaluation import Evaluation, evaluate
from fks.ml.features import FEATURE_WARMUP, build_features, next_direction
from fks.ml.forecast import MIN_TRAIN_ROWS, REFIT_EVERY, fit_direction, min_forecast_bars, walk_forward
from fks.ml.regimes import RegimeModel, fit_regimes, min_regime_bars
from fks.ml.strategies import MlForecast, RegimeGate
from fks.ml.transitions import RegimeStats, regime_stats
from fks.ml.trees import TreeEnsemble
from fks.strategies import IndicatorCache, Strategy, get_strategy
from fks.strategies.candles import Candles

Progress = Callable[[str], None]
# Serving needs one bar past the features' warm-up; anything shorter has no defined features.
MIN_SERVE_BARS = FEATURE_WARMUP + 1


class BacktestSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: str
    total_return: float
    sharpe: float | None
    max_drawdown: float
    trade_count: int


class TrainingReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    bars: int
    start_ms: int
    end_ms: int
    regime_stats: RegimeStats
    evaluation: Evaluation
    forecast_backtest: BacktestSummary
    buy_and_hold_return: float
    gate_strategy: str
    ungated_backtest: BacktestSummary
    gated_backtest: BacktestSummary


@dataclass(frozen=True, slots=True)
class TrainedModels:
    regime: RegimeModel
    forecaster: TreeEnsemble  # the fitted classifier's trees: stored as JSON, served without scikit-learn
    report: TrainingReport
    regimes: list[str]  # causal label per training bar, for plots


def min_training_bars() -> int:
    # The gate comparison fits regimes on the first half and trades the second.
    return max(2 * min_regime_bars(), min_forecast_bars())


def _summary(candles: Candles, strategy: Strategy, cache: IndicatorCache | None = None) -> BacktestSummary:
    metrics = run_backtest(candles, strategy, cache=cache).metrics
    return BacktestSummary(
        strategy=strategy.name,
        total_return=float(metrics.total_return),
        sharpe=None if metrics.sharpe is None else float(metrics.sharpe),
        max_drawdown=float(metrics.max_drawdown),
        trade_count=int(metrics.trade_count),
    )


def train_models(
    candles: Candles, *, gate_strategy: str = "sma_cross", seed: int = 0, progress: Progress | None = None
) -> TrainedModels:
    say = progress or (lambda _: None)
    needed = min_training_bars()
    if len(candles) < needed:
        raise BadRequest(
            f"training needs at least {needed} bars, got {len(candles)}",
            details={"min_bars": needed, "bars": len(candles)},
        )
    inner = get_strategy(gate_strategy)
    half = len(candles) // 2
    say(f"fitting regimes (Gaussian HMM, 4 states) on the first {half} bars")
    gate_model = fit_regimes(candles.head(half), seed=seed)
    later = Candles(
        *(getattr(candles, name)[half:] for name in ("open_time", "open", "high", "low", "close", "volume"))
    )
    say(f"backtesting {inner.name} with and without the regime gate on the last {len(later)} bars")
    ungated, gated = _summary(later, inner), _summary(later, RegimeGate(inner, gate_model))
    say("walk-forward forecasts (expanding window, gradient boosting)")
    forecast = walk_forward(candles)
    evaluation = evaluate(forecast.prob_up, forecast.target)
    say("backtesting ml_forecast against buy-and-hold")
    cache = IndicatorCache(candles)
    cache.get(MlForecast.cache_key(MIN_TRAIN_ROWS, REFIT_EVERY), lambda: forecast)  # reuse, do not refit
    forecast_bt = _summary(candles, MlForecast(), cache)
    close = np.asarray(candles.close)
    # Buy-and-hold over the bars the forecast strategy could trade: entry at the first test bar's open.
    hold = float(close[-1] / candles.open[forecast.first_test_row] - 1.0)
    say("fitting the serving models on all bars")
    regime = fit_regimes(candles, seed=seed)
    features, target = build_features(candles).values, next_direction(close)
    rows = np.all(np.isfinite(features), axis=1) & np.isfinite(target)
    forecaster = fit_direction(features[rows], target[rows])
    labels = regime.regimes(candles)
    report = TrainingReport(
        bars=len(candles),
        start_ms=int(candles.open_time[0]),
        end_ms=int(candles.open_time[-1]),
        regime_stats=regime_stats(labels),
        evaluation=evaluation,
        forecast_backtest=forecast_bt,
        buy_and_hold_return=hold,
        gate_strategy=inner.name,
        ungated_backtest=ungated,
        gated_backtest=gated,
    )
    return TrainedModels(regime=regime, forecaster=forecaster, report=report, regimes=labels)


def _check_serving(candles: Candles) -> None:
    if len(candles) < MIN_SERVE_BARS:
        raise BadRequest(
            f"need at least {MIN_SERVE_BARS} bars of history, got {len(candles)}",
            details={"min_bars": MIN_SERVE_BARS, "bars": len(candles)},
        )


def latest_regime(model: RegimeModel, candles: Candles) -> str:
    _check_serving(candles)
    return model.regimes(candles)[-1]


def latest_forecast(forecaster: TreeEnsemble, candles: Candles) -> float:
    """P(the bar after the latest one closes up)."""
    _check_serving(candles)
    features = build_features(candles).values[-1:]
    return float(forecaster.predict_up(features)[0])
