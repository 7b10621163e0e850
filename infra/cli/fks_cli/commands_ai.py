"""``fks ai evaluate``: does market-state retrieval beat the unconditional forward return out of
sample? The walk-forward test of ``fks.ai.evaluation`` on stored history (``--data``) or the
bundled sample candles (``--sample``), printed with the baseline beside it, whatever it shows.
Bad input exits with 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from fks.ai.briefing import HORIZON_BARS, NEIGHBOURS
from fks.ai.evaluation import walk_forward
from fks.errors import BadRequest
from fks.market_data.series import CandleHistory
from fks_cli.commands_backtest import USAGE_ERROR
from fks_cli.commands_ml import load


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from fks_cli import history

    ai = commands.add_parser("ai", help="fks_ai: evaluate market-state retrieval on stored candles")
    actions = ai.add_subparsers(dest="ai_command", required=True)
    sub = actions.add_parser("evaluate", help="walk-forward: neighbours' forward return against the unconditional one")
    sub.add_argument("--symbol", required=True, help="unified symbol, e.g. BTC/USDT")
    sub.add_argument("--timeframe", default="1h", help="candle timeframe (default 1h)")
    sub.add_argument("--start", default="2024-01-01", help="UTC date or ISO time, inclusive (default 2024-01-01)")
    sub.add_argument("--end", default="2025-01-01", help="UTC date or ISO time, exclusive (default 2025-01-01)")
    sub.add_argument("--exchange", default="binance", help="exchange id of the candle series")
    sub.add_argument("--k", type=int, default=NEIGHBOURS, help=f"neighbours per bar (default {NEIGHBOURS})")
    sub.add_argument("--horizon", type=int, default=HORIZON_BARS, help=f"forward bars (default {HORIZON_BARS})")
    sub.add_argument("--step", type=int, default=1, help="evaluate every STEP bars (default 1)")
    sub.add_argument("--min-history", type=int, default=500, help="bars before the first evaluated one (default 500)")
    history.add_arguments(sub)


def format_report(report: dict[str, Any]) -> str:
    if not report["evaluated"]:
        return f"nothing evaluated: {report['reason']}"
    lines = [
        f"{report['evaluated']} bars evaluated out of sample ({report['independent_windows']} non-overlapping "
        f"{report['horizon_bars']}-bar windows), k={report['k']}",
        f"{'predictor':<32}{'MSE':>12}{'hit rate':>10}{'corr':>8}",
    ]
    for name, label in (("neighbours", "mean of the k nearest states"), ("baseline", "unconditional past mean")):
        scores = report[name]
        lines.append(f"{label:<32}{scores['mse']:>12.3e}{scores['hit_rate']:>10.3f}{scores['correlation']:>8.3f}")
    skill = report["skill"]
    verdict = "retrieval beats the baseline" if skill > 0 else "retrieval does not beat the baseline"
    lines.append(f"skill 1 - MSE/MSE(baseline): {skill:+.3f} ({verdict})")
    return "\n".join(lines)


def run(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None, store: CandleHistory | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        for name in ("k", "horizon", "step", "min_history"):
            if getattr(args, name) < 1:
                raise BadRequest(f"--{name.replace('_', '-')} must be at least 1")
        candles = load(args, out, store)
    except BadRequest as error:
        print(f"fks ai {args.ai_command}: error: {error.message}", file=err)
        return USAGE_ERROR
    report = walk_forward(candles, k=args.k, horizon=args.horizon, step=args.step, min_history=args.min_history)
    print(format_report(report), file=out)
    return 0
