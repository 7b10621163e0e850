"""Kraken's public market data: ``Time``, ``SystemStatus``, ``Assets``, ``AssetPairs``, ``OHLC``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal

from fks_exchange_sim.candles import CandleSource
from fks_exchange_sim.intervals import parse_interval
from fks_exchange_sim.kraken import errors, names
from fks_exchange_sim.ledger import Fees
from fks_exchange_sim.markets import SymbolSpec

Json = dict[str, object]
# Kraken's OHLC intervals in minutes, as the shared candle series names them (21600, 15 days, is not simulated).
INTERVALS = {1: "1m", 5: "5m", 15: "15m", 30: "30m", 60: "1h", 240: "4h", 1440: "1d", 10080: "1w"}
# Kraken answers the most recent 720 candles only, whatever ``since`` asks for.
OHLC_WINDOW = 720


def server_time(now_ms: int) -> Json:
    moment = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    return {"unixtime": now_ms // 1000, "rfc1123": moment.strftime("%a, %d %b %y %H:%M:%S +0000")}


def system_status(now_ms: int) -> Json:
    moment = datetime.fromtimestamp(now_ms // 1000, tz=UTC)
    return {"status": "online", "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}


def assets(specs: Mapping[str, SymbolSpec]) -> Json:
    codes = sorted({spec.base for spec in specs.values()} | {spec.quote for spec in specs.values()})
    return {
        names.asset_id(code): {
            "aclass": "currency",
            "altname": names.asset_altname(code),
            "decimals": 10 if code != "USDT" else 8,
            "display_decimals": 5 if code != "USDT" else 4,
            "status": "enabled",
        }
        for code in codes
    }


def _percent_tiers(rate: Decimal) -> list[list[object]]:
    return [[0, float(rate * 100)]]


def asset_pairs(specs: Mapping[str, SymbolSpec], fees: Fees, pair: str | None) -> Json:
    selected = list(specs.values())
    if pair is not None:
        wanted = [names.find_pair(dict(specs), name) for name in pair.split(",")]
        if any(spec is None for spec in wanted):
            raise errors.KrakenError(errors.UNKNOWN_PAIR)
        selected = [spec for spec in wanted if spec is not None]
    return {
        names.pair_key(spec): {
            "altname": names.pair_key(spec),
            "wsname": names.wsname(spec),
            "aclass_base": "currency",
            "base": names.asset_id(spec.base),
            "aclass_quote": "currency",
            "quote": names.asset_id(spec.quote),
            "lot": "unit",
            "cost_decimals": spec.tick_decimals + spec.step_decimals,
            "pair_decimals": spec.tick_decimals,
            "lot_decimals": spec.step_decimals,
            "lot_multiplier": 1,
            "leverage_buy": [],
            "leverage_sell": [],
            "fees": _percent_tiers(fees.taker),
            "fees_maker": _percent_tiers(fees.maker),
            "fee_volume_currency": "ZUSD",
            "margin_call": 80,
            "margin_stop": 40,
            "ordermin": str(spec.min_qty),
            "costmin": str(spec.min_notional),
            "tick_size": str(spec.tick),
            "status": "online",
        }
        for spec in selected
    }


def ohlc(candles: CandleSource, spec: SymbolSpec, interval_minutes: int, since_s: int | None, now_ms: int) -> Json:
    """The newest 720 candles (the last one still open), those after ``since`` if given."""
    interval = parse_interval(INTERVALS.get(interval_minutes, ""))
    if interval is None:
        raise errors.invalid_arguments("interval")
    window = candles.klines(spec.symbol, interval, now_ms=now_ms, limit=OHLC_WINDOW)
    rows = []
    for kline in window:
        if since_s is not None and kline[0] // 1000 <= since_s:
            continue
        volume, quote_volume = Decimal(kline[5]), Decimal(kline[7])
        vwap = (quote_volume / volume).quantize(spec.tick) if volume else Decimal(kline[4])
        rows.append([kline[0] // 1000, kline[1], kline[2], kline[3], kline[4], str(vwap), kline[5], kline[8]])
    # ``last``: the newest committed (closed) candle, the ``since`` to poll with next.
    last = window[-2][0] // 1000 if len(window) > 1 else (window[-1][0] // 1000 if window else 0)
    return {names.pair_key(spec): rows, "last": last}
