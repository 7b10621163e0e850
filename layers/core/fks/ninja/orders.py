"""An NT8 order as the platform records it, from the bridge's fill and order-state reports.

Kept in the shape ``GET /orders/{id}`` returns for the Rust engine's orders (status names of the
engine's order status machine, decimals as strings), with what only NT8 tells: its own state name
and the fills booked so far. Two guards keep replays and late reports harmless: a fill counts only
when it moves the order's booked cumulative quantity forward, and a state report never takes an
order out of a final state or back to an older snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from fks.ninja.reports import NinjaFillReport, NinjaOrderStateReport, Nt8OrderState

VENUE = "ninjatrader"
TERMINAL = frozenset({"filled", "canceled", "rejected"})
# NT8's states in the engine's vocabulary (fks_execution_core::OrderStatus, snake_case).
STATUS_OF: dict[Nt8OrderState, str] = {
    Nt8OrderState.INITIALIZED: "initialized",
    Nt8OrderState.SUBMITTED: "submitted",
    Nt8OrderState.ACCEPTED: "accepted",
    Nt8OrderState.WORKING: "accepted",
    Nt8OrderState.TRIGGERPENDING: "accepted",
    Nt8OrderState.CHANGEPENDING: "accepted",
    Nt8OrderState.CHANGESUBMITTED: "accepted",
    Nt8OrderState.CANCELPENDING: "pending_cancel",
    Nt8OrderState.CANCELSUBMITTED: "pending_cancel",
    Nt8OrderState.PARTFILLED: "partially_filled",
    Nt8OrderState.FILLED: "filled",
    Nt8OrderState.CANCELLED: "canceled",
    Nt8OrderState.REJECTED: "rejected",
    # UNKNOWN is absent on purpose: it tells nothing, so the order keeps the status it had.
}
_REASONS = {"rejected": "NinjaTrader rejected the order", "canceled": "cancelled in NinjaTrader"}


@dataclass(frozen=True)
class BookedFill:
    quantity: int
    price: Decimal
    cumulative_filled: int
    ts_ms: int


@dataclass(frozen=True)
class NinjaOrder:
    client_order_id: str
    signal_id: str
    account: str | None = None
    symbol: str | None = None
    side: Literal["buy", "sell"] | None = None
    status: str = "submitted"
    nt8_state: str | None = None
    filled_qty: int = 0
    avg_fill_price: Decimal | None = None
    fills: tuple[BookedFill, ...] = ()
    created_ms: int = 0
    ts_ms: int = 0

    @property
    def booked_qty(self) -> int:
        """Contracts whose fills moved the position: the guard against booking a fill twice."""
        return self.fills[-1].cumulative_filled if self.fills else 0

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def with_fill(self, fill: NinjaFillReport, now_ms: int) -> NinjaOrder | None:
        """The order with ``fill`` booked; ``None`` when it was booked already."""
        if fill.cumulative_filled <= self.booked_qty:
            return None
        fills = (*self.fills, BookedFill(fill.quantity, fill.price, fill.cumulative_filled, now_ms))
        booked = sum(f.quantity for f in fills)
        average = sum((f.price * f.quantity for f in fills), Decimal(0)) / booked
        return replace(
            self,
            account=fill.account,
            symbol=fill.instrument,
            side="buy" if fill.action == "BUY" else "sell",
            filled_qty=max(self.filled_qty, fill.cumulative_filled),
            # With every fill booked the exact average is known; after a gap, keep NT8's.
            avg_fill_price=average if booked == fill.cumulative_filled else self.avg_fill_price or average,
            fills=fills,
            ts_ms=now_ms,
        )

    def with_state(self, change: NinjaOrderStateReport, now_ms: int) -> NinjaOrder | None:
        """The order in its new state; ``None`` when the report is late, stale or changes nothing."""
        if self.is_terminal or change.filled < self.filled_qty:
            return None
        status = STATUS_OF.get(change.state, self.status)
        if (status, change.state.value, change.filled) == (self.status, self.nt8_state, self.filled_qty):
            return None
        return replace(
            self,
            status=status,
            nt8_state=change.state.value,
            filled_qty=change.filled,
            avg_fill_price=change.average_fill_price if change.filled else self.avg_fill_price,
            ts_ms=now_ms,
        )

    def report(self) -> dict[str, Any]:
        """The JSON ``GET /ninja/orders/{id}`` returns."""
        done = self.is_terminal
        return {
            "client_order_id": self.client_order_id,
            "signal_id": self.signal_id,
            "venue": VENUE,
            "account": self.account,
            "symbol": self.symbol,
            "side": self.side,
            "type": None,  # the OIF carried it; NT8's order state files do not
            "venue_order_id": self.client_order_id,  # NT8 keeps the ORDER ID the bridge gave it
            "status": self.status,
            "nt8_state": self.nt8_state,
            # NT8 reports fills, not the order's size: known only once the order is done.
            "quantity": str(self.filled_qty) if self.status == "filled" else None,
            "filled_qty": str(self.filled_qty),
            "leaves_qty": "0" if done else None,
            "avg_fill_price": None if self.avg_fill_price is None else str(self.avg_fill_price),
            "fees": "0",  # NT8's order state files carry no commission
            "fills": [
                {
                    "quantity": str(f.quantity),
                    "price": str(f.price),
                    "cumulative_filled": str(f.cumulative_filled),
                    "ts_ms": f.ts_ms,
                }
                for f in self.fills
            ],
            "reason": _REASONS.get(self.status),
            "position": None,
            "created_ms": self.created_ms,
            "ts_ms": self.ts_ms,
        }

    @classmethod
    def from_report(cls, report: dict[str, Any]) -> NinjaOrder:
        average = report.get("avg_fill_price")
        return cls(
            client_order_id=report["client_order_id"],
            signal_id=report["signal_id"],
            account=report.get("account"),
            symbol=report.get("symbol"),
            side=report.get("side"),
            status=report["status"],
            nt8_state=report.get("nt8_state"),
            filled_qty=int(report["filled_qty"]),
            avg_fill_price=None if average is None else Decimal(average),
            fills=tuple(
                BookedFill(int(f["quantity"]), Decimal(f["price"]), int(f["cumulative_filled"]), int(f["ts_ms"]))
                for f in report.get("fills", [])
            ),
            created_ms=int(report.get("created_ms", 0)),
            ts_ms=int(report.get("ts_ms", 0)),
        )
