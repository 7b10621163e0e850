"""A futures position built from NT8 fills, with the same figures the Rust engine keeps.

Signed quantity in contracts (long > 0), the average entry price of the open contracts (exact, not
rounded to the tick, so realised P&L does not drift), realised P&L in dollars (points times the
contract's point value, before fees) and fees. A fill that reduces the position realises P&L on
the contracts it closes; one that goes through zero opens the remainder at its own price.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

PositionSide = Literal["flat", "long", "short"]
ZERO = Decimal(0)


@dataclass(frozen=True)
class FuturesPosition:
    quantity: int = 0
    avg_entry_price: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def side(self) -> PositionSide:
        return "flat" if self.quantity == 0 else "long" if self.quantity > 0 else "short"

    def apply_fill(
        self, signed_quantity: int, price: Decimal, point_value: Decimal, fee: Decimal = ZERO
    ) -> FuturesPosition:
        if signed_quantity == 0:
            raise ValueError("a fill moves at least one contract")
        fees = self.fees + fee
        if self.quantity == 0 or (self.quantity > 0) == (signed_quantity > 0):
            held = abs(self.quantity)
            average = (self.avg_entry_price * held + price * abs(signed_quantity)) / (held + abs(signed_quantity))
            return replace(self, quantity=self.quantity + signed_quantity, avg_entry_price=average, fees=fees)
        closing = min(abs(signed_quantity), abs(self.quantity))
        direction = 1 if self.quantity > 0 else -1
        realized = self.realized_pnl + (price - self.avg_entry_price) * closing * direction * point_value
        quantity = self.quantity + signed_quantity
        if quantity == 0:
            average = ZERO
        elif (quantity > 0) != (self.quantity > 0):
            average = price  # through zero: the remainder is a new position opened at this fill
        else:
            average = self.avg_entry_price
        return FuturesPosition(quantity, average, realized, fees)
