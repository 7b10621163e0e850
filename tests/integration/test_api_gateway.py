"""The local API gateway serves the template's Api events over HTTP."""

from __future__ import annotations

import pytest
import requests

from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


def test_get_health_over_http_returns_each_part(local_stack: StackHandle) -> None:
    response = requests.get(f"{local_stack.api_url}/health", timeout=30)

    body = response.json()
    # Other tests may leave a part unhealthy for a while (an enabled asset without candles):
    # the status code must agree with the body either way.
    assert response.status_code == (200 if body["status"] == "healthy" else 503)
    assert response.headers["Content-Type"] == "application/json"
    assert {"part": f"bucket:{local_stack.deployed.physical_id('DataBucket')}", "status": "healthy"} in body["parts"]


def test_unknown_route_is_answered_as_api_gateway_does(local_stack: StackHandle) -> None:
    response = requests.get(f"{local_stack.api_url}/no-such-route", timeout=30)

    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


def test_wrong_method_on_known_route_is_refused(local_stack: StackHandle) -> None:
    response = requests.post(f"{local_stack.api_url}/health", json={}, timeout=30)

    assert response.status_code == 403


def test_path_outside_the_stage_is_refused(local_stack: StackHandle) -> None:
    base = local_stack.api_url.rsplit("/", 1)[0]

    response = requests.get(f"{base}/health", timeout=30)

    assert response.status_code == 403
