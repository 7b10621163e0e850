"""Bad input through the local API: refused at the gateway or by the handler's pydantic contract,
always with a status that says so and a body naming what was wrong."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from fks_local.api_gateway import MAX_BODY_BYTES
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


def _problems(response_json: dict[str, object]) -> dict[str, str]:
    details = response_json.get("details") or {}
    assert isinstance(details, dict)
    return {problem["field"]: problem["problem"] for problem in details.get("problems", [])}


def test_body_over_the_gateway_limit_is_413_before_it_is_read(local_stack: StackHandle) -> None:
    url = urlsplit(local_stack.api_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        # Only the headers are sent: the gateway refuses on Content-Length, as API Gateway does.
        connection.putrequest("POST", f"{url.path}/strategies")
        connection.putheader("Authorization", f"Bearer {local_stack.api_keys['admin']}")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()

    assert response.status == 413
    assert "too large" in json.loads(body)["message"].lower()


def test_malformed_json_is_400_saying_so(local_stack: StackHandle) -> None:
    response = local_stack.api(
        "POST", "/strategies", data=b'{"strategy_id": "x", ', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "BadRequest"
    assert response.json()["message"].startswith("request body is not valid JSON")


def test_unknown_body_field_is_400_naming_it(local_stack: StackHandle) -> None:
    body = {"exchange": "binance", "symbol": "BTC/USDT", "leverage": 10}

    response = local_stack.api("POST", "/assets/enable", json=body)

    assert response.status_code == 400
    assert _problems(response.json()) == {"body.leverage": "Extra inputs are not permitted"}
    assert "body.leverage" in response.json()["message"]


def test_bad_query_parameter_is_400_naming_it(local_stack: StackHandle) -> None:
    response = local_stack.api("GET", "/historical/BTC-USDT", scope="read", params={"limit": "100000"})

    assert response.status_code == 400
    assert "query.limit" in _problems(response.json())
    assert "1000" in _problems(response.json())["query.limit"]


def test_bad_path_parameter_is_400_naming_it(local_stack: StackHandle) -> None:
    response = local_stack.api("GET", "/strategies/Not%20An%20Id", scope="read")

    assert response.status_code == 400
    assert "path.strategy_id" in _problems(response.json())


def test_openapi_document_needs_a_key_and_lists_the_routes(local_stack: StackHandle) -> None:
    import requests

    anonymous = requests.get(f"{local_stack.api_url}/openapi.json", timeout=30)
    document = local_stack.api("GET", "/openapi.json", scope="read")

    assert anonymous.status_code == 401
    assert document.status_code == 200
    assert document.json()["openapi"].startswith("3.1")
    assert "/strategies/{strategy_id}" in document.json()["paths"]


@pytest.mark.parametrize("method", ["TRACE", "QUERY"])
def test_undeclared_method_is_answered_as_api_gateway_does(local_stack: StackHandle, method: str) -> None:
    import requests

    response = requests.request(method, f"{local_stack.api_url}/strategies", timeout=30)

    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


_ORDER = {
    "client_order_id": "hostile-1",
    "account": "binance-spot",
    "symbol": "BTCUSDT",
    "side": "buy",
    "type": "market",
    "quantity": "0.001",
}


@pytest.mark.parametrize("route", ["/orders", "/strategies", "/assets/enable", "/ninja/fills", "/portfolio/rebalance"])
def test_json_nested_thousands_of_levels_is_a_400_naming_the_limit_on_body_routes(
    local_stack: StackHandle, route: str
) -> None:
    nested = ("[" * 5000 + "]" * 5000).encode()
    response = local_stack.api("POST", route, scope="admin", data=nested, headers={"Content-Type": "application/json"})

    assert response.status_code == 400, response.text
    assert "nested 5000 levels deep; the limit is 32" in response.json()["message"]


def test_body_over_the_api_limit_is_a_413_naming_it(local_stack: StackHandle) -> None:
    body = {**_ORDER, "signal_id": "x" * 300_000}

    response = local_stack.api("POST", "/orders", scope="trade", json=body)

    assert response.status_code == 413
    assert response.json()["details"] == {"limit_bytes": 256 * 1024}


@pytest.mark.parametrize("quantity", ["1_000", "1e3", "NaN", "Infinity", "1" * 40])
def test_an_order_quantity_that_is_not_a_plain_decimal_is_a_400_and_never_reaches_the_exchange(
    local_stack: StackHandle, quantity: str
) -> None:
    response = local_stack.api("POST", "/orders", scope="trade", json={**_ORDER, "quantity": quantity})

    assert response.status_code == 400, response.text
    assert "body.quantity" in _problems(response.json())
    assert local_stack.api("GET", "/orders/hostile-1", scope="read").status_code == 404


@pytest.mark.parametrize("client_order_id", ["sig-sma-BTCUSDT-1m-1733000000000", "SIG-anything"])
def test_an_order_under_a_pipeline_order_id_is_a_400_and_squats_nothing(
    local_stack: StackHandle, client_order_id: str
) -> None:
    response = local_stack.api("POST", "/orders", scope="trade", json={**_ORDER, "client_order_id": client_order_id})

    assert response.status_code == 400, response.text
    assert "signal pipeline" in response.json()["message"]
    assert local_stack.api("GET", f"/orders/{client_order_id}", scope="read").status_code == 404


def test_unknown_query_parameter_is_a_400_naming_it(local_stack: StackHandle) -> None:
    response = local_stack.api("GET", "/signals", scope="read", params={"stauts": "denied"})

    assert response.status_code == 400
    assert _problems(response.json()) == {"query.stauts": "unknown query parameter"}
