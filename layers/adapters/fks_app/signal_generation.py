"""One scheduled evaluation of a deployed strategy: the bars due since its cursor, their signals
recorded (and the actionable ones started), the cursor advanced. See ``fks.strategies.scheduled``
for why this evaluates each closed bar once, after its data is stored, and none skipped."""

from __future__ import annotations

from typing import Any

from fks.errors import BadRequest, NotFound
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.strategies.configs import StrategyConfig
from fks.strategies.inputs import newest_ready_bar, read_strategy_candles
from fks.strategies.live_sizing import SizingFacts
from fks.strategies.models import ModelSource
from fks.strategies.registry import get_strategy
from fks.strategies.scheduled import ScheduledEvaluation, due_bars, evaluate_due, lookback_bars
from fks_adapters.strategies.cursor import EvaluationCursor
from fks_app.signal_recording import SignalRecorder
from fks_app.sizing_facts import AccountSizingFacts

# The run's one-word outcome per strategy, most telling first.
_PRECEDENCE = ("sent", "resent", "duplicate", "stale")


class SignalGenerator:
    def __init__(
        self,
        candles: CandleSeriesReader,
        cursor: EvaluationCursor,
        recorder: SignalRecorder,
        models: ModelSource | None = None,
        facts: SizingFacts | None = None,
    ) -> None:
        self.candles = candles
        self.cursor = cursor
        self.recorder = recorder
        self.models = models
        self.facts = facts  # the lot step and the account's equity: quote and fraction sizing

    def generate(self, config: StrategyConfig, now_ms: int) -> dict[str, Any]:
        key = SeriesKey.of(config.exchange, config.symbol, config.timeframe)
        tf, lookback = key.timeframe, lookback_bars(config)
        strategy = get_strategy(config.strategy)
        state = self.cursor.read(config)
        previous, held = (None, None) if state is None else (state.bar_time, state.held)
        newest, missing = newest_ready_bar(self.candles, strategy, config.params, key, now_ms)
        due, dropped = due_bars(tf, previous, newest, lookback)
        report: dict[str, Any] = {"outcome": "up_to_date", "cursor": previous, "bars": [], "signals": []}
        if missing:  # an informative series nobody stores: nothing can be evaluated until it is
            report["outcome"], report["informative_missing"] = "waiting", missing
        if dropped:
            report["dropped"] = dropped  # missed bars older than the lookback: never evaluated
        if not due:
            return report
        try:
            candles = read_strategy_candles(
                self.candles, strategy, config.params, key, due[0] - lookback * tf.ms, due[-1] + tf.ms, self.models
            )
        except (BadRequest, NotFound) as error:
            # A stored model missing or too old: refused by name, the cursor left where it is, so the
            # bars are judged once a model is trained (within the lookback).
            report.update(outcome="refused", reason=error.message)
            return report
        evaluation = evaluate_due(config, candles, due, now_ms, held, self._facts(config, now_ms))
        report["bars"] = [bar.bar_time for bar in evaluation.bars]
        report["incomplete"] = [bar.bar_time for bar in evaluation.bars if bar.incomplete]
        report["signals"] = self._record(evaluation, now_ms)
        if evaluation.waiting_for is not None:
            report["waiting_for"] = evaluation.waiting_for
        if evaluation.cursor is not None:
            advanced = self.cursor.advance(config, previous, evaluation.cursor, now_ms, evaluation.held)
            report["cursor"] = evaluation.cursor
            report["raced"] = not advanced
        report["outcome"] = _summary(report)
        return report

    def _facts(self, config: StrategyConfig, now_ms: int) -> SizingFacts | None:
        """What sizes a quote or fraction order; without the portfolio (not handed in), the lot
        step alone: a fraction-sized strategy then fails naming what is missing."""
        if self.facts is None and config.sizing != "quantity":
            self.facts = AccountSizingFacts(None, "default", now_ms)
        return self.facts

    def _record(self, evaluation: ScheduledEvaluation, now_ms: int) -> list[dict[str, Any]]:
        recorded: list[dict[str, Any]] = []
        for bar in evaluation.bars:
            if bar.signal is None:
                continue
            signal = bar.signal
            outcome = (
                self.recorder.record(signal, now_ms) if bar.actionable else self.recorder.record_stale(signal, now_ms)
            )
            recorded.append(
                {
                    "signal_id": signal.signal_id,
                    "bar_time": signal.bar_time,
                    "side": signal.side.value,
                    "outcome": outcome,
                }
            )
        return recorded


def _summary(report: dict[str, Any]) -> str:
    outcomes = {signal["outcome"] for signal in report["signals"]}
    for outcome in _PRECEDENCE:
        if outcome in outcomes:
            return outcome
    if "waiting_for" in report and not report["bars"]:
        return "waiting"
    return "none"
