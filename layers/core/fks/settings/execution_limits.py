"""The Rust execution engine's risk limits as pydantic reads them.

Mirrors ``RiskLimits`` in ``rust_lambda/crates/fks_execution_core/src/risk.rs`` field for field
(both refuse unknown fields), so the settings API refuses what ``execute_order`` would refuse
before it is stored, instead of the engine failing on it at its next read.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from fks.decimals import PositiveDecimal


class PositionLimit(BaseModel):
    """Cap on one symbol's position; either bound may be left out."""

    # defer_build: validators are built on first use, not at import: an API function's cold start
    # imports these models for one route and should not build every model of the module.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    max_quantity: PositiveDecimal | None = None
    max_notional: PositiveDecimal | None = None


class RateLimit(BaseModel):
    """At most ``max_orders`` orders in any ``window_ms`` milliseconds."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    max_orders: int = Field(ge=1, le=4_294_967_295)
    window_ms: int = Field(ge=1)


class ExecutionRiskLimits(BaseModel):
    """The engine's limits per order; a field left out switches its rule off."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    max_order_notional: PositiveDecimal | None = None
    position_limit: PositionLimit = PositionLimit()
    position_limits: dict[str, PositionLimit] = Field(default_factory=dict)
    max_open_orders: int | None = Field(default=None, ge=0)
    order_rate: RateLimit | None = None
    daily_loss_limit: PositiveDecimal | None = None
    max_consecutive_exchange_errors: int | None = Field(default=None, ge=1, le=4_294_967_295)
