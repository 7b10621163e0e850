"""Bayesian parameter search with optuna's TPE sampler (optuna is optional: imported on use)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fks.backtest.config import BacktestConfig
from fks.backtest.engine import backtest_metrics
from fks.backtest.optimize import SearchResult, Trial, score
from fks.backtest.requests import Objective
from fks.errors import BadRequest
from fks.strategies.base import IndicatorCache, Strategy
from fks.strategies.candles import CandlesLike, as_candles
from fks.strategies.parameters import ParamValue

if TYPE_CHECKING:
    import optuna


def bayesian_search(
    candles: CandlesLike,
    strategy: Strategy,
    space: Mapping[str, Sequence[ParamValue]],
    trials: int,
    config: BacktestConfig | None = None,
    objective: Objective = "final_equity",
    seed: int = 0,
) -> SearchResult:
    try:
        import optuna
    except ImportError:  # pragma: no cover - depends on the deployment's layers
        raise BadRequest("bayesian search needs optuna, which this deployment does not include") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    data = as_candles(candles)
    cache = IndicatorCache(data)
    done: list[Trial] = []

    def evaluate(trial: optuna.Trial) -> float:
        proposed: dict[str, object] = {name: _suggest(trial, strategy, name, values) for name, values in space.items()}
        try:
            params = strategy.validate_params(proposed)
        except BadRequest:
            raise optuna.TrialPruned() from None  # a rule between parameters: tell the sampler, go on
        metrics = backtest_metrics(data, strategy, params, config, cache)
        done.append((params, metrics))
        value = score(metrics, objective)
        return value if math.isfinite(value) else -1e300

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(evaluate, n_trials=trials)
    return SearchResult(objective, done)


def _suggest(trial: optuna.Trial, strategy: Strategy, name: str, values: Sequence[ParamValue]) -> ParamValue:
    parameter = strategy.parameter(name)
    if parameter.type == "choice" or len(values) != 2:
        return parameter.coerce(trial.suggest_categorical(name, [parameter.coerce(value) for value in values]))
    low, high = (parameter.coerce(value) for value in values)
    if parameter.type == "int":
        return trial.suggest_int(name, int(low), int(high))
    return trial.suggest_float(name, float(low), float(high))
