"""Symbol filters and parameter checks: the -1013, -1100, -1102, -1106, -1111 family of rejections."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fks_exchange_sim import params
from fks_exchange_sim.errors import BinanceError
from fks_exchange_sim.markets import (
    DEFAULT_SYMBOLS,
    check_notional,
    check_price,
    check_quantity,
    symbol_info,
)
from fks_exchange_sim.order_params import parse_new_order

BTC = DEFAULT_SYMBOLS[0]
SPECS = {spec.symbol: spec for spec in DEFAULT_SYMBOLS}


def _error(call: object, *args: object, **kwargs: object) -> BinanceError:
    with pytest.raises(BinanceError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value


def test_symbol_info_publishes_filters_ccxt_reads_precision_from() -> None:
    # Act
    filters = {f["filterType"]: f for f in symbol_info(BTC)["filters"]}  # type: ignore[attr-defined]

    # Assert
    assert filters["PRICE_FILTER"]["tickSize"] == "0.01000000"
    assert filters["LOT_SIZE"]["stepSize"] == "0.00001000"
    assert filters["LOT_SIZE"]["minQty"] == "0.00001000"
    assert filters["NOTIONAL"]["minNotional"] == "5.00000000"


@pytest.mark.parametrize("price", ["0.001", "42000.005", "0", "1000000.01"])
def test_check_price_when_off_tick_or_out_of_range_fails_price_filter(price: str) -> None:
    assert _error(check_price, BTC, Decimal(price)).msg == "Filter failure: PRICE_FILTER"


def test_check_price_when_on_tick_passes() -> None:
    check_price(BTC, Decimal("42000.01"))


@pytest.mark.parametrize("qty", ["0.000015", "0.000001", "0", "9000.00001"])
def test_check_quantity_when_off_step_or_out_of_range_fails_lot_size(qty: str) -> None:
    error = _error(check_quantity, BTC, Decimal(qty), market=False)
    assert (error.code, error.msg) == (-1013, "Filter failure: LOT_SIZE")


def test_check_quantity_when_market_order_above_market_max_fails_market_lot_size() -> None:
    assert _error(check_quantity, BTC, Decimal("101"), market=True).msg == "Filter failure: MARKET_LOT_SIZE"


def test_check_notional_when_below_minimum_fails_notional() -> None:
    assert _error(check_notional, BTC, Decimal("4.99"), market=True).msg == "Filter failure: NOTIONAL"


def test_check_notional_when_above_maximum_binds_limit_orders_only() -> None:
    check_notional(BTC, Decimal("9000001"), market=True)
    assert _error(check_notional, BTC, Decimal("9000001"), market=False).msg == "Filter failure: NOTIONAL"


@pytest.mark.parametrize(("raw", "code"), [("1e-3", -1100), ("-1", -1100), ("1.", -1100), ("0.000000001", -1111)])
def test_decimal_param_when_malformed_or_too_precise_is_rejected(raw: str, code: int) -> None:
    assert _error(params.decimal, {"quantity": raw}, "quantity").code == code


def test_decimal_param_when_trailing_zeros_beyond_eight_decimals_is_accepted() -> None:
    assert params.decimal({"quantity": "0.0100000000"}, "quantity") == Decimal("0.01")


def test_parse_when_parameter_sent_twice_is_duplicate() -> None:
    assert _error(params.parse, "symbol=BTCUSDT", "symbol=ETHUSDT").code == -1101


def test_check_all_read_when_unknown_parameter_sent_reports_counts() -> None:
    error = _error(params.check_all_read, {"symbol": "X", "bogus": "1"}, {"symbol"})
    assert (error.code, error.msg) == (
        -1104,
        "Not all sent parameters were read; read '1' parameter(s) but was sent '2'.",
    )


def _order(**values: str) -> dict[str, str]:
    return {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "quantity": "0.01",
        "price": "30000",
        **values,
    }


def test_parse_new_order_when_limit_complete_defaults_to_full_response() -> None:
    # Act
    order = parse_new_order(_order(), SPECS)

    # Assert
    assert (order.type, order.price, order.quantity, order.resp_type) == (
        "LIMIT",
        Decimal(30000),
        Decimal("0.01"),
        "FULL",
    )


@pytest.mark.parametrize(
    ("values", "code", "fragment"),
    [
        ({"symbol": "DOGEUSDT"}, -1121, "Invalid symbol."),
        ({"side": "HOLD"}, -1117, "Invalid side."),
        ({"type": "TRAILING"}, -1116, "Invalid orderType."),
        ({"timeInForce": "GTD"}, -1115, "Invalid timeInForce."),
        ({"timeInForce": ""}, -1102, "'timeInForce'"),
        ({"type": "MARKET"}, -1106, "'timeInForce' sent when not required"),
        ({"type": "LIMIT_MAKER", "timeInForce": "GTC"}, -1106, "'timeInForce'"),
        ({"type": "STOP_LOSS_LIMIT"}, -1102, "'stopPrice'"),
        ({"newClientOrderId": "has space"}, -1100, "newClientOrderId"),
    ],
)
def test_parse_new_order_when_invalid_names_the_binance_error(values: dict[str, str], code: int, fragment: str) -> None:
    error = _error(parse_new_order, _order(**values), SPECS)
    assert error.code == code
    assert fragment in error.msg


def test_parse_new_order_when_market_has_neither_quantity_nor_quote_is_rejected() -> None:
    values = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET"}
    assert _error(parse_new_order, values, SPECS).code == -1102


def test_parse_new_order_when_market_by_quote_amount_keeps_quote() -> None:
    order = parse_new_order({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "100"}, SPECS)
    assert (order.quantity, order.quote_qty) == (None, Decimal(100))
