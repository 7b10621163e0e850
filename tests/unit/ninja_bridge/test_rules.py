from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from fks.prop_firm import PROFILES, NewsBlackout, PropFirmRules, TradingHours, check_order
from fks_ninja.errors import RuleViolation

TOPSTEP = PROFILES["topstep"]
# 09:00 Chicago on a Tuesday.
OPEN = datetime(2025, 11, 18, 15, 0, tzinfo=UTC)


def _check(
    rules: PropFirmRules = TOPSTEP,
    *,
    position: int = 0,
    delta: int = 1,
    loss: str = "0",
    drawdown: str = "0",
    now: datetime = OPEN,
) -> None:
    check_order(rules, position=position, delta=delta, loss_today=Decimal(loss), drawdown=Decimal(drawdown), now=now)


def _rule_of(exc: pytest.ExceptionInfo[RuleViolation]) -> object:
    return exc.value.details["rule"]


def test_order_within_every_rule_passes() -> None:
    _check(position=2, delta=3)


def test_order_over_max_contracts_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        _check(position=4, delta=2)

    assert _rule_of(exc) == "max_contracts"


def test_order_after_daily_loss_limit_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        _check(loss="1000")

    assert _rule_of(exc) == "daily_loss_limit"


def test_order_after_trailing_drawdown_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        _check(drawdown="2000.01")

    assert _rule_of(exc) == "trailing_max_drawdown"


def test_order_after_the_1510_central_cutoff_is_refused() -> None:
    after_cutoff = datetime(2025, 11, 18, 21, 30, tzinfo=UTC)  # 15:30 Chicago

    with pytest.raises(RuleViolation) as exc:
        _check(now=after_cutoff)

    assert _rule_of(exc) == "trading_hours"


def test_session_opening_sunday_evening_allows_monday_after_midnight() -> None:
    hours = TradingHours(start=time(17), end=time(15, 10), weekdays=frozenset({6, 0, 1, 2, 3}))

    assert hours.allows(datetime(2025, 11, 17, 7, 0, tzinfo=UTC))  # Monday 01:00 Chicago
    assert not hours.allows(datetime(2025, 11, 22, 7, 0, tzinfo=UTC))  # Saturday 01:00 Chicago


def test_order_inside_a_news_blackout_is_refused() -> None:
    blackout = NewsBlackout(
        name="CPI", start=datetime(2025, 11, 18, 14, 55, tzinfo=UTC), end=datetime(2025, 11, 18, 15, 5, tzinfo=UTC)
    )
    rules = TOPSTEP.model_copy(update={"news_blackouts": (blackout,)})

    with pytest.raises(RuleViolation, match="CPI") as exc:
        _check(rules)

    assert _rule_of(exc) == "news_blackout"


def test_order_that_only_reduces_the_position_is_allowed_even_after_a_breach() -> None:
    after_cutoff = datetime(2025, 11, 18, 21, 30, tzinfo=UTC)

    _check(position=3, delta=-2, loss="5000", now=after_cutoff)


def test_order_that_flips_through_flat_is_checked_like_an_opening() -> None:
    with pytest.raises(RuleViolation):
        _check(position=1, delta=-2, loss="1000")


def test_evening_session_counts_toward_the_next_trading_day() -> None:
    hours = PROFILES["topstep"].trading_hours
    assert hours is not None

    sunday_evening = datetime(2025, 11, 16, 23, 30, tzinfo=UTC)  # 17:30 Chicago, Sunday
    monday_morning = datetime(2025, 11, 17, 15, 0, tzinfo=UTC)  # 09:00 Chicago, Monday

    assert hours.session_date(sunday_evening) == hours.session_date(monday_morning)
