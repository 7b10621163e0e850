from __future__ import annotations

from decimal import Decimal

import pytest

from fks_ninja.errors import MalformedOutgoingFile
from fks_ninja.outgoing import (
    MarketPosition,
    OrderState,
    parse_connection,
    parse_order_state,
    parse_position,
)


def test_order_state_file_parses_state_filled_amount_and_average_price() -> None:
    update = parse_order_state("fks1", "PARTFILLED;1;5012.25\r\n")

    assert (update.order_id, update.state, update.filled, update.average_fill_price) == (
        "fks1",
        OrderState.PARTFILLED,
        1,
        Decimal("5012.25"),
    )


def test_order_state_spelled_with_spaces_is_normalised() -> None:
    assert parse_order_state("o", "Cancel pending;0;0").state is OrderState.CANCELPENDING


@pytest.mark.parametrize("text", ["FILLED;1", "BOGUS;1;2", "FILLED;x;2", "FILLED;1;nan", "FILLED;-1;2"])
def test_malformed_order_state_file_is_refused(text: str) -> None:
    with pytest.raises(MalformedOutgoingFile):
        parse_order_state("o", text)


def test_position_file_name_gives_instrument_with_exchange_and_account() -> None:
    update = parse_position("ES 12-25 Globex_Sim101_Position.txt", "SHORT;3;5010.5")

    assert update.instrument == "ES 12-25 Globex"
    assert update.account == "Sim101"
    assert update.position is MarketPosition.SHORT
    assert update.signed_quantity == -3


def test_position_account_with_underscore_is_kept_whole() -> None:
    assert parse_position("NQ 03-26 Globex_TS_50K_1_Position.txt", "FLAT;0;0").account == "TS_50K_1"


def test_position_file_without_account_is_refused() -> None:
    with pytest.raises(MalformedOutgoingFile, match="expected <instrument>_<account>"):
        parse_position("ES 12-25_Position.txt", "FLAT;0;0")


def test_connection_file_reads_connected_state() -> None:
    update = parse_connection("Rithmic.txt", "CONNECTED\r\n")

    assert (update.connection, update.connected) == ("Rithmic", True)


def test_connection_file_with_unknown_state_is_refused() -> None:
    with pytest.raises(MalformedOutgoingFile, match="CONNECTED or DISCONNECTED"):
        parse_connection("Rithmic.txt", "MAYBE")
