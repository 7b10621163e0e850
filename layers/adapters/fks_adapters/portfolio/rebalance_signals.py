"""Rebalancing orders go out as signals of the ``rebalance`` strategy, through the pipeline."""

from __future__ import annotations

from fks import env
from fks.portfolio.rebalance import RebalanceOrder
from fks.portfolio.requests import RebalanceRequest
from fks.signals import Side, Signal
from fks_adapters.strategies.signal_recorder import SignalRecorder

REBALANCE_STRATEGY = "rebalance"


def send_rebalance_signals(
    orders: list[RebalanceOrder], request: RebalanceRequest, now_ms: int
) -> list[dict[str, str]]:
    """One signal per order, recorded once and queued. The recorder keys signals by strategy,
    symbol and minute, so a second rebalance of the same symbol within a minute is answered as
    a duplicate instead of trading twice."""
    recorder = SignalRecorder(env.require(env.SIGNALS_TABLE), env.require(env.SIGNAL_EVENTS_QUEUE_URL))
    sent = []
    for index, order in enumerate(orders):
        signal = Signal(
            signal_id=f"rebalance-{now_ms}-{index}",
            strategy_id=REBALANCE_STRATEGY,
            exchange=request.exchange,
            symbol=order.symbol,
            side=Side(order.side),
            quantity=order.quantity,
            timeframe="1m",
            bar_time=now_ms - now_ms % 60_000,
            account=request.account,
        )
        sent.append({"signal_id": signal.signal_id, "outcome": recorder.record(signal, now_ms)})
    return sent
