from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fks_local.schedules import ScheduleError, parse

SATURDAY = datetime(2026, 11, 21, 2, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("rate(1 minute)", datetime(2026, 11, 21, 2, 14, tzinfo=UTC)),
        ("rate(5 minutes)", datetime(2026, 11, 21, 2, 15, tzinfo=UTC)),
        ("rate(1 hour)", datetime(2026, 11, 21, 3, 0, tzinfo=UTC)),
        ("cron(0 12 * * ? *)", datetime(2026, 11, 21, 12, 0, tzinfo=UTC)),
        ("cron(0/15 * ? * MON-FRI *)", datetime(2026, 11, 23, 0, 0, tzinfo=UTC)),
        ("cron(0 8 1 * ? *)", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
        ("cron(0 0 L * ? *)", datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),
        ("cron(0 0 ? * 2#1 *)", datetime(2026, 12, 7, 0, 0, tzinfo=UTC)),
        ("cron(15 10 ? * 6L 2027)", datetime(2027, 1, 29, 10, 15, tzinfo=UTC)),
        ("cron(30 9 ? JAN,JUL SUN *)", datetime(2027, 1, 3, 9, 30, tzinfo=UTC)),
    ],
)
def test_next_fire_time(expression: str, expected: datetime) -> None:
    assert parse(expression).next_after(SATURDAY) == expected


def test_next_fire_is_strictly_after_a_fire_time() -> None:
    fire = datetime(2026, 11, 21, 2, 15, tzinfo=UTC)

    assert parse("rate(5 minutes)").next_after(fire) == datetime(2026, 11, 21, 2, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("rate(0 minutes)", "at least 1"),
        ("rate(2 minute)", "'minutes' for more"),
        ("rate(1 minutes)", "'minute' for 1"),
        ("cron(* * * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(61 * * * ? *)", "minutes field '61'"),
        ("cron(0 0 ? * FUNDAY *)", "FUNDAY"),
        ("cron(0 0 15W * ? *)", "W (nearest weekday)"),
        ("cron(0 0 * *)", "6 fields"),
        ("every 5m", "neither rate"),
    ],
)
def test_bad_expression_is_refused_naming_the_problem(expression: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(expression)
