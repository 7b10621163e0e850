"""What each bot command does, through the same adapters the API functions use (never an HTTP
call back into our own API), answered as a short chat message."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fks.accounts import ENGINE_VENUE
from fks.chat_control import ChatCommand
from fks.pipeline.outcomes import SignalStatus
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.approvals import ApprovalGate
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.approvals import approve_signal, reject_signal

_LISTED = 10  # a chat message stays readable on a phone


@dataclass(frozen=True)
class ChatCommands:
    """The deployment's own account, its tables, and a price reader per valuation (``prices``)."""

    account: str
    tables: ExecutionTables
    history: SignalHistory
    portfolio: PortfolioStore
    prices: Callable[[], CandlePrices]
    gate: ApprovalGate

    def run(self, command: ChatCommand, who: str) -> str:
        operations: dict[str, Callable[[ChatCommand, str], str]] = {
            "status": self.status,
            "balance": self.balance,
            "positions": self.positions,
            "signals": self.signals,
            "halt": self.halt,
            "resume": self.resume,
            "approve": self.approve,
            "reject": self.reject,
        }
        return operations[command.name](command, who)

    def status(self, _: ChatCommand, who: str) -> str:
        open_orders = self.tables.orders(self.account, open_only=True)
        waiting, _token = self.history.list(status=SignalStatus.PENDING_APPROVAL, limit=50)
        return (
            f"{self.account}: trading {self.tables.trading_state(self.account)}\n"
            f"open orders: {len(open_orders)}\nsignals waiting for approval: {len(waiting)}"
        )

    def balance(self, _: ChatCommand, who: str) -> str:
        # Imported here: valuation reads candles (pandas), which only this command needs.
        from fks_app.valuation import PortfolioValuer

        valuation = PortfolioValuer(self.portfolio, self.tables, self.prices()).value(
            self.account, ENGINE_VENUE, int(time.time() * 1000)
        )
        lines = [f"{name}: {value}" for name, value in valuation.snapshot().items()]
        return f"{self.account}\n" + "\n".join(lines)

    def positions(self, _: ChatCommand, who: str) -> str:
        rows = [p for p in self.tables.positions(self.account) if str(p.get("quantity", "0")) not in ("0", "")]
        if not rows:
            return f"{self.account}: no open positions"
        lines = [f"{p['symbol']}: {p['quantity']} @ {p.get('avg_entry_price', '?')}" for p in rows[:_LISTED]]
        return "\n".join(lines)

    def signals(self, _: ChatCommand, who: str) -> str:
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        records, _token = self.history.list(day=today, limit=_LISTED)
        if not records:
            return f"no signals today ({today})"
        lines = []
        for record in records[:_LISTED]:
            stored = record.get("signal")
            signal = stored if isinstance(stored, dict) else record
            what = " ".join(str(signal.get(k)) for k in ("side", "quantity", "symbol") if signal.get(k))
            lines.append(f"{record.get('signal_id')}: {record.get('status')} {what}".rstrip())
        return "\n".join(lines)

    def halt(self, _: ChatCommand, who: str) -> str:
        self.tables.set_trading_state(self.account, "halted")
        return f"{self.account}: trading halted by {who}. /resume to trade again."

    def resume(self, _: ChatCommand, who: str) -> str:
        self.tables.set_trading_state(self.account, "active")
        return f"{self.account}: trading resumed by {who}"

    def approve(self, command: ChatCommand, who: str) -> str:
        answer = approve_signal(self.history, self.gate, str(command.argument), who)
        return f"signal {answer['signal_id']}: {answer['status']} by {who}"

    def reject(self, command: ChatCommand, who: str) -> str:
        answer = reject_signal(self.history, self.gate, str(command.argument), who, "rejected from chat")
        return f"signal {answer['signal_id']}: {answer['status']} by {who}"
