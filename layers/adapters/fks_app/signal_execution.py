"""What the pipeline does with execute_order's report (its UpdatePortfolio state): the signal's
record takes the report (``filled``, or ``placed`` while the order rests unfilled), the portfolio
books the order's fills to the signal's strategy, and the account's equity is snapshotted.

Each step is idempotent, so a retried state changes nothing twice: the record's update is refused
once the signal ended, fills are booked once by trade id, and a snapshot of the same moment is
the same item.
"""

from __future__ import annotations

from fks.execution import ExecutionReport
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.task_outputs import PortfolioUpdated
from fks.signals import Signal
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.booking import FillOwner, book_report
from fks_app.valuation import PortfolioValuer


def book_signal_execution(
    history: SignalHistory,
    store: PortfolioStore,
    tables: ExecutionTables,
    prices: CandlePrices,
    signal_id: str,
    signal: Signal,
    report: ExecutionReport,
    now_ms: int,
) -> PortfolioUpdated:
    filled = report.filled_qty
    status = SignalStatus.FILLED if filled > 0 else SignalStatus.PLACED
    history.record(
        signal_id, status, now_ms, report=report.model_dump(mode="json"), client_order_id=report.client_order_id
    )
    account = report.account
    booked = book_report(store, account, report, FillOwner(signal.strategy_id, signal.exchange))
    valuation = PortfolioValuer(store, tables, prices).value(account, signal.exchange, now_ms)
    store.snapshot(account, now_ms, valuation.snapshot())
    return PortfolioUpdated(
        status=status,
        order_status=report.status,
        filled_qty=filled,
        account=account,
        fills_booked=booked,
        equity=valuation.equity,
        cash=valuation.cash,
    )
