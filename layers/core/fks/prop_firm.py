"""Prop-firm account rules: the profiles and the checks a signal must pass.

Shared by the signal pipeline's risk check (before a futures signal is routed) and the
NinjaTrader bridge (before it writes the order, with the account's live figures).

Profile numbers are the published ones for a 50K evaluation at the time of writing; firms change
them, so every field can be overridden per account in the bridge config.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from fks.decimals import PositiveDecimal, StrictDecimal
from fks.errors import RiskDenied


class RuleViolation(RiskDenied):
    """A prop-firm rule refuses the signal; ``details['rule']`` names the rule."""


Money = Annotated[StrictDecimal, Field(gt=0, max_digits=20)]


class TradingHours(BaseModel):
    """Allowed entry window in the exchange's time zone; ``start > end`` crosses midnight
    (CME Globex futures open 17:00 Chicago and trade into the next day)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str = "America/Chicago"
    start: time
    end: time
    weekdays: frozenset[int] = frozenset(range(7))  # Monday=0; the session's opening day

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    def session_date(self, now: datetime) -> date:
        """The trading day ``now`` belongs to: an evening session that opens before midnight counts
        toward the next day, as the exchange and the firms' daily loss limits count it."""
        local = now.astimezone(ZoneInfo(self.timezone))
        if self.start > self.end and local.time() >= self.start:
            return local.date() + timedelta(days=1)
        return local.date()

    def allows(self, now: datetime) -> bool:
        local = now.astimezone(ZoneInfo(self.timezone))
        clock = local.time()
        if self.start <= self.end:
            return local.weekday() in self.weekdays and self.start <= clock < self.end
        if clock >= self.start:
            return local.weekday() in self.weekdays
        # After midnight the session belongs to the day it opened.
        return clock < self.end and (local.weekday() - 1) % 7 in self.weekdays


class NewsBlackout(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "news"
    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> NewsBlackout:
        if self.end <= self.start:
            raise ValueError("blackout end must be after its start")
        return self


class PropFirmRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    max_contracts: int = Field(gt=0)
    daily_loss_limit: Money | None = None
    trailing_max_drawdown: Money | None = None
    trading_hours: TradingHours | None = None
    news_blackouts: tuple[NewsBlackout, ...] = ()


_CME_SESSION = TradingHours(start=time(17, 0), end=time(15, 10), weekdays=frozenset({6, 0, 1, 2, 3}))

PROFILES: dict[str, PropFirmRules] = {
    # Topstep 50K Trading Combine: 5 contracts, $1,000 daily loss, $2,000 trailing max loss,
    # flat by 15:10 Central.
    "topstep": PropFirmRules(
        name="topstep",
        max_contracts=5,
        daily_loss_limit=Decimal(1000),
        trailing_max_drawdown=Decimal(2000),
        trading_hours=_CME_SESSION,
    ),
    # FXIFY futures 50K evaluation; verify against the plan bought before trading live.
    "fxify": PropFirmRules(
        name="fxify",
        max_contracts=5,
        daily_loss_limit=Decimal(1250),
        trailing_max_drawdown=Decimal(2500),
        trading_hours=_CME_SESSION,
    ),
}


def check_order(
    rules: PropFirmRules, *, position: int, delta: int, loss_today: Decimal, drawdown: Decimal, now: datetime
) -> None:
    """Raise ``RuleViolation`` naming the first rule the order would break.

    An order that only shrinks the position is always allowed: refusing it would keep risk on.
    """
    after = position + delta
    if abs(after) <= abs(position) and (after == 0 or (after > 0) == (position > 0)):
        return
    if abs(after) > rules.max_contracts:
        _refuse("max_contracts", f"position would be {abs(after)} contracts, limit {rules.max_contracts}")
    breach = breached_rule(rules, loss_today=loss_today, drawdown=drawdown)
    if breach is not None:
        _refuse(breach, f"account has hit its {breach.replace('_', ' ')}")
    if rules.trading_hours is not None and not rules.trading_hours.allows(now):
        _refuse("trading_hours", f"{now.isoformat()} is outside the allowed trading hours")
    for blackout in rules.news_blackouts:
        if blackout.start <= now < blackout.end:
            _refuse("news_blackout", f"inside news blackout {blackout.name!r} until {blackout.end.isoformat()}")


def breached_rule(rules: PropFirmRules, *, loss_today: Decimal, drawdown: Decimal) -> str | None:
    if rules.daily_loss_limit is not None and loss_today >= rules.daily_loss_limit:
        return "daily_loss_limit"
    if rules.trailing_max_drawdown is not None and drawdown >= rules.trailing_max_drawdown:
        return "trailing_max_drawdown"
    return None


def _refuse(rule: str, reason: str) -> None:
    raise RuleViolation(f"{rule}: {reason}", details={"rule": rule})


def resolve_rules(profile: str, overrides: dict[str, object]) -> PropFirmRules:
    """A named profile's rules with the account's overrides; ``custom`` starts from nothing."""
    if profile == "custom":
        return PropFirmRules.model_validate({"name": "custom", **overrides})
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; use one of {sorted(PROFILES)} or 'custom'")
    return PropFirmRules.model_validate({**PROFILES[profile].model_dump(), **overrides})


class PropFirmAccount(BaseModel):
    """A futures account as the platform knows it (the bridge's config holds the same fields)."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # the bridge's file has more keys

    nt8_account: str = Field(min_length=1)
    profile: str = "custom"
    rules: dict[str, object] = Field(default_factory=dict)
    contracts_per_unit: PositiveDecimal = Decimal(1)

    @model_validator(mode="after")
    def _rules_resolve(self) -> PropFirmAccount:
        self.effective_rules()
        return self

    def effective_rules(self) -> PropFirmRules:
        return resolve_rules(self.profile, self.rules)
