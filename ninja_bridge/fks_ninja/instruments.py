"""Futures contract names in NT8's ``ROOT MM-YY`` form and the quarterly roll calendar.

Equity index futures (ES, NQ, YM, RTY and their micros) list March, June, September and December
(H, M, U, Z) and expire on the third Friday of the month. Volume moves to the next contract about
eight days before expiry (CME's roll date is the Thursday eight days earlier), so the bridge trades
the next contract from ``expiry - roll_days`` on; ``roll_days`` is configurable per instrument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTERLY_MONTHS = {3: "H", 6: "M", 9: "U", 12: "Z"}
_CONTRACT = re.compile(r"^(?P<root>[A-Z0-9]{1,10}) (?P<month>\d{2})-(?P<year>\d{2})$")


@dataclass(frozen=True, order=True)
class Contract:
    root: str
    year: int
    month: int

    @property
    def nt8_name(self) -> str:
        return f"{self.root} {self.month:02d}-{self.year % 100:02d}"

    @property
    def month_code(self) -> str:
        return QUARTERLY_MONTHS[self.month]

    @property
    def expiry(self) -> date:
        return third_friday(self.year, self.month)

    def roll_date(self, roll_days: int) -> date:
        return self.expiry - timedelta(days=roll_days)

    def next(self) -> Contract:
        if self.month == 12:
            return Contract(self.root, self.year + 1, 3)
        return Contract(self.root, self.year, self.month + 3)


def parse_contract(symbol: str) -> Contract:
    match = _CONTRACT.match(symbol)
    if match is None:
        raise ValueError(f"{symbol!r} is not a futures contract like 'ES 12-25'")
    month = int(match["month"])
    if month not in QUARTERLY_MONTHS:
        raise ValueError(f"{symbol!r}: month {month:02d} is not a quarterly (H/M/U/Z) contract month")
    return Contract(match["root"], 2000 + int(match["year"]), month)


def third_friday(year: int, month: int) -> date:
    first = date(year, month, 1)
    first_friday = first + timedelta(days=(4 - first.weekday()) % 7)
    return first_friday + timedelta(weeks=2)


def front_contract(root: str, today: date, roll_days: int = 8) -> Contract:
    """The contract to trade on ``today``: the nearest quarterly one not yet at its roll date."""
    month = next(m for m in sorted(QUARTERLY_MONTHS) if m >= today.month)
    contract = Contract(root, today.year, month)
    while today >= contract.roll_date(roll_days):
        contract = contract.next()
    return contract


def resolve_contract(symbol: str, today: date, roll_days: int = 8) -> Contract:
    """The contract a signal's symbol means today: a rolled or expired one moves to the front month,
    because a strategy that keeps emitting last quarter's name still means "the index future"."""
    requested = parse_contract(symbol)
    front = front_contract(requested.root, today, roll_days)
    return max(requested, front)
