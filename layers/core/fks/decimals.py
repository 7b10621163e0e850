"""The one decimal type for money and quantities that enter from outside (API bodies, events,
configuration): ``StrictDecimal`` and its signed variants.

Python's ``Decimal()`` is generous: it reads ``"1_000"`` as 1000, ``"1e400"`` as a number with
400 zeros, ``"NaN"``, ``"Infinity"`` and Arabic-Indic digits. Each of those has reached an order
(a quantity of ``"1_000"`` became a $33M market order). Here a string must be a plain decimal in
ASCII digits (``"12.5"``, ``"-0.001"``); a JSON number must be finite; and every value fits
``MAX_DIGITS`` significant digits with at most ``MAX_SCALE`` after the point, which is what the
Rust engine's ``rust_decimal`` and DynamoDB's numbers hold without rounding.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, Field

MAX_DIGITS = 28
MAX_SCALE = 18
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_RULE = f"a plain decimal such as '12.5' (ASCII digits, no '_' or exponent), at most {MAX_DIGITS} digits"


def _from_text(text: str) -> Decimal:
    if _PLAIN.fullmatch(text) is None:
        raise ValueError(f"{text[:40]!r} is not {_RULE}")
    return Decimal(text)


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, bool):  # a bool is an int to Python, never a quantity
        raise ValueError(f"must be {_RULE}, not a boolean")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # A JSON number: its shortest repr is the literal the caller meant (0.1, not 0.1000000000000000055).
        return Decimal(repr(value))
    if isinstance(value, str):
        return _from_text(value)
    raise ValueError(f"must be {_RULE}, not {type(value).__name__}")


def parse_decimal(value: object) -> Decimal:
    """``value`` as a bounded, finite ``Decimal`` in plain notation, or ``ValueError`` saying why."""
    try:
        number = _as_decimal(value)
    except InvalidOperation:
        raise ValueError(f"must be {_RULE}") from None
    if not number.is_finite():
        raise ValueError(f"must be finite: {number} is not a quantity or a price")
    exponent = int(number.normalize().as_tuple().exponent)
    digits = len(number.normalize().as_tuple().digits)
    scale = max(0, -exponent)
    whole = max(0, digits + exponent)
    if scale > MAX_SCALE or whole + scale > MAX_DIGITS:
        raise ValueError(f"must have at most {MAX_DIGITS} digits, at most {MAX_SCALE} after the point")
    # Plain notation: the Rust engine and people read "10000", not "1E+4".
    return Decimal(format(number, "f"))


StrictDecimal = Annotated[Decimal, BeforeValidator(parse_decimal)]
PositiveDecimal = Annotated[StrictDecimal, Field(gt=0)]
NonNegativeDecimal = Annotated[StrictDecimal, Field(ge=0)]
