"""API and Step Functions contracts for backtests and optimisations: frozen, extra fields forbidden.

A request is checked against the strategy's declaration here, before any candle is read, so an
unknown strategy or parameter, an out-of-range value or a start after the end is a 400 naming it.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fks.backtest.config import BacktestConfig, parse_config
from fks.backtest.objectives import Goal, check_objective
from fks.market_data.symbols import validate_symbol
from fks.market_data.timeframes import Timeframe
from fks.strategies.base import Params, Strategy
from fks.strategies.execution_settings import ExecutionSettings, backtest_config
from fks.strategies.parameters import ParamValue
from fks.strategies.registry import get_strategy

# A built-in objective or plugin loss by name (fks.backtest.objectives), or one with constraints.
Objective = str | Goal
Method = Literal["grid", "random", "bayesian"]


class _Contract(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class CandleRange(_Contract):
    """One candle series over ``[start_ms, end_ms)``."""

    exchange: str = Field(default="binance", min_length=1, max_length=40, pattern=r"^[a-z0-9]+$")
    symbol: str
    timeframe: Timeframe = Timeframe.H1
    start_ms: int = Field(ge=0)
    end_ms: int = Field(ge=0)

    @field_validator("symbol")
    @classmethod
    def _unified(cls, value: str) -> str:
        return validate_symbol(value)

    @model_validator(mode="after")
    def _start_before_end(self) -> Self:
        if self.start_ms >= self.end_ms:
            raise ValueError(f"start_ms {self.start_ms} is not before end_ms {self.end_ms}")
        return self


class _Costed(CandleRange):
    """How a run trades: ``execution``, the strategy's execution settings (sizing, fees, slippage,
    ``allow_short``, exits) as a stored strategy carries them; ``config`` then takes only the
    simulation's own knobs (``initial_cash``, ``periods_per_year``, ``money_quantum``). Without
    ``execution``, ``config`` is the backtester's config, its fees defaulting to the venue's schedule.
    """

    execution: ExecutionSettings | None = None
    config: dict[str, object] = Field(default_factory=dict)

    def backtest_config(self) -> BacktestConfig:
        if self.execution is not None:
            return backtest_config(self.execution, self.exchange, self.config)
        given = parse_config(self.config)  # a bad field is named before the venue is looked up
        fees = ExecutionSettings(
            maker_fee_bps=given.maker_fee_bps if "maker_fee_bps" in self.config else None,
            taker_fee_bps=given.taker_fee_bps if "taker_fee_bps" in self.config else None,
        )
        maker, taker = fees.fees_bps(self.exchange)
        return given.model_copy(update={"maker_fee_bps": maker, "taker_fee_bps": taker})


class BacktestRequest(_Costed):
    """``POST /backtests``: one strategy with one parameter set."""

    strategy: str
    params: dict[str, ParamValue] = Field(default_factory=dict)

    def resolved(self) -> tuple[Strategy, Params, BacktestConfig]:
        """The strategy, its validated parameters and the config, or BadRequest naming the fault."""
        strategy = get_strategy(self.strategy)
        return strategy, strategy.validate_params(self.params), self.backtest_config()


class WalkForwardSpec(_Contract):
    """Rolling windows in bars: optimise on ``train_bars``, test on the next ``test_bars``."""

    train_bars: int = Field(ge=10, le=10_000_000)
    test_bars: int = Field(ge=2, le=10_000_000)


class OptimizationRequest(_Costed):
    """``POST /optimizations``.

    ``space``: for ``grid`` each parameter's list of values; for ``random`` and ``bayesian`` a
    ``[low, high]`` pair per numeric parameter (inclusive) or the list of choices to draw from.
    ``walk_forward`` adds a walk-forward analysis of the grid (out-of-sample results per window).
    """

    strategy: str
    method: Method = "grid"
    space: dict[str, list[ParamValue]] = Field(min_length=1)
    trials: int = Field(default=30, ge=1, le=10_000)
    objective: str = Field(
        default="final_equity",
        description="final_equity, total_return, sharpe, sortino, profit_factor, win_rate, calmar or a plugin's loss",
    )
    max_drawdown: float | None = Field(
        default=None, gt=0, le=1, description="a trial deeper than this below its peak (0.2 = 20 %) ranks last"
    )
    min_trades: int | None = Field(default=None, ge=0, description="a trial with fewer trades ranks last")
    seed: int = 0
    walk_forward: WalkForwardSpec | None = None

    @model_validator(mode="after")
    def _walk_forward_needs_grid(self) -> Self:
        if self.walk_forward is not None and self.method != "grid":
            raise ValueError("walk_forward runs a grid search in each window: use method 'grid'")
        return self

    @field_validator("objective")
    @classmethod
    def _known_objective(cls, value: str) -> str:
        return check_objective(value)

    @property
    def goal(self) -> Goal:
        """The objective with the request's constraints, as the searches score it."""
        return Goal(self.objective, self.max_drawdown, self.min_trades)

    def resolved(self) -> tuple[Strategy, BacktestConfig]:
        strategy = get_strategy(self.strategy)
        for name in self.space:
            strategy.parameter(name)  # BadRequest naming an unknown one
        return strategy, self.backtest_config()
