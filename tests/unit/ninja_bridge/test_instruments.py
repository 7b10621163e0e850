from __future__ import annotations

from datetime import date

import pytest

from fks_ninja.instruments import Contract, front_contract, parse_contract, resolve_contract, third_friday


def test_third_friday_of_december_2025_is_the_19th() -> None:
    assert third_friday(2025, 12) == date(2025, 12, 19)


def test_front_contract_before_the_roll_date_is_the_expiring_one() -> None:
    assert front_contract("ES", date(2025, 12, 10)).nt8_name == "ES 12-25"


def test_front_contract_on_the_roll_date_is_the_next_quarter() -> None:
    contract = front_contract("ES", date(2025, 12, 11))

    assert contract.nt8_name == "ES 03-26"
    assert contract.month_code == "H"


def test_roll_days_are_configurable() -> None:
    assert front_contract("ES", date(2025, 12, 10), roll_days=10).nt8_name == "ES 03-26"


def test_signal_naming_a_rolled_contract_trades_the_front_month() -> None:
    assert resolve_contract("ES 09-25", date(2025, 11, 18)) == Contract("ES", 2025, 12)


def test_signal_naming_a_later_contract_keeps_it() -> None:
    assert resolve_contract("ES 06-26", date(2025, 11, 18)).nt8_name == "ES 06-26"


def test_non_quarterly_month_is_refused() -> None:
    with pytest.raises(ValueError, match="not a quarterly"):
        parse_contract("ES 11-25")
