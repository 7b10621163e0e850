"""Walk-forward analysis: optimise on a rolling in-sample window, test on the window after it.

Only the out-of-sample results say how the optimisation would have done live; the in-sample
scores are reported beside them so the gap (overfitting) is visible.

Each out-of-sample backtest starts ``warmup_bars`` before its window, so the chosen parameters'
indicators exist at the window's first bar; no position can be taken in that prefix (a strategy's
targets are zero before its warm-up), so no trade uses in-sample bars.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fks.backtest.config import BacktestConfig
from fks.backtest.engine import run_backtest
from fks.backtest.metrics import Metrics
from fks.backtest.optimize import grid_search, score
from fks.backtest.requests import Objective
from fks.errors import BadRequest
from fks.strategies.base import Params, Strategy
from fks.strategies.candles import Candles, CandlesLike, as_candles


@dataclass(frozen=True)
class Fold:
    train: tuple[int, int]  # bar range [start, end)
    test: tuple[int, int]
    params: Params  # best in-sample
    in_sample_score: float
    out_of_sample: Metrics


@dataclass(frozen=True)
class WalkForwardResult:
    objective: Objective
    folds: list[Fold]

    @property
    def out_of_sample_return(self) -> float:
        """The test windows' returns compounded, as if the chosen parameters had been traded in turn."""
        growth = 1.0
        for fold in self.folds:
            growth *= 1.0 + fold.out_of_sample.total_return
        return growth - 1.0

    @property
    def out_of_sample_trades(self) -> int:
        return sum(fold.out_of_sample.trade_count for fold in self.folds)


def walk_forward(
    candles: CandlesLike,
    strategy: Strategy,
    grid: Mapping[str, Iterable[object]],
    *,
    train_bars: int,
    test_bars: int,
    config: BacktestConfig | None = None,
    objective: Objective = "final_equity",
) -> WalkForwardResult:
    """Rolling folds: train on ``train_bars``, test on the next ``test_bars``, step by ``test_bars``."""
    data = as_candles(candles)
    if train_bars < 1 or test_bars < 1:
        raise BadRequest("train_bars and test_bars must be positive")
    if train_bars + test_bars > len(data):
        raise BadRequest(
            f"walk-forward needs at least train_bars + test_bars = {train_bars + test_bars} bars, got {len(data)}"
        )
    folds = []
    for start in range(0, len(data) - train_bars - test_bars + 1, test_bars):
        split, end = start + train_bars, start + train_bars + test_bars
        best_params, best_metrics = grid_search(_slice(data, start, split), strategy, grid, config, objective).best
        warm_start = max(split - strategy.warmup_bars(best_params), 0)
        tested = run_backtest(_slice(data, warm_start, end), strategy, best_params, config)
        folds.append(Fold((start, split), (split, end), best_params, score(best_metrics, objective), tested.metrics))
    return WalkForwardResult(objective, folds)


def _slice(candles: Candles, start: int, end: int) -> Candles:
    return candles.window(start, end)
