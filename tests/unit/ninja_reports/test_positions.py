"""Futures position arithmetic: signed contracts, exact average entry, realised P&L in dollars."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fks.ninja.positions import FuturesPosition
from tests.unit.ninja_reports.stubs import d

ES = Decimal(50)


def test_opening_fill_sets_quantity_and_entry_without_realising() -> None:
    position = FuturesPosition().apply_fill(2, d("5000.25"), ES)

    assert (position.quantity, position.avg_entry_price, position.realized_pnl) == (2, d("5000.25"), d("0"))
    assert position.side == "long"


def test_adding_to_a_position_averages_the_entry_exactly() -> None:
    position = FuturesPosition().apply_fill(1, d("5000"), ES).apply_fill(2, d("5001"), ES)

    assert position.quantity == 3
    assert position.avg_entry_price == Decimal("15002") / 3  # not rounded to the tick


def test_partial_close_realises_points_times_point_value_and_keeps_the_entry() -> None:
    position = FuturesPosition().apply_fill(3, d("5000"), ES).apply_fill(-1, d("5002.50"), ES)

    assert (position.quantity, position.avg_entry_price, position.realized_pnl) == (2, d("5000"), d("125.00"))
    assert isinstance(position.realized_pnl, Decimal)


def test_short_closed_higher_realises_a_loss() -> None:
    position = FuturesPosition().apply_fill(-2, d("18000"), Decimal(20)).apply_fill(2, d("18010.25"), Decimal(20))

    assert (position.quantity, position.avg_entry_price, position.realized_pnl) == (0, d("0"), d("-410.00"))
    assert position.side == "flat"


def test_reversal_through_zero_realises_the_closed_part_and_opens_the_rest_at_the_fill_price() -> None:
    position = FuturesPosition().apply_fill(2, d("5000"), ES).apply_fill(-5, d("4990.75"), ES)

    assert position.quantity == -3
    assert position.side == "short"
    assert position.avg_entry_price == d("4990.75")
    assert position.realized_pnl == d("-925.00")  # 2 contracts x -9.25 points x $50


def test_realised_pnl_accumulates_across_round_trips_in_decimal() -> None:
    micro = Decimal("0.5")  # MYM: fractional point value, no float anywhere
    position = FuturesPosition()
    for entry, exit_ in (("44000", "44003"), ("44010", "44007")):
        position = position.apply_fill(1, d(entry), micro).apply_fill(-1, d(exit_), micro)

    assert position.realized_pnl == d("0.0")
    assert position.quantity == 0


def test_fees_add_up_apart_from_realised_pnl() -> None:
    position = FuturesPosition().apply_fill(1, d("5000"), ES, fee=d("2.10")).apply_fill(-1, d("5001"), ES, d("2.10"))

    assert (position.realized_pnl, position.fees) == (d("50"), d("4.20"))


def test_a_fill_of_zero_contracts_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one contract"):
        FuturesPosition().apply_fill(0, d("5000"), ES)
