"""Market-data endpoints: no key, no signature."""

from __future__ import annotations

import json
from decimal import Decimal

from fks_exchange_sim import errors, params
from fks_exchange_sim.intervals import parse_interval
from fks_exchange_sim.markets import SymbolSpec, fmt8, symbol_info
from fks_exchange_sim.routing import Call, Route, public

KLINES_DEFAULT_LIMIT = 500
KLINES_MAX_LIMIT = 1000
# Top of book size shown by bookTicker; the simulator's liquidity is unlimited anyway.
_BOOK_QTY = fmt8(Decimal(1000))


def _specs(call: Call) -> dict[str, SymbolSpec]:
    return call.venue.engine.specs


def _spec(call: Call, symbol: str) -> SymbolSpec:
    spec = _specs(call).get(symbol)
    if spec is None:
        raise errors.invalid_symbol()
    return spec


def _selected(call: Call) -> list[SymbolSpec]:
    """``symbol`` or the JSON list ``symbols``, or every symbol when neither is sent."""
    symbol, symbols = call.params.get("symbol"), call.params.get("symbols")
    if symbol is not None and symbols is not None:
        raise errors.invalid_combination()
    if symbol is not None:
        return [_spec(call, symbol)]
    if symbols is not None:
        try:
            names = json.loads(symbols)
        except ValueError:
            raise errors.illegal_characters(
                "symbols", r'^\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\]$'
            ) from None
        if not isinstance(names, list) or not names:
            raise errors.mandatory_missing("symbols")
        return [_spec(call, str(name)) for name in names]
    return list(_specs(call).values())


def ping(call: Call) -> object:
    return {}


def server_time(call: Call) -> object:
    return {"serverTime": call.now_ms}


def exchange_info(call: Call) -> object:
    config = call.venue.config
    return {
        "timezone": "UTC",
        "serverTime": call.now_ms,
        "rateLimits": [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": config.weight_limit_1m,
            },
            {
                "rateLimitType": "ORDERS",
                "interval": "SECOND",
                "intervalNum": 10,
                "limit": config.order_limit_10s,
            },
            {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": config.order_limit_1d},
        ],
        "exchangeFilters": [],
        "symbols": [symbol_info(spec) for spec in _selected(call)],
    }


def klines(call: Call) -> object:
    spec = _spec(call, params.required(call.params, "symbol"))
    interval = parse_interval(params.required(call.params, "interval"))
    if interval is None:
        raise errors.invalid_interval()
    start, end = params.integer(call.params, "startTime"), params.integer(call.params, "endTime")
    if start is not None and end is not None and start > end:
        raise errors.start_after_end()
    limit = params.limit(call.params, KLINES_DEFAULT_LIMIT, KLINES_MAX_LIMIT)
    return call.venue.candles.klines(spec.symbol, interval, now_ms=call.now_ms, start_ms=start, end_ms=end, limit=limit)


def _book_rows(call: Call, with_sizes: bool) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for spec in _selected(call):
        book = call.venue.engine.book(spec.symbol, call.now_ms)
        if with_sizes:
            rows.append(
                {
                    "symbol": spec.symbol,
                    "bidPrice": fmt8(spec.price_of_ticks(book.bid)),
                    "bidQty": _BOOK_QTY,
                    "askPrice": fmt8(spec.price_of_ticks(book.ask)),
                    "askQty": _BOOK_QTY,
                }
            )
        else:
            last = call.venue.candles.close_ticks(spec.symbol, call.now_ms)
            rows.append({"symbol": spec.symbol, "price": fmt8(spec.price_of_ticks(last))})
    return rows


def ticker_price(call: Call) -> object:
    rows = _book_rows(call, with_sizes=False)
    return rows[0] if "symbol" in call.params else rows


def book_ticker(call: Call) -> object:
    rows = _book_rows(call, with_sizes=True)
    return rows[0] if "symbol" in call.params else rows


def _day_stats(call: Call, spec: SymbolSpec) -> dict[str, object]:
    bar = call.venue.candles.last_day(spec.symbol, call.now_ms)
    book = call.venue.engine.book(spec.symbol, call.now_ms)
    open_, high, low, last = (spec.price_of_ticks(int(col[0])) for col in (bar.open, bar.high, bar.low, bar.close))
    volume = Decimal(int(bar.volume[0])).scaleb(-spec.step_decimals)
    quote_volume = Decimal(int(bar.quote_volume[0])).scaleb(-(spec.tick_decimals + spec.step_decimals))
    change = last - open_
    return {
        "symbol": spec.symbol,
        "priceChange": fmt8(change),
        "priceChangePercent": f"{change / open_ * 100:.3f}",
        "weightedAvgPrice": fmt8(quote_volume / volume if volume else last),
        "prevClosePrice": fmt8(open_),
        "lastPrice": fmt8(last),
        "lastQty": fmt8(spec.min_qty),
        "bidPrice": fmt8(spec.price_of_ticks(book.bid)),
        "bidQty": _BOOK_QTY,
        "askPrice": fmt8(spec.price_of_ticks(book.ask)),
        "askQty": _BOOK_QTY,
        "openPrice": fmt8(open_),
        "highPrice": fmt8(high),
        "lowPrice": fmt8(low),
        "volume": fmt8(volume),
        "quoteVolume": fmt8(quote_volume),
        "openTime": call.now_ms - 86_400_000,
        "closeTime": call.now_ms,
        "firstId": -1,
        "lastId": -1,
        "count": int(bar.trades[0]),
    }


def ticker_24hr(call: Call) -> object:
    rows = [_day_stats(call, spec) for spec in _selected(call)]
    return rows[0] if "symbol" in call.params else rows


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "ping"): public(ping, 1),
    ("GET", "time"): public(server_time, 1),
    ("GET", "exchangeInfo"): public(
        exchange_info, 20, "symbol", "symbols", "permissions", "showPermissionSets", "symbolStatus"
    ),
    ("GET", "klines"): public(klines, 2, "symbol", "interval", "startTime", "endTime", "limit", "timeZone"),
    ("GET", "ticker/price"): public(ticker_price, 2, "symbol", "symbols", weight_without_symbol=4),
    ("GET", "ticker/bookTicker"): public(book_ticker, 2, "symbol", "symbols", weight_without_symbol=4),
    ("GET", "ticker/24hr"): public(ticker_24hr, 2, "symbol", "symbols", "type", weight_without_symbol=80),
}
