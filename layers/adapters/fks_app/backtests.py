"""Use cases of backtests and optimisations on stored candles, with their results kept in S3.

The ``backtests`` function calls these; they join the candle reader, the domain's backtester and
the result store, so the handler stays a parser and a serialiser. Candles of the asked timeframe
are resampled on read from the collected base (``fks.market_data.series``): whole bars only.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from fks.backtest import run_backtest
from fks.backtest.metrics import Metrics
from fks.backtest.optimize import SearchResult, grid_search, random_search, score
from fks.backtest.requests import BacktestRequest, CandleRange, Objective, OptimizationRequest, WalkForwardSpec
from fks.errors import BadRequest
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.strategies.base import Params, Strategy
from fks.strategies.candles import Candles
from fks.strategies.inputs import read_strategy_candles
from fks.strategies.models import ModelSource
from fks_adapters.strategies.results import ResultStore

# A result document stays a few hundred KB: a million-bar run can hold tens of thousands of trades.
MAX_ROWS_IN_DOCUMENT = 1_000


def load_candles(
    candles: CandleSeriesReader,
    request: CandleRange,
    strategy: Strategy,
    params: Mapping[str, object] | None = None,
    models: ModelSource | None = None,
) -> Candles:
    """The request's bars with the strategy's informative series and stored models (declared with
    ``params``, the defaults when none: an optimisation reads its data once for every trial)."""
    key = SeriesKey.of(request.exchange, request.symbol, request.timeframe)
    return read_strategy_candles(candles, strategy, params or {}, key, request.start_ms, request.end_ms, models)


def run_backtest_request(
    request: BacktestRequest, candles: CandleSeriesReader, results: ResultStore, models: ModelSource | None = None
) -> dict[str, Any]:
    strategy, params, config = request.resolved()
    data = load_candles(candles, request, strategy, params, models)
    result = run_backtest(data, strategy, params, config)
    backtest_id = uuid.uuid4().hex
    document = {
        "id": backtest_id,
        "request": request.model_dump(mode="json"),
        "params": result.params,
        "metrics": result.metrics.model_dump(mode="json"),
        "trades": [trade.model_dump(mode="json") for trade in result.trades[:MAX_ROWS_IN_DOCUMENT]],
    }
    from fks.backtest.plots import plot_equity_drawdown, plot_trades  # matplotlib: only this path pays for it

    with tempfile.TemporaryDirectory() as folder:
        plots = {
            "equity": plot_equity_drawdown(result, Path(folder) / "equity.png"),
            "trades": plot_trades(data, result, Path(folder) / "trades.png"),
        }
        keys = results.put(backtest_id, document, plots, summary=backtest_summary(request, result.params, document))
    return {"id": backtest_id, "params": result.params, "metrics": document["metrics"], "plots": keys}


def backtest_summary(request: BacktestRequest, params: Params, document: dict[str, Any]) -> dict[str, Any]:
    """What ``GET /backtests`` lists of one run: its market, strategy and headline figures."""
    metrics = document["metrics"]
    headline = ("total_return", "net_profit", "max_drawdown", "sharpe", "trade_count", "win_rate")
    return {
        "strategy": request.strategy,
        "exchange": request.exchange,
        "symbol": request.symbol,
        "timeframe": request.timeframe.value,
        "start_ms": request.start_ms,
        "end_ms": request.end_ms,
        "params": params,
        "metrics": {name: metrics[name] for name in headline},
    }


def run_search(request: OptimizationRequest, data: Candles) -> SearchResult:
    strategy, config = request.resolved()
    if request.method == "grid":
        return grid_search(data, strategy, request.space, config, request.goal)
    if request.method == "random":
        return random_search(data, strategy, request.space, request.trials, config, request.goal, request.seed)
    from fks.backtest.bayesian import bayesian_search

    return bayesian_search(data, strategy, request.space, request.trials, config, request.goal, request.seed)


def run_optimization_request(
    request: OptimizationRequest,
    candles: CandleSeriesReader,
    results: ResultStore,
    optimization_id: str | None = None,
    models: ModelSource | None = None,
) -> dict[str, Any]:
    data = load_candles(candles, request, request.resolved()[0], models=models)
    search = run_search(request, data)
    best_params, best_metrics = search.best
    best = _cell(best_params, best_metrics, request.goal)
    optimization_id = optimization_id or uuid.uuid4().hex
    summary: dict[str, Any] = {
        "id": optimization_id,
        "method": request.method,
        "objective": request.objective,
        "best": best,
        "trials": len(search.trials),
    }
    if request.walk_forward is not None:
        summary["walk_forward"] = _walk_forward(request, request.walk_forward, data)
    document = {
        **summary,
        "request": request.model_dump(mode="json"),
        "all": [_cell(p, m, request.goal) for p, m in search.trials[:MAX_ROWS_IN_DOCUMENT]],
    }
    with tempfile.TemporaryDirectory() as folder:
        plots = _heatmap(search, Path(folder))
        listed = optimization_summary(request, "done", best, len(search.trials))
        summary["plots"] = results.put(optimization_id, document, plots, summary=listed)
    return summary


def optimization_input(request: OptimizationRequest, optimization_id: str) -> dict[str, Any]:
    """The state machine's input: the request and every grid cell, in ``run_grid``'s order."""
    from fks.backtest import grid_combinations

    strategy, _ = request.resolved()
    cells = grid_combinations(strategy, request.space)
    return {"optimization_id": optimization_id, "request": request.model_dump(mode="json"), "cells": cells}


def optimization_summary(
    request: OptimizationRequest, status: str, best: dict[str, Any] | None = None, trials: int | None = None
) -> dict[str, Any]:
    """What ``GET /optimizations`` lists of one run: its market, strategy, search and best cell
    (a grid fanned out to the state machine is listed as ``running`` when it starts, without one)."""
    return {
        "status": status,
        "strategy": request.strategy,
        "exchange": request.exchange,
        "symbol": request.symbol,
        "timeframe": request.timeframe.value,
        "start_ms": request.start_ms,
        "end_ms": request.end_ms,
        "method": request.method,
        "objective": request.objective,
        "trials": trials,
        "best": None if best is None else {"params": best["params"], "score": best["score"]},
    }


def _walk_forward(request: OptimizationRequest, spec: WalkForwardSpec, data: Candles) -> dict[str, Any]:
    from fks.backtest.walk_forward import walk_forward

    strategy, config = request.resolved()
    result = walk_forward(
        data,
        strategy,
        request.space,
        train_bars=spec.train_bars,
        test_bars=spec.test_bars,
        config=config,
        objective=request.goal,
    )
    folds = [
        {
            "train_bars": list(fold.train),
            "test_bars": list(fold.test),
            "params": fold.params,
            "in_sample_score": fold.in_sample_score if np.isfinite(fold.in_sample_score) else None,
            "out_of_sample": fold.out_of_sample.model_dump(mode="json"),
        }
        for fold in result.folds
    ]
    return {
        "out_of_sample_return": result.out_of_sample_return,
        "out_of_sample_trades": result.out_of_sample_trades,
        "folds": folds,
    }


def _heatmap(search: SearchResult, folder: Path) -> dict[str, Path]:
    from fks.backtest.heatmap import plot_heatmap

    try:
        return {"heatmap": plot_heatmap(search.trials, search.objective, folder / "heatmap.png")}
    except BadRequest:
        return {}  # not a two-parameter search: no heat map to draw


def _cell(params: Params, metrics: Metrics, objective: Objective) -> dict[str, Any]:
    value = score(metrics, objective)
    return {
        "params": params,
        "score": value if np.isfinite(value) else None,
        "metrics": metrics.model_dump(mode="json"),
    }


def run_cell(
    request: OptimizationRequest,
    params: dict[str, Any],
    candles: CandleSeriesReader,
    models: ModelSource | None = None,
) -> dict[str, Any]:
    """One cell of a fanned-out grid (a Map state iteration); a cell breaking a rule is skipped."""
    strategy, config = request.resolved()
    try:
        validated = strategy.validate_params(params)
    except BadRequest as error:
        return {"params": params, "score": None, "skipped": error.message}
    metrics = run_backtest(load_candles(candles, request, strategy, models=models), strategy, validated, config).metrics
    return _cell(validated, metrics, request.goal)


def pick_best(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """The best scored cell; ties go to the earliest, as ``fks.backtest.optimize.best_trial``."""
    scored = [cell for cell in cells if cell.get("score") is not None]
    if not scored:
        raise BadRequest("no cell of the grid produced a score")
    best = scored[0]
    for cell in scored[1:]:
        if float(cell["score"]) > float(best["score"]):
            best = cell
    return best
