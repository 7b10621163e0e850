"""Orders that move an account's holdings to target weights of its equity."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from fks.errors import BadRequest

ZERO = Decimal(0)
DEFAULT_STEP = Decimal("0.00000001")  # Binance's finest: when the exchange's rule is unknown


@dataclass(frozen=True)
class RebalanceOrder:
    symbol: str
    side: str  # buy / sell
    quantity: Decimal
    price: Decimal
    current_weight: Decimal
    target_weight: Decimal

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price

    def as_dict(self) -> dict[str, str]:
        return {
            "symbol": self.symbol,
            "side": self.side,
            "quantity": str(self.quantity),
            "price": str(self.price),
            "notional": str(self.notional.quantize(Decimal("0.01"))),
            "current_weight": str(self.current_weight.quantize(Decimal("0.0001"))),
            "target_weight": str(self.target_weight),
        }


def plan_rebalance(
    equity: Decimal,
    quantities: dict[str, Decimal],
    prices: dict[str, Decimal],
    targets: dict[str, Decimal],
    *,
    quantity_steps: dict[str, Decimal] | None = None,
    min_notional: Decimal = Decimal("10"),
) -> list[RebalanceOrder]:
    """Sells first, then buys, so the cash the sells free is there for the buys. Symbols held
    but absent from ``targets`` keep their weight; a target of 0 closes the position.
    Quantities round down to the symbol's lot step (``quantity_steps``, the exchange's rule);
    moves under ``min_notional`` are skipped (the exchange would refuse them, and chasing dust
    costs fees)."""
    steps = quantity_steps or {}
    if equity <= 0:
        raise BadRequest(f"account equity is {equity}: nothing to rebalance")
    if sum(targets.values(), ZERO) > 1:
        raise BadRequest(f"target weights add up to {sum(targets.values(), ZERO)}, more than 1 (all equity)")
    missing = sorted(symbol for symbol in targets if symbol not in prices)
    if missing:
        raise BadRequest(f"no recent price for {', '.join(missing)}: collect its market data first")
    orders: list[RebalanceOrder] = []
    for symbol, target in sorted(targets.items()):
        price = prices[symbol]
        held = quantities.get(symbol, ZERO)
        step = steps.get(symbol, DEFAULT_STEP)
        delta = ((target * equity / price - held).copy_abs() / step).to_integral_value(rounding=ROUND_DOWN) * step
        if delta * price < min_notional:
            continue
        side = "buy" if target * equity > held * price else "sell"
        orders.append(RebalanceOrder(symbol, side, delta, price, held * price / equity, target))
    return sorted(orders, key=lambda order: order.side != "sell")
