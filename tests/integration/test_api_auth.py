"""Through the local API: credentials, scopes, rate limits and the audit trail."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import requests

from fks_adapters.aws.rotating_secret import DEFAULT_MAX_AGE_S, REFRESH_GAP_S
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only

# A route every key may read, and one that needs admin; both exist whatever else is deployed.
READ_ROUTE = ("GET", "/assets")
ADMIN_ROUTE = ("POST", "/assets/enable")
MAX_AGE_S = DEFAULT_MAX_AGE_S  # the template sets FKS_JWT_SECRET_MAX_AGE_S to the same 30 s


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


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer fks_000000000000_" + "A" * 43},
        {"Authorization": "Bearer garbage"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["none", "unknown-key", "bad-jwt", "not-bearer"],
)
def test_request_without_valid_credentials_is_401(local_stack: StackHandle, headers: dict[str, str]) -> None:
    method, path = READ_ROUTE

    response = requests.request(method, f"{local_stack.api_url}{path}", headers=headers, timeout=30)

    assert response.status_code == 401
    assert "Unauthorized" in response.json()["message"]


def test_a_valid_key_in_x_api_key_alone_is_401_naming_the_header_to_use(local_stack: StackHandle) -> None:
    method, path = READ_ROUTE

    response = requests.request(
        method, f"{local_stack.api_url}{path}", headers={"X-Api-Key": local_stack.api_keys["read"]}, timeout=30
    )

    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["message"]


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


def _new_read_key(local_stack: StackHandle, name: str) -> str:
    from fks.auth.principal import Scope
    from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, create_key

    store = ApiKeyStore(local_stack.output("ApiKeysTableName"), local_stack.clients("dynamodb"))
    plan = UsagePlanKeys(local_stack.output("ApiUsagePlanId"), local_stack.clients("apigateway"))
    return create_key(store, plan, name, frozenset({Scope.READ})).presented


def _decisions(local_stack: StackHandle, presented: str, expected: int) -> list[str]:
    """The routes the authorizer decided for the API key ``presented``, in order: the decision
    lines (allowed, forbidden, unauthorized: functions/authorizer) in its log group, where Lambda
    keeps each invocation's log. What a user can count of the invocations API Gateway asked for;
    waits (15 s at most) for ``expected`` of them, the log being written after the answer."""
    key_id = presented.split("_")[1]
    logs = local_stack.clients("logs")
    group = f"/aws/lambda/{local_stack.function('AuthorizerFunction')}"
    deadline = time.monotonic() + 15
    while True:
        lines = []
        for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group):
            lines += [event["message"] for event in page["events"]]
        decisions = [
            line
            for line in map(_json_line, lines)
            if line.get("message") in ("allowed", "forbidden", "unauthorized")
            and key_id in (line.get("subject"), *str(line.get("reason", "")).split())
        ]
        if len(decisions) >= expected or time.monotonic() > deadline:
            return [str(d["route"]) for d in sorted(decisions, key=lambda d: str(d["timestamp"]))]
        time.sleep(0.2)


def _json_line(line: str) -> dict[str, Any]:
    try:
        parsed = json.loads(line)
    except ValueError:  # START, END, REPORT and anything else not the function's structured log
        return {}
    return parsed if isinstance(parsed, dict) else {}


def test_a_second_call_within_the_ttl_does_not_invoke_the_authorizer(local_stack: StackHandle) -> None:
    key = _new_read_key(local_stack, "cached")
    headers = {"Authorization": f"Bearer {key}"}

    first = requests.get(f"{local_stack.api_url}/assets", headers=headers, timeout=30)
    second = requests.get(f"{local_stack.api_url}/assets", headers=headers, timeout=30)

    assert (first.status_code, second.status_code) == (200, 200)
    assert _decisions(local_stack, key, 1) == ["GET /assets"]


def test_a_cached_decision_covers_the_route_for_every_path_parameter(local_stack: StackHandle) -> None:
    key = _new_read_key(local_stack, "cached-route")
    headers = {"Authorization": f"Bearer {key}"}

    statuses = [
        requests.get(f"{local_stack.api_url}/strategies/{name}", headers=headers, timeout=30).status_code
        for name in ("no-such-strategy-a", "no-such-strategy-b")
    ]
    other_route = requests.get(f"{local_stack.api_url}/assets", headers=headers, timeout=30)

    assert statuses == [404, 404], "the second id is judged by the first call's cached Allow, not refused"
    assert other_route.status_code == 200
    # Scopes differ by route, so each route is decided (and cached) once.
    assert _decisions(local_stack, key, 2) == ["GET /strategies/{strategy_id}", "GET /assets"]


def test_a_revoked_key_is_refused_at_once_despite_the_cached_allow(local_stack: StackHandle) -> None:
    from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, revoke_key

    store = ApiKeyStore(local_stack.output("ApiKeysTableName"), local_stack.clients("dynamodb"))
    plan = UsagePlanKeys(local_stack.output("ApiUsagePlanId"), local_stack.clients("apigateway"))
    presented = _new_read_key(local_stack, "short-lived")
    method, path = READ_ROUTE
    headers = {"Authorization": f"Bearer {presented}"}
    before = [requests.request(method, f"{local_stack.api_url}{path}", headers=headers, timeout=30) for _ in range(2)]
    assert [r.status_code for r in before] == [200, 200]
    assert _decisions(local_stack, presented, 1) == ["GET /assets"], "the second call was the cached Allow"

    # What `fks keys revoke` does: revoke, disable the usage-plan key, flush the stage's cache
    # through API Gateway's FlushStageAuthorizersCache.
    flushed = revoke_key(store, plan, presented.split("_")[1])
    after = requests.request(method, f"{local_stack.api_url}{path}", headers=headers, timeout=30)

    assert flushed == [f"{local_stack.deployed.physical_id('FksApi')}/v1"]  # the API's one stage (template.yaml)
    # 401 is the authorizer's own refusal, asked again because the cached Allow is gone (a cached
    # Allow would have met the disabled usage-plan key instead: 403).
    assert after.status_code == 401
    assert _decisions(local_stack, presented, 2) == ["GET /assets", "GET /assets"]


def test_flushing_an_unknown_stage_is_a_404_as_in_api_gateway(local_stack: StackHandle) -> None:
    apigateway = local_stack.clients("apigateway")

    with pytest.raises(apigateway.exceptions.NotFoundException):
        apigateway.flush_stage_authorizers_cache(
            restApiId=local_stack.deployed.physical_id("FksApi"), stageName="no-such-stage"
        )


def test_an_api_key_is_also_accepted_as_a_bearer_token(local_stack: StackHandle) -> None:
    from fks.auth.principal import Scope
    from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, create_key

    store = ApiKeyStore(local_stack.output("ApiKeysTableName"), local_stack.clients("dynamodb"))
    plan = UsagePlanKeys(local_stack.output("ApiUsagePlanId"), local_stack.clients("apigateway"))
    issued = create_key(store, plan, "bearer", frozenset({Scope.READ}))
    bearer = {"Authorization": f"Bearer {issued.presented}"}

    read = requests.request(READ_ROUTE[0], f"{local_stack.api_url}{READ_ROUTE[1]}", headers=bearer, timeout=30)
    admin = requests.request(
        ADMIN_ROUTE[0], f"{local_stack.api_url}{ADMIN_ROUTE[1]}", headers=bearer, json={}, timeout=30
    )

    assert read.status_code == 200
    assert admin.status_code == 403
    assert "needs the 'admin' scope" in admin.json()["message"]


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
                session.get(f"{local_stack.api_url}/assets", headers={"Authorization": f"Bearer {key}"}, timeout=60)
                for _ in range(42)
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


def _frozen_burst(local_stack: StackHandle, tokens: list[str], each: int) -> list[list[int]]:
    """``each`` requests per token, in order, with the throttle's clock stopped (no token refills)."""
    limiter = local_stack.gateways["FksApi"].limiter
    running_clock = limiter.clock
    limiter.clock = lambda: 2_000_000.0
    try:
        with requests.Session() as session:
            return [
                [
                    session.get(
                        f"{local_stack.api_url}/assets", headers={"Authorization": f"Bearer {token}"}, timeout=60
                    ).status_code
                    for _ in range(each)
                ]
                for token in tokens
            ]
    finally:
        limiter.clock = running_clock


def test_each_jwt_subject_has_its_own_throttle_and_quota(local_stack: StackHandle) -> None:
    secret = _jwt_secret(local_stack)
    greedy, other = (_token(secret, sub=f"{who}-{datetime.now(UTC).timestamp()}") for who in ("greedy", "other"))

    (greedy_statuses,) = _frozen_burst(local_stack, [greedy], 41)
    (other_statuses,) = _frozen_burst(local_stack, [other], 10)

    assert greedy_statuses == [200] * 40 + [429], "the plan's burst of 40 is the greedy subject's own"
    assert other_statuses == [200] * 10, "another JWT caller is not throttled by the first"


def _uncached_get(local_stack: StackHandle, headers: dict[str, str]) -> int:
    """GET /assets judged by the authorizer itself: the stage's cached decisions flushed first, as
    `fks keys revoke` flushes them (API Gateway's cache adds its TTL in front; docs/deploy.md)."""
    local_stack.clients("apigateway").flush_stage_authorizers_cache(
        restApiId=local_stack.deployed.physical_id("FksApi"), stageName="v1"
    )
    return requests.get(f"{local_stack.api_url}/assets", headers=headers, timeout=30).status_code


def test_a_rotated_jwt_secret_is_in_force_within_the_authorizer_secret_max_age(local_stack: StackHandle) -> None:
    arn = local_stack.deployed.physical_id("JwtSigningSecret")
    secrets = local_stack.clients("secretsmanager")
    old_token = _token(_jwt_secret(local_stack))
    headers = {"Authorization": f"Bearer {old_token}"}
    assert _uncached_get(local_stack, headers) == 200
    new_secret = f"rotated-{datetime.now(UTC).timestamp()}-" + "x" * 48
    secrets.put_secret_value(SecretId=arn, SecretString=new_secret)
    rotated_at = time.monotonic()
    new_headers = {"Authorization": f"Bearer {_token(new_secret)}"}

    new_statuses, old_refused_after = [], None
    while time.monotonic() - rotated_at < MAX_AGE_S + 15 and old_refused_after is None:
        new_statuses.append(_uncached_get(local_stack, new_headers))
        if _uncached_get(local_stack, headers) == 401:
            old_refused_after = time.monotonic() - rotated_at
        time.sleep(1)

    assert old_refused_after is not None, "a token signed with the rotated-out secret still works"
    assert old_refused_after <= MAX_AGE_S + 5
    assert set(new_statuses[int(REFRESH_GAP_S) + 1 :]) <= {200}, new_statuses


def test_concurrent_first_requests_of_a_jwt_subject_leave_it_one_usage_key(local_stack: StackHandle) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from fks_adapters.aws.subject_usage_keys import subject_id

    subject = f"crowd-{datetime.now(UTC).timestamp()}"
    headers = {"Authorization": f"Bearer {_token(_jwt_secret(local_stack), sub=subject)}"}

    def call(_: int) -> int:
        return requests.get(f"{local_stack.api_url}/assets", headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(call, range(6)))

    pages = local_stack.clients("apigateway").get_paginator("get_api_keys").paginate()
    suffix = f"-jwt-{subject_id(subject)}"
    names = [key["name"] for page in pages for key in page["items"] if key["name"].endswith(suffix)]
    assert statuses == [200] * 6
    assert len(names) == 1, names
