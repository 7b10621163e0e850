"""Reads both sides of a reconciliation: the engine's positions against the venue's balances
(with the per-asset baselines kept in the portfolio table), against the portfolio's books in
paper trading, and against the NinjaTrader bridge's position reports (the NinjaTrader positions
table). What a mismatch sets off is the reconcile function's business.

Spot positions are compared on synced state: an order sync runs first, the balances are read,
and a second sync must learn no fill, or a fill landing between the reads would look like a
disagreement (a late fill must never halt an account). Fills that keep arriving postpone the
comparison to the next run; an unreachable venue skips it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fks.market_data.symbols import from_engine_symbol, parse_symbol
from fks.pipeline.reconciliation import (
    Mismatch,
    book_mismatches,
    new_baselines,
    reported_mismatches,
    spot_mismatches,
)
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.ninja.reads import NinjaReads
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.booking import to_unified
from fks_app.order_sync import OrderSync, SyncOutcome

SETTLE_ATTEMPTS = 3


@dataclass
class SpotCheck:
    """One account's spot reconciliation: the syncs it ran, what disagreed, or why it compared nothing."""

    syncs: list[SyncOutcome] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    skipped: str | None = None


def engine_assets(tables: ExecutionTables, account: str, exchange: str) -> dict[str, Decimal]:
    """The engine's spot positions per base asset (``BTCUSDT`` → ``BTC``)."""
    held: dict[str, Decimal] = defaultdict(Decimal)
    for row in tables.positions(account):
        base = parse_symbol(from_engine_symbol(row["symbol"], exchange)).base
        held[base] += Decimal(row["quantity"])
    return dict(held)


class SpotReconciler:
    def __init__(
        self, tables: ExecutionTables, portfolio: PortfolioStore, sync: OrderSync, exchange: Any, exchange_id: str
    ) -> None:
        self.tables = tables
        self.portfolio = portfolio  # where the baselines are kept
        self.sync = sync
        self.exchange = exchange  # a ccxt client with a read-only key
        self.exchange_id = exchange_id

    def balances(self) -> dict[str, Decimal]:
        totals = self.exchange.fetch_balance().get("total") or {}
        return {asset: Decimal(str(amount)) for asset, amount in totals.items() if amount is not None}

    def run(self, account: str, *, rebaseline: bool = False, tolerance: Decimal = Decimal("0.005")) -> SpotCheck:
        check = SpotCheck([self.sync.run(account)])
        if not check.syncs[-1].reached:
            check.skipped = "venue unreachable: the order sync could not run"
            return check
        for _ in range(SETTLE_ATTEMPTS):
            balances = self.balances()
            check.syncs.append(self.sync.run(account))
            if not check.syncs[-1].reached:
                check.skipped = "venue unreachable: the order sync could not run"
                return check
            if check.syncs[-1].learned_fills == 0:
                check.mismatches = self._compare(account, balances, rebaseline=rebaseline, tolerance=tolerance)
                return check
        check.skipped = f"fills still arriving after {SETTLE_ATTEMPTS} syncs: compared next run"
        return check

    def _compare(
        self, account: str, balances: dict[str, Decimal], *, rebaseline: bool, tolerance: Decimal
    ) -> list[Mismatch]:
        engine = engine_assets(self.tables, account, self.exchange_id)
        known = {} if rebaseline else self.portfolio.baselines(account)
        adopted = new_baselines(engine, balances, known)
        if adopted:
            self.portfolio.adopt_baselines(account, adopted)
        return spot_mismatches(account, engine, balances, {**known, **adopted}, tolerance=tolerance)


class PaperReconciler:
    """Paper trading: after a sync (resting paper orders fill there), the engine's positions must
    equal the portfolio's books; no venue balance is read and no key is needed."""

    def __init__(self, tables: ExecutionTables, portfolio: PortfolioStore, sync: OrderSync, exchange_id: str) -> None:
        self.tables = tables
        self.portfolio = portfolio
        self.sync = sync
        self.exchange_id = exchange_id

    def run(self, account: str) -> SpotCheck:
        check = SpotCheck([self.sync.run(account)])
        engine: dict[str, Decimal] = defaultdict(Decimal)
        for row in self.tables.positions(account):
            engine[to_unified(row["symbol"], self.exchange_id)] += Decimal(row["quantity"])
        books: dict[str, Decimal] = defaultdict(Decimal)
        for (_, symbol), book in self.portfolio.books(account).items():
            books[symbol] += book.quantity
        check.mismatches = book_mismatches(account, dict(engine), dict(books))
        return check


def ninjatrader_mismatches(ninja: NinjaReads) -> list[Mismatch]:
    """Positions the NinjaTrader bridge has reported on, per account, compared with their fills."""
    by_account: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in ninja.reported_positions():
        by_account[row["account"]].append(row)
    found: list[Mismatch] = []
    for account, rows in sorted(by_account.items()):
        found += reported_mismatches(account, rows)
    return found
