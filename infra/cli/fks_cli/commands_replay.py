"""``fks replay``: a strategy over a period of history, live against its backtest.

By default (the parity replay, ``fks_cli.parity_replay``) a local paper stack trades the
period through the real scheduled path on a simulated clock — collection of the simulator's 1m
candles, ``generate_signals``, the Step Functions pipeline, ``execute_order`` in paper mode, the
order sync, the portfolio — then the backtester runs on the candles that stack stored, and the two
are compared fill by fill. It prints progress, writes a PNG of both equity curves, prints its
duration, and its last line is ``parity: live N trades, backtest N trades, N matched, equity
difference X.XXX%``; it exits 1 unless every fill matched. The strategy's execution settings
(sizing, fees, slippage, direction, exits) are options, as ``fks backtest`` takes them.

With ``--data`` or ``--sample`` it replays stored history to the strategy alone, bar by bar as
the scheduled evaluation judges it (``fks.strategies.scheduled.evaluate_due``): on a window of the
strategy's lookback ending at that bar, with its informative series and stored models
(``--models``), the cursor moving one bar at a time. The signals are printed (bar, side), and
compared with the backtest's view of the same bars (one run over the whole history): a bar where
the two disagree means live trading will not do what the backtest showed (a strategy depending
on where its history starts), and exits 1.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import numpy as np
from pydantic import ValidationError

from fks.errors import BadRequest
from fks.market_data.series import CandleHistory
from fks.market_data.storage import SeriesKey
from fks.strategies import get_strategy, strategy_names
from fks.strategies.configs import StrategyConfig
from fks.strategies.inputs import read_strategy_candles
from fks.strategies.scheduled import evaluate_due, lookback_bars
from fks_cli import execution_options, history
from fks_cli.commands_backtest import USAGE_ERROR, parse_params, parse_time

FAILED = 1


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("replay", help="feed stored history to a strategy bar by bar, as live does")
    parser.add_argument("--strategy", required=True, help=f"one of: {', '.join(strategy_names())}")
    parser.add_argument("--symbol", required=True, help="unified symbol, e.g. BTC/USDT")
    parser.add_argument("--timeframe", default="1h", help="candle timeframe (default 1h)")
    parser.add_argument("--start", required=True, help="UTC date or ISO time of the first bar replayed")
    parser.add_argument("--end", required=True, help="UTC date or ISO time, exclusive")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="strategy parameter")
    parser.add_argument("--exchange", default="binance", help="exchange id of the candle series")
    parser.add_argument("--initial-cash", default="10000", help="the backtest's starting equity (default 10000)")
    parser.add_argument("--out", default="replay-output", help="directory for the equity curves PNG")
    execution_options.add_arguments(parser)
    history.add_arguments(parser)
    parser.set_defaults(data=None)  # only an explicit --data (or --sample) replays stored history alone


def run(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None, store: CandleHistory | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        if store is None and args.data is None and not args.sample:
            return parity_replay(args, out)
        args.data = args.data or history.DEFAULT_DATA
        return replay(args, out, store)
    except BadRequest as error:
        print(f"fks replay: error: {error.message}", file=err)
        return USAGE_ERROR
    except ValidationError as error:  # the deployed strategy's own checks: timeframe, symbol
        problem = error.errors(include_url=False)[0]
        print(f"fks replay: error: {problem['loc'][0]}: {problem['msg']}", file=err)
        return USAGE_ERROR


def parity_replay(args: argparse.Namespace, out: TextIO) -> int:
    # Imported here: the stack and its clients are only the parity replay's to load.
    from fks_cli.parity_compare import plot
    from fks_cli.parity_replay import ParityReplay, replay_on_new_stack

    started = time.monotonic()
    config = _config(args, active=True)
    start_ms, end_ms = _period(args)
    replay = ParityReplay(config, start_ms, end_ms, Decimal(args.initial_cash))

    def progress(text: str) -> None:
        print(f"[{time.monotonic() - started:5.0f}s] {text}", file=out, flush=True)

    outcome = replay_on_new_stack(replay, progress)
    parity = outcome.parity
    for problem in parity.mismatches:
        print(f"MISMATCH {problem}", file=out)
    for beyond in parity.not_compared:
        print(f"not compared: {beyond}", file=out)
    stem = f"{config.strategy}_{config.symbol.replace('/', '-')}_{config.timeframe.value}"
    title = f"{config.strategy} {config.params} on {config.symbol} {config.timeframe.value}: live vs backtest"
    png = plot(parity, outcome.candles, Path(args.out) / f"{stem}_parity.png", title)  # type: ignore[arg-type]
    print(f"wrote {png}", file=out)
    print(f"replayed {outcome.live.bars} bars through the local stack in {time.monotonic() - started:.0f}s", file=out)
    print(parity.last_line(), file=out, flush=True)
    return 0 if parity.all_matched else FAILED


def _config(args: argparse.Namespace, *, active: bool) -> StrategyConfig:
    settings = execution_options.settings_from(args)
    return StrategyConfig.model_validate(
        {
            **settings.model_dump(),
            "strategy_id": f"rp-{uuid.uuid4().hex[:4]}",
            "strategy": get_strategy(args.strategy).name,
            "exchange": args.exchange,
            "symbol": args.symbol,
            "timeframe": args.timeframe,
            "params": parse_params(args.param),
            "active": active,
        }
    )


def _period(args: argparse.Namespace) -> tuple[int, int]:
    start_ms, end_ms = parse_time(args.start, "start"), parse_time(args.end, "end")
    if start_ms >= end_ms:
        raise BadRequest(f"start {args.start} is not before end {args.end}")
    return start_ms, end_ms


def replay(args: argparse.Namespace, out: TextIO, store: CandleHistory | None = None) -> int:
    strategy = get_strategy(args.strategy)
    config = _config(args, active=False)
    start_ms, end_ms = _period(args)
    key = SeriesKey.of(config.exchange, config.symbol, config.timeframe)
    lookback, tf = lookback_bars(config), key.timeframe
    # The lookback before the first replayed bar, read once; each bar's window is a slice of it.
    candles = read_strategy_candles(history.history(args, store), strategy, config.params, key,
                                    start_ms - lookback * tf.ms, end_ms, history.model_source(args))  # fmt: skip
    history.require_bars(len(candles), key, args)
    full = strategy.target_positions(candles, config.params)
    if not config.allow_short:  # as generate_signals and the backtester trade it
        full = np.maximum(full, 0.0)
    first = int(np.searchsorted(candles.open_time, start_ms))
    # Which bars signal, not how much they trade: judged as quantity sized, which needs neither
    # the venue's lot step nor an account's equity.
    timing = config.model_copy(update={"sizing": "quantity"})
    signals = mismatches = 0
    for index in range(max(first, 1), len(candles)):
        bar = int(candles.open_time[index])
        window = candles.window(max(0, index + 1 - lookback), index + 1)
        outcome = evaluate_due(timing, window, [bar], now_ms=bar + tf.ms).bars[0]
        backtest_changed = index + 1 >= strategy.min_bars(config.params) and full[index] != full[index - 1]
        if outcome.signal is not None:
            signals += 1
            print(f"{_iso(bar)}  {outcome.signal.side.value}", file=out)
        if (outcome.signal is not None) != bool(backtest_changed):
            mismatches += 1
            print(f"{_iso(bar)}  MISMATCH: live {'signals' if outcome.signal else 'holds'}, the backtest "
                  f"{'changes' if backtest_changed else 'holds'} its target", file=out)  # fmt: skip
    print(f"replayed {len(candles) - max(first, 1)} {tf.value} bars of {key.symbol}: {signals} signals, "
          f"{mismatches} bars where live and the backtest disagree", file=out)  # fmt: skip
    return FAILED if mismatches else 0


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat()
