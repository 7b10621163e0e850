"""Matching against the sample price: fills, resting orders, stops, balances, idempotency."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from fks_exchange_sim import matching
from fks_exchange_sim.account import Account
from fks_exchange_sim.candles import CandleSource, minute_index
from fks_exchange_sim.engine import Engine
from fks_exchange_sim.errors import BinanceError
from fks_exchange_sim.intervals import MINUTE_MS
from fks_exchange_sim.markets import DEFAULT_SYMBOLS
from fks_exchange_sim.order_params import parse_new_order
from fks_exchange_sim.orders import Order

NOW_MS = 1_748_867_696_789  # 2025-06-02T12:34:56.789Z
FEE = Decimal("0.001")


@pytest.fixture(scope="module")
def candles() -> CandleSource:
    return CandleSource()


@pytest.fixture
def engine(candles: CandleSource) -> Engine:
    return Engine(DEFAULT_SYMBOLS, candles, Account(), fee_rate=FEE, spread_bps=0)


def _place(engine: Engine, now_ms: int = NOW_MS, **values: str) -> Order:
    """A limit buy of 0.01 BTC unless ``values`` say otherwise; an empty value leaves a parameter out."""
    defaults = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01"}
    if values.get("type") == "MARKET":
        defaults.pop("timeInForce")
    request = {name: value for name, value in {**defaults, **values}.items() if value}
    order = engine.place(parse_new_order(request, engine.specs), now_ms)
    assert order is not None
    return order


def _last(candles: CandleSource, now_ms: int = NOW_MS) -> Decimal:
    return DEFAULT_SYMBOLS[0].price_of_ticks(candles.close_ticks("BTCUSDT", now_ms))


def _reject(engine: Engine, **values: str) -> BinanceError:
    with pytest.raises(BinanceError) as caught:
        _place(engine, **values)
    return caught.value


def _future_low(candles: CandleSource, minutes: int) -> tuple[Decimal, int]:
    """The lowest low of the next ``minutes`` minutes, and the first minute that reaches it."""
    first = minute_index(NOW_MS) + 1
    lows = candles.series("BTCUSDT").minutes(first, first + minutes).low
    return DEFAULT_SYMBOLS[0].price_of_ticks(int(lows.min())), first + int(np.argmin(lows))


def test_quote_when_spread_set_puts_bid_and_ask_around_close() -> None:
    assert matching.quote(10_000, 10) == matching.Quote(bid=9_995, ask=10_005)
    assert matching.quote(10_000, 0) == matching.Quote(bid=10_000, ask=10_000)


def test_cross_when_stop_limit_marketable_at_trigger_fills_at_stop() -> None:
    # Arrange: a sell stop-loss at 95 with limit 94; the price falls through 95 in minute 2.
    lows, highs = np.array([99, 97, 94, 90]), np.array([101, 99, 97, 93])

    # Act
    crossing = matching.cross("SELL", "STOP_LOSS_LIMIT", 94, 95, lows, highs)

    # Assert
    assert crossing == matching.Crossing(triggered_at=2, filled_at=2, fill_price=95, maker=False)


def test_cross_when_limit_never_reached_does_not_fill() -> None:
    crossing = matching.cross("BUY", "LIMIT", 90, None, np.array([95, 96]), np.array([99, 98]))
    assert crossing.filled_at is None


def test_market_buy_fills_at_close_and_moves_balances_net_of_fee(engine: Engine, candles: CandleSource) -> None:
    # Arrange
    price = _last(candles)

    # Act
    order = _place(engine, type="MARKET")

    # Assert
    assert (order.status, order.executed_qty, order.fills[0].price) == ("FILLED", Decimal("0.01"), price)
    assert engine.account.free("USDT") == Decimal(100000) - price * Decimal("0.01")
    assert engine.account.free("BTC") == Decimal(1) + Decimal("0.01") * (1 - FEE)


def test_market_sell_by_quote_amount_sells_whole_steps(engine: Engine, candles: CandleSource) -> None:
    # Act
    order = _place(engine, type="MARKET", side="SELL", quantity="", quoteOrderQty="1000")

    # Assert
    assert order.orig_qty == (Decimal(1000) / _last(candles)).quantize(Decimal("0.00001"), rounding="ROUND_FLOOR")
    assert order.cumulative_quote_qty <= Decimal(1000)


def test_limit_buy_below_market_rests_and_locks_quote(engine: Engine, candles: CandleSource) -> None:
    # Arrange
    price = _last(candles) - 500

    # Act
    order = _place(engine, price=str(price))

    # Assert
    assert (order.status, order.is_working) == ("NEW", True)
    assert engine.account.locked("USDT") == price * Decimal("0.01")
    assert engine.orders("BTCUSDT", NOW_MS, open_only=True) == [order]


def test_limit_sell_below_market_fills_now_at_market_as_taker(engine: Engine, candles: CandleSource) -> None:
    # Act
    order = _place(engine, side="SELL", price=str(_last(candles) - 500))

    # Assert
    assert order.status == "FILLED"
    assert (order.fills[0].price, order.fills[0].is_maker) == (_last(candles), False)


def test_resting_buy_fills_at_its_price_in_the_minute_the_low_reaches_it(engine: Engine, candles: CandleSource) -> None:
    # Arrange
    price, hit_minute = _future_low(candles, 30)
    order = _place(engine, price=str(price))
    hit_open_ms = NOW_MS - NOW_MS % MINUTE_MS + (hit_minute - minute_index(NOW_MS)) * MINUTE_MS

    # Act
    before = engine.find("BTCUSDT", order.order_id, None, hit_open_ms - 1).status
    after = engine.find("BTCUSDT", order.order_id, None, hit_open_ms + 1).status

    # Assert
    assert (before, after) == ("NEW", "FILLED")
    assert (order.fills[0].price, order.fills[0].is_maker, order.fills[0].time) == (price, True, hit_open_ms)
    assert engine.account.locked("USDT") == 0
    assert engine.account.free("BTC") == Decimal(1) + Decimal("0.01") * (1 - FEE)


def test_cancel_when_order_rests_releases_the_lock(engine: Engine, candles: CandleSource) -> None:
    # Arrange
    order = _place(engine, price=str(_last(candles) - 500))

    # Act
    cancelled = engine.cancel("BTCUSDT", order.order_id, None, NOW_MS)

    # Assert
    assert cancelled.status == "CANCELED"
    assert (engine.account.free("USDT"), engine.account.locked("USDT")) == (Decimal(100000), 0)


def test_cancel_when_order_unknown_or_filled_is_unknown_order(engine: Engine) -> None:
    # Arrange
    filled = _place(engine, type="MARKET")

    # Act / Assert
    for order_id in (filled.order_id, 999):
        with pytest.raises(BinanceError) as caught:
            engine.cancel("BTCUSDT", order_id, None, NOW_MS)
        assert caught.value.code == -2011


def test_find_when_order_unknown_does_not_exist(engine: Engine) -> None:
    with pytest.raises(BinanceError) as caught:
        engine.find("BTCUSDT", None, "nope", NOW_MS)
    assert caught.value.code == -2013


def test_ioc_limit_when_not_marketable_expires_without_locking(engine: Engine, candles: CandleSource) -> None:
    order = _place(engine, price=str(_last(candles) - 500), timeInForce="IOC")
    assert (order.status, engine.account.locked("USDT")) == ("EXPIRED", 0)


def test_limit_maker_when_marketable_is_rejected(engine: Engine, candles: CandleSource) -> None:
    error = _reject(engine, type="LIMIT_MAKER", timeInForce="", price=str(_last(candles) + 500))
    assert (error.code, error.msg) == (-2010, "Order would immediately match and take.")


def test_stop_loss_when_stop_already_passed_would_trigger_immediately(engine: Engine, candles: CandleSource) -> None:
    last = _last(candles)
    error = _reject(engine, type="STOP_LOSS_LIMIT", side="SELL", stopPrice=str(last + 100), price=str(last + 90))
    assert error.msg == "Order would trigger immediately."


def test_stop_loss_sell_rests_untriggered_until_price_falls(engine: Engine, candles: CandleSource) -> None:
    # Arrange
    low, _ = _future_low(candles, 30)
    stop = low + Decimal("0.01")

    # Act
    order = _place(engine, type="STOP_LOSS_LIMIT", side="SELL", stopPrice=str(stop), price=str(stop))
    waiting = (order.status, order.working_time, engine.account.locked("BTC"))
    engine.sweep(NOW_MS + 30 * MINUTE_MS)

    # Assert
    assert waiting == ("NEW", -1, Decimal("0.01"))
    assert (order.status, order.fills[0].price) == ("FILLED", stop)
    assert order.working_time >= NOW_MS


def test_place_when_balance_too_small_is_insufficient(engine: Engine) -> None:
    error = _reject(engine, type="MARKET", quantity="5")
    assert (error.code, error.msg) == (-2010, "Account has insufficient balance for requested action.")


def test_place_when_client_id_of_open_order_reused_is_duplicate(engine: Engine, candles: CandleSource) -> None:
    # Arrange
    _place(engine, price=str(_last(candles) - 500), newClientOrderId="sig-1")

    # Act
    error = _reject(engine, price=str(_last(candles) - 600), newClientOrderId="sig-1")

    # Assert
    assert (error.code, error.msg) == (-2010, "Duplicate order sent.")


def test_place_when_client_id_of_filled_order_reused_is_accepted_as_binance_does(engine: Engine) -> None:
    # Arrange
    _place(engine, type="MARKET", newClientOrderId="sig-2")

    # Act
    second = _place(engine, type="MARKET", newClientOrderId="sig-2")

    # Assert
    assert second.status == "FILLED"
    assert engine.find("BTCUSDT", None, "sig-2", NOW_MS) is second


def test_place_when_test_only_validates_and_changes_nothing(engine: Engine) -> None:
    # Act
    request = parse_new_order({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.01"}, engine.specs)
    result = engine.place(request, NOW_MS, test=True)

    # Assert
    assert result is None
    assert engine.orders(None, NOW_MS, open_only=False) == []
    assert engine.account.free("USDT") == Decimal(100000)
