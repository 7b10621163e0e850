"""The pipeline's portfolio-level risk check, before an order reaches the execution engine.

The Rust engine checks each order on its own (notional, position size, open orders, rate,
daily loss). This check sees the whole account: gross exposure against equity, concentration
in one symbol, the strategy's allocation, and exposure to positions that move together with
the new one. An order that only reduces a position is always allowed unless trading is halted:
cutting risk must never be blocked by a risk limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from fks.decimals import StrictDecimal
from fks.errors import RiskDenied
from fks.execution import TradingState
from fks.prop_firm import PropFirmRules, RuleViolation, check_order
from fks.signals import Side, Signal

ZERO = Decimal(0)


class PortfolioLimits(BaseModel):
    """Per-account limits; fractions are of the account's equity."""

    # defer_build: validators are built on first use, not at import: an API function's cold start
    # imports these models for one route and should not build every model of the module.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    max_gross_exposure: StrictDecimal = Field(
        default=Decimal("1.0"), gt=0, description="sum of |position value| / equity"
    )
    max_symbol_weight: StrictDecimal = Field(default=Decimal("0.5"), gt=0, le=1)
    max_open_positions: int = Field(default=10, ge=1)
    correlation_threshold: float = Field(default=0.8, gt=0, le=1)
    max_correlated_exposure: StrictDecimal = Field(
        default=Decimal("0.6"), gt=0, description="value of this and correlated same-direction positions / equity"
    )


@dataclass(frozen=True)
class Holding:
    symbol: str  # unified
    quantity: Decimal  # signed: negative is short
    price: Decimal

    @property
    def value(self) -> Decimal:
        return self.quantity * self.price


@dataclass(frozen=True)
class RiskContext:
    """Everything the check needs, read by the caller from storage and market data."""

    signal: Signal
    price: Decimal
    equity: Decimal
    holdings: tuple[Holding, ...]
    trading_state: TradingState = "active"
    strategy_weight: Decimal | None = None  # the strategy's allocation, if one is set
    strategy_exposure: Decimal = ZERO  # |value| of what the strategy holds now
    correlations: dict[str, float] = field(default_factory=dict)  # other symbol -> correlation with this one


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "passed": self.passed, "detail": self.detail}


def _signed(signal: Signal) -> Decimal:
    return signal.quantity if signal.side is Side.BUY else -signal.quantity


def _current(context: RiskContext) -> Decimal:
    return sum((h.quantity for h in context.holdings if h.symbol == context.signal.symbol), ZERO)


def reduces_position(context: RiskContext) -> bool:
    """True when the order only shrinks the open position (never flips it)."""
    current = _current(context)
    change = _signed(context.signal)
    return current != 0 and (current > 0) != (change > 0) and abs(change) <= abs(current)


def evaluate(context: RiskContext, limits: PortfolioLimits) -> list[Check]:
    """Every rule's verdict, passed or not, so the history shows what was checked."""
    checks = [_trading_state(context)]
    if reduces_position(context):
        checks.append(Check("reduces_position", True, "order only reduces the open position"))
        return checks
    if context.equity <= 0:
        return [*checks, Check("equity", False, f"account equity is {context.equity}: nothing to trade with")]
    new_value = (_current(context) + _signed(context.signal)) * context.price
    checks += [
        _gross_exposure(context, new_value, limits),
        _symbol_weight(context, new_value, limits),
        _open_positions(context, limits),
        _strategy_allocation(context),
        _correlated_exposure(context, new_value, limits),
    ]
    return checks


def decide(context: RiskContext, limits: PortfolioLimits) -> list[Check]:
    """The checks when all pass; ``RiskDenied`` naming the first failed rule otherwise."""
    return _verdict(evaluate(context, limits))


def decide_futures(
    trading_state: TradingState,
    account: str,
    *,
    rules: PropFirmRules | None = None,
    position: int = 0,
    delta: int = 0,
    now: datetime | None = None,
) -> list[Check]:
    """A futures signal before it is routed to the NinjaTrader bridge: the account's trading
    state (reconciliation halts an account whose positions disagree with the bridge's), then the
    prop firm's contract limit, trading hours and news blackouts. The daily loss and trailing
    drawdown need the account's live PnL, which the bridge holds and checks before it orders."""
    checks = [Check("trading_state", trading_state != "halted", f"account {account} is {trading_state}")]
    if rules is not None and checks[0].passed:
        try:
            check_order(rules, position=position, delta=delta, loss_today=ZERO, drawdown=ZERO, now=now or _utcnow())
            checks.append(Check("prop_firm", True, f"{rules.name}: {position} -> {position + delta} contracts"))
        except RuleViolation as violation:
            checks.append(Check(str(violation.details.get("rule", "prop_firm")), False, violation.message))
    return _verdict(checks)


def _utcnow() -> datetime:
    return datetime.now(tz=UTC)


def _verdict(checks: list[Check]) -> list[Check]:
    failed = [check for check in checks if not check.passed]
    if failed:
        first = failed[0]
        raise RiskDenied(
            f"{first.rule}: {first.detail}",
            details={"rule": first.rule, "checks": [check.as_dict() for check in checks]},
        )
    return checks


def _trading_state(context: RiskContext) -> Check:
    if context.trading_state == "halted":
        return Check("trading_state", False, "trading is halted for this account")
    if context.trading_state == "reducing" and not reduces_position(context):
        return Check("trading_state", False, "account is reducing: only position-reducing orders are allowed")
    return Check("trading_state", True, context.trading_state)


def _others(context: RiskContext) -> list[Holding]:
    return [h for h in context.holdings if h.symbol != context.signal.symbol and h.quantity != 0]


def _gross_exposure(context: RiskContext, new_value: Decimal, limits: PortfolioLimits) -> Check:
    gross = sum((abs(h.value) for h in _others(context)), ZERO) + abs(new_value)
    ratio = gross / context.equity
    detail = f"gross exposure {ratio:.4f}x equity after the order, limit {limits.max_gross_exposure}x"
    return Check("max_gross_exposure", ratio <= limits.max_gross_exposure, detail)


def _symbol_weight(context: RiskContext, new_value: Decimal, limits: PortfolioLimits) -> Check:
    weight = abs(new_value) / context.equity
    detail = f"{context.signal.symbol} would be {weight:.4f} of equity, limit {limits.max_symbol_weight}"
    return Check("max_symbol_weight", weight <= limits.max_symbol_weight, detail)


def _open_positions(context: RiskContext, limits: PortfolioLimits) -> Check:
    opens_new = _current(context) == 0
    count = len(_others(context)) + 1
    detail = f"{count} open positions after the order, limit {limits.max_open_positions}"
    return Check("max_open_positions", not opens_new or count <= limits.max_open_positions, detail)


def _strategy_allocation(context: RiskContext) -> Check:
    if context.strategy_weight is None:
        return Check("strategy_allocation", True, "no allocation set for this strategy")
    budget = context.strategy_weight * context.equity
    after = context.strategy_exposure + context.signal.quantity * context.price
    detail = f"strategy {context.signal.strategy_id} would hold {after:.2f} of its {budget:.2f} allocation"
    return Check("strategy_allocation", after <= budget, detail)


def _correlated_exposure(context: RiskContext, new_value: Decimal, limits: PortfolioLimits) -> Check:
    direction = 1 if new_value > 0 else -1
    correlated = [
        h
        for h in _others(context)
        if context.correlations.get(h.symbol, 0.0) >= limits.correlation_threshold and (h.value > 0) == (direction > 0)
    ]
    total = abs(new_value) + sum((abs(h.value) for h in correlated), ZERO)
    ratio = total / context.equity
    names = ", ".join(f"{h.symbol} (corr {context.correlations[h.symbol]:.2f})" for h in correlated) or "none"
    detail = (
        f"{ratio:.4f} of equity in positions moving with {context.signal.symbol} [correlated: {names}], "
        f"limit {limits.max_correlated_exposure}"
    )
    return Check("max_correlated_exposure", ratio <= limits.max_correlated_exposure, detail)
