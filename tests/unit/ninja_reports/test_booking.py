"""A fill booked on its NT8 order and position: replays ignored, partial fills, order states."""

from __future__ import annotations

import pytest

from fks.ninja.booking import book_fill
from fks.ninja.contracts import UnknownContract, contract_of, point_value
from fks.ninja.orders import NinjaOrder
from fks.ninja.positions import FuturesPosition
from tests.unit.ninja_reports.stubs import ReportStubs, d

ORDER_ID = "fks0123456789-sig-es-1"


def _new_order() -> NinjaOrder:
    return NinjaOrder(ORDER_ID, "sig-es-1", created_ms=1, ts_ms=1)


def test_the_same_fill_applied_twice_is_booked_once() -> None:
    fill = ReportStubs.fill(quantity=2, cumulative_filled=2)
    first = book_fill(_new_order(), FuturesPosition(), fill, 10)
    assert first is not None

    again = book_fill(first.order, first.position, fill, 11)

    assert again is None
    assert first.position.quantity == 2


def test_partial_fills_book_each_difference_and_the_order_average() -> None:
    order, position = _new_order(), FuturesPosition()
    for quantity, price, cumulative in ((1, "5000", 1), (2, "5001", 3)):
        fill = ReportStubs.fill(quantity=quantity, price=price, cumulative_filled=cumulative)
        booking = book_fill(order, position, fill, 10)
        assert booking is not None
        order, position = booking.order, booking.position

    assert (position.quantity, order.filled_qty, order.booked_qty) == (3, 3, 3)
    assert order.avg_fill_price == d("15002") / 3
    assert [f.cumulative_filled for f in order.fills] == [1, 3]


def test_an_older_fill_arriving_after_a_newer_one_is_ignored() -> None:
    newer = book_fill(_new_order(), FuturesPosition(), ReportStubs.fill(quantity=2, cumulative_filled=2), 10)
    assert newer is not None

    assert book_fill(newer.order, newer.position, ReportStubs.fill(quantity=1, cumulative_filled=1), 11) is None


def test_a_fill_after_a_lost_one_is_booked_and_names_the_missing_contracts() -> None:
    booking = book_fill(_new_order(), FuturesPosition(), ReportStubs.fill(quantity=1, cumulative_filled=3), 10)

    assert booking is not None
    assert (booking.missing_contracts, booking.position.quantity) == (2, 1)


def test_a_sell_fill_moves_the_position_short() -> None:
    booking = book_fill(
        _new_order(), FuturesPosition(), ReportStubs.fill(action="SELL", quantity=2, cumulative_filled=2), 1
    )

    assert booking is not None
    assert (booking.position.quantity, booking.order.side) == (-2, "sell")


def test_a_contract_without_a_point_value_is_refused_before_anything_moves() -> None:
    with pytest.raises(UnknownContract, match="no point value for 'ZZ'"):
        book_fill(_new_order(), FuturesPosition(), ReportStubs.fill(instrument="ZZ 12-25"), 1)


def test_fill_and_position_file_names_land_on_one_contract() -> None:
    assert contract_of("ES 12-25 Globex") == contract_of("ES 12-25") == "ES 12-25"
    assert point_value("MNQ 03-26") == 2


def test_order_states_map_to_the_engine_vocabulary_and_a_final_state_stays_final() -> None:
    order = _new_order().with_state(ReportStubs.state(state="WORKING"), 2)
    assert order is not None
    assert order.status == "accepted"
    filled = order.with_state(ReportStubs.state(state="FILLED", filled=1, average_fill_price="5000.25"), 3)
    assert filled is not None

    late = filled.with_state(ReportStubs.state(state="CANCELLED", filled=1), 4)

    assert (filled.status, filled.nt8_state, late) == ("filled", "FILLED", None)
    assert filled.report()["quantity"] == "1"
    assert filled.report()["leaves_qty"] == "0"


def test_an_older_state_snapshot_and_an_unchanged_one_are_ignored() -> None:
    order = _new_order().with_state(ReportStubs.state(state="PARTFILLED", filled=2, average_fill_price="1"), 2)
    assert order is not None

    assert order.with_state(ReportStubs.state(state="WORKING", filled=1), 3) is None
    assert order.with_state(ReportStubs.state(state="PARTFILLED", filled=2, average_fill_price="1"), 3) is None


def test_unknown_state_keeps_the_status_but_records_what_nt8_said() -> None:
    order = _new_order().with_state(ReportStubs.state(state="ACCEPTED"), 2)
    assert order is not None

    unknown = order.with_state(ReportStubs.state(state="UNKNOWN"), 3)

    assert unknown is not None
    assert (unknown.status, unknown.nt8_state) == ("accepted", "UNKNOWN")


def test_the_stored_report_reads_back_as_the_same_order() -> None:
    booking = book_fill(_new_order(), FuturesPosition(), ReportStubs.fill(quantity=1, cumulative_filled=1), 10)
    assert booking is not None

    assert NinjaOrder.from_report(booking.order.report()) == booking.order
