"""The compaction schedule's function on the local stack: the parts collection adds to today's
partition every minute are folded into one file, the candles read the same before and after, and
a second run changes nothing."""

from __future__ import annotations

import time

import pytest

from fks.market_data import frame_to_arrow
from fks.market_data.storage import partition_date
from fks.market_data.timeframes import DAY_MS
from tests.integration.market_data_helpers import BTC, enable, invoke, store
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


def _collect_in_two_minutes(stack: StackHandle) -> None:
    """Two collections a minute apart: each stores the minutes closed since the last as a part."""
    invoke(stack, "CollectOhlcvFunction", {})
    time.sleep(61 - time.time() % 60)  # past the next minute boundary: one more minute has closed
    invoke(stack, "CollectOhlcvFunction", {})


def test_todays_parts_are_folded_into_one_file_and_read_the_same(local_stack: StackHandle) -> None:
    assert enable(local_stack, "BTC/USDT").status_code == 200
    _collect_in_two_minutes(local_stack)
    candles = store(local_stack)
    today = partition_date(int(time.time() * 1000))
    day_start = int(time.time() * 1000) // DAY_MS * DAY_MS
    assert len(candles.day_files(BTC, today)) >= 2, "collection did not add a part"
    before = candles.read(BTC, day_start, day_start + DAY_MS)

    first = invoke(local_stack, "CompactCandlesFunction", {})
    second = invoke(local_stack, "CompactCandlesFunction", {"days_back": 0})

    ours = [r for r in first["compacted"] if r["series"] == str(BTC) and r["date"] == today]
    assert [r["folded"] for r in ours] == [True]
    files = candles.day_files(BTC, today)
    after = candles.read(BTC, day_start, day_start + DAY_MS)
    # A collection may have run in between (the every-minute schedule): at most its part was added.
    assert len(files) <= 2
    assert frame_to_arrow(after.iloc[: len(before)]).equals(frame_to_arrow(before))
    assert all(r["date"] == today for r in second["compacted"])


def test_an_unknown_option_is_refused_naming_it(local_stack: StackHandle) -> None:
    response = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function("CompactCandlesFunction"), Payload=b'{"days_bak": 3}'
    )

    assert "FunctionError" in response
    assert "days_bak" in response["Payload"].read().decode()
