"""Request signing as Binance checks it: HMAC-SHA256 over query + body, key, timestamp window."""

from __future__ import annotations

import pytest

from fks_exchange_sim.errors import BinanceError
from fks_exchange_sim.signing import SignedRequest, authenticate, sign, total_params

KEY, SECRET = "test-key", "test-secret"
NOW_MS = 1_750_000_000_000


def _signed(query: str, *, secret: str = SECRET, key: str | None = KEY, body: str = "") -> SignedRequest:
    """A GET request whose query carries the signature of ``query`` (+ ``body``), as ccxt builds it."""
    signature = sign(query + body, secret)
    values = dict(part.split("=", 1) for part in (query + ("&" + body if body else "")).split("&"))
    return SignedRequest(key, f"{query}&signature={signature}", body, values)


def _code(request: SignedRequest, now_ms: int = NOW_MS) -> int:
    with pytest.raises(BinanceError) as caught:
        authenticate(request, {KEY: SECRET}, now_ms)
    return caught.value.code


def test_sign_matches_binance_documented_example() -> None:
    # Arrange: the example from Binance's "SIGNED endpoint examples for POST /api/v3/order".
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    payload = (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    )

    # Act
    signature = sign(payload, secret)

    # Assert
    assert signature == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"


def test_total_params_joins_query_and_body_without_separator_and_drops_signature() -> None:
    # Act
    payload, signature = total_params("symbol=LTCBTC&side=BUY", "quantity=1&timestamp=5&signature=abc")

    # Assert
    assert payload == "symbol=LTCBTC&side=BUYquantity=1&timestamp=5"
    assert signature == "abc"


def test_authenticate_when_signature_valid_passes() -> None:
    authenticate(_signed(f"symbol=BTCUSDT&timestamp={NOW_MS - 100}"), {KEY: SECRET}, NOW_MS)


def test_authenticate_when_signed_in_post_body_passes() -> None:
    # Arrange
    body = f"symbol=BTCUSDT&timestamp={NOW_MS}"
    request = SignedRequest(KEY, "", f"{body}&signature={sign(body, SECRET)}", {"timestamp": str(NOW_MS)})

    # Act / Assert
    authenticate(request, {KEY: SECRET}, NOW_MS)


def test_authenticate_when_secret_wrong_is_invalid_signature() -> None:
    assert _code(_signed(f"timestamp={NOW_MS}", secret="other")) == -1022


def test_authenticate_when_signature_missing_is_mandatory_parameter() -> None:
    assert _code(SignedRequest(KEY, f"timestamp={NOW_MS}", "", {"timestamp": str(NOW_MS)})) == -1102


def test_authenticate_when_key_header_missing_is_key_format_invalid() -> None:
    assert _code(_signed(f"timestamp={NOW_MS}", key=None)) == -2014


def test_authenticate_when_key_unknown_is_rejected_with_401() -> None:
    with pytest.raises(BinanceError) as caught:
        authenticate(_signed(f"timestamp={NOW_MS}", key="nobody"), {KEY: SECRET}, NOW_MS)
    assert (caught.value.code, caught.value.http_status) == (-2015, 401)


def test_authenticate_when_timestamp_older_than_default_window_is_outside_recv_window() -> None:
    assert _code(_signed(f"timestamp={NOW_MS - 5001}")) == -1021


def test_authenticate_when_recv_window_widened_accepts_older_timestamp() -> None:
    authenticate(_signed(f"timestamp={NOW_MS - 9000}&recvWindow=10000"), {KEY: SECRET}, NOW_MS)


def test_authenticate_when_timestamp_a_second_ahead_is_rejected() -> None:
    with pytest.raises(BinanceError, match="ahead of the server"):
        authenticate(_signed(f"timestamp={NOW_MS + 1000}"), {KEY: SECRET}, NOW_MS)


def test_authenticate_when_recv_window_above_60000_is_rejected() -> None:
    assert _code(_signed(f"timestamp={NOW_MS}&recvWindow=60001")) == -1131


def test_authenticate_when_timestamp_missing_is_mandatory_parameter() -> None:
    assert _code(_signed("symbol=BTCUSDT")) == -1102
