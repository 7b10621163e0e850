"""EventBridge schedule expressions: ``rate(...)`` and the six-field ``cron(...)``, in UTC."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440}
_SEARCH_DAYS = 366 * 5


class ScheduleError(ValueError):
    pass


def _number(token: str, names: dict[str, int], what: str) -> int:
    if token.isdigit():
        return int(token)
    if token in names:
        return names[token]
    raise ScheduleError(f"{what} field has {token!r}, which is neither a number nor a known name")


def _values(field: str, low: int, high: int, names: dict[str, int], what: str) -> set[int]:
    result: set[int] = set()
    for part in field.upper().split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base in ("*", "?"):
            start, end = low, high
        else:
            first, _, last = base.partition("-")
            start = _number(first, names, what)
            end = _number(last, names, what) if last else (high if step_text else start)
        if not (low <= start <= high and low <= end <= high) or step < 1:
            raise ScheduleError(f"{what} field {field!r} is outside {low}-{high}")
        result.update(range(start, end + 1, step))
    return result


@dataclass(frozen=True)
class Schedule:
    expression: str
    rate_minutes: int | None = None
    minutes: frozenset[int] = frozenset()
    hours: frozenset[int] = frozenset()
    months: frozenset[int] = frozenset()
    years: frozenset[int] | None = None
    day_of_month: str = "?"
    day_of_week: str = "?"

    def next_after(self, moment: datetime) -> datetime:
        """The first fire time strictly after ``moment`` (UTC, whole minutes)."""
        start = moment.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        if self.rate_minutes is not None:
            # A rate schedule counts from the epoch here, so every process agrees on the grid.
            epoch_minutes = int(start.timestamp() // 60)
            wait = (-epoch_minutes) % self.rate_minutes
            return start + timedelta(minutes=wait)
        day = start.replace(hour=0, minute=0)
        for offset in range(_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if not self._day_matches(candidate):
                continue
            for hour in sorted(self.hours):
                for minute in sorted(self.minutes):
                    fire = candidate.replace(hour=hour, minute=minute)
                    if fire >= start:
                        return fire
        raise ScheduleError(f"{self.expression} never fires in the next {_SEARCH_DAYS} days")

    def _day_matches(self, day: datetime) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.day_of_month != "?":
            return _dom_matches(self.day_of_month, day)
        return _dow_matches(self.day_of_week, day)


def _dom_matches(field: str, day: datetime) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if field.upper() == "L":
        return day.day == last
    return day.day in _values(field, 1, 31, {}, "day-of-month")


def _dow_matches(field: str, day: datetime) -> bool:
    aws_dow = (day.isoweekday() % 7) + 1  # AWS counts SUN=1 .. SAT=7
    text = field.upper()
    if "#" in text:
        weekday, nth = text.split("#")
        target = _number(weekday, _DAYS, "day-of-week")
        return aws_dow == target and (day.day - 1) // 7 + 1 == int(nth)
    if text.endswith("L") and text != "L":
        target = _number(text[:-1], _DAYS, "day-of-week")
        return aws_dow == target and day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    return aws_dow in _values(text, 1, 7, _DAYS, "day-of-week")


def parse(expression: str) -> Schedule:
    expression = expression.strip()
    rate = _RATE.match(expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if value < 1:
            raise ScheduleError(f"{expression}: the rate must be at least 1")
        if (value == 1) != (not rate.group(2).endswith("s")):
            raise ScheduleError(f"{expression}: use '{unit}' for 1 and '{unit}s' for more, as EventBridge requires")
        return Schedule(expression, rate_minutes=value * _UNIT_MINUTES[unit])
    cron = _CRON.match(expression)
    if not cron:
        raise ScheduleError(f"{expression!r} is neither rate(...) nor cron(...)")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise ScheduleError(f"{expression}: cron needs 6 fields (minutes hours day-of-month month day-of-week year)")
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleError(f"{expression}: exactly one of day-of-month and day-of-week must be '?'")
    if "W" in dom.upper():
        raise ScheduleError(f"{expression}: the W (nearest weekday) form is not supported by the local scheduler")
    # Validate the day fields now, not at the first fire.
    if dom not in ("?", "L", "l"):
        _values(dom, 1, 31, {}, "day-of-month")
    if dow != "?":
        _dow_matches(dow, datetime(2026, 1, 1, tzinfo=UTC))
    return Schedule(
        expression,
        minutes=frozenset(_values(minutes, 0, 59, {}, "minutes")),
        hours=frozenset(_values(hours, 0, 23, {}, "hours")),
        months=frozenset(_values(month, 1, 12, {k.upper(): v for k, v in _MONTHS.items()}, "month")),
        years=None if year == "*" else frozenset(_values(year, 1970, 2199, {}, "year")),
        day_of_month=dom,
        day_of_week=dow,
    )
