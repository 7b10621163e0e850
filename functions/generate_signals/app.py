"""Every minute: each active strategy evaluated on the bars of its timeframe that closed since its
last evaluation; each new signal recorded once (SignalsTable, conditional put) and, when recent
enough to act on, sent to the signal events queue, which starts the pipeline.

Why a one-minute schedule serves a 1h strategy once per closed hour (``fks.strategies.scheduled``
has the whole argument): a freshness check on the strategy's base (1m) series finds the newest
hour whose last minute is stored, i.e. whose collection has finished; a cursor per strategy
(the last bar evaluated, advanced by a conditional update) makes each hour due exactly once;
after downtime every missed hour is due, in order (bounded by the lookback), and only the
signals of the newest bars are sent, the older ones recorded as stale. Signal ids are strategy +
bar, so a bar evaluated again by an overlapping run is recorded and executed once.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.invocations import SignalGenerationRun, parse_event
from fks.observability import metrics, observed
from fks_adapters.market_data import wiring as market_data
from fks_adapters.pipeline import wiring as pipeline
from fks_adapters.strategies import wiring
from fks_app.signal_generation import SignalGenerator
from fks_app.signal_recording import SignalRecorder

logger = Logger()


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = parse_event(SignalGenerationRun, event, "GenerateSignals")
    now_ms = run.now_ms or int(time.time() * 1000)
    recorder = SignalRecorder(pipeline.signal_history(), pipeline.signal_pipeline())
    generator = SignalGenerator(market_data.candle_series(), wiring.evaluation_cursor(), recorder, wiring.model_store())
    outcomes: dict[str, str] = {}
    evaluations: dict[str, dict[str, Any]] = {}
    for config in wiring.strategy_table().list(active_only=True):
        try:
            evaluations[config.strategy_id] = generator.generate(config, now_ms)
            outcomes[config.strategy_id] = evaluations[config.strategy_id]["outcome"]
        except Exception:  # one broken strategy must not stop the others; the log says which
            logger.exception("signal generation failed", extra={"strategy_id": config.strategy_id})
            outcomes[config.strategy_id] = "failed"
    # New signals sent on is what the dashboard counts; the rest is in the log.
    sent = sum(1 for report in evaluations.values() for s in report["signals"] if s["outcome"] == "sent")
    metrics.add_metric(name="SignalsGenerated", unit=MetricUnit.Count, value=sent)
    logger.info("signals generated", extra={"outcomes": outcomes, "evaluations": evaluations})
    return {"outcomes": outcomes, "evaluations": evaluations}
