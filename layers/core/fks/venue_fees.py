"""Each venue's spot fee schedule at its entry tier, in basis points: what a strategy pays unless
its configuration names its own fees, so a backtest never assumes free trading.

Sources (the lowest-volume tier, no discount token, as of 2025):

* Binance spot, regular user VIP 0: 0.1000 % maker / 0.1000 % taker,
  https://www.binance.com/en/fee/schedule
* Kraken Pro, 30-day volume $0-10,000: 0.25 % maker / 0.40 % taker,
  https://www.kraken.com/features/fee-schedule
* Coinbase Advanced Trade, 30-day volume $0-1,000: 0.60 % maker / 1.20 % taker,
  https://www.coinbase.com/advanced-fees

The local simulators charge the same rates (fks_exchange_sim), so paper and local runs pay
what the venue would.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from fks.errors import BadRequest


@dataclass(frozen=True)
class FeeSchedule:
    maker_bps: Decimal
    taker_bps: Decimal


VENUE_FEES: dict[str, FeeSchedule] = {
    "binance": FeeSchedule(maker_bps=Decimal(10), taker_bps=Decimal(10)),
    "kraken": FeeSchedule(maker_bps=Decimal(25), taker_bps=Decimal(40)),
    "coinbase": FeeSchedule(maker_bps=Decimal(60), taker_bps=Decimal(120)),
}


def fee_schedule(venue: str) -> FeeSchedule:
    """The venue's schedule, or BadRequest naming the venues that have one."""
    try:
        return VENUE_FEES[venue]
    except KeyError:
        raise BadRequest(
            f"exchange {venue!r} has no fee schedule; set maker_fee_bps and taker_fee_bps, or use one of "
            f"{', '.join(sorted(VENUE_FEES))}",
            details={"field": "exchange"},
        ) from None
