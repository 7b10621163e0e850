from __future__ import annotations

import json
from decimal import Decimal

import pytest

from fks.errors import BadRequest
from fks.pipeline.correlation import return_correlation
from fks.pipeline.orders import client_order_id_for, exchange_symbol, order_for_signal
from fks.pipeline.outcomes import failure_reason
from fks.portfolio.book import Book, apply_fill
from fks.portfolio.rebalance import plan_rebalance
from fks.signals import parse_signal
from tests.stubs import SignalStubs
from tests.unit.execution.stubs import OrderStubs, engine

D = Decimal


def test_adding_moves_the_average_entry_and_reducing_realizes_pnl() -> None:
    book = apply_fill(Book(), D("1"), D("100"), D("0.1"))
    book = apply_fill(book, D("1"), D("110"), D("0.1"))
    assert book.avg_entry_price == D("105")

    book = apply_fill(book, D("-1.5"), D("120"), D("0.1"))

    assert book.quantity == D("0.5")
    assert book.avg_entry_price == D("105")
    assert book.realized_pnl == D("22.5")
    assert book.fees == D("0.3")


def test_crossing_zero_closes_and_opens_the_other_side_at_the_fill() -> None:
    book = apply_fill(apply_fill(Book(), D("1"), D("100")), D("-3"), D("90"))

    assert book.quantity == D("-2")
    assert book.avg_entry_price == D("90")
    assert book.realized_pnl == D("-10")


def test_short_profit_when_price_falls() -> None:
    book = apply_fill(apply_fill(Book(), D("-2"), D("50")), D("2"), D("40"))

    assert book == Book(D("0"), D("0"), D("20"), D("0"))


def test_rebalance_sells_before_buys_and_rounds_down_to_the_step() -> None:
    orders = plan_rebalance(
        D("100000"),
        {"BTC/USDT": D("1"), "ETH/USDT": D("0")},
        {"BTC/USDT": D("50000"), "ETH/USDT": D("3000")},
        {"BTC/USDT": D("0.2"), "ETH/USDT": D("0.3")},
        quantity_steps={"BTC/USDT": D("0.001"), "ETH/USDT": D("0.01")},
    )

    assert [(o.symbol, o.side, o.quantity) for o in orders] == [
        ("BTC/USDT", "sell", D("0.600")),
        ("ETH/USDT", "buy", D("10.000")),
    ]


def test_rebalance_skips_dust_and_refuses_weights_over_one_or_unpriced_symbols() -> None:
    assert plan_rebalance(D("1000"), {"BTC/USDT": D("0.01")}, {"BTC/USDT": D("50000")}, {"BTC/USDT": D("0.5")}) == []
    with pytest.raises(BadRequest, match="more than 1"):
        plan_rebalance(D("1000"), {}, {"A/B": D("1"), "C/D": D("1")}, {"A/B": D("0.6"), "C/D": D("0.6")})
    with pytest.raises(BadRequest, match="no recent price for C/D"):
        plan_rebalance(D("1000"), {}, {"A/B": D("1")}, {"A/B": D("0.5"), "C/D": D("0.1")})


def test_client_order_id_is_stable_and_within_binance_limits() -> None:
    assert client_order_id_for("sig-1") == client_order_id_for("sig-1") == "sig-sig-1"
    long_id = "x" * 80
    assert len(client_order_id_for(long_id)) == 36
    assert client_order_id_for(long_id) != client_order_id_for("y" * 80)


def test_signal_becomes_a_market_order_or_a_limit_order_with_its_price() -> None:
    market = order_for_signal(parse_signal(SignalStubs.market_buy()), "binance-spot")
    limit = order_for_signal(parse_signal(SignalStubs.market_buy(limit_price="49000")), "binance-spot")

    assert (market.type, market.symbol, market.price) == ("market", "BTCUSDT", None)
    assert (limit.type, limit.price) == ("limit", D("49000"))
    assert exchange_symbol("BTC/USDT:USDT") == "BTCUSDT"


def test_failure_reason_reads_lambda_errors_timeouts_and_plain_causes() -> None:
    lambda_cause = '{"errorType": "RiskDenied", "errorMessage": "max_symbol_weight: too big", "stackTrace": []}'
    assert failure_reason("RiskDenied", lambda_cause) == "RiskDenied: max_symbol_weight: too big"
    assert "approval window" in failure_reason("States.Timeout", None)
    assert failure_reason("SQS.AmazonSQSException", "queue gone") == "SQS.AmazonSQSException: queue gone"


def test_correlation_of_moving_together_apart_and_too_short() -> None:
    base = [D(100 + (i % 7) * 3 + i) for i in range(60)]
    scaled = [x * 2 for x in base]
    opposite = [D(400) - x for x in base]

    assert return_correlation(base, scaled) == pytest.approx(1.0)
    corr = return_correlation(base, opposite)
    assert corr is not None
    assert corr < -0.9
    assert return_correlation(base[:10], scaled[:10]) is None


def test_the_book_moves_as_the_engines_position_on_the_engines_own_fills() -> None:
    # Arrange: the paper engine fills a sequence that adds at another price (an average that does
    # not terminate), reduces, crosses zero and closes, charging 10 bps.
    eng, book = engine(fee_bps="10"), Book()
    orders = [("buy", "0.001", "42000"), ("buy", "0.002", "42001.01"), ("sell", "0.0025", "42100.5")]
    orders += [("sell", "0.003", "41950"), ("buy", "0.0025", "41900.33")]

    for step, (side, quantity, mark) in enumerate(orders):
        # Act
        command = OrderStubs.market_buy(f"o-{step}", side=side, quantity=quantity)
        report = json.loads(eng.submit(command, step + 1, mark))
        for fill in report["fills"]:
            signed = D(fill["quantity"]) if fill["side"] == "buy" else -D(fill["quantity"])
            book = apply_fill(book, signed, D(fill["price"]), D(fill["fee"]))

        # Assert: the same figures, to the last digit.
        position = report["position"]
        assert (book.quantity, book.avg_entry_price) == (D(position["quantity"]), D(position["avg_entry_price"]))
        assert (book.realized_pnl, book.fees) == (D(position["realized_pnl"]), D(position["fees"]))
    assert book.quantity == 0


def test_a_fill_of_no_quantity_only_pays_its_fee() -> None:
    assert apply_fill(Book(), D("0"), D("100"), D("0.5")) == Book(fees=D("0.5"))


def test_decimals_in_exponent_form_are_read_as_their_value() -> None:
    book = apply_fill(Book(fees=D("0E-8")), D("1E+1"), D("1.5E+2"), D("1E-2"))

    assert book == Book(D("10"), D("150"), D("0"), D("0.01"))
