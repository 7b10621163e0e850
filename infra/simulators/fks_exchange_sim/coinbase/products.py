"""Coinbase's market data and account reads: products, candles, accounts, the fee tier, currencies.

Product ids are ``BASE-QUOTE`` (``BTC-USDT``). The ``/v2/`` currency and exchange-rate reads are the
Coinbase App endpoints ccxt's ``load_markets`` calls before the Advanced Trade products.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from fks_exchange_sim.account import Account
from fks_exchange_sim.candles import CandleSource
from fks_exchange_sim.coinbase import errors
from fks_exchange_sim.intervals import parse_interval
from fks_exchange_sim.ledger import Fees
from fks_exchange_sim.markets import SymbolSpec

Json = dict[str, object]
GRANULARITIES = {
    "ONE_MINUTE": "1m",
    "FIVE_MINUTE": "5m",
    "FIFTEEN_MINUTE": "15m",
    "THIRTY_MINUTE": "30m",
    "ONE_HOUR": "1h",
    "TWO_HOUR": "2h",
    "SIX_HOUR": "6h",
    "ONE_DAY": "1d",
}
MAX_CANDLES = 350
_NAMES = {"BTC": "Bitcoin", "ETH": "Ethereum", "SOL": "Solana", "USDT": "Tether"}
_NAMESPACE = uuid.UUID("6f1f5a52-6a43-4d0c-9f55-2f1b1a3b0c01")


def number(value: Decimal) -> str:
    """Coinbase's decimal strings: plain notation, no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text if value else "0"


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def stable_uuid(kind: str, number_: int | str) -> str:
    """A UUID that names the same thing in every run (orders, trades, accounts)."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}-{number_}"))


def product_id(spec: SymbolSpec) -> str:
    return f"{spec.base}-{spec.quote}"


def find_product(specs: Mapping[str, SymbolSpec], wanted: str) -> SymbolSpec:
    spec = next((s for s in specs.values() if product_id(s) == wanted), None)
    if spec is None:
        raise errors.not_found(f"product {wanted} not found")
    return spec


def product_view(spec: SymbolSpec, last: Decimal) -> Json:
    return {
        "product_id": product_id(spec),
        "price": number(last),
        "price_percentage_change_24h": "0",
        "volume_24h": "0",
        "volume_percentage_change_24h": "0",
        "base_increment": number(spec.step),
        "quote_increment": number(spec.tick),
        "quote_min_size": number(spec.min_notional),
        "quote_max_size": number(spec.max_notional),
        "base_min_size": number(spec.min_qty),
        "base_max_size": number(spec.max_qty),
        "base_name": _NAMES.get(spec.base, spec.base),
        "quote_name": _NAMES.get(spec.quote, spec.quote),
        "watched": False,
        "is_disabled": False,
        "new": False,
        "status": "online",
        "cancel_only": False,
        "limit_only": False,
        "post_only": False,
        "trading_disabled": False,
        "auction_mode": False,
        "product_type": "SPOT",
        "quote_currency_id": spec.quote,
        "base_currency_id": spec.base,
        "fcm_trading_session_details": None,
        "mid_market_price": "",
        "alias": "",
        "alias_to": [],
        "base_display_symbol": spec.base,
        "quote_display_symbol": spec.quote,
        "view_only": False,
        "price_increment": number(spec.tick),
        "display_name": f"{spec.base}-{spec.quote}",
        "product_venue": "CBE",
        "approximate_quote_24h_volume": "0",
    }


def products(specs: Sequence[SymbolSpec], lasts: Mapping[str, Decimal], product_type: str | None) -> Json:
    # Only spot products are simulated: a FUTURE listing is empty, as for an account without futures.
    selected = [] if product_type not in (None, "SPOT") else list(specs)
    return {"products": [product_view(s, lasts[s.symbol]) for s in selected], "num_products": len(selected)}


def candles(source: CandleSource, spec: SymbolSpec, start_s: int, end_s: int, granularity: str, now_ms: int) -> Json:
    """Buckets opening in ``[start, end)``, newest first, as Coinbase lists them."""
    name = GRANULARITIES.get(granularity)
    interval = parse_interval(name or "")
    if interval is None:
        raise errors.invalid_argument(f"granularity must be one of {sorted(GRANULARITIES)}")
    if end_s <= start_s:
        raise errors.invalid_argument("start must be before end")
    if (end_s - start_s) // (interval.minutes * 60) > MAX_CANDLES:
        raise errors.invalid_argument(f"number of candles requested should be less than {MAX_CANDLES + 1}")
    rows = source.klines(
        spec.symbol, interval, now_ms=now_ms, start_ms=start_s * 1000, end_ms=end_s * 1000 - 1, limit=MAX_CANDLES
    )
    return {
        "candles": [
            {
                "start": str(row[0] // 1000),
                "low": row[3],
                "high": row[2],
                "open": row[1],
                "close": row[4],
                "volume": row[5],
            }
            for row in reversed(rows)
        ]
    }


def accounts(account: Account) -> Json:
    rows = []
    for asset in account.assets():
        rows.append(
            {
                "uuid": stable_uuid("account", asset),
                "name": f"{asset} Wallet",
                "currency": asset,
                "available_balance": {"value": number(account.free(asset)), "currency": asset},
                "default": True,
                "active": True,
                "created_at": "2024-01-01T00:00:00.000Z",
                "updated_at": "2024-01-01T00:00:00.000Z",
                "deleted_at": None,
                "type": "ACCOUNT_TYPE_CRYPTO",
                "ready": True,
                "hold": {"value": number(account.locked(asset)), "currency": asset},
                "retail_portfolio_id": stable_uuid("portfolio", "default"),
            }
        )
    return {"accounts": rows, "has_next": False, "cursor": "", "size": len(rows)}


def transaction_summary(fees: Fees, volume: Decimal, paid: Decimal) -> Json:
    return {
        "total_volume": float(volume),
        "total_fees": float(paid),
        "fee_tier": {
            "pricing_tier": "Advanced 1",
            "usd_from": "0",
            "usd_to": "1000",
            "taker_fee_rate": number(fees.taker),
            "maker_fee_rate": number(fees.maker),
            "aop_from": "",
            "aop_to": "",
        },
        "margin_rate": None,
        "goods_and_services_tax": None,
        "advanced_trade_only_volume": float(volume),
        "advanced_trade_only_fees": float(paid),
        "coinbase_pro_volume": 0,
        "coinbase_pro_fees": 0,
    }


def fiat_currencies() -> Json:
    return {"data": [{"id": "USD", "name": "US Dollar", "min_size": "0.01"}]}


def crypto_currencies(specs: Sequence[SymbolSpec]) -> Json:
    codes = sorted({s.base for s in specs} | {s.quote for s in specs})
    return {
        "data": [
            {
                "asset_id": stable_uuid("asset", code),
                "code": code,
                "name": _NAMES.get(code, code),
                "color": "#0052FF",
                "sort_index": index,
                "exponent": 8,
                "type": "crypto",
            }
            for index, code in enumerate(codes)
        ]
    }


def exchange_rates(specs: Sequence[SymbolSpec], lasts: Mapping[str, Decimal]) -> Json:
    # USDT stands in for USD: the simulated books quote in USDT only.
    rates = {"USD": "1", "USDT": "1"}
    for spec in specs:
        rates[spec.base] = number((1 / lasts[spec.symbol]).quantize(Decimal("1e-12")))
    return {"data": {"currency": "USD", "rates": rates}}
