"""The simulator's /sim/ endpoints: a price a test sets, seeded faults, and the venue's order census."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest

from fks_exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET, ExchangeSimulator
from fks_exchange_sim.application import Request, Response
from fks_exchange_sim.candles import CandleSource
from fks_exchange_sim.intervals import Interval, parse_interval
from fks_exchange_sim.signing import sign

NOW_MS = 1_748_867_696_789  # 2025-06-02T12:34:56.789Z
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
ONE_MINUTE = parse_interval("1m") or Interval("1m", 1)


class FakeClock:
    def __init__(self, now_ms: int = NOW_MS) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> ExchangeSimulator:
    return ExchangeSimulator(clock=clock)


def _admin(sim: ExchangeSimulator, method: str, path: str, body: object = None, query: str = "") -> tuple[int, Any]:
    text = "" if body is None else json.dumps(body)
    response = sim.app.handle(Request(method, f"/sim/{path}", query, text, None))
    return response.status, json.loads(response.body)


def _signed(sim: ExchangeSimulator, method: str, path: str, **values: object) -> Response:
    query = urlencode({**values, "timestamp": sim.app.clock()})
    query += "&signature=" + sign(query, DEFAULT_API_SECRET)
    if method == "POST":
        return sim.app.handle(Request(method, f"/api/v3/{path}", "", query, DEFAULT_API_KEY))
    return sim.app.handle(Request(method, f"/api/v3/{path}", query, "", DEFAULT_API_KEY))


def _buy(sim: ExchangeSimulator, client_id: str) -> Response:
    return _signed(
        sim, "POST", "order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001", newClientOrderId=client_id
    )


def _klines(sim: ExchangeSimulator, interval: str, start_ms: int, limit: int) -> list[list[object]]:
    query = urlencode({"symbol": "BTCUSDT", "interval": interval, "startTime": start_ms, "limit": limit})
    return list(json.loads(sim.app.handle(Request("GET", "/api/v3/klines", query, "", None)).body))


def _count(sim: ExchangeSimulator, client_id: str) -> int:
    status, census = _admin(sim, "GET", "orders", query=f"client_order_id={client_id}")
    assert status == 200
    return int(census["count"])


def test_set_price_closes_the_current_minute_there_and_rescales_the_minutes_after(
    sim: ExchangeSimulator, clock: FakeClock
) -> None:
    # Arrange
    pure = CandleSource()
    minute_ms = NOW_MS - NOW_MS % MINUTE_MS
    old = sim.price("BTCUSDT")

    # Act
    status, answer = _admin(sim, "POST", "price", {"symbol": "BTCUSDT", "price": "40000.00"})
    clock.now_ms += 10 * MINUTE_MS
    rows = _klines(sim, "1m", minute_ms - 2 * MINUTE_MS, 8)

    # Assert
    assert (status, answer) == (
        200,
        {"symbol": "BTCUSDT", "price": "40000.00000000", "previous_price": f"{old:.8f}", "time_ms": NOW_MS},
    )
    before, shifted, later = rows[:2], rows[2], rows[3:]
    assert before == pure.klines(
        "BTCUSDT", ONE_MINUTE, now_ms=clock.now_ms, start_ms=minute_ms - 2 * MINUTE_MS, limit=2
    )
    assert (shifted[1], shifted[4]) == (rows[1][4], "40000.00000000")  # opens at the last close, closes at the price
    assert Decimal(str(shifted[3])) <= Decimal("40000") <= Decimal(str(shifted[2]))  # its range spans the move
    natural = pure.klines("BTCUSDT", ONE_MINUTE, now_ms=clock.now_ms, start_ms=minute_ms + MINUTE_MS, limit=5)
    ratio = Decimal("40000") / old
    for row, generated in zip(later, natural, strict=True):
        assert abs(Decimal(str(row[4])) - Decimal(str(generated[4])) * ratio) <= Decimal("0.01")


def test_set_price_keeps_hourly_klines_the_aggregate_of_the_minutes(sim: ExchangeSimulator, clock: FakeClock) -> None:
    # Arrange
    sim.set_price("BTCUSDT", Decimal("50000.00"))
    clock.now_ms += 2 * HOUR_MS
    hour_ms = NOW_MS - NOW_MS % HOUR_MS
    one_hour = parse_interval("1h") or Interval("1h", 60)

    # Act
    hours = _klines(sim, "1h", hour_ms - 3 * HOUR_MS, 5)
    minutes = _klines(sim, "1m", hour_ms, 60)

    # Assert
    earlier = CandleSource().klines("BTCUSDT", one_hour, now_ms=clock.now_ms, start_ms=hour_ms - 3 * HOUR_MS, limit=3)
    assert hours[:3] == earlier  # hours before the move never change
    shifted = hours[3]
    assert shifted[1] == minutes[0][1]
    assert shifted[4] == minutes[-1][4]
    assert Decimal(str(shifted[2])) == max(Decimal(str(m[2])) for m in minutes)
    assert Decimal(str(shifted[3])) == min(Decimal(str(m[3])) for m in minutes)
    assert Decimal(str(hours[4][1])) == Decimal(str(shifted[4]))  # the next hour opens where it closed


def test_set_price_by_change_pct_rounds_to_the_tick(sim: ExchangeSimulator) -> None:
    # Arrange
    old = sim.price("BTCUSDT")

    # Act
    status, answer = _admin(sim, "POST", "price", {"symbol": "BTCUSDT", "change_pct": "-2.5"})
    read_status, read = _admin(sim, "GET", "price", query="symbol=BTCUSDT")

    # Assert
    expected = (old * Decimal("0.975")).quantize(Decimal("0.01"))
    assert (status, answer["price"]) == (200, f"{expected:.8f}")
    assert (read_status, read["price"]) == (200, f"{expected:.8f}")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"symbol": "BTCUSDT", "price": "40000.001"}, "tick size"),
        ({"symbol": "BTCUSDT", "price": 40000}, "decimal string"),
        ({"symbol": "BTCUSDT", "price": "1_000"}, "decimal string"),
        ({"symbol": "BTCUSDT", "price": "1", "change_pct": "1"}, "exactly one"),
        ({"symbol": "DOGEUSDT", "price": "1"}, "symbol must be one of"),
        ({"symbol": "BTCUSDT", "price": "1", "when": "now"}, "unknown body field(s) ['when']"),
        ({"symbol": "BTCUSDT", "change_pct": "-100"}, "change_pct"),
    ],
)
def test_set_price_when_body_wrong_is_400_naming_it(sim: ExchangeSimulator, body: object, named: str) -> None:
    # Act
    status, answer = _admin(sim, "POST", "price", body)

    # Assert
    assert status == 400
    assert named in answer["error"]


def test_admin_when_path_unknown_is_404_and_method_wrong_is_405(sim: ExchangeSimulator) -> None:
    assert _admin(sim, "GET", "clock")[0] == 404
    assert _admin(sim, "PUT", "price")[0] == 405


def test_fault_error_answers_429_with_retry_after_and_leaves_the_venue_alone(sim: ExchangeSimulator) -> None:
    # Arrange
    fault = {
        "path": "/api/v3/order",
        "method": "POST",
        "kind": "error",
        "status": 429,
        "code": -1003,
        "retry_after_s": 7,
    }
    assert _admin(sim, "POST", "faults", {"faults": [fault]})[0] == 200

    # Act
    refused = _buy(sim, "cid-1")
    retried = _buy(sim, "cid-1")

    # Assert
    assert (refused.status, refused.headers["Retry-After"], json.loads(refused.body)["code"]) == (429, "7", -1003)
    assert retried.status == 200
    assert _count(sim, "cid-1") == 1


def test_fault_delay_applies_the_request_and_answers_late(sim: ExchangeSimulator) -> None:
    # Arrange
    sim.inject_faults([{"path": "order", "method": "POST", "kind": "delay", "delay_ms": 1500}])

    # Act
    response = _buy(sim, "cid-2")

    # Assert
    assert (response.status, response.delay_ms, response.drop) == (200, 1500, False)
    assert _count(sim, "cid-2") == 1


def test_fault_lose_answer_places_the_order_then_drops_or_answers_500(sim: ExchangeSimulator) -> None:
    # Arrange
    sim.inject_faults(
        [
            {"path": "order", "method": "POST", "kind": "lose_answer"},
            {"path": "order", "method": "POST", "kind": "lose_answer", "status": 500, "code": -1007},
        ]
    )

    # Act
    dropped = _buy(sim, "cid-3")
    unknown = _buy(sim, "cid-4")

    # Assert
    assert dropped.drop is True
    assert (unknown.status, json.loads(unknown.body)["code"]) == (500, -1007)
    assert "execution status unknown" in json.loads(unknown.body)["msg"]
    assert (_count(sim, "cid-3"), _count(sim, "cid-4")) == (1, 1)


def test_fault_timeout_holds_then_drops_without_placing(sim: ExchangeSimulator) -> None:
    # Arrange
    sim.inject_faults([{"path": "order", "method": "POST", "kind": "timeout", "delay_ms": 2000}])

    # Act
    response = _buy(sim, "cid-5")

    # Assert
    assert (response.delay_ms, response.drop) == (2000, True)
    assert _count(sim, "cid-5") == 0


def test_fault_skip_and_times_pick_which_requests_fail(sim: ExchangeSimulator) -> None:
    # Arrange
    sim.inject_faults([{"path": "time", "kind": "error", "status": 503, "skip": 1, "times": 2}])

    # Act
    statuses = [sim.app.handle(Request("GET", "/api/v3/time", "", "", None)).status for _ in range(4)]

    # Assert
    assert statuses == [200, 503, 503, 200]
    report = _admin(sim, "GET", "faults")[1]
    assert (report["fired"], report["active"], len(report["spent"])) == (2, [], 1)


def _pattern(seed: int) -> list[int]:
    sim = ExchangeSimulator(clock=FakeClock())
    fault = {"path": "time", "kind": "error", "status": 503, "times": 1000, "probability": "0.5"}
    assert _admin(sim, "POST", "faults", {"seed": seed, "faults": [fault]})[0] == 200
    return [sim.app.handle(Request("GET", "/api/v3/time", "", "", None)).status for _ in range(24)]


def test_fault_probability_replays_identically_for_a_seed() -> None:
    # Act
    first, again, other = _pattern(7), _pattern(7), _pattern(8)

    # Assert
    assert first == again
    assert first != other
    assert {200, 503} == set(first)


@pytest.mark.parametrize(
    ("fault", "named"),
    [
        ({"path": "order", "kind": "explode"}, "fault kind"),
        ({"path": "order", "kind": "delay"}, "delay_ms > 0"),
        ({"path": "order", "kind": "error"}, "needs a status"),
        ({"path": "order", "kind": "error", "status": 503, "every": 2}, "unknown fault field(s) ['every']"),
        ({"path": "order", "kind": "error", "status": 503, "probability": "1.5"}, "probability"),
        ({"path": "order", "kind": "error", "status": 503, "method": "PATCH"}, "method"),
        ({"kind": "error", "status": 503}, "path is required"),
    ],
)
def test_faults_when_schedule_wrong_is_400_naming_it_and_adds_none(
    sim: ExchangeSimulator, fault: object, named: str
) -> None:
    # Act
    status, answer = _admin(
        sim, "POST", "faults", {"faults": [{"path": "time", "kind": "error", "status": 503}, fault]}
    )

    # Assert
    assert status == 400
    assert named in answer["error"]
    assert _admin(sim, "GET", "faults")[1]["active"] == []


def test_orders_census_counts_every_order_by_client_id(sim: ExchangeSimulator) -> None:
    # Arrange: a client id may be reused once its order is closed, as on Binance
    _buy(sim, "again")
    _buy(sim, "again")
    _buy(sim, "once")

    # Act
    status, census = _admin(sim, "GET", "orders")

    # Assert
    assert status == 200
    assert (census["count"], census["open"]) == (3, 0)
    assert census["by_client_order_id"] == {"again": 2, "once": 1}
    assert [o["status"] for o in census["orders"]] == ["FILLED"] * 3
    assert len(sim.venue_orders("again")) == 2


def test_fault_on_any_path_fires_on_every_endpoint_for_one_method(sim: ExchangeSimulator) -> None:
    # Arrange
    sim.inject_faults([{"path": "*", "method": "GET", "kind": "error", "status": 502, "times": 2}])

    # Act
    statuses = [sim.app.handle(Request("GET", f"/api/v3/{name}", "", "", None)).status for name in ("time", "ping")]
    after = sim.app.handle(Request("GET", "/api/v3/time", "", "", None)).status

    # Assert
    assert (statuses, after) == ([502, 502], 200)
