from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from fks.market_data import PRICE_TYPE, ParseStatus, parse_decimals, parse_epoch_ms


def test_parse_decimals_when_floats_reads_each_as_its_shortest_decimal_text():
    parsed = parse_decimals([0.1, 0.2, 0.30000000000000004, 1.5e-7, 65000.12])

    assert parsed.values.to_pylist() == [
        Decimal("0.1"), Decimal("0.2"), Decimal("0.30000000000000004"), Decimal("0.00000015"),
        Decimal("65000.12"),
    ]  # fmt: skip
    assert parsed.status.tolist() == [ParseStatus.OK] * 5


def test_parse_decimals_when_text_keeps_every_digit():
    parsed = parse_decimals(["0.1", "123456789012345678.123456789012345678", " 42 ", "1.5E-7", "+3"])

    assert parsed.values.to_pylist() == [
        Decimal("0.1"), Decimal("123456789012345678.123456789012345678"), Decimal("42"),
        Decimal("0.00000015"), Decimal("3"),
    ]  # fmt: skip
    assert parsed.values.type == PRICE_TYPE


def test_parse_decimals_when_sum_of_0_1_and_0_2_is_exactly_0_3():
    parsed = parse_decimals([0.1, 0.2])

    assert sum(parsed.values.to_pylist()) == Decimal("0.3")


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (None, ParseStatus.MISSING),
        ("abc", ParseStatus.NOT_A_NUMBER),
        ("", ParseStatus.NOT_A_NUMBER),
        (".", ParseStatus.NOT_A_NUMBER),
        ("nan", ParseStatus.NOT_A_NUMBER),
        ("1e-19", ParseStatus.OUT_OF_RANGE),
        ("0.0000000000000000001", ParseStatus.OUT_OF_RANGE),
        ("100000000000000000000", ParseStatus.OUT_OF_RANGE),
        ("99999999999999999999.999999999999999999", ParseStatus.OK),
        ("10e-19", ParseStatus.OK),
        ("0e-400", ParseStatus.OK),
    ],
)
def test_parse_decimals_when_one_value_is_bad_marks_only_that_value(value, status):
    parsed = parse_decimals(["1.5", value, "2.5"])

    assert parsed.status.tolist() == [ParseStatus.OK, status, ParseStatus.OK]
    assert parsed.values[0].as_py() == Decimal("1.5")
    assert parsed.values[2].as_py() == Decimal("2.5")
    assert parsed.values[1].is_valid is (status == ParseStatus.OK)


def test_parse_decimals_when_float_nan_from_a_list_is_not_a_number():
    assert parse_decimals([float("nan"), float("inf")]).status.tolist() == [ParseStatus.NOT_A_NUMBER] * 2


def test_parse_decimals_when_pandas_nan_is_missing():
    assert parse_decimals(pd.Series([1.0, float("nan")])).status.tolist() == [
        ParseStatus.OK,
        ParseStatus.MISSING,
    ]


def test_parse_decimals_when_booleans_are_not_numbers():
    assert parse_decimals([True, None]).status.tolist() == [ParseStatus.NOT_A_NUMBER, ParseStatus.MISSING]


def test_parse_decimals_when_python_decimals_keeps_them():
    parsed = parse_decimals(pa.array([Decimal("0.1"), Decimal("7")]))

    assert parsed.values.to_pylist() == [Decimal("0.1"), Decimal("7")]


def test_parse_epoch_ms_accepts_integers_integral_floats_and_integer_text():
    parsed = parse_epoch_ms(pd.Series(["1704067200000", " 1704067260000", "1704067320000.0"]))

    assert parsed.values.tolist() == [1704067200000, 1704067260000, 1704067320000]
    assert parsed.ok.tolist() == [True, True, True]


def test_parse_epoch_ms_when_fractional_or_missing_marks_them_not_ok():
    parsed = parse_epoch_ms([1704067200000.0, 1704067200000.5, None, float("nan")])

    assert parsed.ok.tolist() == [True, False, False, False]
    assert parsed.values.tolist() == [1704067200000, 0, 0, 0]


def test_parse_epoch_ms_when_unsigned_beyond_int64_marks_it_not_ok():
    parsed = parse_epoch_ms(pa.array([2**64 - 1, 1704067200000], type=pa.uint64()))

    assert parsed.ok.tolist() == [False, True]
    assert parsed.values.tolist() == [0, 1704067200000]


def test_parse_epoch_ms_when_text_is_not_an_integer_marks_it_not_ok():
    assert parse_epoch_ms(["12:00", "1e12", "17"]).ok.tolist() == [False, False, True]


def expected_status_and_value(value):
    """What reading a float exactly means: the decimal of its repr, if decimal128(38, 18) holds it."""
    decimal = Decimal(repr(value))
    if not decimal.is_finite():
        return ParseStatus.NOT_A_NUMBER, None
    fits = decimal.is_zero() or (decimal.as_tuple().exponent >= -18 and decimal.adjusted() <= 19)
    return (ParseStatus.OK, decimal) if fits else (ParseStatus.OUT_OF_RANGE, None)


def test_parse_decimals_when_random_floats_matches_python_repr_or_says_out_of_range():
    rng = np.random.default_rng(7)
    places = 10.0 ** rng.integers(0, 9, 20_000)
    prices = np.round(rng.uniform(-100_000, 100_000, 20_000) * places) / places
    full_precision = rng.uniform(0, 1, 20_000) * 10.0 ** rng.integers(-12, 22, 20_000)
    any_bits = rng.integers(0, 2**63, 20_000, dtype=np.int64).view(np.float64)
    edges = [0.0, -0.0, 2.0**50, 2.0**50 - 1, 2.0**53 + 2, 1e-18, 1e-19, 1e19, 99999999999999999999.0, 1e20,
             0.30000000000000004, 123456789012345.67, float("nan"), float("inf"), -float("inf")]  # fmt: skip
    floats = np.concatenate([prices, full_precision, any_bits, edges]).tolist()
    expected = [expected_status_and_value(value) for value in floats]

    parsed = parse_decimals(floats)

    assert parsed.status.tolist() == [status for status, _ in expected]
    assert parsed.values.to_pylist() == [value for _, value in expected]
    assert parsed.status.tolist().count(ParseStatus.OK) > 30_000


def test_parse_decimals_when_floats_negative_keeps_the_sign():
    parsed = parse_decimals([-0.1, -65000.12, -1e-18])

    assert parsed.values.to_pylist() == [Decimal("-0.1"), Decimal("-65000.12"), Decimal("-1E-18")]
