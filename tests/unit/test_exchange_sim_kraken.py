"""The Kraken simulator without sockets: API-Sign, the nonce rule, the call counter, errors and OHLC."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fks_exchange_sim import ExchangeSimulator, sample_candles
from fks_exchange_sim.application import Request, Response
from fks_exchange_sim.kraken import DEFAULT_KRAKEN_API_KEY, DEFAULT_KRAKEN_SECRET, KrakenConfig
from fks_exchange_sim.kraken.auth import expected_signature

NOW_MS = 1_748_867_696_789  # 2025-06-02T12:34:56.789Z


class _Kraken:
    """A Kraken simulator on a clock the test moves, and a signer with its own nonces."""

    def __init__(self, config: KrakenConfig | None = None) -> None:
        self.now_ms = NOW_MS
        self.sim = ExchangeSimulator(venue="kraken", venue_config=config, clock=self._clock)
        self.nonce = 1_000

    def _clock(self) -> int:
        return self.now_ms

    def public(self, method: str, **values: object) -> Any:
        response = self.sim.app.handle(Request("GET", f"/0/public/{method}", urlencode(values), "", None))
        return response.status, json.loads(response.body)

    def signed(
        self, method: str, *, nonce: int | None = None, sign: Callable[[str], str] | None = None, **values: object
    ) -> Response:
        """``POST /0/private/<method>`` signed with the simulator's secret (or ``sign``), by default the next nonce."""
        if nonce is None:
            self.nonce += 1
            nonce = self.nonce
        body = urlencode({"nonce": nonce, **values})
        path = f"/0/private/{method}"
        signature = sign(body) if sign else expected_signature(DEFAULT_KRAKEN_SECRET, path, str(nonce), body)
        headers = {"API-Key": DEFAULT_KRAKEN_API_KEY, "API-Sign": signature}
        return self.sim.app.handle(Request("POST", path, "", body, None, headers))

    def private(self, method: str, **arguments: Any) -> Any:
        return json.loads(self.signed(method, **arguments).body)


def test_signature_matches_krakens_documented_example() -> None:
    # Arrange: the example of Kraken's "Spot REST Authentication" guide
    secret = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
    body = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"

    # Act
    signature = expected_signature(secret, "/0/private/AddOrder", "1616492376594", body)

    # Assert
    assert signature == "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="


def test_add_order_with_a_used_nonce_is_refused_and_not_placed() -> None:
    # Arrange
    kraken = _Kraken()
    order: Any = {
        "pair": "XBTUSDT",
        "type": "buy",
        "ordertype": "limit",
        "volume": "0.01",
        "price": "1000.00",
    }
    first = kraken.private("AddOrder", **order)

    # Act
    replay = kraken.private("AddOrder", nonce=kraken.nonce, **order)

    # Assert
    assert first["error"] == []
    assert len(first["result"]["txid"]) == 1
    assert replay == {"error": ["EAPI:Invalid nonce"], "result": {}}
    assert len(kraken.sim.venue_orders()) == 1


def test_request_with_a_wrong_signature_or_key_is_refused() -> None:
    # Arrange
    kraken = _Kraken()

    # Act
    forged = kraken.private(
        "BalanceEx", sign=lambda body: expected_signature("d3Jvbmc=", "/0/private/BalanceEx", "1", body)
    )
    response = kraken.sim.app.handle(
        Request("POST", "/0/private/BalanceEx", "", "nonce=5", None, {"API-Key": "nobody"})
    )

    # Assert
    assert forged["error"] == ["EAPI:Invalid signature"]
    assert json.loads(response.body)["error"] == ["EAPI:Invalid key"]


def test_call_counter_refuses_the_sixteenth_call_and_decays_at_a_third_per_second() -> None:
    # Arrange: Kraken's Starter tier, time standing still; AddOrder is on the trading limiter
    kraken = _Kraken()
    kraken.private("AddOrder", pair="XBTUSDT", type="buy", ordertype="limit", volume="0.01", price="1000.00")
    answers = [kraken.private("BalanceEx")["error"] for _ in range(16)]

    # Act: 3.1 s take 1.023 off the counter
    kraken.now_ms += 3_100
    after_decay = kraken.private("BalanceEx")["error"]
    again = kraken.private("BalanceEx")["error"]

    # Assert
    assert answers == [[]] * 15 + [["EAPI:Rate limit exceeded"]]
    assert (after_decay, again) == ([], ["EAPI:Rate limit exceeded"])


def test_trades_history_counts_two() -> None:
    # Arrange
    kraken = _Kraken(KrakenConfig(counter_max=Decimal(3)))

    # Act
    answers = [kraken.private("TradesHistory")["error"] for _ in range(2)]

    # Assert
    assert answers == [[], ["EAPI:Rate limit exceeded"]]


def test_unknown_parameter_and_bad_values_are_named() -> None:
    # Arrange
    kraken = _Kraken()

    # Act
    unknown = kraken.private("BalanceEx", asset="XXBT")
    bad_type = kraken.private("AddOrder", pair="XBTUSDT", type="hold", ordertype="market", volume="1")
    bad_pair = kraken.private("AddOrder", pair="DOGEUSDT", type="buy", ordertype="market", volume="1")
    no_price = kraken.private("AddOrder", pair="XBTUSDT", type="buy", ordertype="limit", volume="1")

    # Assert
    assert unknown["error"] == ["EGeneral:Invalid arguments:asset"]
    assert bad_type["error"] == ["EGeneral:Invalid arguments:type"]
    assert bad_pair["error"] == ["EQuery:Unknown asset pair"]
    assert no_price["error"] == ["EGeneral:Invalid arguments:price"]


def test_order_under_the_minimum_and_beyond_the_balance_get_krakens_texts() -> None:
    # Arrange
    kraken = _Kraken()

    # Act
    tiny = kraken.private("AddOrder", pair="XBTUSDT", type="buy", ordertype="limit", volume="0.00001", price="100.00")
    huge = kraken.private("AddOrder", pair="XBTUSDT", type="sell", ordertype="market", volume="5")

    # Assert
    assert tiny["error"] == ["EOrder:Cost minimum not met"]
    assert huge["error"] == ["EOrder:Insufficient funds"]


def test_ohlc_serves_the_newest_720_candles_after_since() -> None:
    # Arrange
    kraken = _Kraken()
    since_s = NOW_MS // 1000 // 60 * 60 - 5 * 60

    # Act
    _, window = kraken.public("OHLC", pair="XBTUSDT", interval=1)
    _, recent = kraken.public("OHLC", pair="XBTUSDT", interval=1, since=since_s)
    status, bad = kraken.public("OHLC", pair="XBTUSDT", interval=2)

    # Assert
    rows = window["result"]["XBTUSDT"]
    expected = sample_candles("BTCUSDT", "1m", rows[0][0] * 1000, NOW_MS, now_ms=NOW_MS)
    assert len(rows) == 720
    assert [[*r[:5], r[6]] for r in rows] == [[e[0] // 1000, *e[1:6]] for e in expected]
    assert [r[0] for r in recent["result"]["XBTUSDT"]] == [since_s + 60 * i for i in range(1, 6)]
    assert window["result"]["last"] == rows[-2][0]
    assert (status, bad["error"]) == (200, ["EGeneral:Invalid arguments:interval"])


def test_unknown_method_is_404() -> None:
    # Arrange
    kraken = _Kraken()

    # Act
    response = kraken.sim.app.handle(Request("POST", "/0/private/Withdraw", "", "nonce=1", None))

    # Assert
    assert (response.status, json.loads(response.body)) == (404, {"error": ["EGeneral:Unknown method"], "result": {}})


def test_trading_counter_charges_one_per_order_and_more_for_cancelling_a_young_one() -> None:
    # Arrange: a trading counter of 10 instead of the Starter tier's 60, time standing still
    kraken = _Kraken(KrakenConfig(trading_counter_max=Decimal(10)))
    order: Any = {"pair": "XBTUSDT", "type": "buy", "ordertype": "limit", "volume": "0.01", "price": "1000.00"}
    txid = kraken.private("AddOrder", **order)["result"]["txid"][0]  # 1
    kraken.private("CancelOrder", txid=txid)  # + 8: cancelled under 5 s old
    second = kraken.private("AddOrder", **order)["error"]  # 10

    # Act
    refused = kraken.private("AddOrder", **order)["error"]
    kraken.now_ms += 2_000
    after_decay = kraken.private("AddOrder", **order)["error"]

    # Assert
    assert second == []
    assert refused == ["EOrder:Rate limit exceeded"]
    assert after_decay == []
    assert len(kraken.sim.venue_orders()) == 3


def test_add_order_with_validate_checks_without_placing() -> None:
    # Arrange
    kraken = _Kraken()

    # Act
    answer = kraken.private(
        "AddOrder", pair="XBTUSDT", type="buy", ordertype="limit", volume="0.01", price="1000.00", validate="true"
    )

    # Assert
    assert answer == {"error": [], "result": {"descr": {"order": "buy 0.01000000 XBTUSDT"}}}
    assert kraken.sim.venue_orders() == []


def test_injected_faults_reach_kraken_paths() -> None:
    # Arrange
    kraken = _Kraken()
    kraken.sim.inject_faults(
        [
            {"path": "/0/private/AddOrder", "kind": "lose_answer"},
            {"path": "/0/private/BalanceEx", "kind": "error", "status": 503},
        ]
    )
    order: Any = {"pair": "XBTUSDT", "type": "buy", "ordertype": "limit", "volume": "0.01", "price": "1000.00"}

    # Act
    lost = kraken.signed("AddOrder", **order)
    unavailable = kraken.signed("BalanceEx")

    # Assert: the lost answer's order was placed all the same
    assert lost.drop
    assert len(kraken.sim.venue_orders()) == 1
    assert (unavailable.status, unavailable.content_type) == (503, "text/html")


def test_trigger_orders_hold_nothing_until_triggered_and_one_the_coins_left_cannot_pay_is_canceled() -> None:
    # Arrange: a stop and a take profit each selling 0.6 of the account's 1 BTC
    kraken = _Kraken()
    price = kraken.sim.price("BTCUSDT")
    stop, target = (
        (price * Decimal("0.98")).quantize(Decimal("0.1")),
        (price * Decimal("1.04")).quantize(Decimal("0.1")),
    )
    common = {"pair": "XBTUSDT", "type": "sell", "volume": "0.6", "oflags": "fciq"}
    placed = [
        kraken.private("AddOrder", ordertype="stop-loss-limit", price=str(stop), price2=str(stop), **common),
        kraken.private("AddOrder", ordertype="take-profit-limit", price=str(target), price2=str(target), **common),
    ]
    held = kraken.private("BalanceEx")["result"]["XXBT"]["hold_trade"]

    # Act: up through the take profit (0.6 sold), then down through the stop
    kraken.sim.set_price("BTCUSDT", (price * Decimal("1.05")).quantize(Decimal("0.1")))
    touched = kraken.private("QueryOrders", txid=placed[1]["result"]["txid"][0])["result"]
    kraken.sim.set_price("BTCUSDT", (price * Decimal("0.95")).quantize(Decimal("0.1")))
    stopped = kraken.private("QueryOrders", txid=placed[0]["result"]["txid"][0])["result"]

    # Assert
    assert [p["error"] for p in placed] == [[], []], placed
    assert Decimal(held) == 0
    assert [(o["status"], o["misc"]) for o in touched.values()] == [("closed", "touched")]
    assert [(o["status"], o["vol_exec"]) for o in stopped.values()] == [("canceled", "0.00000000")]
