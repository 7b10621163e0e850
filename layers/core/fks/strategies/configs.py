"""A deployed strategy: a built-in strategy with its parameters, market, approval mode and
execution settings (sizing, fees, slippage, direction, exits: ``fks.strategies.execution_settings``).

This is what the ``strategies`` API stores and ``generate_signals`` evaluates. Parameters are
always validated against the strategy's declaration before they are stored, so the scheduler
never meets an invalid set.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fks.decimals import PositiveDecimal, StrictDecimal
from fks.execution import StopPercent, TakeProfitPercent
from fks.market_data.symbols import validate_symbol
from fks.market_data.timeframes import Timeframe
from fks.signals import MAX_APPROVAL_WINDOW_S, ApprovalMode, AssetClass
from fks.strategies.execution_settings import Bps, ExecutionSettings, Sizing
from fks.strategies.parameters import ParamValue
from fks.strategies.registry import get_strategy

STRATEGY_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class _Contract(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class StrategyConfig(ExecutionSettings):
    """``POST /strategies`` body and the stored record; ``params`` come back with defaults filled.
    The execution settings (sizing, fees, slippage, ``allow_short``, exits) are its own fields."""

    strategy_id: str = Field(pattern=STRATEGY_ID_PATTERN)
    strategy: str
    exchange: str = Field(default="binance", min_length=1, max_length=40, pattern=r"^[a-z0-9]+$")
    symbol: str
    timeframe: Timeframe = Timeframe.H1
    params: dict[str, ParamValue] = Field(default_factory=dict)
    mode: ApprovalMode = ApprovalMode.AUTO
    approval_window_s: int | None = Field(default=None, ge=1, le=MAX_APPROVAL_WINDOW_S)
    asset_class: AssetClass = AssetClass.SPOT
    active: bool = False

    @field_validator("symbol")
    @classmethod
    def _unified(cls, value: str) -> str:
        return validate_symbol(value)

    @model_validator(mode="after")
    def _params_match_declaration(self) -> Self:
        # BadRequest (not ValueError) passes through pydantic, so the 400 names the parameter.
        validated = get_strategy(self.strategy).validate_params(self.params)
        if validated != self.params:
            object.__setattr__(self, "params", validated)
        return self


class StrategyUpdate(_Contract):
    """``PUT /strategies/{id}``: the fields to change; absent ones stay, and ``params`` merges
    into the stored parameters (so changing ``fast`` keeps a tuned ``slow``)."""

    params: dict[str, ParamValue] | None = None
    mode: ApprovalMode | None = None
    approval_window_s: int | None = Field(default=None, ge=1, le=MAX_APPROVAL_WINDOW_S)
    timeframe: Timeframe | None = None
    sizing: Sizing | None = None
    quantity: PositiveDecimal | None = None
    quote_amount: PositiveDecimal | None = None
    fraction: Annotated[StrictDecimal, Field(gt=0, le=1)] | None = None
    maker_fee_bps: Bps | None = None
    taker_fee_bps: Bps | None = None
    slippage_bps: Bps | None = None
    allow_short: bool | None = None
    stop_loss_pct: StopPercent | None = None
    take_profit_pct: TakeProfitPercent | None = None
    trailing_stop_pct: StopPercent | None = None

    def apply(self, current: StrategyConfig) -> StrategyConfig:
        changes = self.model_dump(exclude_none=True)
        if self.params is not None:
            changes["params"] = {**current.params, **self.params}
        return StrategyConfig.model_validate({**current.model_dump(), **changes})
