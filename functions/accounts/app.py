"""``GET /accounts``, ``GET /accounts/{account}``, ``PUT /accounts/{account}``: the trading accounts.

Each account names its venue (binance, kraken, coinbase), its mode (paper, testnet, live), the
Secrets Manager secret of its key (never the key itself) and the engine's risk limits for it.
A PUT replaces the account's settings whole (repeating it changes nothing) and answers whether it
created the account; ``enabled: false`` stops new orders for it without forgetting it. Reading
needs the ``read`` scope, writing ``admin``.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.accounts import AccountSettings, readonly_secret_prefix, secret_readable, trading_secret_prefix
from fks.errors import BadRequest
from fks.execution import ACCOUNT_PATTERN
from fks.function_settings import ApiSettings, variable
from fks.observability import API, observed
from fks_adapters.accounts import AccountStore
from fks_adapters.api import make_resolver

logger = Logger()
AccountId = Annotated[str, Path(pattern=ACCOUNT_PATTERN, description="The account's id, e.g. kraken-main")]


class Settings(ApiSettings):
    accounts_table: str = variable(env.ACCOUNTS_TABLE)
    # The stage names the secrets execute_order and reconcile may read (unset: not checked).
    stage: str | None = variable(env.STAGE, default=None)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _store() -> AccountStore:
    return AccountStore(SETTINGS.accounts_table)


@app.get("/accounts")
def list_accounts() -> dict[str, Any]:
    """Every trading account with its venue, mode, secret name and risk limits."""
    return {"accounts": [account.model_dump(mode="json") for account in _store().list_accounts()]}


@app.get("/accounts/<account>")
def get_account(account: AccountId) -> dict[str, Any]:
    """One trading account; 404 when it is not configured."""
    return {"account": _store().require(account).model_dump(mode="json")}


@app.put("/accounts/<account>")
def put_account(account: AccountId, settings: Annotated[AccountSettings, Body()]) -> dict[str, Any]:
    """Create or replace a trading account's settings."""
    stage = SETTINGS.stage
    if stage:
        _check_secret("secret_id", settings.secret_id, trading_secret_prefix(stage), "execute_order")
        _check_secret("readonly_secret_id", settings.readonly_secret_id, readonly_secret_prefix(stage), "reconcile")
    stored, created = _store().put(account, settings)
    logger.info(
        "account stored", extra={"account": account, "venue": stored.venue, "mode": stored.mode, "new_account": created}
    )
    return {"account": stored.model_dump(mode="json"), "created": created}


def _check_secret(field: str, secret_id: str | None, prefix: str, reader: str) -> None:
    """A secret the reading function's policy lets it read, or a 400 naming the field."""
    if secret_id is not None and not secret_readable(secret_id, prefix):
        raise BadRequest(
            f"invalid request: {field} {secret_id!r} must name a secret {prefix}-<name> (or {prefix}): "
            f"{reader} may read no other",
            details={"problems": [{"field": field, "problem": f"must be named {prefix}-<name>"}]},
        )


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
