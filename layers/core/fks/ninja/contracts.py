"""Futures contract names as NT8 spells them, and the dollars one point is worth per contract.

The bridge knows the point value from its own ``instruments:`` config but does not send it, so the
platform keeps the exchange's published multipliers for the roots the bridge trades (CME's
contract specifications). A root missing here is refused by name rather than booked at a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal

from fks.errors import PermanentError

# ``ES 12-25``; a position file adds the exchange (``ES 12-25 Globex``).
_INSTRUMENT = re.compile(r"^(?P<contract>(?P<root>[A-Z0-9]{1,10}) \d{2}-\d{2})(?: [A-Za-z0-9]{1,20})?$")
CONTRACT_PATTERN = r"^[A-Z0-9]{1,10} \d{2}-\d{2}$"
INSTRUMENT_PATTERN = _INSTRUMENT.pattern

POINT_VALUES: dict[str, Decimal] = {
    # equity indices
    "ES": Decimal(50),
    "MES": Decimal(5),
    "NQ": Decimal(20),
    "MNQ": Decimal(2),
    "YM": Decimal(5),
    "MYM": Decimal("0.5"),
    "RTY": Decimal(50),
    "M2K": Decimal(5),
    # energy and metals
    "CL": Decimal(1000),
    "MCL": Decimal(100),
    "GC": Decimal(100),
    "MGC": Decimal(10),
    "SI": Decimal(5000),
    # rates and currencies
    "ZB": Decimal(1000),
    "ZN": Decimal(1000),
    "6E": Decimal(125000),
}


class UnknownContract(PermanentError):
    """An instrument the platform cannot book: not an NT8 contract name, or a root without a point value."""


def contract_of(instrument: str) -> str:
    """``ES 12-25`` from ``ES 12-25`` or ``ES 12-25 Globex``: fills and position files name the
    same contract differently, and both must land on one position."""
    match = _INSTRUMENT.match(instrument)
    if match is None:
        raise UnknownContract(f"{instrument!r} is not an NT8 futures contract like 'ES 12-25'")
    return match["contract"]


def point_value(instrument: str) -> Decimal:
    match = _INSTRUMENT.match(instrument)
    if match is None:
        raise UnknownContract(f"{instrument!r} is not an NT8 futures contract like 'ES 12-25'")
    root = match["root"]
    if root not in POINT_VALUES:
        raise UnknownContract(f"no point value for {root!r}; known roots: {', '.join(sorted(POINT_VALUES))}")
    return POINT_VALUES[root]
