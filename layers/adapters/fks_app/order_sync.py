"""One order sync of an account: the engine learns from the venue what happened to the working
orders (``{"action": "sync"}`` to ``execute_order``, the only holder of the trading key), and
the portfolio books the fills that sync learned, each once, to the strategy whose signal placed
the order. A trade the platform never placed is recorded as foreign and halts the account.

The scheduled ``sync_orders`` runs it; reconciliation runs it too, so it compares synced state.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit

from fks.accounts import ENGINE_VENUE
from fks.execution import ExecutionReport, ForeignFill, SyncCommand, SyncResult, Venue
from fks.function_settings import OrderSyncSettings
from fks.observability import metrics
from fks_adapters.accounts.routing import AccountRouting
from fks_adapters.accounts.store import AccountStore
from fks_adapters.execution.invoker import ExecuteOrderInvoker
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.notices import Notifier, notifiers
from fks_adapters.pipeline.notifier import Notice
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.booking import FillOwner, SignalLookup, book_report, owner_of

FOREIGN_FILL = "foreign_fill"  # the halt reason a foreign trade stores


@dataclass
class SyncOutcome:
    account: str
    reached: bool
    misses_in_a_row: int
    reports: int = 0
    fills_booked: int = 0
    open_orders: int = 0
    foreign_fills: list[ForeignFill] = field(default_factory=list)  # newly seen by this sync
    learned_fills: int = 0  # fills the venue had that the engine learned in this sync, foreign ones too
    booking_failures: list[str] = field(default_factory=list)  # reports kept for the next sync to book

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "reached": self.reached,
            "misses_in_a_row": self.misses_in_a_row,
            "reports": self.reports,
            "fills_booked": self.fills_booked,
            "open_orders": self.open_orders,
            "learned_fills": self.learned_fills,
            "booking_failures": self.booking_failures,
            "foreign_fills": [fill.model_dump(mode="json") for fill in self.foreign_fills],
        }

    def describe_foreign(self) -> str:
        return "; ".join(
            f"{f.side} {f.quantity} {f.symbol} at {f.price} (trade {f.trade_id}, venue order {f.venue_order_id})"
            for f in self.foreign_fills
        )


class OrderSync:
    def __init__(
        self,
        invoker: ExecuteOrderInvoker,
        tables: ExecutionTables,
        portfolio: PortfolioStore,
        signals: SignalLookup,
        exchange: str,
    ) -> None:
        self.invoker = invoker
        self.tables = tables
        self.portfolio = portfolio
        self.signals = signals
        self.exchange = exchange  # the venue execute_order trades, whose spelling its symbols use
        self._owners: dict[str | None, FillOwner] = {}
        self.venue: Venue | None = None  # what ``run`` names when not told (see ``on_venue``)

    def on_venue(self, venue: Venue | None) -> OrderSync:
        """This sync for an account of ``venue``: every ``run`` names it unless told another (the
        reconciler's syncs of an accounts-table account)."""
        bound = copy.copy(self)
        bound.venue = venue
        return bound

    def run(self, account: str, venue: Venue | None = None) -> SyncOutcome:
        """Sync ``account``; ``venue`` is its venue from the accounts table (None: the engine's own)."""
        command = SyncCommand(account=account, venue=venue or self.venue)
        result = SyncResult.model_validate(self.invoker.execute(command))
        now_ms = int(time.time() * 1000)
        if result.unreachable:
            # The engine changed nothing: count the miss, try again next run.
            misses = self.portfolio.record_sync(account, reached=False, now_ms=now_ms)
            return SyncOutcome(account, reached=False, misses_in_a_row=misses)
        outcome = SyncOutcome(account, reached=True, misses_in_a_row=0, open_orders=result.open_orders)
        # The engine reports a fill to one sync only: the reports are kept until booked, so a
        # sync that dies half-way has its successor book the rest.
        reports = [report.model_dump(mode="json") for report in result.reports]
        held = self.portfolio.hold_reports(account, reports, now_ms)
        for key, report in [*self.portfolio.held_reports(account, exclude=held), *zip(held, reports, strict=True)]:
            try:
                outcome.fills_booked += self._book(account, report)
            except Exception as error:  # kept for the next sync; one bad report must not block the others
                outcome.booking_failures.append(f"{report.get('client_order_id')}: {error!r}")
                continue
            self.portfolio.release_report(account, key)
        outcome.reports = len(reports)
        fresh = [
            fill for fill in result.foreign_fills if not self.portfolio.foreign_fill_known(account, _strings(fill))
        ]
        if fresh:
            # Halted before the trades are recorded: a sync that dies in between halts on the next run.
            self.tables.set_trading_state(account, "halted", reason=FOREIGN_FILL)
        for fill in fresh:
            if self.portfolio.record_foreign_fill(account, _strings(fill), now_ms):
                outcome.foreign_fills.append(fill)
        outcome.learned_fills = sum(len(report.fills) for report in result.reports) + len(fresh)
        self.portfolio.record_sync(account, reached=True, now_ms=now_ms)
        return outcome

    def _book(self, account: str, held: dict[str, Any]) -> int:
        report = held_report(held)
        signal_id = report.signal_id
        owner = self._owners.get(signal_id) or owner_of(signal_id, self.signals, self.exchange)
        self._owners[signal_id] = owner
        return book_report(self.portfolio, account, report, owner)


class OrderSyncParts:
    """What an order sync runs on, from a function's settings: each adapter built on first use
    and kept for the container (the sync and reconciliation functions hold one), the sync itself
    one per run (it remembers each signal's owner for the run)."""

    def __init__(self, settings: OrderSyncSettings) -> None:
        self.settings = settings

    @cached_property
    def tables(self) -> ExecutionTables:
        s = self.settings
        return ExecutionTables(s.orders_table, s.positions_table, s.risk_state_table)

    @cached_property
    def portfolio(self) -> PortfolioStore:
        return PortfolioStore(self.settings.portfolio_table, self.settings.initial_capital)

    @cached_property
    def routing(self) -> AccountRouting:
        table = self.settings.accounts_table
        return AccountRouting(self.settings.trading_account, AccountStore(table) if table else None)

    @cached_property
    def notifiers(self) -> list[Notifier]:
        return notifiers(self.settings.notify_topic_arn, self.settings.notify_webhook_url)

    @cached_property
    def _engine(self) -> tuple[ExecuteOrderInvoker, SignalHistory]:
        return ExecuteOrderInvoker(self.settings.execute_order_function), SignalHistory(self.settings.signals_table)

    def order_sync(self) -> OrderSync:
        """A sync of the deployment's engine on the engine's venue (``on_venue`` for another)."""
        invoker, history = self._engine
        return OrderSync(invoker, self.tables, self.portfolio, history, ENGINE_VENUE)


def held_report(held: dict[str, Any]) -> ExecutionReport:
    """A report as the portfolio holds it until booked. One held before the model lost its
    never-written ``venue_symbol`` field still carries it (as null): dropped, not refused, so
    that report is booked rather than kept forever."""
    return ExecutionReport.model_validate({name: value for name, value in held.items() if name != "venue_symbol"})


def _strings(fill: ForeignFill) -> dict[str, str]:
    return {name: str(value) for name, value in fill.model_dump(mode="json").items() if value is not None}


def report_outcome(outcome: SyncOutcome, logger: Logger, notifiers: list[Notifier]) -> None:
    """Metrics, log lines and, for foreign trades, a notice: shared by every caller of a sync."""
    metrics.add_metric(name="OrderSyncMisses", unit=MetricUnit.Count, value=0 if outcome.reached else 1)
    metrics.add_metric(name="OrderSyncMissesInARow", unit=MetricUnit.Count, value=outcome.misses_in_a_row)
    metrics.add_metric(name="SyncFillsBooked", unit=MetricUnit.Count, value=outcome.fills_booked)
    metrics.add_metric(name="ForeignFills", unit=MetricUnit.Count, value=len(outcome.foreign_fills))
    metrics.add_metric(name="SyncBookingFailures", unit=MetricUnit.Count, value=len(outcome.booking_failures))
    if not outcome.reached:
        logger.warning("venue unreachable: orders not synced", extra={"misses_in_a_row": outcome.misses_in_a_row})
        return
    logger.info("orders synced", extra=outcome.as_dict())
    if outcome.booking_failures:
        logger.error("fills not booked yet: kept for the next sync", extra={"failures": outcome.booking_failures})
    if outcome.foreign_fills:
        logger.error("foreign trades: account halted", extra={"foreign": outcome.describe_foreign()})
        for notifier in notifiers:
            try:
                notifier.send(foreign_fill_notice(outcome))
            except Exception:  # the halt stands whether or not the message got out
                logger.exception("foreign fill notice not sent")


def foreign_fill_notice(outcome: SyncOutcome) -> Notice:
    return Notice(
        f"FKS halted {outcome.account}: trades the platform never placed",
        f"{outcome.account}: {outcome.describe_foreign()}. Trading is halted (reason {FOREIGN_FILL}); after a "
        "review, adopt the holdings with the reconcile function's rebaseline and POST /risk/resume.",
        {"kind": FOREIGN_FILL, "account": outcome.account},
    )
