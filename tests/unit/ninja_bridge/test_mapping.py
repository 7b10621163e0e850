from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fks.errors import BadRequest
from fks_ninja.errors import UnknownAccount, UnknownInstrument
from fks_ninja.mapping import map_signal
from fks_ninja.oif import Action, OrderType
from tests.unit.ninja_bridge.stubs import ConfigStubs, SignalStubs

TODAY = date(2025, 11, 18)


def test_buy_signal_maps_to_the_accounts_nt8_name_and_front_contract(tmp_path: Path) -> None:
    intent = map_signal(SignalStubs.futures(symbol="ES 09-25"), ConfigStubs.bridge(tmp_path), TODAY)

    assert (intent.nt8_account, intent.instrument, intent.action) == ("TS50K-001", "ES 12-25", Action.BUY)
    assert intent.instrument_with_exchange == "ES 12-25 Globex"
    assert (intent.contracts, intent.order_type, intent.point_value) == (1, OrderType.MARKET, Decimal(50))


def test_limit_price_makes_a_limit_order(tmp_path: Path) -> None:
    signal = SignalStubs.futures(side="sell", limit_price="5010.25")

    intent = map_signal(signal, ConfigStubs.bridge(tmp_path), TODAY)

    assert (intent.action, intent.order_type, intent.limit_price) == (Action.SELL, OrderType.LIMIT, Decimal("5010.25"))


def test_nt8_root_renames_the_contract(tmp_path: Path) -> None:
    config = ConfigStubs.bridge(tmp_path, instruments={"ES": {"point_value": "5", "nt8_root": "MES"}})

    assert map_signal(SignalStubs.futures(), config, TODAY).instrument == "MES 12-25"


def test_unknown_account_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownAccount, match="ghost"):
        map_signal(SignalStubs.futures(account="ghost"), ConfigStubs.bridge(tmp_path), TODAY)


def test_unknown_instrument_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownInstrument, match="CL"):
        map_signal(SignalStubs.futures(symbol="CL 12-25"), ConfigStubs.bridge(tmp_path), TODAY)


def test_fractional_contracts_are_refused_not_rounded(tmp_path: Path) -> None:
    with pytest.raises(BadRequest, match="whole number"):
        map_signal(SignalStubs.futures(quantity="1.5"), ConfigStubs.bridge(tmp_path), TODAY)


def test_spot_signal_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadRequest, match="futures only"):
        map_signal(SignalStubs.futures(asset_class="spot"), ConfigStubs.bridge(tmp_path), TODAY)
