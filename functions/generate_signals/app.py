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
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import ExecutionTablesSettings, PortfolioSettings, TradingAccountSettings, variable
from fks.invocations import SignalGenerationRun, parse_event
from fks.observability import metrics, observed
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.candle_reader import candle_series, candle_store
from fks_adapters.ml.model_store import ModelStore
from fks_adapters.pipeline.executions import SignalPipeline
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_adapters.strategies.cursor import EvaluationCursor
from fks_adapters.strategies.table import StrategyTable
from fks_app.signal_generation import SignalGenerator
from fks_app.signal_recording import SignalRecorder
from fks_app.sizing_facts import AccountSizingFacts
from fks_app.valuation import PortfolioValuer

if TYPE_CHECKING:
    from fks_adapters.market_data.s3_store import S3CandleStore

logger = Logger()


class Settings(PortfolioSettings, ExecutionTablesSettings, TradingAccountSettings):
    """Besides its own tables, the portfolio's: a strategy sized by equity fraction sizes its order
    from the trading account's equity."""

    signals_table: str = variable(env.SIGNALS_TABLE)
    signal_state_machine_arn: str = variable(env.SIGNAL_STATE_MACHINE_ARN)
    strategies_table: str = variable(env.STRATEGIES_TABLE)
    assets_table: str = variable(env.ASSETS_TABLE)
    data_bucket: str = variable(env.DATA_BUCKET)
    models_prefix: str = variable(env.MODELS_PREFIX, default="models")


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _strategies() -> StrategyTable:
    return StrategyTable(SETTINGS.strategies_table)


@cache
def _adapters() -> tuple[S3CandleStore, AssetRegistry, EvaluationCursor, SignalRecorder, ModelStore]:
    recorder = SignalRecorder(SignalHistory(SETTINGS.signals_table), SignalPipeline(SETTINGS.signal_state_machine_arn))
    return (
        candle_store(SETTINGS.data_bucket),
        AssetRegistry(SETTINGS.assets_table),
        EvaluationCursor(SETTINGS.signals_table),
        recorder,
        ModelStore(SETTINGS.data_bucket, prefix=SETTINGS.models_prefix),
    )


@cache
def _tables() -> tuple[PortfolioStore, ExecutionTables]:
    tables = ExecutionTables(SETTINGS.orders_table, SETTINGS.positions_table, SETTINGS.risk_state_table)
    return PortfolioStore(SETTINGS.portfolio_table, SETTINGS.initial_capital), tables


def _generator(now_ms: int) -> SignalGenerator:
    """One per run: its candle reader looks each asset's collected base up once per run, and the
    account's equity and the lot steps are read at most once per run, when a quote or fraction
    sized strategy changes its target."""
    store, registry, cursor, recorder, models = _adapters()
    candles = candle_series(store, registry)

    def valuer() -> PortfolioValuer:
        return PortfolioValuer(*_tables(), CandlePrices(candles))

    facts = AccountSizingFacts(valuer, SETTINGS.trading_account, now_ms)
    return SignalGenerator(candles, cursor, recorder, models, facts)


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = parse_event(SignalGenerationRun, event, "GenerateSignals")
    now_ms = run.now_ms or int(time.time() * 1000)
    generator = _generator(now_ms)
    outcomes: dict[str, str] = {}
    evaluations: dict[str, dict[str, Any]] = {}
    for config in _strategies().list(active_only=True):
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
