"""Default adapters for the strategy, backtest and signal functions, from template.yaml's environment."""

from __future__ import annotations

from fks import env
from fks_adapters.ml.model_store import ModelStore
from fks_adapters.strategies.cursor import EvaluationCursor
from fks_adapters.strategies.results import ResultStore
from fks_adapters.strategies.table import StrategyTable


def strategy_table() -> StrategyTable:
    return StrategyTable(env.require(env.STRATEGIES_TABLE))


def result_store(kind: str) -> ResultStore:
    return ResultStore(env.require(env.DATA_BUCKET), kind)


def evaluation_cursor() -> EvaluationCursor:
    return EvaluationCursor(env.require(env.SIGNALS_TABLE))


def model_store() -> ModelStore:
    """Stored models, read by the model strategies (``fks.ml.deployed``) and written by training."""
    return ModelStore(env.require(env.DATA_BUCKET), prefix=env.get(env.MODELS_PREFIX) or "models")
