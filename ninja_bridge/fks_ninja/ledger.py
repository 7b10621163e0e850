"""Per-account positions and realised P&L built from fills.

The positions say which instruments a breach must close; the realised P&L measures an account
for the prop-firm rules only when NT8's account values (open P&L included) are not configured
(``equity.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class _Position:
    quantity: int = 0  # signed: long > 0
    average_price: Decimal = Decimal(0)


@dataclass
class AccountLedger:
    trading_day: date
    balance: Decimal = Decimal(0)  # realised P&L since the bridge first saw the account
    positions: dict[str, _Position] = field(default_factory=dict)

    def position(self, instrument: str) -> int:
        return self.positions.get(instrument, _Position()).quantity

    def open_instruments(self) -> list[str]:
        return sorted(name for name, pos in self.positions.items() if pos.quantity != 0)

    def roll_day(self, today: date) -> None:
        self.trading_day = today

    def apply_fill(self, instrument: str, signed_quantity: int, price: Decimal, point_value: Decimal) -> Decimal:
        """Book a fill; returns the P&L it realised."""
        pos = self.positions.setdefault(instrument, _Position())
        realised = Decimal(0)
        if pos.quantity and (pos.quantity > 0) != (signed_quantity > 0):
            closing = min(abs(signed_quantity), abs(pos.quantity))
            direction = 1 if pos.quantity > 0 else -1
            realised = (price - pos.average_price) * closing * direction * point_value
        new_quantity = pos.quantity + signed_quantity
        if new_quantity == 0:
            pos.average_price = Decimal(0)
        elif pos.quantity == 0 or (pos.quantity > 0) != (new_quantity > 0):
            pos.average_price = price  # opened fresh or flipped through flat
        elif abs(new_quantity) > abs(pos.quantity):
            total = pos.average_price * abs(pos.quantity) + price * abs(signed_quantity)
            pos.average_price = total / abs(new_quantity)
        pos.quantity = new_quantity
        self.balance += realised
        return realised
