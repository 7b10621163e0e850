"""Settings of one simulator instance; the defaults are what the README documents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from fks_exchange_sim.account import DEFAULT_BALANCES
from fks_exchange_sim.markets import DEFAULT_SYMBOLS, SymbolSpec
from fks_exchange_sim.series import DEFAULT_SEED

# Well-known on purpose: the simulator only listens on loopback and holds no real money.
DEFAULT_API_KEY = "fks-sim-api-key"
DEFAULT_API_SECRET = "fks-sim-api-secret"  # noqa: S105


@dataclass(frozen=True)
class SimulatorConfig:
    api_key: str = DEFAULT_API_KEY
    api_secret: str = DEFAULT_API_SECRET
    symbols: tuple[SymbolSpec, ...] = DEFAULT_SYMBOLS
    balances: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_BALANCES))
    # Charged on what an order receives, for makers and takers alike (Binance's base tier).
    fee_rate: Decimal = Decimal("0.001")
    # Full bid-ask spread around the minute's close, in basis points; 0 trades at the close.
    spread_bps: int = 0
    seed: int = DEFAULT_SEED
    # Binance's spot limits: request weight per minute, orders per 10 s and per day.
    weight_limit_1m: int = 6000
    order_limit_10s: int = 100
    order_limit_1d: int = 200_000
    # After this many 429 answers in one minute the IP is banned (418) for ``ban_ms``.
    bans_after_429s: int = 10
    ban_ms: int = 120_000
