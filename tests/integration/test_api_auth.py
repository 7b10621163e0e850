"""Through the local API: credentials, scopes, rate limits and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
import requests

from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only

# A route every key may read, and one that needs admin; both exist whatever else is deployed.
READ_ROUTE = ("GET", "/assets")
ADMIN_ROUTE = ("POST", "/assets/enable")


def _jwt_secret(local_stack: StackHandle) -> str:
    arn = local_stack.deployed.physical_id("JwtSigningSecret")
    return str(local_stack.clients("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])


def _token(secret: str, **claims: object) -> str:
    now = datetime.now(UTC)
    body = {"sub": "dashboard-user", "iss": "fks", "aud": "fks-api", "exp": now + timedelta(minutes=5), "scope": "read"}
    body.update(claims)
    return jwt.encode(body, secret, algorithm="HS256")


def test_health_is_public(local_stack: StackHandle) -> None:
    assert requests.get(f"{local_stack.api_url}/health", timeout=30).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "fks_000000000000_" + "A" * 43}, {"X-Api-Key": "garbage"}])
def test_request_without_valid_credentials_is_401(local_stack: StackHandle, headers: dict[str, str]) -> None:
    method, path = READ_ROUTE

    response = requests.request(method, f"{local_stack.api_url}{path}", headers=headers, timeout=30)

    assert response.status_code == 401
    assert "Unauthorized" in response.json()["message"]


def test_read_key_reads(local_stack: StackHandle) -> None:
    method, path = READ_ROUTE

    assert local_stack.api(method, path, scope="read").status_code == 200


def test_read_key_on_admin_route_is_403_naming_the_scope(local_stack: StackHandle) -> None:
    method, path = ADMIN_ROUTE

    response = local_stack.api(method, path, scope="read", json={})

    assert response.status_code == 403
    assert "needs the 'admin' scope" in response.json()["message"]


def test_hs256_token_with_scope_is_accepted(local_stack: StackHandle) -> None:
    token = _token(_jwt_secret(local_stack))
    method, path = READ_ROUTE

    response = requests.request(
        method, f"{local_stack.api_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": datetime.now(UTC) - timedelta(minutes=5)},
        {"aud": "someone-else"},
        {"iss": "evil"},
    ],
    ids=["expired", "wrong-audience", "wrong-issuer"],
)
def test_bad_token_is_401(local_stack: StackHandle, claims: dict[str, object]) -> None:
    token = _token(_jwt_secret(local_stack), **claims)
    method, path = READ_ROUTE

    response = requests.request(
        method, f"{local_stack.api_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )

    assert response.status_code == 401


def test_token_signed_with_another_secret_is_401(local_stack: StackHandle) -> None:
    method, path = READ_ROUTE
    headers = {"Authorization": f"Bearer {_token('not-the-secret-' * 4)}"}

    assert requests.request(method, f"{local_stack.api_url}{path}", headers=headers, timeout=30).status_code == 401


def test_revoked_key_is_401(local_stack: StackHandle) -> None:
    from fks.auth.principal import Scope
    from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, create_key, revoke_key

    store = ApiKeyStore(local_stack.output("ApiKeysTableName"), local_stack.clients("dynamodb"))
    plan = UsagePlanKeys(local_stack.output("ApiUsagePlanId"), local_stack.clients("apigateway"))
    issued = create_key(store, plan, "short-lived", frozenset({Scope.READ}))
    method, path = READ_ROUTE
    headers = {"X-Api-Key": issued.presented}
    assert requests.request(method, f"{local_stack.api_url}{path}", headers=headers, timeout=30).status_code == 200

    revoke_key(store, plan, issued.key.key_id)

    assert requests.request(method, f"{local_stack.api_url}{path}", headers=headers, timeout=30).status_code == 401


def test_burst_over_the_plan_rate_gets_429_with_retry_after(local_stack: StackHandle) -> None:
    from fks.auth.principal import Scope
    from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, create_key

    store = ApiKeyStore(local_stack.output("ApiKeysTableName"), local_stack.clients("dynamodb"))
    plan = UsagePlanKeys(local_stack.output("ApiUsagePlanId"), local_stack.clients("apigateway"))
    key = create_key(store, plan, "bursty", frozenset({Scope.READ})).presented
    limiter = local_stack.gateways["FksApi"].limiter
    running_clock = limiter.clock
    # Time stands still for the burst, so no token comes back however slow this machine is: the
    # plan's burst of 40 passes and the 41st request is throttled.
    limiter.clock = lambda: 1_000_000.0
    try:
        with requests.Session() as session:
            statuses = [
                session.get(f"{local_stack.api_url}/assets", headers={"X-Api-Key": key}, timeout=60) for _ in range(42)
            ]
    finally:
        limiter.clock = running_clock

    assert [r.status_code for r in statuses[:40]] == [200] * 40
    assert [r.status_code for r in statuses[40:]] == [429, 429]
    assert int(statuses[40].headers["Retry-After"]) >= 1
    assert "Too Many Requests" in statuses[40].json()["message"]


def test_state_changing_request_is_audited_with_the_key_id(
    local_stack: StackHandle, caplog: pytest.LogCaptureFixture
) -> None:
    method, path = ADMIN_ROUTE
    key_id = local_stack.api_keys["admin"].split("_")[1]

    with caplog.at_level("INFO", logger="fks_local.api_gateway"):
        local_stack.api(method, path, scope="admin", json={"exchange": "binance", "symbol": "NOPE/USDT"})

    audit = [r.getMessage() for r in caplog.records if r.getMessage().startswith("audit ")]
    assert any(key_id in line and '"method": "POST"' in line for line in audit)
    assert all(local_stack.api_keys["admin"] not in line for line in audit)
