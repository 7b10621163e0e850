"""Grid, random and Bayesian search; walk-forward folds; the two-parameter heat map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fks.backtest import run_backtest, run_grid
from fks.backtest.bayesian import bayesian_search
from fks.backtest.heatmap import heatmap_matrix, plot_heatmap
from fks.backtest.optimize import best_trial, grid_search, random_search, score
from fks.backtest.walk_forward import walk_forward
from fks.errors import BadRequest
from fks.strategies import get_strategy
from tests.unit.backtest.stubs import CandleStubs

SMA = get_strategy("sma_cross")
GRID = {"fast": [3, 5, 8], "slow": [10, 20, 30]}


def test_grid_search_best_is_the_highest_final_equity_of_run_grid() -> None:
    candles = CandleStubs.waves(1_500)

    result = grid_search(candles, SMA, GRID, objective="final_equity")

    expected = max(run_grid(candles, SMA, GRID), key=lambda trial: trial[1].final_equity)
    assert result.best[0] == expected[0]
    assert len(result.trials) == 9


def test_grid_search_skips_combinations_breaking_fast_below_slow() -> None:
    result = grid_search(CandleStubs.waves(800), SMA, {"fast": [5, 20], "slow": [10, 30]})

    assert [params for params, _ in result.trials] == [
        {"fast": 5, "slow": 10},
        {"fast": 5, "slow": 30},
        {"fast": 20, "slow": 30},
    ]


def test_best_trial_of_no_trials_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="no parameter combination"):
        best_trial([], "sharpe")


def test_random_search_is_reproducible_by_seed_and_stays_in_range() -> None:
    candles = CandleStubs.waves(1_000)

    first = random_search(candles, SMA, {"fast": [2, 9], "slow": [10, 40]}, trials=12, seed=5)
    again = random_search(candles, SMA, {"fast": [2, 9], "slow": [10, 40]}, trials=12, seed=5)

    assert [p for p, _ in first.trials] == [p for p, _ in again.trials]
    assert len(first.trials) == 12
    assert all(2 <= int(p["fast"]) <= 9 and 10 <= int(p["slow"]) <= 40 for p, _ in first.trials)
    assert first.best[1] == run_backtest(candles, SMA, first.best[0]).metrics


def test_random_search_with_out_of_range_bound_names_the_parameter() -> None:
    with pytest.raises(BadRequest, match="parameter fast must be >= 2"):
        random_search(CandleStubs.waves(500), SMA, {"fast": [0, 9]}, trials=3)


def test_bayesian_search_finds_a_cell_at_least_as_good_as_its_first_trial() -> None:
    pytest.importorskip("optuna")
    candles = CandleStubs.waves(1_000)

    result = bayesian_search(candles, SMA, {"fast": [2, 9], "slow": [10, 40]}, trials=15, objective="total_return")

    assert 1 <= len(result.trials) <= 15
    assert score(result.best[1], "total_return") >= score(result.trials[0][1], "total_return")


def test_walk_forward_folds_roll_by_the_test_window_and_test_out_of_sample() -> None:
    candles = CandleStubs.waves(2_000)

    result = walk_forward(candles, SMA, GRID, train_bars=800, test_bars=400)

    assert [(f.train, f.test) for f in result.folds] == [
        ((0, 800), (800, 1200)),
        ((400, 1200), (1200, 1600)),
        ((800, 1600), (1600, 2000)),
    ]
    first = result.folds[0]
    assert first.params == grid_search(candles.head(800), SMA, GRID).best[0]
    warm = int(first.params["slow"])
    assert first.out_of_sample.bars == 400 + warm
    growth = np.prod([1 + f.out_of_sample.total_return for f in result.folds])
    assert result.out_of_sample_return == pytest.approx(growth - 1)


def test_walk_forward_with_too_few_bars_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="at least train_bars"):
        walk_forward(CandleStubs.waves(500), SMA, GRID, train_bars=400, test_bars=200)


def test_heatmap_matrix_places_each_score_and_leaves_skipped_cells_empty() -> None:
    trials = grid_search(CandleStubs.waves(800), SMA, {"fast": [5, 20], "slow": [10, 30]}).trials

    x_name, y_name, xs, ys, grid = heatmap_matrix(trials, "final_equity")

    assert (x_name, y_name, xs, ys) == ("fast", "slow", [5, 20], [10, 30])
    assert np.isnan(grid[0, 1])  # fast 20 / slow 10 never ran
    assert grid[1, 1] == score(trials[2][1], "final_equity")


def test_plot_heatmap_writes_a_png(tmp_path: Path) -> None:
    trials = grid_search(CandleStubs.waves(800), SMA, GRID).trials

    path = plot_heatmap(trials, "sharpe", tmp_path / "heat.png")

    assert path.read_bytes().startswith(b"\x89PNG")


def test_heatmap_of_one_varying_parameter_is_bad_request() -> None:
    trials = grid_search(CandleStubs.waves(800), SMA, {"fast": [3, 5], "slow": [20]}).trials

    with pytest.raises(BadRequest, match="exactly two varying parameters"):
        heatmap_matrix(trials, "sharpe")
