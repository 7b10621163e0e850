"""The one simulated spot account: free and locked balances, in exact decimals."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from fks_exchange_sim import errors
from fks_exchange_sim.markets import fmt8

DEFAULT_BALANCES: Mapping[str, Decimal] = {
    "USDT": Decimal("100000"),
    "BTC": Decimal("1"),
    "ETH": Decimal("10"),
    "SOL": Decimal("100"),
}
ZERO = Decimal(0)


class Account:
    """Balances per asset. Callers hold the engine's lock; nothing here is thread-safe alone."""

    def __init__(self, balances: Mapping[str, Decimal] = DEFAULT_BALANCES) -> None:
        self._free = {asset: Decimal(amount) for asset, amount in balances.items()}
        self._locked = dict.fromkeys(self._free, ZERO)

    def assets(self) -> list[str]:
        return sorted(self._free)

    def free(self, asset: str) -> Decimal:
        return self._free.get(asset, ZERO)

    def locked(self, asset: str) -> Decimal:
        return self._locked.get(asset, ZERO)

    def require_free(self, asset: str, amount: Decimal) -> None:
        if self.free(asset) < amount:
            raise errors.insufficient_balance()

    def lock(self, asset: str, amount: Decimal) -> None:
        self.require_free(asset, amount)
        self._free[asset] -= amount
        self._locked[asset] = self.locked(asset) + amount

    def unlock(self, asset: str, amount: Decimal) -> None:
        self._locked[asset] -= amount
        self._free[asset] += amount

    def spend_locked(self, asset: str, amount: Decimal) -> None:
        self._locked[asset] -= amount

    def spend_free(self, asset: str, amount: Decimal) -> None:
        self.require_free(asset, amount)
        self._free[asset] -= amount

    def credit(self, asset: str, amount: Decimal) -> None:
        self._free[asset] = self.free(asset) + amount
        self._locked.setdefault(asset, ZERO)

    def balances(self, omit_zero: bool = False) -> list[dict[str, str]]:
        rows = []
        for asset in sorted(self._free):
            free, locked = self._free[asset], self.locked(asset)
            if omit_zero and not (free or locked):
                continue
            rows.append({"asset": asset, "free": fmt8(free), "locked": fmt8(locked)})
        return rows
