"""``fks strategy new NAME`` and ``fks strategy check NAME``: write a strategy plugin, prove it honest.

``new`` writes ``NAME.py`` (a working strategy to edit), ``test_NAME.py`` (its unit test) and
``NAME.md`` (its docs) into the plugin folder, ``layers/strategies/fks_user_strategies`` unless
``--dir`` names another (point ``FKS_STRATEGY_PLUGINS_PATH`` at it to use it before deploying).

``check`` reads stored history (``--data``, as ``fks backtest``; the bundled sample candles with
``--sample``) through the same ``CandleSeriesReader`` as the backtests (1m candles resampled to the
asked timeframe, the strategy's informative series aligned to it) and runs the lookahead and
warm-up analyses of ``fks.strategies.analysis``; cutting the strategy's bars cuts its informative
series too, so a strategy reading a higher-timeframe bar before it closed is caught. It prints the
first offending bar of each and exits 1 when the strategy peeks or depends on where history
starts; 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from fks.errors import BadRequest
from fks.market_data.series import CandleHistory
from fks.market_data.storage import SeriesKey
from fks.strategies import get_strategy
from fks.strategies.analysis import Finding, lookahead, warm_up
from fks.strategies.inputs import read_strategy_candles
from fks.strategies.plugins import NAME_PATTERN
from fks.strategies.scheduled import LOOKBACK_FACTOR
from fks_cli import history
from fks_cli.commands_backtest import parse_params, parse_time

USAGE_ERROR = 2
FAILED = 1
PLUGIN_FOLDER = Path(__file__).resolve().parents[3] / "layers" / "strategies" / "fks_user_strategies"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("strategy", help="write a strategy plugin from a template, check it for lookahead")
    actions = parser.add_subparsers(dest="strategy_command", required=True)
    new = actions.add_parser("new", help="write NAME.py, test_NAME.py and NAME.md from a template")
    new.add_argument("name", help="the strategy's name: lower case, digits, underscores (e.g. my_breakout)")
    new.add_argument("--dir", default=str(PLUGIN_FOLDER), help=f"folder to write into (default {PLUGIN_FOLDER})")
    check = actions.add_parser("check", help="lookahead and warm-up analysis on stored (or sample) candles")
    check.add_argument("name", help="a built-in or plugin strategy")
    check.add_argument("--symbol", default="BTC/USDT", help="unified symbol (default BTC/USDT)")
    check.add_argument("--timeframe", default="1h", help="candle timeframe (default 1h)")
    check.add_argument("--start", default="2024-01-01", help="UTC date or ISO time, inclusive (default 2024-01-01)")
    check.add_argument("--end", default="2024-03-01", help="UTC date or ISO time, exclusive (default 2024-03-01)")
    check.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="strategy parameter")
    check.add_argument("--exchange", default="binance", help="exchange id of the candle series")
    history.add_arguments(check)


def run(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None, store: CandleHistory | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        if args.strategy_command == "new":
            return new(args.name, Path(args.dir), out)
        return check(args, out, store)
    except BadRequest as error:
        print(f"fks strategy {args.strategy_command}: error: {error.message}", file=err)
        return USAGE_ERROR


def new(name: str, folder: Path, out: TextIO) -> int:
    if not NAME_PATTERN.match(name):
        raise BadRequest(f"name {name!r} must match {NAME_PATTERN.pattern} (lower case, digits, underscores)")
    class_name = "".join(part.capitalize() for part in name.split("_") if part)
    files = {
        folder / f"{name}.py": _MODULE.format(name=name, cls=class_name),
        folder / f"test_{name}.py": _TEST.format(name=name, cls=class_name),
        folder / f"{name}.md": _DOCS.format(name=name, cls=class_name, folder=folder),
    }
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise BadRequest(f"refusing to overwrite {', '.join(existing)}")
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text)
        print(f"wrote {path}", file=out)
    print(f"next: edit {name}.py, then `fks strategy check {name}` and `fks backtest --strategy {name} ...`", file=out)
    return 0


def check(args: argparse.Namespace, out: TextIO, store: CandleHistory | None = None) -> int:
    strategy = get_strategy(args.name)
    params = strategy.validate_params(parse_params(args.param))
    start_ms, end_ms = parse_time(args.start, "start"), parse_time(args.end, "end")
    if start_ms >= end_ms:
        raise BadRequest(f"start {args.start} is not before end {args.end}")
    key = SeriesKey.of(args.exchange, args.symbol, args.timeframe)
    reader = history.history(args, store)
    candles = read_strategy_candles(reader, strategy, params, key, start_ms, end_ms, history.model_source(args))
    history.require_bars(len(candles), key, args)
    warm = strategy.min_bars(params) * LOOKBACK_FACTOR
    if len(candles) < 2 * warm:
        raise BadRequest(f"{len(candles)} bars of {key.timeframe.value} are too few: the check needs {2 * warm}")
    print(f"checking {strategy.name} {params} on {len(candles)} {key.timeframe.value} bars of {key.symbol}", file=out)
    peeks = lookahead(strategy, candles, params)
    _report(out, "lookahead", peeks, "targets recomputed on truncated data equal the full run's")
    unstable = warm_up(strategy, candles, params, warm)
    _report(out, "warm-up", unstable, f"targets agree after {warm} bars (min_bars x {LOOKBACK_FACTOR}) of history")
    return FAILED if peeks or unstable else 0


def _report(out: TextIO, analysis: str, finding: Finding | None, passed: str) -> None:
    if finding is None:
        print(f"{analysis}: ok ({passed})", file=out)
        return
    moment = datetime.fromtimestamp(finding.open_time / 1000, tz=UTC).isoformat()
    print(
        f"{analysis}: FAILED at bar {finding.bar} ({moment}): target {finding.full_target:g} on the full "
        f"history, {finding.recomputed_target:g} with {finding.condition}",
        file=out,
    )


_MODULE = '''"""{name}: describe the idea in one line (the dashboard shows ``description``)."""

from __future__ import annotations

from fks.indicators import sma
from fks.strategies import Candles, IndicatorCache, Parameter, Params, Strategy
from fks.strategies.candles import FloatArray
from fks.strategies.signals import positions_from_events


class {cls}(Strategy):
    name = "{name}"
    description = "Long while the close is above its moving average, short while below."
    parameters = (
        Parameter(name="window", type="int", default=20, min=2, max=5000, description="moving average, bars"),
        Parameter(name="allow_short", type="choice", default="yes", choices=("no", "yes"), description="short too"),
    )

    def warmup_bars(self, params: Params) -> int:
        return int(params["window"]) - 1  # the first bar with a full window of closes

    # Another timeframe or symbol (docs/strategies.md): declare it, then read it in compute_targets
    # with ``daily = candles.informative_series("1d", "BTC/USDT")`` and ``daily.align(values)``.
    # def informative(self, params: Params) -> tuple[Informative, ...]:
    #     return (Informative.of("1d", "BTC/USDT", bars=20),)

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        # targets[t] may use bars up to t only: ``fks strategy check {name}`` proves it.
        window = int(params["window"])
        average = cache.get(("sma", "close", window), lambda: sma(candles.close, window))
        above, below = candles.close > average, candles.close < average
        return positions_from_events(
            long_entry=above,
            short_entry=below & (params["allow_short"] == "yes"),
            long_exit=below,
            short_exit=above,
        )
'''

_TEST = '''"""Unit test of the {name} strategy (run: pytest {name}'s folder)."""

import importlib.util
from pathlib import Path

import numpy as np

from fks.strategies import check_causal

_spec = importlib.util.spec_from_file_location("{name}", Path(__file__).with_name("{name}.py"))
assert _spec is not None
assert _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
{cls} = _module.{cls}


def _candles(bars=1_000, seed=1):
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, bars)))
    open_ = np.concatenate(([100.0], close[:-1]))
    return {{
        "open_time": 1_700_000_000_000 + 60_000 * np.arange(bars, dtype=np.int64),
        "open": open_,
        "high": np.maximum(open_, close) * 1.001,
        "low": np.minimum(open_, close) * 0.999,
        "close": close,
        "volume": np.ones(bars),
    }}


def test_defaults_are_valid():
    strategy = {cls}()

    assert strategy.validate_params({{}}) == {{p.name: p.default for p in strategy.parameters}}


def test_targets_are_bounded_and_flat_while_warming_up():
    strategy = {cls}()
    params = strategy.validate_params({{}})

    targets = strategy.target_positions(_candles(), params)

    assert set(np.unique(targets)) <= {{-1.0, 0.0, 1.0}}
    assert not targets[: strategy.warmup_bars(params)].any()
    assert targets.any()


def test_it_does_not_look_ahead():
    check_causal({cls}(), _candles(), {{}})
'''

_DOCS = """# {name}

What the strategy does, when it enters and exits, and on which markets it is meant to run.

## Parameters

| name | meaning | default |
| --- | --- | --- |
| window | moving average, bars | 20 |
| allow_short | short too | yes |

## Check, backtest, deploy

    export FKS_STRATEGY_PLUGINS_PATH={folder}
    fks data download --symbol BTC/USDT --since 2024-01-01 --until 2024-03-01
    fks strategy check {name}
    fks backtest --strategy {name} --symbol BTC/USDT --start 2024-01-01 --end 2024-03-01

In `layers/strategies/fks_user_strategies/` it is deployed with the strategies layer and appears in
`GET /strategy-types`; see docs/strategies.md.
"""
