"""Prop-firm account rules: the profiles and the checks a signal must pass.

Shared by the signal pipeline's risk check (before a futures signal is routed) and the
NinjaTrader bridge (before it writes the order, with the account's live figures).

Firms measure open equity: realised P&L plus the unrealised P&L of open positions at the mark.
The daily loss is counted from the balance the trading day opened with; the maximum loss (trailing
drawdown) hangs a floor under a high that each firm defines differently (``DrawdownKind``):
Topstep's trails the highest end-of-day balance but is enforced intraday on open equity, Apex's
trails every open-equity peak. ``EquityState`` keeps those highs as marks arrive.

Profile numbers are the 50K accounts' as the firms published them when checked (each cites its
source); firms change them, so every field can be overridden per account in the bridge config.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
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

    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str = "news"
    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> NewsBlackout:
        if self.end <= self.start:
            raise ValueError("blackout end must be after its start")
        return self


class DrawdownKind(StrEnum):
    """What the maximum loss's floor trails."""

    END_OF_DAY = "end_of_day"  # the highest end-of-day balance (Topstep); breached intraday on open equity
    INTRADAY = "intraday"  # the highest open equity ever marked, unrealised peaks included (Apex)
    STATIC = "static"  # the starting balance: the floor never moves


class PropFirmRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    max_contracts: int = Field(gt=0)
    daily_loss_limit: Money | None = None
    trailing_max_drawdown: Money | None = None
    drawdown_kind: DrawdownKind = DrawdownKind.END_OF_DAY
    # The account's starting balance: the floor stops trailing at it plus drawdown_lock_offset
    # (Topstep: at the starting balance; Apex: $100 above it). None: the floor trails for ever.
    starting_balance: Money | None = None
    drawdown_lock_offset: StrictDecimal = Field(default=Decimal(0), ge=0, max_digits=20)
    # Some firms forbid fully automated trading: such an account is traded by hand (manual mode).
    automation_allowed: bool = True
    trading_hours: TradingHours | None = None
    news_blackouts: tuple[NewsBlackout, ...] = ()

    @model_validator(mode="after")
    def _static_needs_a_start(self) -> PropFirmRules:
        if self.drawdown_kind is DrawdownKind.STATIC and self.trailing_max_drawdown and self.starting_balance is None:
            raise ValueError("a static drawdown needs starting_balance (its floor is starting_balance - the limit)")
        return self

    def floor(self, equity: EquityState) -> Decimal | None:
        """The open equity at or below which the maximum loss is breached; None without that rule."""
        if self.trailing_max_drawdown is None:
            return None
        high = {
            DrawdownKind.END_OF_DAY: equity.end_of_day_high,
            DrawdownKind.INTRADAY: equity.open_high,
            DrawdownKind.STATIC: self.starting_balance or equity.end_of_day_high,
        }[self.drawdown_kind]
        floor = high - self.trailing_max_drawdown
        if self.starting_balance is not None:
            floor = min(floor, self.starting_balance + self.drawdown_lock_offset)
        return floor

    def measure(self, equity: EquityState) -> tuple[Decimal, Decimal]:
        """``(loss_today, drawdown)`` on open equity, in the terms ``check_order`` takes: the
        drawdown reaches ``trailing_max_drawdown`` exactly when open equity reaches the floor."""
        floor = self.floor(equity)
        drawdown = (
            Decimal(0)
            if floor is None or self.trailing_max_drawdown is None
            else (floor + self.trailing_max_drawdown - equity.open_equity)
        )
        return equity.loss_today, max(Decimal(0), drawdown)


@dataclass(frozen=True)
class EquityState:
    """An account's money through its trading days, from marks of its realised balance and open
    equity (balance plus unrealised P&L at the mark). A new trading day starts from the last open
    equity marked: the previous day's close, which is what the firms' daily loss counts from."""

    trading_day: date
    day_start: Decimal  # open equity when the trading day began
    end_of_day_high: Decimal  # highest open equity at a day's end (the start counts as one)
    open_high: Decimal  # highest open equity ever marked
    balance: Decimal
    open_equity: Decimal

    @classmethod
    def opening(cls, trading_day: date, balance: Decimal, open_equity: Decimal | None = None) -> EquityState:
        equity = balance if open_equity is None else open_equity
        return cls(trading_day, equity, equity, equity, balance, equity)

    @property
    def loss_today(self) -> Decimal:
        return max(Decimal(0), self.day_start - self.open_equity)

    def marked(self, trading_day: date, balance: Decimal, open_equity: Decimal) -> EquityState:
        """The state after a mark; the first mark of a later trading day closes the previous one."""
        state = self if trading_day <= self.trading_day else self._next_day(trading_day)
        return replace(state, balance=balance, open_equity=open_equity, open_high=max(state.open_high, open_equity))

    def _next_day(self, trading_day: date) -> EquityState:
        close = self.open_equity
        return replace(self, trading_day=trading_day, day_start=close, end_of_day_high=max(self.end_of_day_high, close))


_CME_SESSION = TradingHours(start=time(17, 0), end=time(15, 10), weekdays=frozenset({6, 0, 1, 2, 3}))
# Apex: flat by 4:59 PM Eastern, i.e. 15:59 Central.
_APEX_SESSION = TradingHours(start=time(17, 0), end=time(15, 59), weekdays=frozenset({6, 0, 1, 2, 3}))

PROFILES: dict[str, PropFirmRules] = {
    # Topstep 50K Trading Combine, checked 2026-12-04. Maximum Loss Limit $2,000 below the
    # end-of-day account balance high, set between trading days, enforced intraday (the account is
    # liquidated when its balance falls below it), and it stops at the starting balance: Topstep
    # Help Center, "What is the Maximum Loss Limit?". Daily Loss Limit $1,000 and 5 contracts:
    # third-party summaries of the Combine (tradingfunder.com); Topstep has made the Daily Loss
    # Limit optional on some plans, so check the plan bought. Flat by 15:10 Central.
    "topstep": PropFirmRules(
        name="topstep",
        max_contracts=5,
        daily_loss_limit=Decimal(1000),
        trailing_max_drawdown=Decimal(2000),
        drawdown_kind=DrawdownKind.END_OF_DAY,
        starting_balance=Decimal(50000),
        trading_hours=_CME_SESSION,
    ),
    # Apex Trader Funding 50K evaluation, checked 2026-12-04. Trailing threshold $2,500 that trails
    # the highest open equity in real time (unrealised peaks included) and stops trailing at the
    # starting balance + $100; no daily loss limit; flat by 4:59 PM Eastern. Sources: Apex's help
    # centre ("initial drawdown plus $100" in its scaling rules) and third-party summaries
    # (fundedwiki.com, simply-futures.com) for the numbers. PLACEHOLDER: max_contracts 10 is the
    # summaries' figure (5 until the threshold stops trailing on PA accounts): check the plan.
    # Apex forbids fully automated trading, so an Apex account runs in manual mode (the signal relay).
    "apex": PropFirmRules(
        name="apex",
        max_contracts=10,
        trailing_max_drawdown=Decimal(2500),
        drawdown_kind=DrawdownKind.INTRADAY,
        starting_balance=Decimal(50000),
        drawdown_lock_offset=Decimal(100),
        automation_allowed=False,
        trading_hours=_APEX_SESSION,
    ),
    # FXIFY Futures 50K Starter, checked 2026-12-04: maximum loss 4% of the starting balance
    # ($2,000) and daily loss limit 2% ($1,000), FXIFY Futures help centre, "Funded Account
    # Parameters"; the daily loss counts from the previous day's end-of-day balance (FXIFY's FAQ,
    # "How do you calculate the Daily Loss Limit?", written for its forex accounts). PLACEHOLDERS:
    # that daily-loss basis for futures, the maximum loss trailing the end-of-day balance and
    # locking at the start like its peers', and 5 contracts.
    "fxify": PropFirmRules(
        name="fxify",
        max_contracts=5,
        daily_loss_limit=Decimal(1000),
        trailing_max_drawdown=Decimal(2000),
        drawdown_kind=DrawdownKind.END_OF_DAY,
        starting_balance=Decimal(50000),
        trading_hours=_CME_SESSION,
    ),
}


def check_order(
    rules: PropFirmRules, *, position: int, delta: int, loss_today: Decimal, drawdown: Decimal, now: datetime
) -> None:
    """Raise ``RuleViolation`` naming the first rule the order would break.

    An order that only shrinks the position is always allowed: refusing it would keep risk on.
    """
    if reduces_only(position, delta):
        return
    after = position + delta
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


def reduces_only(position: int, delta: int) -> bool:
    """True when the order only shrinks the position (or closes it), never grows or flips it."""
    after = position + delta
    return abs(after) <= abs(position) and (after == 0 or (after > 0) == (position > 0))


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

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)  # the bridge's file has more keys

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
