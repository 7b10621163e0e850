"""Request dispatch without sockets: weights and bans, injected faults, routing and parameter errors."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from fks_exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET, ExchangeSimulator, SimulatorConfig
from fks_exchange_sim.application import Request, Response
from fks_exchange_sim.signing import sign

NOW_MS = 1_748_867_696_789  # 2025-06-02T12:34:56.789Z


class FakeClock:
    def __init__(self, now_ms: int = NOW_MS) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


def _simulator(clock: FakeClock | None = None, **config: int) -> ExchangeSimulator:
    return ExchangeSimulator(config=SimulatorConfig(**config), clock=clock or FakeClock())  # type: ignore[arg-type]


def _get(sim: ExchangeSimulator, path: str, **values: object) -> Response:
    return sim.app.handle(Request("GET", f"/api/v3/{path}", urlencode(values), "", None))


def _signed(sim: ExchangeSimulator, method: str, path: str, **values: object) -> Response:
    query = urlencode({**values, "timestamp": sim.app.clock()})
    query += "&signature=" + sign(query, DEFAULT_API_SECRET)
    if method == "POST":
        return sim.app.handle(Request(method, f"/api/v3/{path}", "", query, DEFAULT_API_KEY))
    return sim.app.handle(Request(method, f"/api/v3/{path}", query, "", DEFAULT_API_KEY))


def _body(response: Response) -> object:
    return json.loads(response.body)


def test_ping_answers_empty_object_with_used_weight_headers() -> None:
    # Act
    response = _get(_simulator(), "ping")

    # Assert
    assert (response.status, _body(response)) == (200, {})
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"


def test_handle_when_path_unknown_is_404_and_method_wrong_is_405() -> None:
    sim = _simulator()
    assert _get(sim, "depth").status == 404
    assert sim.app.handle(Request("POST", "/api/v3/klines", "", "", None)).status == 405


def test_handle_when_weight_limit_exceeded_is_429_until_next_minute() -> None:
    # Arrange
    clock = FakeClock()
    sim = _simulator(clock, weight_limit_1m=40)
    assert _get(sim, "exchangeInfo").status == 200
    assert _get(sim, "exchangeInfo").status == 200

    # Act
    limited = _get(sim, "ping")
    clock.now_ms += 60_000
    later = _get(sim, "ping")

    # Assert
    assert (limited.status, _body(limited)["code"]) == (429, -1003)  # type: ignore[index]
    assert int(limited.headers["Retry-After"]) >= 1
    assert later.status == 200


def test_handle_when_429s_keep_coming_bans_the_ip_with_418() -> None:
    # Arrange
    sim = _simulator(weight_limit_1m=1, bans_after_429s=1)
    _get(sim, "ping")
    assert _get(sim, "ping").status == 429

    # Act
    banned = _get(sim, "ping")

    # Assert
    assert banned.status == 418
    assert "banned until" in _body(banned)["msg"]  # type: ignore[index]


def test_inject_error_when_code_given_answers_binance_error_then_recovers() -> None:
    # Arrange
    sim = _simulator()
    sim.inject_error("/api/v3/time", code=-1003, times=2)

    # Act
    statuses = [_get(sim, "time").status for _ in range(3)]

    # Assert
    assert statuses == [429, 429, 200]


def test_inject_error_when_only_http_status_given_answers_bare_page() -> None:
    # Arrange
    sim = _simulator()
    sim.inject_error("time", http_status=503)

    # Act
    response = _get(sim, "time")

    # Assert
    assert (response.status, response.content_type) == (503, "text/html")


def test_inject_error_when_method_given_leaves_other_methods_alone() -> None:
    # Arrange
    sim = _simulator()
    sim.inject_error("/api/v3/order", code=-1001, method="POST")

    # Act
    query = _signed(sim, "GET", "order", symbol="BTCUSDT", orderId=1)
    post = _signed(sim, "POST", "order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001")

    # Assert
    assert _body(query)["code"] == -2013  # type: ignore[index]
    assert (post.status, _body(post)["code"]) == (503, -1001)  # type: ignore[index]


def test_handle_when_unexpected_parameter_sent_is_1104() -> None:
    assert _body(_get(_simulator(), "ping", foo="bar"))["code"] == -1104  # type: ignore[index]


def test_exchange_info_when_symbols_listed_returns_only_those() -> None:
    # Act
    body = _body(_get(_simulator(), "exchangeInfo", symbols='["ETHUSDT","SOLUSDT"]'))

    # Assert
    assert [s["symbol"] for s in body["symbols"]] == ["ETHUSDT", "SOLUSDT"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"symbol": "DOGEUSDT"}, -1121),
        ({"interval": "2m"}, -1120),
        ({"interval": ""}, -1102),
        ({"startTime": 2, "endTime": 1}, -1023),
        ({"limit": 0}, -1130),
        ({"startTime": "yesterday"}, -1100),
    ],
)
def test_klines_when_parameters_invalid_answers_binance_code(values: dict[str, object], code: int) -> None:
    response = _get(_simulator(), "klines", **{"symbol": "BTCUSDT", "interval": "1m", **values})
    assert (response.status, _body(response)["code"]) == (400, code)  # type: ignore[index]


def test_klines_when_limit_above_1000_is_capped() -> None:
    assert len(_body(_get(_simulator(), "klines", symbol="BTCUSDT", interval="1m", limit=5000))) == 1000  # type: ignore[arg-type]


def test_account_when_signed_lists_documented_starting_balances() -> None:
    # Act
    body = _body(_signed(_simulator(), "GET", "account"))

    # Assert
    balances = {b["asset"]: b["free"] for b in body["balances"]}  # type: ignore[index]
    assert balances == {
        "BTC": "1.00000000",
        "ETH": "10.00000000",
        "SOL": "100.00000000",
        "USDT": "100000.00000000",
    }


def test_new_order_when_order_rate_exceeded_is_1015() -> None:
    # Arrange
    sim = _simulator(order_limit_10s=2)
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}
    first = _signed(sim, "POST", "order", **order)
    _signed(sim, "POST", "order", **order)

    # Act
    third = _signed(sim, "POST", "order", **order)

    # Assert
    assert first.headers["X-MBX-ORDER-COUNT-10S"] == "1"
    assert (third.status, _body(third)["code"]) == (429, -1015)  # type: ignore[index]


def test_new_order_when_ack_requested_answers_ids_only() -> None:
    # Act
    body = _body(
        _signed(
            _simulator(),
            "POST",
            "order",
            symbol="BTCUSDT",
            side="BUY",
            type="MARKET",
            quantity="0.001",
            newOrderRespType="ACK",
            newClientOrderId="abc",
        )
    )

    # Assert
    assert set(body) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}  # type: ignore[arg-type]


def test_simulator_when_host_not_loopback_refuses() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ExchangeSimulator(host="0.0.0.0")
