"""On its schedule: each active strategy on the latest stored candles; each new signal recorded
once (SignalsTable, conditional put) and sent to the signal events queue, which starts the pipeline.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import floor_time
from fks.observability import metrics, observed
from fks.strategies.configs import StrategyConfig
from fks.strategies.live import evaluate, lookback_bars
from fks_adapters.market_data import wiring as market_data
from fks_adapters.strategies import wiring
from fks_adapters.strategies.backtests import load_candles_frame

logger = Logger()


def generate(config: StrategyConfig, now_ms: int) -> str:
    key = SeriesKey.of(config.exchange, config.symbol, config.timeframe)
    # Only closed candles: the one still open at now_ms would change before it closes.
    end = floor_time(now_ms, key.timeframe)
    start = end - lookback_bars(config) * key.timeframe.ms
    candles = load_candles_frame(market_data.candle_store().read(key, start, end))
    signal = evaluate(config, candles)
    if signal is None:
        return "none"
    logger.set_correlation_id(signal.signal_id)
    return wiring.signal_recorder().record(signal, now_ms)


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now_ms = int(event.get("now_ms") or time.time() * 1000)
    outcomes: dict[str, str] = {}
    for config in wiring.strategy_table().list(active_only=True):
        try:
            outcomes[config.strategy_id] = generate(config, now_ms)
        except Exception:  # one broken strategy must not stop the others; the log says which
            logger.exception("signal generation failed", extra={"strategy_id": config.strategy_id})
            outcomes[config.strategy_id] = "failed"
    # New signals sent on is what the dashboard counts; duplicates and failures are in the log.
    sent = sum(1 for value in outcomes.values() if value == "sent")
    metrics.add_metric(name="SignalsGenerated", unit=MetricUnit.Count, value=sent)
    logger.info("signals generated", extra={"outcomes": outcomes})
    return {"outcomes": outcomes}
