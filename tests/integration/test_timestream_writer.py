"""The Timestream writer against the emulator's Timestream API (moto stores writes without querying)."""

from __future__ import annotations

import pytest

from fks.market_data.storage import SeriesKey
from fks_adapters.market_data.timestream import TimestreamCandleWriter
from tests.stack_handle import StackHandle
from tests.unit.market_data.candle_stubs import JAN_1_2024, MINUTE, candle_frame

pytestmark = pytest.mark.moto_only


def test_candles_are_written_to_timestream_in_batches(local_stack: StackHandle) -> None:
    # Arrange: Timestream is off in the local template, so the test makes its own table
    client = local_stack.clients("timestream-write")
    client.create_database(DatabaseName="fks_it")
    client.create_table(DatabaseName="fks_it", TableName="candles")
    rows = [(JAN_1_2024 + i * MINUTE, "42000.5", "42010", "41990.25", "42005", "1.5") for i in range(250)]

    # Act
    result = TimestreamCandleWriter("fks_it", "candles", client).write(
        SeriesKey.of("binance", "BTC/USDT", "1m"), candle_frame(rows)
    )

    # Assert
    assert (result.written, result.rejected) == (250, 0)
