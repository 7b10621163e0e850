"""Parameter search: grid, random and Bayesian (optuna), all scored by one objective.

Every search backtests on one candle set with one shared indicator cache, so a window used by
many trials is computed once. A trial that breaks a rule between parameters (fast >= slow) is
skipped, not fatal: random and Bayesian sampling cannot avoid proposing such pairs.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fks.backtest import objectives
from fks.backtest.config import BacktestConfig
from fks.backtest.engine import backtest_metrics
from fks.backtest.grid import run_grid
from fks.backtest.metrics import Metrics
from fks.backtest.requests import Objective
from fks.errors import BadRequest
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import CandlesLike, as_candles
from fks.strategies.parameters import Parameter, ParamValue

Trial = tuple[Params, Metrics]


@dataclass(frozen=True)
class SearchResult:
    objective: Objective
    trials: list[Trial]

    @property
    def best(self) -> Trial:
        return best_trial(self.trials, self.objective)


def score(metrics: Metrics, objective: Objective) -> float:
    """The objective as a float to maximise; an undefined ratio (None) ranks last."""
    return objectives.score(metrics, objective)


def best_trial(trials: Sequence[Trial], objective: Objective) -> Trial:
    """The highest-scoring trial; ties go to the earliest, so every search and the Map state agree."""
    if not trials:
        raise BadRequest("no parameter combination could run (all broke a rule between parameters)")
    return max(trials, key=lambda trial: score(trial[1], objective))


def grid_search(
    candles: CandlesLike,
    strategy: Strategy,
    grid: Mapping[str, Iterable[object]],
    config: BacktestConfig | None = None,
    objective: Objective = "final_equity",
) -> SearchResult:
    return SearchResult(objective, run_grid(candles, strategy, grid, config, skip_invalid=True))


def random_search(
    candles: CandlesLike,
    strategy: Strategy,
    space: Mapping[str, Sequence[ParamValue]],
    trials: int,
    config: BacktestConfig | None = None,
    objective: Objective = "final_equity",
    seed: int = 0,
) -> SearchResult:
    rng = random.Random(seed)  # noqa: S311 - sampling parameters, not secrets
    samplers = {name: _sampler(strategy.parameter(name), values) for name, values in space.items()}
    data = as_candles(candles)
    cache = IndicatorCache(data)
    done: list[Trial] = []
    for _ in range(trials):
        params = _valid_or_none(strategy, {name: draw(rng) for name, draw in samplers.items()})
        if params is not None:
            done.append((params, backtest_metrics(data, strategy, params, config, cache)))
    return SearchResult(objective, done)


def _sampler(parameter: Parameter, values: Sequence[ParamValue]) -> _Draw:
    if parameter.type == "choice" or len(values) != 2:
        choices = [parameter.coerce(value) for value in values]
        if not choices:
            raise BadRequest(f"search space of {parameter.name} is empty", details={"parameter": parameter.name})
        return _Draw(parameter, choices=choices)
    low, high = (parameter.coerce(value) for value in values)
    if float(low) > float(high):
        raise BadRequest(f"search range of {parameter.name} has low > high", details={"parameter": parameter.name})
    return _Draw(parameter, low=float(low), high=float(high))


@dataclass(frozen=True)
class _Draw:
    parameter: Parameter
    choices: list[ParamValue] | None = None
    low: float = 0.0
    high: float = 0.0

    def __call__(self, rng: random.Random) -> ParamValue:
        if self.choices is not None:
            return rng.choice(self.choices)
        if self.parameter.type == "int":
            return rng.randint(int(self.low), int(self.high))
        return rng.uniform(self.low, self.high)


def _valid_or_none(strategy: Strategy, params: Mapping[str, object]) -> Params | None:
    try:
        return strategy.validate_params(params)
    except BadRequest:
        return None
