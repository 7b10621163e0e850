"""Each firm's rule shape on open equity (realised plus unrealised at the mark): Topstep's maximum
loss trails the end-of-day balance high and is breached intraday, Apex's trails every open-equity
peak, FXIFY's daily loss counts from the previous day's close; each floor stops at its lock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from fks.prop_firm import PROFILES, DrawdownKind, EquityState, PropFirmRules, breached_rule

DAY1, DAY2, DAY3 = date(2025, 11, 18), date(2025, 11, 19), date(2025, 11, 20)
START = Decimal(50000)


def _path(*marks: tuple[date, str, str]) -> EquityState:
    """The state after marks of (trading day, balance, open equity) from a $50,000 start."""
    state = EquityState.opening(DAY1, START)
    for day, balance, open_equity in marks:
        state = state.marked(day, Decimal(balance), Decimal(open_equity))
    return state


def _breach(rules: PropFirmRules, state: EquityState) -> str | None:
    loss_today, drawdown = rules.measure(state)
    return breached_rule(rules, loss_today=loss_today, drawdown=drawdown)


def test_topstep_floor_trails_the_end_of_day_high_not_an_intraday_peak() -> None:
    topstep = PROFILES["topstep"]
    # Day 1: open profit reaches $1,500, the day closes $500 up.
    state = _path((DAY1, "50000", "51500"), (DAY1, "50500", "50500"), (DAY2, "50500", "50500"))

    assert topstep.floor(state) == Decimal(48500)  # 50,500 close - 2,000, not 51,500 - 2,000
    assert _breach(topstep, state.marked(DAY2, Decimal(50500), Decimal("48600"))) == "daily_loss_limit"


def test_topstep_maximum_loss_is_breached_intraday_by_an_open_loss() -> None:
    rules = PROFILES["topstep"].model_copy(update={"daily_loss_limit": None})
    closed_up = _path((DAY1, "50800", "50800"), (DAY2, "50800", "50800"))

    still_open = closed_up.marked(DAY2, Decimal(50800), Decimal("48801"))  # $1,999 open loss
    at_floor = closed_up.marked(DAY2, Decimal(50800), Decimal("48800"))  # nothing realised yet

    assert _breach(rules, still_open) is None
    assert _breach(rules, at_floor) == "trailing_max_drawdown"


def test_topstep_floor_stops_at_the_starting_balance() -> None:
    topstep = PROFILES["topstep"]
    state = _path((DAY1, "52600", "52600"), (DAY2, "52600", "52600"), (DAY2, "52600", "50001"))

    assert topstep.floor(state) == START
    assert _breach(topstep.model_copy(update={"daily_loss_limit": None}), state) is None
    assert _breach(topstep.model_copy(update={"daily_loss_limit": None}), state.marked(DAY2, START, START)) == (
        "trailing_max_drawdown"
    )


def test_apex_floor_trails_every_open_equity_peak_and_locks_100_above_the_start() -> None:
    apex = PROFILES["apex"]
    assert (apex.drawdown_kind, apex.daily_loss_limit, apex.automation_allowed) == (DrawdownKind.INTRADAY, None, False)
    # An open profit of $1,000 that is never realised still lifts the floor.
    peaked = _path((DAY1, "50000", "51000"), (DAY1, "50000", "48600"))

    assert apex.floor(peaked) == Decimal(48500)
    assert _breach(apex, peaked) is None
    assert _breach(apex, peaked.marked(DAY1, START, Decimal(48500))) == "trailing_max_drawdown"
    far_up = _path((DAY1, "50000", "53000"))
    assert apex.floor(far_up) == Decimal(50100)


def test_fxify_daily_loss_counts_from_the_previous_days_close() -> None:
    fxify = PROFILES["fxify"]
    state = _path((DAY1, "50800", "50800"), (DAY2, "50800", "50300"))

    assert state.loss_today == Decimal(500)
    assert _breach(fxify, state.marked(DAY2, Decimal(50300), Decimal("49800"))) == "daily_loss_limit"
    # A new day starts from the last close again.
    assert state.marked(DAY3, Decimal(50300), Decimal(50300)).loss_today == 0


def test_a_static_floor_never_moves() -> None:
    rules = PropFirmRules(
        name="static",
        max_contracts=1,
        trailing_max_drawdown=Decimal(2000),
        drawdown_kind=DrawdownKind.STATIC,
        starting_balance=START,
    )

    assert rules.floor(_path((DAY1, "55000", "55000"), (DAY2, "55000", "55000"))) == Decimal(48000)
    with pytest.raises(ValidationError, match="starting_balance"):
        PropFirmRules(
            name="static", max_contracts=1, trailing_max_drawdown=Decimal(2000), drawdown_kind=DrawdownKind.STATIC
        )
