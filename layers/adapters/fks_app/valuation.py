"""An account valued now: cash from the portfolio, positions from the execution engine, marked
at the last stored close."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fks.market_data.symbols import from_engine_symbol
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.portfolio.store import PortfolioStore

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MarkedPosition:
    symbol: str
    quantity: Decimal
    avg_entry_price: Decimal
    realized_pnl: Decimal
    price: Decimal
    price_is_stale: bool  # no recent close: marked at the average entry

    @property
    def value(self) -> Decimal:
        return self.quantity * self.price

    @property
    def unrealized_pnl(self) -> Decimal:
        return (self.price - self.avg_entry_price) * self.quantity


@dataclass(frozen=True)
class Valuation:
    account: str
    cash: Decimal
    positions: tuple[MarkedPosition, ...]

    @property
    def positions_value(self) -> Decimal:
        return sum((p.value for p in self.positions), ZERO)

    @property
    def equity(self) -> Decimal:
        return self.cash + self.positions_value

    @property
    def unrealized_pnl(self) -> Decimal:
        return sum((p.unrealized_pnl for p in self.positions), ZERO)

    def snapshot(self) -> dict[str, Decimal]:
        # Rounded parts first and the total from them, so equity = cash + positions to the cent.
        cash, positions = self.cash.quantize(CENT), self.positions_value.quantize(CENT)
        return {
            "equity": cash + positions,
            "cash": cash,
            "positions_value": positions,
            "unrealized_pnl": self.unrealized_pnl.quantize(CENT),
        }

    def as_dict(self) -> dict[str, Any]:
        equity = self.equity
        return {
            "account": self.account,
            **{name: str(value) for name, value in self.snapshot().items()},
            "positions": [
                {
                    "symbol": p.symbol,
                    "quantity": str(p.quantity),
                    "avg_entry_price": str(p.avg_entry_price),
                    "price": str(p.price),
                    "price_is_stale": p.price_is_stale,
                    "market_value": str(p.value.quantize(CENT)),
                    "unrealized_pnl": str(p.unrealized_pnl.quantize(CENT)),
                    "realized_pnl": str(p.realized_pnl),
                    "weight": str((p.value / equity).quantize(Decimal("0.0001"))) if equity else "0",
                }
                for p in self.positions
            ],
        }


class PortfolioValuer:
    """Values accounts with the caller's price reader (``CandlePrices`` over the candle store: one
    per invocation, so each series is read once and nothing is kept between invocations)."""

    def __init__(self, store: PortfolioStore, tables: ExecutionTables, prices: CandlePrices) -> None:
        self.store = store
        self.tables = tables
        self._prices = prices

    def prices(self, exchange: str) -> CandlePrices:
        self._prices.exchange = exchange
        return self._prices

    def value(self, account: str, exchange: str, now_ms: int) -> Valuation:
        marked = []
        for row in self.tables.positions(account):
            quantity = Decimal(row["quantity"])
            if quantity == 0:
                continue
            symbol = from_engine_symbol(row["symbol"], exchange)
            entry = Decimal(row["avg_entry_price"])
            close = self.prices(exchange).last_close(symbol, now_ms=now_ms)
            marked.append(
                MarkedPosition(
                    symbol, quantity, entry, Decimal(row.get("realized_pnl", "0")), close or entry, close is None
                )
            )
        return Valuation(account, self.store.cash(account), tuple(marked))
