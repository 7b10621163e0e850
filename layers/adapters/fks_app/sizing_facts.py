"""What sizes a live quote or fraction order besides the strategy's settings
(``fks.strategies.live_sizing.SizingFacts``): the venue's lot step of the symbol, from its public
markets, and the trading account's equity, from the portfolio (cash and positions marked at the
last stored close). Each is read once per run and exchange, and only when a strategy sized so
changes its target."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from fks.errors import TemporaryError
from fks_app.valuation import PortfolioValuer

LotSteps = Callable[[str, list[str]], dict[str, Decimal]]


class AccountSizingFacts:
    def __init__(
        self, valuer: Callable[[], PortfolioValuer] | None, account: str, now_ms: int, steps: LotSteps | None = None
    ) -> None:
        self._valuer, self.account, self.now_ms = valuer, account, now_ms
        self._steps = steps
        self._step: dict[tuple[str, str], Decimal | None] = {}
        self._equity: dict[str, Decimal] = {}

    def lot_step(self, exchange: str, symbol: str) -> Decimal | None:
        if (exchange, symbol) not in self._step:
            if self._steps is None:
                from fks_adapters.portfolio.lot_steps import lot_steps  # ccxt: only when sizing needs it

                self._steps = lot_steps
            self._step[(exchange, symbol)] = self._steps(exchange, [symbol]).get(symbol)
        return self._step[(exchange, symbol)]

    def equity(self, exchange: str) -> Decimal:
        if exchange not in self._equity:
            if self._valuer is None:
                raise TemporaryError("fraction sizing needs the portfolio, which this deployment does not read")
            self._equity[exchange] = self._valuer().value(self.account, exchange, self.now_ms).equity
        return self._equity[exchange]
