"""The simulated spot markets: their filters as ``exchangeInfo`` shows them and the checks behind them.

Tick and step sizes are Binance's for these pairs, so prices and amounts the project rounds for
the simulator are also valid on Binance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from fks_exchange_sim import errors

ORDER_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
ASSET_PRECISION = 8
_MAX_PRICE = Decimal("1000000")


def fmt8(value: Decimal) -> str:
    """Binance writes every price, quantity and balance with eight decimals."""
    return f"{value:.8f}"


@dataclass(frozen=True)
class SymbolSpec:
    """One spot pair: its filters and the parameters of its sample price series."""

    symbol: str
    base: str
    quote: str
    tick_decimals: int
    step_decimals: int
    min_notional: Decimal
    start_price: Decimal
    # Standard deviation of the one-minute log return, in millionths (400 = 0.04 %).
    sigma_micro: int
    # Mean traded volume per minute, in base units.
    volume_per_minute: Decimal
    max_qty: Decimal = Decimal("9000")
    market_max_qty: Decimal = Decimal("100")
    max_notional: Decimal = Decimal("9000000")
    max_num_orders: int = 200

    @property
    def tick(self) -> Decimal:
        return Decimal(1).scaleb(-self.tick_decimals)

    @property
    def step(self) -> Decimal:
        return Decimal(1).scaleb(-self.step_decimals)

    @property
    def min_qty(self) -> Decimal:
        return self.step

    def price_of_ticks(self, ticks: int) -> Decimal:
        return Decimal(ticks).scaleb(-self.tick_decimals)

    def floor_to_step(self, qty: Decimal) -> Decimal:
        return (qty / self.step).to_integral_value(rounding=ROUND_FLOOR) * self.step


DEFAULT_SYMBOLS: tuple[SymbolSpec, ...] = (
    SymbolSpec("BTCUSDT", "BTC", "USDT", 2, 5, Decimal("5"), Decimal("42000"), 400, Decimal("8")),
    SymbolSpec("ETHUSDT", "ETH", "USDT", 2, 4, Decimal("5"), Decimal("2300"), 500, Decimal("90")),
    SymbolSpec("SOLUSDT", "SOL", "USDT", 2, 3, Decimal("5"), Decimal("100"), 700, Decimal("900")),
)


def _filters(spec: SymbolSpec) -> list[dict[str, object]]:
    return [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": fmt8(spec.tick),
            "maxPrice": fmt8(_MAX_PRICE),
            "tickSize": fmt8(spec.tick),
        },
        {
            "filterType": "LOT_SIZE",
            "minQty": fmt8(spec.min_qty),
            "maxQty": fmt8(spec.max_qty),
            "stepSize": fmt8(spec.step),
        },
        {
            "filterType": "MARKET_LOT_SIZE",
            "minQty": fmt8(Decimal(0)),
            "maxQty": fmt8(spec.market_max_qty),
            "stepSize": fmt8(Decimal(0)),
        },
        {
            "filterType": "NOTIONAL",
            "minNotional": fmt8(spec.min_notional),
            "applyMinToMarket": True,
            "maxNotional": fmt8(spec.max_notional),
            "applyMaxToMarket": False,
            "avgPriceMins": 5,
        },
        {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": spec.max_num_orders},
    ]


def symbol_info(spec: SymbolSpec) -> dict[str, object]:
    """The ``exchangeInfo`` entry of one symbol, in Binance's field order."""
    return {
        "symbol": spec.symbol,
        "status": "TRADING",
        "baseAsset": spec.base,
        "baseAssetPrecision": ASSET_PRECISION,
        "quoteAsset": spec.quote,
        "quotePrecision": ASSET_PRECISION,
        "quoteAssetPrecision": ASSET_PRECISION,
        "baseCommissionPrecision": ASSET_PRECISION,
        "quoteCommissionPrecision": ASSET_PRECISION,
        "orderTypes": list(ORDER_TYPES),
        "icebergAllowed": False,
        "ocoAllowed": True,
        "otoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False,
        "cancelReplaceAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": _filters(spec),
        "permissions": ["SPOT"],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    }


def check_price(spec: SymbolSpec, price: Decimal) -> None:
    if price < spec.tick or price > _MAX_PRICE or price % spec.tick != 0:
        raise errors.filter_failure("PRICE_FILTER")


def check_quantity(spec: SymbolSpec, qty: Decimal, *, market: bool) -> None:
    if market and qty > spec.market_max_qty:
        raise errors.filter_failure("MARKET_LOT_SIZE")
    if qty < spec.min_qty or qty > spec.max_qty or (qty - spec.min_qty) % spec.step != 0:
        raise errors.filter_failure("LOT_SIZE")


def check_notional(spec: SymbolSpec, notional: Decimal, *, market: bool) -> None:
    # applyMaxToMarket is false on Binance: the maximum binds limit orders only.
    if notional < spec.min_notional or (not market and notional > spec.max_notional):
        raise errors.filter_failure("NOTIONAL")
