"""Backtests and optimisations on stored candles, with their results kept in S3.

The ``backtests`` function calls these; they join the candle reader, the domain's backtester and
the result store, so the handler stays a parser and a serialiser. Candles of the asked timeframe
are resampled on read from the collected base (``fks.market_data.series``): whole bars only.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fks.backtest import run_backtest
from fks.backtest.metrics import Metrics
from fks.backtest.optimize import SearchResult, grid_search, random_search, score
from fks.backtest.requests import BacktestRequest, CandleRange, Objective, OptimizationRequest, WalkForwardSpec
from fks.errors import BadRequest
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.strategies.base import Params
from fks.strategies.candles import Candles, as_candles
from fks_adapters.strategies.results import ResultStore

# A result document stays a few hundred KB: a million-bar run can hold tens of thousands of trades.
MAX_ROWS_IN_DOCUMENT = 1_000


def load_candles(candles: CandleSeriesReader, request: CandleRange) -> Candles:
    key = SeriesKey.of(request.exchange, request.symbol, request.timeframe)
    return load_candles_frame(candles.read(key, request.start_ms, request.end_ms))


def load_candles_frame(frame: pd.DataFrame) -> Candles:
    """A stored candle frame as the backtester's arrays."""
    # Stored prices are exact decimals; the simulation is float64 by design (fks.backtest.money).
    columns: dict[str, Any] = {"open_time": frame["open_time"].to_numpy(dtype=np.int64)}
    for name in ("open", "high", "low", "close", "volume"):
        columns[name] = frame[name].astype("float64").to_numpy()
    return as_candles(columns)


def run_backtest_request(request: BacktestRequest, candles: CandleSeriesReader, results: ResultStore) -> dict[str, Any]:
    strategy, params, config = request.resolved()
    data = load_candles(candles, request)
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
    request: OptimizationRequest, candles: CandleSeriesReader, results: ResultStore, optimization_id: str | None = None
) -> dict[str, Any]:
    data = load_candles(candles, request)
    search = run_search(request, data)
    best_params, best_metrics = search.best
    optimization_id = optimization_id or uuid.uuid4().hex
    summary = {
        "id": optimization_id,
        "method": request.method,
        "objective": request.objective,
        "best": _cell(best_params, best_metrics, request.goal),
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
        summary["plots"] = results.put(optimization_id, document, plots)
    return summary


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


def run_cell(request: OptimizationRequest, params: dict[str, Any], candles: CandleSeriesReader) -> dict[str, Any]:
    """One cell of a fanned-out grid (a Map state iteration); a cell breaking a rule is skipped."""
    strategy, config = request.resolved()
    try:
        validated = strategy.validate_params(params)
    except BadRequest as error:
        return {"params": params, "score": None, "skipped": error.message}
    metrics = run_backtest(load_candles(candles, request), strategy, validated, config).metrics
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
