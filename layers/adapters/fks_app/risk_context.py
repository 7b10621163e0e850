"""Reads what the risk check needs: the account's positions (the execution engine's table),
cash and allocations (the portfolio table), prices and correlations (the candle store)."""

from __future__ import annotations

from decimal import Decimal

from fks.errors import RiskDenied
from fks.execution import TradingState
from fks.pipeline.correlation import return_correlation
from fks.pipeline.risk import Holding, RiskContext
from fks.signals import Signal
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.prices import CandlePrices, aligned
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.valuation import PortfolioValuer

CORRELATION_WINDOW_MINUTES = 6 * 60  # six hours of 1m returns: enough samples, recent enough to matter


class RiskContextReader:
    def __init__(self, tables: ExecutionTables, portfolio: PortfolioStore, prices: CandlePrices) -> None:
        self.tables = tables
        self.portfolio = portfolio
        self.valuer = PortfolioValuer(portfolio, tables, prices)

    def trading_state(self, account: str) -> TradingState:
        return self.tables.trading_state(account)

    def read(self, signal: Signal, account: str, now_ms: int) -> RiskContext:
        prices = self.valuer.prices(signal.exchange)
        price = prices.last_close(signal.symbol, now_ms=now_ms)
        if price is None:
            raise RiskDenied(
                f"no_recent_price: no stored {signal.symbol} candle on {signal.exchange} in the last hours, "
                "so the order's exposure cannot be measured; enable and collect the asset first",
                details={"rule": "no_recent_price"},
            )
        valuation = self.valuer.value(account, signal.exchange, now_ms)
        holdings = tuple(Holding(p.symbol, p.quantity, p.price) for p in valuation.positions)
        marks = {h.symbol: h.price for h in holdings} | {signal.symbol: price}
        strategy_exposure = sum(
            (
                abs(book.value(marks.get(symbol, book.avg_entry_price)))
                for (strategy_id, symbol), book in self.portfolio.books(account).items()
                if strategy_id == signal.strategy_id
            ),
            Decimal(0),
        )
        return RiskContext(
            signal=signal,
            price=price,
            equity=valuation.equity,
            holdings=holdings,
            trading_state=self.tables.trading_state(account),
            strategy_weight=self.portfolio.allocations(account).get(signal.strategy_id),
            strategy_exposure=strategy_exposure,
            correlations=self._correlations(prices, signal.symbol, holdings, now_ms),
        )

    def _correlations(
        self, prices: CandlePrices, symbol: str, holdings: tuple[Holding, ...], now_ms: int
    ) -> dict[str, float]:
        others = [h.symbol for h in holdings if h.symbol != symbol]
        if not others:
            return {}
        mine = prices.closes(symbol, minutes=CORRELATION_WINDOW_MINUTES, now_ms=now_ms)
        found: dict[str, float] = {}
        for other in others:
            theirs = prices.closes(other, minutes=CORRELATION_WINDOW_MINUTES, now_ms=now_ms)
            value = return_correlation(*aligned(mine, theirs))
            if value is not None:
                found[other] = value
        return found
