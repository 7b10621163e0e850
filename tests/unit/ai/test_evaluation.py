"""The walk-forward evaluation of market-state retrieval, and ``fks ai evaluate``'s bad input."""

from __future__ import annotations

import io

from fks.ai.evaluation import walk_forward
from fks_cli.cli import build_parser
from fks_cli.commands_ai import format_report, run
from tests.unit.ml.synthetic import regime_candles


def test_retrieval_beats_the_baseline_where_states_predict_what_follows() -> None:
    plan = [("trending_up", 150), ("trending_down", 150)] * 6
    candles, _ = regime_candles(plan, seed=11)

    report = walk_forward(candles, k=10, horizon=6, step=3, min_history=300)

    assert report["evaluated"] > 400
    assert report["skill"] > 0
    assert report["neighbours"]["hit_rate"] > report["baseline"]["hit_rate"]
    assert "retrieval beats the baseline" in format_report(report)


def test_retrieval_without_structure_gets_no_credit() -> None:
    candles, _ = regime_candles([("ranging", 1500)], seed=5)
    report = walk_forward(candles, k=10, horizon=6, step=3, min_history=300)
    assert report["skill"] < 0.05


def test_too_short_a_history_evaluates_nothing_and_says_why() -> None:
    candles, _ = regime_candles([("ranging", 200)])
    report = walk_forward(candles, min_history=500)
    assert report["evaluated"] == 0
    assert "nothing evaluated" in format_report(report)


def test_a_bad_option_exits_2_naming_it() -> None:
    args = build_parser().parse_args(["ai", "evaluate", "--symbol", "BTC/USDT", "--sample", "--horizon", "0"])
    err = io.StringIO()
    assert run(args, out=io.StringIO(), err=err) == 2
    assert "--horizon must be at least 1" in err.getvalue()
