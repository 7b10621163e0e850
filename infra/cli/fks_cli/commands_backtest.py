"""``fks backtest``: one strategy on stored history (or, with ``--sample``, bundled sample candles),
metrics and plots. The execution settings (sizing, fees, slippage, direction, exits) are a
stored strategy's (``fks_cli.execution_options``): fees default to the venue's schedule.

History is read from ``--data`` (a folder filled by ``fks data download``, or ``s3://BUCKET``;
``fks_cli.history``). Bars of the asked timeframe, and the strategy's informative series, are
built from the stored 1m candles by the same ``CandleSeriesReader`` the deployed backtests use
(whole bars only), so the CLI and the API agree.

Bad input (unknown strategy or parameter, a value out of range, start after end, too little
data) exits with status 2 and one line naming what was wrong, as argparse does for its own errors.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from fks.backtest import BacktestResult, Metrics, run_backtest
from fks.backtest.plots import plot_equity_drawdown, plot_trades
from fks.errors import BadRequest
from fks.market_data.series import CandleHistory
from fks.market_data.storage import SeriesKey
from fks.strategies import get_strategy, strategy_names
from fks.strategies.candles import Candles
from fks.strategies.execution_settings import backtest_config
from fks.strategies.inputs import read_strategy_candles
from fks_cli import execution_options, history
from fks_cli.bundled_candles import BundledCandleStore

USAGE_ERROR = 2
_BAR_WIDTH = 30


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("backtest", help="backtest a strategy on stored (or sample) candles and plot it")
    parser.add_argument("--strategy", required=True, help=f"one of: {', '.join(strategy_names())}")
    parser.add_argument("--symbol", required=True, help="unified symbol, e.g. BTC/USDT")
    parser.add_argument("--timeframe", default="1h", help="candle timeframe (default 1h)")
    parser.add_argument("--start", required=True, help="UTC date or ISO time, inclusive (e.g. 2025-01-01)")
    parser.add_argument("--end", required=True, help="UTC date or ISO time, exclusive (e.g. 2025-06-01)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="strategy parameter")
    parser.add_argument("--exchange", default="binance", help="exchange id of the candle series")
    parser.add_argument("--initial-cash", default="10000", help="starting equity (default 10000)")
    parser.add_argument("--out", default="backtest-output", help="directory for the PNG plots")
    execution_options.add_arguments(parser)
    history.add_arguments(parser)


def run(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None, store: CandleHistory | None = None
) -> int:
    # Resolved per call, not as defaults: a captured or redirected sys.stdout must be honoured.
    out, err = out or sys.stdout, err or sys.stderr
    try:
        result, candles = _backtest(args, out, store)
    except BadRequest as error:
        print(f"fks backtest: error: {error.message}", file=err)
        return USAGE_ERROR
    print(format_metrics(result.metrics), file=out)
    folder = Path(args.out)
    stem = f"{result.strategy}_{args.symbol.replace('/', '-')}_{args.timeframe}"
    equity_png = plot_equity_drawdown(result, folder / f"{stem}_equity.png")
    trades_png = plot_trades(candles, result, folder / f"{stem}_trades.png")
    print(f"wrote {equity_png}\nwrote {trades_png}", file=out)
    return 0


def _backtest(args: argparse.Namespace, out: TextIO, store: CandleHistory | None) -> tuple[BacktestResult, Candles]:
    strategy = get_strategy(args.strategy)
    params = parse_params(args.param)
    strategy.validate_params(params)  # name a bad parameter before spending time on data
    start_ms, end_ms = parse_time(args.start, "start"), parse_time(args.end, "end")
    if start_ms >= end_ms:
        raise BadRequest(f"start {args.start} is not before end {args.end}")
    config = backtest_config(execution_options.settings_from(args), args.exchange, {"initial_cash": args.initial_cash})
    key = SeriesKey.of(args.exchange, args.symbol, args.timeframe)
    if store is None and args.sample:
        store = BundledCandleStore(progress=lambda done, total: _bar(out, done, total))
    reader = history.history(args, store)
    candles = read_strategy_candles(reader, strategy, params, key, start_ms, end_ms, history.model_source(args))
    history.require_bars(len(candles), key, args)
    source = "bundled sample" if args.sample else f"stored ({args.data})"
    print(
        f"loaded {len(candles)} {key.timeframe.value} bars of {key.symbol} from {source} 1m candles; "
        f"running {strategy.name}",
        file=out,
    )
    return run_backtest(candles, strategy, params, config), candles


def parse_params(pairs: list[str]) -> dict[str, object]:
    """``NAME=VALUE`` pairs; values become int, then float, else stay text (choice parameters)."""
    params: dict[str, object] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise BadRequest(f"--param expects NAME=VALUE, got {pair!r}")
        params[name.strip()] = _number(text.strip())
    return params


def _number(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def parse_time(text: str, what: str) -> int:
    """A UTC date (2025-01-01) or ISO time as epoch ms; a time without zone is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"--{what} {text!r} is not a date (YYYY-MM-DD) or ISO time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _bar(out: TextIO, done: int, total: int) -> None:
    filled = _BAR_WIDTH * done // total
    print(
        f"loading candles [{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {100 * done // total:3d}%", file=out, flush=True
    )


def format_metrics(metrics: Metrics) -> str:
    rows = [(name, _show(value)) for name, value in metrics.model_dump().items()]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _show(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)
