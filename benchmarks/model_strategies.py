"""What serving the stored forecaster costs where strategies run, and what informative series cost.

Prints, on the bundled sample candles (1m resampled to 1h by the product's reader):
- the stored forecaster's JSON size, the time to parse it, and its P(up) per row against
  scikit-learn's ``predict_proba`` on the same fitted model (the figures a scheduled evaluation pays);
- an ``ml_forecast`` evaluation of a live window (its lookback) with the stored model;
- reading a strategy's bars with and without an informative daily series of another symbol.
Nothing is asserted. Run: .venv/bin/python benchmarks/model_strategies.py
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import numpy as np

from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.ml.features import build_features, next_direction
from fks.ml.forecast import fit_direction, predict_up
from fks.ml.trees import TreeEnsemble
from fks.strategies import Informative, get_strategy
from fks.strategies.base import Strategy
from fks.strategies.inputs import read_strategy_candles, with_models
from fks.strategies.models import ServedModel
from fks.strategies.scheduled import LOOKBACK_FACTOR
from fks_cli.bundled_candles import BundledCandleStore

START, END = 1_704_067_200_000, 1_711_929_600_000  # 2024-01-01 .. 2024-04-01: 2,184 hours
BTC_1H = SeriesKey.of("binance", "BTC/USDT", "1h")
ETH_1H = SeriesKey.of("binance", "ETH/USDT", "1h")


def best_of(runs: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


class _DailyBtc(Strategy):
    name = "bench_daily_btc"
    description = "bench"
    parameters = ()

    def informative(self, params):  # type: ignore[no-untyped-def]
        return (Informative.of("1d", "BTC/USDT", bars=20),)

    def warmup_bars(self, params):  # type: ignore[no-untyped-def]
        return 0

    def compute_targets(self, candles, params, cache):  # type: ignore[no-untyped-def]
        daily = candles.informative_series("1d", "BTC/USDT")
        return np.sign(daily.align(daily.candles.close - daily.candles.open))


def main() -> None:
    reader = CandleSeriesReader(BundledCandleStore(now_ms=END + 86_400_000))
    candles = read_strategy_candles(reader, get_strategy("sma_cross"), {}, BTC_1H, START, END)
    features, target = build_features(candles).values, next_direction(np.asarray(candles.close))
    rows = np.all(np.isfinite(features), axis=1) & np.isfinite(target)
    fitted = fit_direction(features[rows], target[rows])
    document = json.dumps(TreeEnsemble.from_classifier(fitted).to_json())
    trees = TreeEnsemble.from_json(json.loads(document))
    x = features[rows]
    print(f"forecaster trained on {int(rows.sum())} rows of {len(candles)} 1h bars")
    print(f"stored JSON: {len(document) / 1024:.0f} KiB, parsed in {best_of(5, lambda: json.loads(document)):.1f} ms")
    print(f"P(up) for {len(x)} rows: NumPy trees {best_of(5, lambda: trees.predict_up(x)):.1f} ms, "
          f"scikit-learn {best_of(5, lambda: predict_up(fitted, x)):.1f} ms, "
          f"max difference {np.abs(trees.predict_up(x) - predict_up(fitted, x)).max():.1e}")  # fmt: skip

    strategy = get_strategy("ml_forecast")
    window_bars = strategy.min_bars({}) * LOOKBACK_FACTOR
    first = len(candles) - window_bars
    # As live: a model trained up to just before the window (the window's bars are out of sample).
    served = ServedModel("forecast", "BTC-USDT", "bench", "1h", int(candles.open_time[first - 1]), json.loads(document))
    window = with_models(strategy, {}, BTC_1H, candles.window(first, len(candles)), _Fixed(served))
    print(f"ml_forecast on a live window of {window_bars} bars: "
          f"{best_of(5, lambda: strategy.target_positions(window)):.1f} ms")  # fmt: skip

    plain = best_of(3, lambda: read_strategy_candles(reader, get_strategy("sma_cross"), {}, ETH_1H, START, END))
    informed = best_of(3, lambda: read_strategy_candles(reader, _DailyBtc(), {}, ETH_1H, START, END))
    print(f"reading {len(candles)} ETH 1h bars from 1m: {plain:.0f} ms; with BTC 1d informative: {informed:.0f} ms")


class _Fixed:
    def __init__(self, model: ServedModel) -> None:
        self.model = model

    def served(self, asset: str, kind: str) -> ServedModel:
        return self.model


if __name__ == "__main__":
    main()
