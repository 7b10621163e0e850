"""The Coinbase simulator without sockets: the per-request JWT, the per-second limit, orders and errors."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest

from fks_exchange_sim import ExchangeSimulator
from fks_exchange_sim.application import Request, Response
from fks_exchange_sim.coinbase import DEFAULT_COINBASE_KEY_NAME, DEFAULT_COINBASE_PRIVATE_KEY, CoinbaseConfig
from fks_exchange_sim.coinbase.config import generate_key_pem

NOW_MS = 1_748_867_696_789  # 2025-06-02T12:34:56.789Z
NOW_S = NOW_MS // 1000
HOST = "127.0.0.1:8080"
ACCOUNTS = "/api/v3/brokerage/accounts"
ORDERS = "/api/v3/brokerage/orders"
# A key the simulator does not hold.
OTHER_KEY = generate_key_pem()


def token(method: str, path: str, *, key: str = DEFAULT_COINBASE_PRIVATE_KEY, **overrides: Any) -> str:
    """A CDP JWT as Coinbase's documentation builds one (``iss`` "cdp")."""
    claims = {
        "sub": DEFAULT_COINBASE_KEY_NAME,
        "iss": "cdp",
        "nbf": NOW_S,
        "exp": NOW_S + 120,
        "uri": f"{method} {HOST}{path}",
    }
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": DEFAULT_COINBASE_KEY_NAME, "nonce": "0f1e2d"})


class _Coinbase:
    def __init__(self, config: CoinbaseConfig | None = None) -> None:
        self.now_ms = NOW_MS
        self.sim = ExchangeSimulator(venue="coinbase", venue_config=config, clock=lambda: self.now_ms)

    def call(
        self, method: str, path: str, *, body: object = None, query: str = "", bearer: str | None = None
    ) -> Response:
        headers = {"Host": HOST, "Authorization": f"Bearer {bearer or token(method, path)}"}
        text = "" if body is None else json.dumps(body)
        return self.sim.app.handle(Request(method, path, query, text, None, headers))


def _limit(client_order_id: str, size: str = "0.01", price: str = "1000.00") -> dict[str, object]:
    return {
        "client_order_id": client_order_id,
        "product_id": "BTC-USDT",
        "side": "BUY",
        "order_configuration": {"limit_limit_gtc": {"base_size": size, "limit_price": price, "post_only": False}},
    }


def test_token_as_coinbase_documents_it_is_accepted() -> None:
    # Act
    response = _Coinbase().call("GET", ACCOUNTS)

    # Assert
    assert response.status == 200
    assert {a["currency"] for a in json.loads(response.body)["accounts"]} == {"BTC", "ETH", "SOL", "USDT"}


@pytest.mark.parametrize(
    "bearer",
    [
        token("GET", "/api/v3/brokerage/orders/historical/batch"),  # made for another path
        token("POST", ACCOUNTS),  # for another method
        token("GET", ACCOUNTS, nbf=NOW_S - 300, exp=NOW_S - 180),  # expired
        token("GET", ACCOUNTS, exp=NOW_S + 600),  # lives longer than two minutes
        token("GET", ACCOUNTS, iss="someone"),
        token("GET", ACCOUNTS, sub="organizations/x/apiKeys/other"),
        token("GET", ACCOUNTS, key=OTHER_KEY),  # signed with a key the venue does not hold
        "not-a-jwt",
    ],
)
def test_token_not_good_for_this_request_is_401(bearer: str) -> None:
    # Act
    response = _Coinbase().call("GET", ACCOUNTS, bearer=bearer)

    # Assert
    assert (response.status, response.body) == (401, b"Unauthorized\n")


def test_private_calls_past_the_per_second_limit_answer_429_until_the_next_second() -> None:
    # Arrange
    coinbase = _Coinbase(CoinbaseConfig(private_per_second=2))
    statuses = [coinbase.call("GET", ACCOUNTS).status for _ in range(3)]

    # Act
    coinbase.now_ms += 1000
    later = coinbase.call("GET", ACCOUNTS).status

    # Assert
    assert statuses == [200, 200, 429]
    assert later == 200
    limited = _Coinbase(CoinbaseConfig(private_per_second=0)).call("GET", ACCOUNTS)
    assert json.loads(limited.body)["error"] == "rate_limit_exceeded"


def test_create_with_a_client_order_id_seen_before_answers_the_same_order() -> None:
    # Arrange
    coinbase = _Coinbase()
    first = json.loads(coinbase.call("POST", ORDERS, body=_limit("retry-1")).body)

    # Act
    again = json.loads(coinbase.call("POST", ORDERS, body=_limit("retry-1")).body)

    # Assert
    assert first["success"] is True
    assert again["success"] is True
    assert again["success_response"]["order_id"] == first["success_response"]["order_id"]
    assert len(coinbase.sim.venue_orders()) == 1


def test_create_beyond_the_balance_fails_with_insufficient_fund() -> None:
    # Act
    response = _Coinbase().call("POST", ORDERS, body=_limit("big", size="1000", price="1000.00"))

    # Assert
    answer = json.loads(response.body)
    assert (response.status, answer["success"]) == (200, False)
    assert answer["error_response"]["error"] == "INSUFFICIENT_FUND"
    assert answer["error_response"]["preview_failure_reason"] == "PREVIEW_INSUFFICIENT_FUND"


def test_unknown_field_and_unsimulated_kind_are_refused() -> None:
    # Arrange
    coinbase = _Coinbase()
    twap = {**_limit("twap-1"), "order_configuration": {"twap_limit_gtd": {"base_size": "1"}}}

    # Act
    unknown = coinbase.call("POST", ORDERS, body={**_limit("x-1"), "leverage": "3"})
    unsupported = json.loads(coinbase.call("POST", ORDERS, body=twap).body)

    # Assert
    assert (unknown.status, json.loads(unknown.body)["error"]) == (400, "INVALID_ARGUMENT")
    assert "leverage" in json.loads(unknown.body)["message"]
    assert unsupported["error_response"]["error"] == "UNSUPPORTED_ORDER_CONFIGURATION"


def test_cancel_reports_per_order_success() -> None:
    # Arrange
    coinbase = _Coinbase()
    placed = json.loads(coinbase.call("POST", ORDERS, body=_limit("c-1")).body)["success_response"]["order_id"]

    # Act
    answer = json.loads(
        coinbase.call("POST", f"{ORDERS}/batch_cancel", body={"order_ids": [placed, "no-such-order"]}).body
    )

    # Assert
    assert [(r["order_id"], r["success"]) for r in answer["results"]] == [(placed, True), ("no-such-order", False)]
    assert answer["results"][1]["failure_reason"] == "UNKNOWN_CANCEL_ORDER"


def test_candles_over_350_buckets_are_refused() -> None:
    # Arrange
    path = "/api/v3/brokerage/market/products/BTC-USDT/candles"
    query = f"start={NOW_S - 351 * 60}&end={NOW_S}&granularity=ONE_MINUTE"

    # Act
    response = _Coinbase().sim.app.handle(Request("GET", path, query, "", None))

    # Assert
    assert (response.status, json.loads(response.body)["error"]) == (400, "INVALID_ARGUMENT")


def test_concurrent_creates_with_one_client_order_id_place_one_order() -> None:
    # Arrange
    coinbase = _Coinbase()

    # Act
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda _: json.loads(coinbase.call("POST", ORDERS, body=_limit("race-1")).body), range(8))
        )

    # Assert
    assert {a["success_response"]["order_id"] for a in answers} == {answers[0]["success_response"]["order_id"]}
    assert len(coinbase.sim.venue_orders()) == 1


def _bracket(client_order_id: str, **fields: str) -> dict[str, object]:
    return {
        "client_order_id": client_order_id,
        "product_id": "BTC-USDT",
        "side": "SELL",
        "order_configuration": {"trigger_bracket_gtc": {"base_size": "0.01", **fields}},
    }


def test_a_bracket_is_one_order_whose_stop_ends_its_take_profit() -> None:
    # Arrange
    coinbase = _Coinbase()
    price = coinbase.sim.price("BTCUSDT")
    limit, trigger = (price * 104 / 100).quantize(price), (price * 98 / 100).quantize(price)
    created = json.loads(
        coinbase.call(
            "POST", ORDERS, body=_bracket("b-1", limit_price=str(limit), stop_trigger_price=str(trigger))
        ).body
    )
    order_id = created["success_response"]["order_id"]

    # Act: the price falls through the stop
    coinbase.sim.set_price("BTCUSDT", (price * 97 / 100).quantize(price))
    order = json.loads(coinbase.call("GET", f"{ORDERS}/historical/{order_id}").body)["order"]

    # Assert
    assert created["success"] is True, created
    assert (order["order_type"], order["status"], order["trigger_status"]) == ("BRACKET", "FILLED", "STOP_TRIGGERED")
    assert order["filled_size"] == "0.01"
    assert order["client_order_id"] == "b-1"


def test_a_bracket_without_its_stop_trigger_price_is_refused_naming_it() -> None:
    # Act
    response = _Coinbase().call("POST", ORDERS, body=_bracket("b-2", limit_price="50000"))

    # Assert
    assert response.status == 400
    assert "stop_trigger_price" in json.loads(response.body)["message"]
