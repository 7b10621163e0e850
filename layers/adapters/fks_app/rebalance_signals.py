"""Rebalancing orders go out as signals of the ``rebalance`` strategy, through the pipeline."""

from __future__ import annotations

from fks.portfolio.rebalance import RebalanceOrder
from fks.portfolio.requests import RebalanceRequest
from fks.signals import Side, Signal
from fks_app.signal_recording import SignalRecorder

REBALANCE_STRATEGY = "rebalance"


def send_rebalance_signals(
    recorder: SignalRecorder, orders: list[RebalanceOrder], request: RebalanceRequest, exchange: str, now_ms: int
) -> list[dict[str, str]]:
    """One signal per order on ``exchange`` (the account's venue), recorded once and started. Its
    id derives from the symbol and the minute, so a second rebalance of the same symbol within a
    minute is answered as a duplicate instead of trading twice."""
    from fks.signal_generation import signal_id_for  # it brings NumPy: only a rebalance that trades pays

    sent = []
    for order in orders:
        minute = now_ms - now_ms % 60_000
        signal = Signal(
            signal_id=signal_id_for(REBALANCE_STRATEGY, order.symbol, "1m", minute),
            strategy_id=REBALANCE_STRATEGY,
            exchange=exchange,
            symbol=order.symbol,
            side=Side(order.side),
            quantity=order.quantity,
            timeframe="1m",
            bar_time=minute,
            account=request.account,
        )
        sent.append({"signal_id": signal.signal_id, "outcome": recorder.record(signal, now_ms)})
    return sent
