"""What each bot command does, through the same adapters the API functions use (never an HTTP
call back into our own API), answered as a short chat message."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from fks.chat_control import ChatCommand
from fks.pipeline.outcomes import SignalStatus
from fks_adapters.pipeline import wiring
from fks_adapters.pipeline.approvals import ApprovalGate
from fks_app.approvals import approve_signal, reject_signal

_LISTED = 10  # a chat message stays readable on a phone


def _account() -> str:
    return wiring.trading_account()


def status(_: ChatCommand, who: str) -> str:
    tables = wiring.execution_tables()
    account = _account()
    open_orders = tables.orders(account, open_only=True)
    waiting, _token = wiring.signal_history().list(status=SignalStatus.PENDING_APPROVAL, limit=50)
    return (
        f"{account}: trading {tables.trading_state(account)}\n"
        f"open orders: {len(open_orders)}\nsignals waiting for approval: {len(waiting)}"
    )


def balance(_: ChatCommand, who: str) -> str:
    # Imported here: valuation reads candles (pandas), which only this command needs.
    from fks_app.valuation import PortfolioValuer

    account = _account()
    valuation = PortfolioValuer(wiring.portfolio_store(), wiring.execution_tables()).value(
        account, wiring.TRADING_EXCHANGE, int(time.time() * 1000)
    )
    lines = [f"{name}: {value}" for name, value in valuation.snapshot().items()]
    return f"{account}\n" + "\n".join(lines)


def positions(_: ChatCommand, who: str) -> str:
    rows = [p for p in wiring.execution_tables().positions(_account()) if str(p.get("quantity", "0")) not in ("0", "")]
    if not rows:
        return f"{_account()}: no open positions"
    lines = [f"{p['symbol']}: {p['quantity']} @ {p.get('avg_entry_price', '?')}" for p in rows[:_LISTED]]
    return "\n".join(lines)


def signals(_: ChatCommand, who: str) -> str:
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    records, _token = wiring.signal_history().list(day=today, limit=_LISTED)
    if not records:
        return f"no signals today ({today})"
    lines = []
    for record in records[:_LISTED]:
        stored = record.get("signal")
        signal = stored if isinstance(stored, dict) else record
        what = " ".join(str(signal.get(k)) for k in ("side", "quantity", "symbol") if signal.get(k))
        lines.append(f"{record.get('signal_id')}: {record.get('status')} {what}".rstrip())
    return "\n".join(lines)


def halt(_: ChatCommand, who: str) -> str:
    wiring.execution_tables().set_trading_state(_account(), "halted")
    return f"{_account()}: trading halted by {who}. /resume to trade again."


def resume(_: ChatCommand, who: str) -> str:
    wiring.execution_tables().set_trading_state(_account(), "active")
    return f"{_account()}: trading resumed by {who}"


def approve(command: ChatCommand, who: str) -> str:
    answer = approve_signal(wiring.signal_history(), ApprovalGate(), str(command.argument), who)
    return f"signal {answer['signal_id']}: {answer['status']} by {who}"


def reject(command: ChatCommand, who: str) -> str:
    answer = reject_signal(wiring.signal_history(), ApprovalGate(), str(command.argument), who, "rejected from chat")
    return f"signal {answer['signal_id']}: {answer['status']} by {who}"


OPERATIONS: dict[str, Callable[[ChatCommand, str], str]] = {
    "status": status,
    "balance": balance,
    "positions": positions,
    "signals": signals,
    "halt": halt,
    "resume": resume,
    "approve": approve,
    "reject": reject,
}
