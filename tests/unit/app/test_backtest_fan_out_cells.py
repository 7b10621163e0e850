"""The pieces the optimisation state machine runs: one cell, and the choice of the best."""

from __future__ import annotations

from typing import Any

import pytest

from fks.backtest.optimize import grid_search
from fks.backtest.requests import OptimizationRequest
from fks.errors import BadRequest
from fks.strategies import get_strategy
from fks_app.backtests import pick_best, run_cell
from tests.unit.backtest.stubs import CandleStubs

CANDLES = CandleStubs.waves(1_200)


class _Store:
    """Candle store read side holding one frame in memory (the S3 store is covered by integration)."""

    def read(self, key: Any, start_ms: int, end_ms: int) -> Any:
        import pandas as pd

        names = ("open_time", "open", "high", "low", "close", "volume")
        return pd.DataFrame({name: getattr(CANDLES, name) for name in names})


def _request(space: dict[str, list[Any]]) -> OptimizationRequest:
    return OptimizationRequest(
        symbol="BTC/USDT", timeframe="1m", start_ms=0, end_ms=2**41, strategy="sma_cross", space=space
    )


def test_cells_then_pick_best_agree_with_local_grid_search() -> None:
    space = {"fast": [3, 5, 8], "slow": [10, 20, 30]}
    request = _request(space)

    cells = [run_cell(request, {"fast": f, "slow": s}, _Store()) for f in space["fast"] for s in space["slow"]]

    best = pick_best(cells)
    # The request's config: its venue's fees, as the cells pay them.
    expected, metrics = grid_search(CANDLES, get_strategy("sma_cross"), space, request.backtest_config()).best
    assert best["params"] == expected
    assert best["metrics"]["final_equity"] == str(metrics.final_equity)


def test_cell_breaking_fast_below_slow_is_skipped_not_failed() -> None:
    cell = run_cell(_request({"fast": [40], "slow": [20]}), {"fast": 40, "slow": 20}, _Store())

    assert cell["score"] is None
    assert "shorter than slow" in cell["skipped"]


def test_pick_best_breaks_ties_by_the_earliest_cell() -> None:
    cells = [
        {"params": {"n": 1}, "score": 2.0},
        {"params": {"n": 2}, "score": 2.0},
        {"params": {"n": 3}, "score": None},
    ]

    assert pick_best(cells)["params"] == {"n": 1}


def test_pick_best_of_only_skipped_cells_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="no cell"):
        pick_best([{"params": {}, "score": None}])


class _Results:
    """Result store that keeps documents in memory (the S3 one is covered by integration)."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.index: dict[str, dict[str, Any]] = {}

    def put(
        self,
        result_id: str,
        document: dict[str, Any],
        plots: dict[str, Any] | None = None,
        summary: dict[str, Any] | None = None,
    ) -> dict[str, str]:
        self.documents[result_id] = document
        if summary is not None:
            self.index[result_id] = summary
        return {name: f"optimizations/{result_id}/{name}.png" for name in plots or {}}


def test_optimization_with_walk_forward_reports_out_of_sample_folds_and_a_heatmap() -> None:
    from fks_app.backtests import run_optimization_request

    request = OptimizationRequest.model_validate(
        {
            **_request({"fast": [3, 5], "slow": [10, 20]}).model_dump(),
            "walk_forward": {"train_bars": 600, "test_bars": 300},
        }
    )
    results = _Results()

    summary = run_optimization_request(request, _Store(), results, "opt-1")  # type: ignore[arg-type]

    folds = summary["walk_forward"]["folds"]
    assert [fold["test_bars"] for fold in folds] == [[600, 900], [900, 1200]]
    assert summary["plots"] == {"heatmap": "optimizations/opt-1/heatmap.png"}
    assert results.documents["opt-1"]["best"] == summary["best"]
    listed = results.index["opt-1"]  # what GET /optimizations lists of it
    assert (listed["status"], listed["trials"]) == ("done", summary["trials"])
    assert listed["best"] == {"params": summary["best"]["params"], "score": summary["best"]["score"]}


def test_walk_forward_with_random_search_is_rejected() -> None:
    with pytest.raises(ValueError, match="walk_forward runs a grid search"):
        OptimizationRequest.model_validate(
            {
                **_request({"fast": [3, 5]}).model_dump(),
                "method": "random",
                "walk_forward": {"train_bars": 600, "test_bars": 300},
            }
        )
