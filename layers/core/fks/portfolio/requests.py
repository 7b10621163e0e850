"""The portfolio API's inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fks.decimals import StrictDecimal
from fks.market_data.symbols import validate_symbol

Weight = Annotated[StrictDecimal, Field(ge=0, le=1, max_digits=12)]
AccountName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


class _Contract(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class AccountQuery(_Contract):
    account: AccountName = Field(default="default", description="Trading account; 'default' is the stack's own")
    exchange: str | None = Field(
        default=None, pattern=r"^[a-z0-9]+$", description="Where its prices come from; default: the account's venue"
    )


class HistoryQuery(_Contract):
    account: AccountName = "default"
    start: int | None = Field(default=None, ge=0, description="UTC epoch ms, default 30 days before end")
    end: int | None = Field(default=None, ge=0, description="UTC epoch ms, default now")
    limit: int = Field(default=500, ge=1, le=5000)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class AllocationsUpdate(_Contract):
    """Each strategy's target share of the account's equity; together at most all of it."""

    account: AccountName = "default"
    allocations: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")], Weight]

    @model_validator(mode="after")
    def _at_most_everything(self) -> Self:
        total = sum(self.allocations.values(), Decimal(0))
        if total > 1:
            raise ValueError(f"allocations add up to {total}, more than 1 (all equity)")
        return self


class RebalanceRequest(_Contract):
    account: AccountName = "default"
    exchange: str | None = Field(default=None, pattern=r"^[a-z0-9]+$", description="Default: the account's venue")
    targets: dict[str, Weight] = Field(min_length=1, description="Target weight of equity per unified symbol")
    dry_run: bool = Field(default=True, description="Only answer the orders (default); false sends them as signals")
    min_notional: StrictDecimal = Field(default=Decimal("10"), ge=0, description="Skip moves smaller than this")

    @field_validator("targets")
    @classmethod
    def _symbols(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for symbol in value:
            validate_symbol(symbol)
        total = sum(value.values(), Decimal(0))
        if total > 1:
            raise ValueError(f"target weights add up to {total}, more than 1 (all equity)")
        return value
