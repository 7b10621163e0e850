"""A deployed strategy: a built-in strategy with its parameters, market, size and approval mode.

This is what the ``strategies`` API stores and ``generate_signals`` evaluates. Parameters are
always validated against the strategy's declaration before they are stored, so the scheduler
never meets an invalid set.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fks.decimals import PositiveDecimal
from fks.execution import Protection, StopPercent, TakeProfitPercent
from fks.market_data.symbols import validate_symbol
from fks.market_data.timeframes import Timeframe
from fks.signals import MAX_APPROVAL_WINDOW_S, ApprovalMode, AssetClass
from fks.strategies.parameters import ParamValue
from fks.strategies.registry import get_strategy

STRATEGY_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StrategyConfig(_Contract):
    """``POST /strategies`` body and the stored record; ``params`` come back with defaults filled."""

    strategy_id: str = Field(pattern=STRATEGY_ID_PATTERN)
    strategy: str
    exchange: str = Field(default="binance", min_length=1, max_length=40, pattern=r"^[a-z0-9]+$")
    symbol: str
    timeframe: Timeframe = Timeframe.H1
    params: dict[str, ParamValue] = Field(default_factory=dict)
    quantity: PositiveDecimal = Decimal("0.001")
    mode: ApprovalMode = ApprovalMode.AUTO
    approval_window_s: int | None = Field(default=None, ge=1, le=MAX_APPROVAL_WINDOW_S)
    asset_class: AssetClass = AssetClass.SPOT
    active: bool = False
    # Exits that protect every position the strategy opens, in percent of the entry's fill price:
    # the backtester's parameters, placed live by the execution engine (``OrderCommand.protection``).
    stop_loss_pct: StopPercent | None = None
    take_profit_pct: TakeProfitPercent | None = None
    trailing_stop_pct: StopPercent | None = None

    @property
    def protection(self) -> Protection | None:
        exits = Protection(
            stop_loss_pct=self.stop_loss_pct,
            take_profit_pct=self.take_profit_pct,
            trailing_stop_pct=self.trailing_stop_pct,
        )
        return None if exits.is_empty else exits

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
    quantity: PositiveDecimal | None = None
    mode: ApprovalMode | None = None
    approval_window_s: int | None = Field(default=None, ge=1, le=MAX_APPROVAL_WINDOW_S)
    timeframe: Timeframe | None = None
    stop_loss_pct: StopPercent | None = None
    take_profit_pct: TakeProfitPercent | None = None
    trailing_stop_pct: StopPercent | None = None

    def apply(self, current: StrategyConfig) -> StrategyConfig:
        changes = self.model_dump(exclude_none=True)
        if self.params is not None:
            changes["params"] = {**current.params, **self.params}
        return StrategyConfig.model_validate({**current.model_dump(), **changes})
