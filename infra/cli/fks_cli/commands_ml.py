"""``fks ml train|evaluate``: regimes and forecasts on stored history (``--data``, as ``fks backtest``;
the bundled sample candles with ``--sample``).

Both run the same training (``fks.ml.training.train_models``) and print the out-of-sample scores
next to the naive baselines, the forecast strategy against buy-and-hold, and a strategy with and
without the regime gate; both write a PNG of regimes over price. ``train`` also writes the models
(regime HMM and forecaster trees, both JSON) and the report to ``--out``. Bad input exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from fks.errors import BadRequest
from fks.market_data.series import CandleHistory
from fks.market_data.storage import SeriesKey
from fks.ml.training import TrainedModels, TrainingReport, train_models
from fks.strategies import get_strategy, strategy_names
from fks.strategies.candles import Candles
from fks.strategies.inputs import candles_from_frame
from fks_cli import history
from fks_cli.commands_backtest import USAGE_ERROR, parse_time


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ml = commands.add_parser("ml", help="market regimes and forecasts: train and evaluate on stored candles")
    actions = ml.add_subparsers(dest="ml_command", required=True)
    for name, text in (("train", "train, evaluate and save the models"), ("evaluate", "evaluate without saving")):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("--symbol", required=True, help="unified symbol, e.g. BTC/USDT")
        sub.add_argument("--timeframe", default="1h", help="candle timeframe (default 1h)")
        sub.add_argument("--start", default="2024-01-01", help="UTC date or ISO time, inclusive (default 2024-01-01)")
        sub.add_argument("--end", default="2025-01-01", help="UTC date or ISO time, exclusive (default 2025-01-01)")
        sub.add_argument("--exchange", default="binance", help="exchange id of the candle series")
        sub.add_argument("--gate-strategy", default="sma_cross", help=f"one of: {', '.join(strategy_names())}")
        sub.add_argument("--out", default="ml-output", help="directory for the PNG (and the models, for train)")
        history.add_arguments(sub)


def run(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None, store: CandleHistory | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        get_strategy(args.gate_strategy)  # name a bad strategy before spending time on data
        history.model_source(args)  # and a bad --models
        candles = load(args, out, store)
        trained = train_models(
            candles, gate_strategy=args.gate_strategy, progress=lambda step: print(f"... {step}", file=out, flush=True)
        )
    except BadRequest as error:
        print(f"fks ml {args.ml_command}: error: {error.message}", file=err)
        return USAGE_ERROR
    print(format_report(trained.report), file=out)
    from fks.ml.plots import plot_regimes  # matplotlib only once there is something to draw

    folder, stem = Path(args.out), f"{args.symbol.replace('/', '-')}_{args.timeframe}"
    png = plot_regimes(
        candles, trained.regimes, folder / f"{stem}_regimes.png", title=f"{args.symbol} {args.timeframe}"
    )
    print(f"wrote {png}", file=out)
    if args.ml_command == "train":
        for path in save_models(trained, folder, stem):
            print(f"wrote {path}", file=out)
        if args.models:
            for kind, version in store_models(args, trained).items():
                print(f"stored the {kind} model as version {version} in {args.models}", file=out)
    return 0


def store_models(args: argparse.Namespace, trained: TrainedModels) -> dict[str, str]:
    """The models into the stack's model store (``--models s3://BUCKET``), as ``POST /models/{asset}/train``
    stores them: the model strategies deployed there evaluate with them."""
    from fks_adapters.ml.model_store import ModelStore

    if history.model_source(args) is None:  # validates the --models spelling
        return {}
    key = SeriesKey.of(args.exchange, args.symbol, args.timeframe)
    models = ModelStore(args.models.removeprefix("s3://").strip("/"))
    report = trained.report.model_dump(mode="json")
    metadata = {"exchange": key.exchange, "symbol": key.symbol, "timeframe": key.timeframe.value, "report": report}
    return {
        "regime": models.put(key.partition_symbol, "regime", trained.regime.to_json(), metadata),
        "forecast": models.put(key.partition_symbol, "forecast", trained.forecaster.to_json(), metadata),
    }


def load(args: argparse.Namespace, out: TextIO, store: CandleHistory | None = None) -> Candles:
    start_ms, end_ms = parse_time(args.start, "start"), parse_time(args.end, "end")
    if start_ms >= end_ms:
        raise BadRequest(f"start {args.start} is not before end {args.end}")
    key = SeriesKey.of(args.exchange, args.symbol, args.timeframe)
    candles = candles_from_frame(history.history(args, store).read(key, start_ms, end_ms))
    history.require_bars(len(candles), key, args)
    print(f"loaded {len(candles)} {key.timeframe.value} candles of {key.symbol}", file=out, flush=True)
    return candles


def save_models(trained: TrainedModels, folder: Path, stem: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    regime = folder / f"{stem}_regime_model.json"
    regime.write_text(json.dumps(trained.regime.to_json(), indent=1))
    forecast = folder / f"{stem}_forecast_model.json"
    forecast.write_text(json.dumps(trained.forecaster.to_json()))
    report = folder / f"{stem}_report.json"
    report.write_text(trained.report.model_dump_json(indent=2))
    return [regime, forecast, report]


def format_report(report: TrainingReport) -> str:
    ev = report.evaluation
    lines = [
        f"out-of-sample next-bar direction, {ev.bars} bars (up share {ev.up_share:.3f}):",
        f"  {'':<22}{'accuracy':>10}{'brier':>10}{'log loss':>10}",
    ]
    for name, scores in (
        ("model (walk-forward)", ev.model),
        ("majority baseline", ev.majority),
        ("persistence baseline", ev.persistence),
    ):
        lines.append(f"  {name:<22}{scores.accuracy:>10.4f}{scores.brier:>10.4f}{scores.log_loss:>10.4f}")
    fb = report.forecast_backtest
    lines.append(
        f"ml_forecast backtest: return {fb.total_return:+.2%}, max drawdown {fb.max_drawdown:.2%}, "
        f"{fb.trade_count} trades; buy-and-hold {report.buy_and_hold_return:+.2%}"
    )
    for label, bt in (("without gate", report.ungated_backtest), ("with regime gate", report.gated_backtest)):
        lines.append(
            f"{report.gate_strategy} {label} (second half): return {bt.total_return:+.2%}, "
            f"max drawdown {bt.max_drawdown:.2%}, {bt.trade_count} trades"
        )
    stats = report.regime_stats
    lines.append(
        "regimes: "
        + ", ".join(
            f"{name} {stats.share[name]:.0%} (mean {_bars(stats.mean_duration_bars[name])})" for name in stats.regimes
        )
    )
    return "\n".join(lines)


def _bars(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} bars"
