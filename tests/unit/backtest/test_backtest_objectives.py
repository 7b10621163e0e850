"""Optimisation objectives: Calmar, constraints on drawdown and trade count, a plugin's loss."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from fks.backtest import run_grid
from fks.backtest.objectives import Goal, objective_names, score
from fks.backtest.optimize import grid_search
from fks.backtest.requests import OptimizationRequest
from fks.errors import BadRequest
from fks.strategies import get_strategy
from fks.strategies.plugins import PLUGINS_PATH_ENV
from fks.strategies.registry import reload_plugins
from tests.unit.backtest.stubs import CandleStubs

SMA = get_strategy("sma_cross")
GRID = {"fast": [3, 5, 8, 13], "slow": [10, 20, 30, 50]}
RANGE = {"symbol": "BTC/USDT", "start_ms": 0, "end_ms": 86_400_000, "strategy": "sma_cross", "space": {"fast": [5]}}
FEWEST_TRADES = """
from fks.backtest.objectives import loss


@loss("fewest_trades")
def fewest_trades(metrics):
    return metrics.trade_count
"""


@pytest.fixture(scope="module")
def trials():
    return run_grid(CandleStubs.random_walk(2_000, seed=5), SMA, GRID, skip_invalid=True)


def test_calmar_is_cagr_over_max_drawdown(trials) -> None:
    metrics = next(m for _, m in trials if m.cagr is not None and m.max_drawdown > 0)

    assert score(metrics, "calmar") == pytest.approx(metrics.cagr / metrics.max_drawdown)


def test_sortino_and_sharpe_score_their_metric(trials) -> None:
    _, metrics = trials[0]

    assert score(metrics, "sortino") == (metrics.sortino if metrics.sortino is not None else -math.inf)
    assert score(metrics, "sharpe") == (metrics.sharpe if metrics.sharpe is not None else -math.inf)


def test_profit_under_a_drawdown_limit_picks_the_best_trial_within_it(trials) -> None:
    unconstrained = max(trials, key=lambda trial: trial[1].total_return)
    limit = unconstrained[1].max_drawdown * 0.99  # the most profitable trial breaks it
    within = [trial for trial in trials if trial[1].max_drawdown <= limit]

    best = grid_search(CandleStubs.random_walk(2_000, seed=5), SMA, GRID, objective=Goal("total_return", limit)).best

    assert within
    assert best[0] == max(within, key=lambda trial: trial[1].total_return)[0]
    assert best[1].max_drawdown <= limit
    assert score(unconstrained[1], Goal("total_return", max_drawdown=limit)) == -math.inf


def test_a_trial_with_fewer_trades_than_the_minimum_ranks_last(trials) -> None:
    _, metrics = min(trials, key=lambda trial: trial[1].trade_count)

    assert score(metrics, Goal("final_equity", min_trades=metrics.trade_count + 1)) == -math.inf
    assert score(metrics, Goal("final_equity", min_trades=metrics.trade_count)) == float(metrics.final_equity)


@pytest.fixture
def loss_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "my_losses.py").write_text(textwrap.dedent(FEWEST_TRADES))
    monkeypatch.setenv(PLUGINS_PATH_ENV, str(tmp_path))
    reload_plugins()
    yield tmp_path
    monkeypatch.delenv(PLUGINS_PATH_ENV)
    reload_plugins()


def test_a_plugins_loss_is_an_objective_minimised_by_the_search(loss_folder: Path, trials) -> None:
    request = OptimizationRequest(**RANGE, objective="fewest_trades", min_trades=1)

    best = grid_search(CandleStubs.random_walk(2_000, seed=5), SMA, GRID, objective=request.goal).best

    assert "fewest_trades" in objective_names()
    assert best[1].trade_count == min(m.trade_count for _, m in trials if m.trade_count >= 1)


def test_the_example_plugins_loss_is_listed() -> None:
    assert "drawdown_adjusted_return" in objective_names()


def test_an_unknown_objective_is_a_bad_request_listing_the_known_ones() -> None:
    with pytest.raises(BadRequest, match="unknown objective 'profit'; known objectives: final_equity"):
        OptimizationRequest(**RANGE, objective="profit")
