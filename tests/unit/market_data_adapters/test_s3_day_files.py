"""Names of the candle store's day files: write order, ranges, and the old whole-day file."""

from __future__ import annotations

from fks.market_data.timeframes import DAY_MS
from fks_adapters.market_data.s3_day_files import LEGACY_NAME, file_name, parse

DAY = 1_704_067_200_000  # 2024-01-01


def test_a_name_round_trips_its_write_order_and_range_and_sorts_by_write_order() -> None:
    first = file_name(DAY + 5_000, DAY, DAY + 60_000, b"one")
    later = file_name(DAY + 90_000, DAY + 120_000, DAY + 120_000, b"two")

    parsed = [parse(later, DAY), parse(first, DAY)]

    assert [(p.seq, p.first, p.last) for p in sorted(p for p in parsed if p)] == [
        (DAY + 5_000, DAY, DAY + 60_000),
        (DAY + 90_000, DAY + 120_000, DAY + 120_000),
    ]
    assert first != file_name(DAY + 5_000, DAY, DAY + 60_000, b"other bytes")  # the digest tells contents apart


def test_the_old_whole_day_file_comes_first_and_spans_its_day() -> None:
    legacy = parse(LEGACY_NAME, DAY)
    part = parse(file_name(1, DAY, DAY, b"x"), DAY)

    assert legacy is not None
    assert part is not None
    assert legacy < part
    assert (legacy.first, legacy.last) == (DAY, DAY + DAY_MS - 1)
    assert legacy.overlaps(DAY + DAY_MS - 60_000, DAY + DAY_MS + 60_000)
    assert not part.overlaps(DAY + 60_000, DAY + 120_000)


def test_other_objects_are_not_candle_files() -> None:
    assert parse("_SUCCESS", DAY) is None
    assert parse("0000000000001-0000000000002-0000000000003-abc.parquet", DAY) is None
