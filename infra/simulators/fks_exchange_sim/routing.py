"""What a route is: its handler, its request weight, the parameters it reads, whether it is signed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fks_exchange_sim.candles import CandleSource
from fks_exchange_sim.config import SimulatorConfig
from fks_exchange_sim.engine import Engine
from fks_exchange_sim.params import SIGNATURE_PARAMS

Params = Mapping[str, str]


@dataclass(frozen=True)
class Venue:
    """Everything a handler may touch."""

    config: SimulatorConfig
    candles: CandleSource
    engine: Engine


@dataclass(frozen=True)
class Call:
    venue: Venue
    params: Params
    now_ms: int


@dataclass(frozen=True)
class Route:
    handler: Callable[[Call], object]
    # Binance's weight; with ``weight_without_symbol`` set, the weight when no symbol is sent.
    weight: int
    accepted: frozenset[str]
    signed: bool = False
    weight_without_symbol: int | None = None
    # How many orders a request adds to the order-rate counters (2 for an OCO).
    places_orders: int = 0
    # Another weight when a parameter is sent (myTrades with orderId costs 5, not 20).
    weight_when_sent: tuple[str, int] | None = None

    def weight_of(self, params: Params) -> int:
        if self.weight_when_sent is not None and self.weight_when_sent[0] in params:
            return self.weight_when_sent[1]
        if self.weight_without_symbol is not None and "symbol" not in params and "symbols" not in params:
            return self.weight_without_symbol
        return self.weight


def public(
    handler: Callable[[Call], object], weight: int, *accepted: str, weight_without_symbol: int | None = None
) -> Route:
    return Route(handler, weight, frozenset(accepted), weight_without_symbol=weight_without_symbol)


def signed(
    handler: Callable[[Call], object],
    weight: int,
    *accepted: str,
    weight_without_symbol: int | None = None,
    places_orders: int = 0,
    weight_when_sent: tuple[str, int] | None = None,
) -> Route:
    return Route(
        handler,
        weight,
        frozenset(accepted) | SIGNATURE_PARAMS,
        signed=True,
        weight_without_symbol=weight_without_symbol,
        places_orders=places_orders,
        weight_when_sent=weight_when_sent,
    )
