"""Reads both sides of a reconciliation: the engine's positions against the venue's balances
(with the per-asset baselines kept in the portfolio table) and against the NinjaTrader bridge's
position reports. What a mismatch sets off is the reconcile function's business."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from fks.market_data.symbols import from_exchange_symbol, parse_symbol
from fks.pipeline.reconciliation import Mismatch, new_baselines, reported_mismatches, spot_mismatches
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.ninja.reads import NinjaReads
from fks_adapters.portfolio.store import PortfolioStore


def engine_assets(tables: ExecutionTables, account: str, exchange: str) -> dict[str, Decimal]:
    """The engine's spot positions per base asset (``BTCUSDT`` → ``BTC``)."""
    held: dict[str, Decimal] = defaultdict(Decimal)
    for row in tables.positions(account):
        base = parse_symbol(from_exchange_symbol(row["symbol"], exchange)).base
        held[base] += Decimal(row["quantity"])
    return dict(held)


class SpotReconciler:
    def __init__(self, tables: ExecutionTables, portfolio: PortfolioStore, exchange: Any, exchange_id: str) -> None:
        self.tables = tables
        self.portfolio = portfolio  # where the baselines are kept
        self.exchange = exchange  # a ccxt client with a read-only key
        self.exchange_id = exchange_id

    def balances(self) -> dict[str, Decimal]:
        totals = self.exchange.fetch_balance().get("total") or {}
        return {asset: Decimal(str(amount)) for asset, amount in totals.items() if amount is not None}

    def run(self, account: str, *, rebaseline: bool = False, tolerance: Decimal = Decimal("0.005")) -> list[Mismatch]:
        engine = engine_assets(self.tables, account, self.exchange_id)
        balances = self.balances()
        known = {} if rebaseline else self.portfolio.baselines(account)
        adopted = new_baselines(engine, balances, known)
        if adopted:
            self.portfolio.adopt_baselines(account, adopted)
        return spot_mismatches(account, engine, balances, {**known, **adopted}, tolerance=tolerance)


def ninjatrader_mismatches(ninja: NinjaReads) -> list[Mismatch]:
    """Positions the NinjaTrader bridge has reported on, per account, compared with their fills."""
    by_account: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in ninja.reported_positions():
        by_account[row["account"]].append(row)
    found: list[Mismatch] = []
    for account, rows in sorted(by_account.items()):
        found += reported_mismatches(account, rows)
    return found
