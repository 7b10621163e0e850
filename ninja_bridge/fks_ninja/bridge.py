"""The bridge: signals in, OIF commands out; NT8's outgoing files in, reports and rule guards out."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial
from pathlib import Path

from fks.prop_firm import breached_rule, check_order, reduces_only
from fks.signals import Signal
from fks_ninja import oif
from fks_ninja.account_values import AccountValues, AccountValuesReader
from fks_ninja.config import BridgeConfig
from fks_ninja.equity import AccountEquity
from fks_ninja.errors import RuleViolation
from fks_ninja.ledger import AccountLedger
from fks_ninja.mapping import OrderIntent, map_signal
from fks_ninja.outbox import ReportOutbox
from fks_ninja.reporter import FillReporter
from fks_ninja.sinks import OrderSink, sink_for
from fks_ninja.tracker import OrderTracker, PlacedOrder
from fks_ninja.watcher import OutgoingWatcher, PositionBook, WatchResult

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    PLACED = "placed"
    RECORDED = "recorded"  # manual mode
    REFUSED = "refused"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class SignalResult:
    signal_id: str
    outcome: Outcome
    order_id: str | None = None
    oif_file: Path | None = None
    reason: str | None = None


class Bridge:
    def __init__(
        self,
        config: BridgeConfig,
        reporter: FillReporter,
        *,
        sink: OrderSink | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.reporter = reporter
        self.sink = sink or sink_for(config)
        self.clock = clock
        self.tracker = OrderTracker()
        book_path = config.state_dir / "positions.json" if config.state_dir else None
        self.watcher = OutgoingWatcher(config.outgoing, self.tracker, PositionBook(book_path))
        self._ledgers: dict[str, AccountLedger] = {}
        self.equity = AccountEquity(config.state_dir / "equity.json" if config.state_dir else None)
        self.account_values = AccountValuesReader(config.account_values) if config.account_values else None
        self._order_by_signal: dict[str, str] = {}
        self._point_values: dict[str, Decimal] = {}
        self._close_names: dict[str, str] = {}
        self._account_key = {acct.nt8_account: key for key, acct in config.accounts.items()}
        self._flattened: set[tuple[str, date]] = set()  # (account, trading day)
        self.outbox = ReportOutbox()

    def handle_signal(self, signal: Signal) -> SignalResult:
        """Map, check and submit one signal. Raises for what should be retried or dead-lettered;
        returns REFUSED (already reported) for a rule the signal breaks."""
        if signal.signal_id in self._order_by_signal:
            log.info("signal %s already handled as order %s", signal.signal_id, self._order_by_signal[signal.signal_id])
            return SignalResult(signal.signal_id, Outcome.DUPLICATE, self._order_by_signal[signal.signal_id])
        now = self.clock()
        intent = map_signal(signal, self.config, now.date())
        ledger = self._ledger(intent.account_key, now)
        rules = self.config.accounts[intent.account_key].effective_rules()
        # Working orders count as filled: two quick signals must not both pass a limit.
        position = ledger.position(intent.instrument) + self.tracker.pending_contracts(
            intent.nt8_account, intent.instrument
        )
        equity = self.equity.state(intent.account_key, ledger.trading_day, rules, ledger.balance)
        loss_today, drawdown = rules.measure(equity)
        try:
            if not reduces_only(position, intent.signed_contracts):
                self._require_fresh_values(intent.nt8_account, now)
            check_order(
                rules,
                position=position,
                delta=intent.signed_contracts,
                loss_today=loss_today,
                drawdown=drawdown,
                now=now,
            )
        except RuleViolation as exc:
            rule = str(exc.details.get("rule"))
            log.warning("signal %s refused for %s: %s", signal.signal_id, intent.account_key, exc.message)
            self._refuse(signal.signal_id, exc.message, rule)
            return SignalResult(signal.signal_id, Outcome.REFUSED, reason=exc.message)
        order_id = _order_id(signal.signal_id)
        command = self._place(intent, order_id)
        path = self.sink.submit([command])
        self._order_by_signal[signal.signal_id] = order_id
        self._point_values[intent.instrument] = intent.point_value
        self._close_names[intent.instrument] = intent.instrument_with_exchange
        self.tracker.track(
            PlacedOrder(
                order_id, signal.signal_id, intent.nt8_account, intent.instrument, intent.action.value, intent.contracts
            )
        )
        outcome = Outcome.RECORDED if path is None else Outcome.PLACED
        log.info(
            "signal %s -> %s %s %s x%d (%s)",
            signal.signal_id,
            intent.nt8_account,
            intent.action,
            intent.instrument,
            intent.contracts,
            outcome,
        )
        return SignalResult(signal.signal_id, outcome, order_id, path)

    def handle_outgoing(self) -> WatchResult:
        """Read NT8's outgoing folder, flatten accounts that breach, then report what changed."""
        result = self.watcher.poll()
        now = self.clock()
        moved: set[str] = set()
        for fill in result.fills:
            key = self._account_key.get(fill.account)
            if key is not None:
                signed = fill.quantity if fill.action == oif.Action.BUY else -fill.quantity
                point_value = self._point_values[fill.instrument]
                ledger = self._ledger(key, now)
                before = ledger.balance
                ledger.apply_fill(fill.instrument, signed, fill.price, point_value)
                rules = self.config.accounts[key].effective_rules()
                self.equity.mark_fill(key, ledger.trading_day, rules, before, ledger.balance)
                moved.add(key)
        for values in self.account_values.poll() if self.account_values else []:
            key = self._mark_values(values, now)
            if key is not None:
                moved.add(key)
        # Flattening comes before reporting: protecting the account must not wait on the API.
        for key in sorted(moved):
            self._flatten_if_breached(key, now)
        for fill in result.fills:
            self.outbox.add(f"fill {fill.order_id}", partial(self.reporter.report_fill, fill))
        for change in result.status_changes:
            self.outbox.add(
                f"order {change.order_id} {change.state}", partial(self.reporter.report_order_state, change)
            )
        for position in result.positions:
            self.outbox.add(f"position {position.instrument}", partial(self.reporter.report_position, position))
        for connection in result.connections:
            log.log(
                logging.INFO if connection.connected else logging.ERROR,
                "NT8 connection %s: %s",
                connection.connection,
                "CONNECTED" if connection.connected else "DISCONNECTED",
            )
        self.outbox.flush()
        return result

    def reconcile(self) -> None:
        """After a restart NT8 has cleared outgoing; report positions that differ from the last run."""
        for position in self.watcher.reconcile():
            log.info(
                "reconciled %s %s: %s %d", position.account, position.instrument, position.position, position.quantity
            )
            self.outbox.add(f"position {position.instrument}", partial(self.reporter.report_position, position))
        self.outbox.flush()

    def _refuse(self, signal_id: str, reason: str, rule: str | None) -> None:
        self.outbox.add(f"refusal {signal_id}", partial(self.reporter.report_refusal, signal_id, reason, rule))
        self.outbox.flush()

    def _flatten_if_breached(self, key: str, now: datetime) -> None:
        ledger = self._ledger(key, now)
        rules = self.config.accounts[key].effective_rules()
        loss_today, drawdown = rules.measure(self.equity.state(key, ledger.trading_day, rules, ledger.balance))
        rule = breached_rule(rules, loss_today=loss_today, drawdown=drawdown)
        if rule is None or (key, ledger.trading_day) in self._flattened:
            return
        nt8_account = self.config.accounts[key].nt8_account
        # Instruments with a position or a working order: CLOSEPOSITION cancels the orders too.
        working = {o.instrument for o in self.tracker.open_orders() if o.account == nt8_account}
        instruments = sorted(set(ledger.open_instruments()) | working)
        # CLOSEPOSITION per instrument, never FLATTENEVERYTHING: other accounts keep trading.
        commands = [
            oif.build(oif.ClosePosition, account=nt8_account, instrument=self._close_names.get(name, name))
            for name in instruments
        ]
        log.error("account %s breached %s; flattening %s", key, rule, instruments)
        if commands:
            self.sink.submit(commands)
        self._flattened.add((key, ledger.trading_day))
        # One refusal per account and trading day: the platform dedupes reports by this id, so a
        # breach on a later day must not look like a replay of the first.
        self._refuse(f"account:{key}:{ledger.trading_day.isoformat()}", f"account breached {rule}; flattened", rule)

    def _mark_values(self, values: AccountValues, now: datetime) -> str | None:
        """Book NT8's values of an account this bridge trades; its key, or None for another's."""
        key = self._account_key.get(values.account)
        if key is None:
            return None
        state = self.equity.mark_values(key, self._ledger(key, now).trading_day, values)
        log.debug("account %s open equity %s (day start %s)", key, state.open_equity, state.day_start)
        return key

    def _require_fresh_values(self, nt8_account: str, now: datetime) -> None:
        """With NT8's values configured, an order that adds risk needs recent ones: without them the
        rules cannot see an open loss."""
        if self.account_values is None:
            return
        last = self.account_values.last_at_ms(nt8_account)
        age_s = None if last is None else now.timestamp() - last / 1000
        if age_s is None or age_s > self.config.account_values_max_age_s:
            seen = "none received" if age_s is None else f"the last are {age_s:.0f} s old"
            raise RuleViolation(
                f"account_values_stale: no recent NT8 account values for {nt8_account} ({seen}); "
                "is FKSStatusIndicator running on a chart?",
                details={"rule": "account_values_stale"},
            )

    def _place(self, intent: OrderIntent, order_id: str) -> oif.Place:
        return oif.build(
            oif.Place,
            account=intent.nt8_account,
            instrument=intent.instrument,
            action=intent.action,
            quantity=intent.contracts,
            order_type=intent.order_type,
            limit_price=intent.limit_price,
            tif=self.config.accounts[intent.account_key].tif,
            order_id=order_id,
        )

    def _ledger(self, key: str, now: datetime) -> AccountLedger:
        hours = self.config.accounts[key].effective_rules().trading_hours
        day = hours.session_date(now) if hours is not None else now.date()
        ledger = self._ledgers.setdefault(key, AccountLedger(trading_day=day))
        ledger.roll_day(day)
        return ledger


def _order_id(signal_id: str) -> str:
    # Unique per PLACE even when a signal is re-sent after a crash; the signal id keeps it traceable.
    # At most 36 characters: the platform's client order id, so GET /orders/{id} reads it back.
    return f"fks{uuid.uuid4().hex[:10]}-{signal_id[:22]}"
