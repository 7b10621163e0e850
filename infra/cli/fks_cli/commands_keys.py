"""``fks keys create|revoke|list``: the API's keys, stored hashed, each in the usage plan.

Against the running local stack by default; against AWS when FKS_API_KEYS_TABLE and
FKS_USAGE_PLAN_ID are set (the stack's outputs ApiKeysTableName and ApiUsagePlanId).
"""

from __future__ import annotations

import argparse
import os
import sys

import boto3

from fks.auth.principal import parse_scopes
from fks.errors import FksError
from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, create_key, revoke_key
from fks_cli.commands_local import read_state
from fks_local.aws_session import client_factory


def _targets() -> tuple[ApiKeyStore, UsagePlanKeys]:
    table, plan = os.environ.get("FKS_API_KEYS_TABLE"), os.environ.get("FKS_USAGE_PLAN_ID")
    if table and plan:
        return ApiKeyStore(table, boto3.client("dynamodb")), UsagePlanKeys(plan, boto3.client("apigateway"))
    state = read_state()
    if state is None:
        raise SystemExit("no local stack is running and FKS_API_KEYS_TABLE / FKS_USAGE_PLAN_ID are not set")
    clients = client_factory(state["endpoint_url"])
    outputs = state["outputs"]
    return (
        ApiKeyStore(outputs["ApiKeysTableName"], clients("dynamodb")),
        UsagePlanKeys(outputs["ApiUsagePlanId"], clients("apigateway")),
    )


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="create, revoke and list API keys")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    create = actions.add_parser("create", help="issue a key; its secret is printed once")
    create.add_argument("--name", required=True, help="who or what the key is for")
    create.add_argument("--scopes", default="read", help="comma-separated: read, trade, admin (default read)")
    revoke = actions.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("key_id")
    actions.add_parser("list", help="the keys, without secrets")


def run(args: argparse.Namespace) -> int:
    store, plan = _targets()
    try:
        if args.keys_command == "create":
            issued = create_key(store, plan, args.name, parse_scopes(args.scopes))
            print(f"key id  {issued.key.key_id}\nscopes  {','.join(sorted(issued.key.scopes))}")
            print(f"key     {issued.presented}\n")
            print("send it as the header 'Authorization: Bearer <key>'; it is not shown again")
        elif args.keys_command == "revoke":
            flushed = revoke_key(store, plan, args.key_id)
            print(f"revoked {args.key_id}")
            # Without the flush a decision API Gateway cached in the last 300 s would still let it in.
            print(f"authorizer cache flushed on {', '.join(flushed) or 'no stage (the usage plan names none)'}")
        else:
            for key in store.list():
                state = "revoked" if key.revoked else "active"
                print(f"{key.key_id}  {state:<8} {','.join(sorted(key.scopes)):<18} {key.created_at}  {key.name}")
    except (FksError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
