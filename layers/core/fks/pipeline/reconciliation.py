"""Do the engine's positions agree with what the venue says the account holds?

Spot: an exchange balance also holds what the platform never traded (coins that were there
before, deposits), so each asset has a baseline, adopted the first time the asset is seen:
``expected = baseline + engine position``. Binance takes a buy's commission from the coins
received, so the venue holds slightly less than the engine's filled quantity; the tolerance
(a fraction of the position, default 0.5 %, with a floor of one satoshi-sized unit) absorbs
that and nothing bigger.

NinjaTrader: the bridge reports each account's position from NT8's position files; it must
equal the position built from the fills the bridge reported, contract for contract.

Paper: the engine's positions against the portfolio's books (the paper book against itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
MIN_TOLERANCE = Decimal("0.00000001")


@dataclass(frozen=True)
class Mismatch:
    account: str
    asset: str
    engine: Decimal
    venue: Decimal
    expected: Decimal
    against: str = "venue"  # what the engine was compared with: the venue, or the portfolio's books

    @property
    def difference(self) -> Decimal:
        return self.venue - self.expected

    def describe(self) -> str:
        return (
            f"{self.account} {self.asset}: engine position {self.engine}, {self.against} {self.venue}, "
            f"expected {self.expected} (off by {self.difference})"
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "account": self.account,
            "asset": self.asset,
            "engine": str(self.engine),
            "venue": str(self.venue),
            "expected": str(self.expected),
            "difference": str(self.difference),
        }


def spot_mismatches(
    account: str,
    engine: dict[str, Decimal],
    balances: dict[str, Decimal],
    baselines: dict[str, Decimal],
    *,
    tolerance: Decimal = Decimal("0.005"),
) -> list[Mismatch]:
    """Assets the engine holds whose venue balance is off ``baseline + engine`` by more than the
    tolerance. Quote assets (USDT) are not judged: the engine tracks positions, not cash."""
    found = []
    for asset in sorted(set(engine) & set(baselines)):
        position = engine.get(asset, ZERO)
        expected = baselines[asset] + position
        venue = balances.get(asset, ZERO)
        allowed = max(abs(position) * tolerance, MIN_TOLERANCE)
        if abs(venue - expected) > allowed:
            found.append(Mismatch(account, asset, position, venue, expected))
    return found


def new_baselines(
    engine: dict[str, Decimal], balances: dict[str, Decimal], known: dict[str, Decimal]
) -> dict[str, Decimal]:
    """Baselines for assets the engine holds for the first time: what the venue holds beyond them."""
    assets = set(engine) - set(known)
    return {asset: balances.get(asset, ZERO) - engine.get(asset, ZERO) for asset in sorted(assets)}


def reported_mismatches(account: str, positions: list[dict[str, str]]) -> list[Mismatch]:
    """NinjaTrader positions whose bridge-reported quantity differs from the fills' position."""
    found = []
    for row in positions:
        if row.get("reported_quantity") is None:
            continue  # no report from the bridge yet: nothing to compare
        engine, venue = Decimal(row.get("quantity") or "0"), Decimal(row["reported_quantity"])
        if engine != venue:
            found.append(Mismatch(account, row["symbol"], engine, venue, engine))
    return found


def book_mismatches(account: str, engine: dict[str, Decimal], books: dict[str, Decimal]) -> list[Mismatch]:
    """Paper trading has no venue to ask: the engine's position in each symbol must equal the
    sum of the portfolio's books in it, both built from the same fills, to the unit."""
    found = []
    for symbol in sorted(set(engine) | set(books)):
        position, booked = engine.get(symbol, ZERO), books.get(symbol, ZERO)
        if position != booked:
            found.append(Mismatch(account, symbol, position, booked, position, against="portfolio books"))
    return found
