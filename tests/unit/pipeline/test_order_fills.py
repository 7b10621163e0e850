"""What of an order the portfolio still has to book, once fills came from several places."""

from __future__ import annotations

from decimal import Decimal as D

from fks.pipeline.reconciliation import book_mismatches
from fks.portfolio.order_fills import BookedSoFar, unbooked_rest


def test_order_with_nothing_booked_is_booked_whole_at_its_average() -> None:
    rest = unbooked_rest(D("0.002"), D("41000"), D("0.08"), BookedSoFar())

    assert rest is not None
    assert (rest.quantity, rest.price, rest.fee) == (D("0.002"), D("41000"), D("0.08"))
    assert rest.key == "upto-0.002"


def test_rest_is_priced_so_the_orders_totals_match_the_engine() -> None:
    # 1 booked at 100 by its trade; the order filled 3 at an average of 110: the other 2 came at 115.
    booked = BookedSoFar(quantity=D(1), notional=D(100), fees=D("0.1"))

    rest = unbooked_rest(D(3), D(110), D("0.3"), booked)

    assert rest is not None
    assert (rest.quantity, rest.price, rest.fee) == (D(2), D(115), D("0.2"))
    assert booked.notional + rest.quantity * rest.price == D(3) * D(110)


def test_order_booked_in_full_has_no_rest() -> None:
    assert unbooked_rest(D(3), D(110), D("0.3"), BookedSoFar(D(3), D(330), D("0.3"))) is None


def test_stale_report_below_what_is_booked_has_no_rest() -> None:
    assert unbooked_rest(D(1), D(100), D("0.1"), BookedSoFar(D(3), D(330), D("0.3"))) is None


def test_order_without_a_fill_price_has_no_rest() -> None:
    assert unbooked_rest(D(0), None, D(0), BookedSoFar()) is None


def test_rest_key_names_the_filled_quantity_plainly() -> None:
    rest = unbooked_rest(D("100.00"), D(1), D(0), BookedSoFar())

    assert rest is not None
    assert rest.key == "upto-100"


def test_paper_book_that_matches_the_engine_has_no_mismatch() -> None:
    assert book_mismatches("paper", {"BTC/USDT": D("0.003")}, {"BTC/USDT": D("0.003")}) == []


def test_paper_book_off_by_a_fill_is_a_mismatch_naming_both_sides() -> None:
    found = book_mismatches("paper", {"BTC/USDT": D("0.003")}, {"BTC/USDT": D("0.002"), "ETH/USDT": D(1)})

    assert [(m.asset, m.engine, m.venue) for m in found] == [
        ("BTC/USDT", D("0.003"), D("0.002")),
        ("ETH/USDT", D(0), D(1)),
    ]
    assert "portfolio books 0.002" in found[0].describe()
