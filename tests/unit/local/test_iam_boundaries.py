"""Least privilege, read from the translated template: who may read which secret, and nobody
holds a wildcard action."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fks_local.stack import PROJECT_ROOT
from fks_local.template import load, package, translate


@pytest.fixture(scope="module")
def roles() -> dict[str, list[dict[str, Any]]]:
    packaged, _ = package(load(PROJECT_ROOT / "template.yaml"), PROJECT_ROOT)
    resources = translate(packaged, {"EnableTimestream": "false"})["Resources"]
    found: dict[str, list[dict[str, Any]]] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::IAM::Role":
            policies = resource["Properties"].get("Policies", [])
            found[logical_id] = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
    return found


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement.get("Action", [])
    return [actions] if isinstance(actions, str) else list(actions)


def _roles_reading(roles: dict[str, list[dict[str, Any]]], secret_logical_id: str) -> set[str]:
    readers = set()
    for role, statements in roles.items():
        for statement in statements:
            reads = any(a in ("secretsmanager:GetSecretValue", "secretsmanager:*") for a in _actions(statement))
            if reads and json.dumps({"Ref": secret_logical_id}) in json.dumps(statement.get("Resource")):
                readers.add(role)
    return readers


def test_only_execute_order_reads_the_trading_secret(roles: dict[str, list[dict[str, Any]]]) -> None:
    assert _roles_reading(roles, "TradingSecret") == {"ExecuteOrderFunctionRole"}


def test_only_the_authorizer_reads_the_jwt_secret(roles: dict[str, list[dict[str, Any]]]) -> None:
    assert _roles_reading(roles, "JwtSigningSecret") == {"AuthorizerFunctionRole"}


def test_no_role_reads_secrets_by_wildcard(roles: dict[str, list[dict[str, Any]]]) -> None:
    offenders = [
        role
        for role, statements in roles.items()
        for s in statements
        if any(a.startswith("secretsmanager:") for a in _actions(s)) and s.get("Resource") in ("*", ["*"])
    ]

    assert offenders == []


def test_no_role_holds_a_wildcard_action(roles: dict[str, list[dict[str, Any]]]) -> None:
    offenders = [
        (role, a)
        for role, statements in roles.items()
        for s in statements
        for a in _actions(s)
        if a == "*" or a.endswith(":*")
    ]

    assert offenders == []


_DYNAMODB_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


def _roles_writing(roles: dict[str, list[dict[str, Any]]], table_logical_id: str) -> set[str]:
    writers = set()
    for role, statements in roles.items():
        for statement in statements:
            writes = _DYNAMODB_WRITES & set(_actions(statement))
            if writes and json.dumps(table_logical_id) in json.dumps(statement.get("Resource")):
                writers.add(role)
    return writers


def test_only_the_engine_writes_its_orders_and_positions(roles: dict[str, list[dict[str, Any]]]) -> None:
    for table in ("OrdersTable", "PositionsTable"):
        assert "NinjaReportsFunctionRole" not in _roles_writing(roles, table), table
        assert "ExecuteOrderFunctionRole" in _roles_writing(roles, table), table


def test_only_the_ninja_reports_function_writes_the_ninjatrader_tables(roles: dict[str, list[dict[str, Any]]]) -> None:
    assert _roles_writing(roles, "NinjaOrdersTable") == {"NinjaReportsFunctionRole"}
    assert _roles_writing(roles, "NinjaPositionsTable") == {"NinjaReportsFunctionRole"}
