"""ccxt clients as the functions use them: each venue at its configured URL, each call paid from
the rate budget the venue and key share across every function (when the deployment has one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fks import env
from fks.execution import AccountMode as Mode
from fks_adapters.exchanges.ccxt_factory import make_exchange
from fks_adapters.exchanges.rate_budget import SharedRateBudget, bucket_id
from fks_adapters.exchanges.venues import base_url_for, venue

if TYPE_CHECKING:  # make_exchange imports ccxt when it builds a client, not at cold start
    import ccxt

PUBLIC_KEY = "public"  # the budget of keyless market-data calls, per venue


def shared_budget(venue_id: str, key: str) -> SharedRateBudget | None:
    """The venue's budget for ``key``, or None when the deployment has no budget table."""
    table = env.get(env.RATE_BUDGET_TABLE)
    if not table:
        return None
    spec = venue(venue_id)
    return SharedRateBudget(table, bucket_id(spec.id, key), rate_per_s=spec.rate_per_s, burst=spec.burst)


def with_budget(exchange: ccxt.Exchange, budget: SharedRateBudget | None) -> ccxt.Exchange:
    """``exchange`` with its calls paid from ``budget`` (ccxt prices each endpoint; see ``venues``)."""
    if budget is not None:
        exchange.throttle = budget.throttle
        exchange.enableRateLimit = True
    return exchange


def public_client(venue_id: str, base_url: str | None = None) -> ccxt.Exchange:
    """A keyless client of ``venue_id`` (market data), at the deployment's URL for it."""
    spec = venue(venue_id)
    url = base_url if base_url is not None else base_url_for(spec.id, "live")
    return with_budget(make_exchange(spec.id, base_url=url), shared_budget(spec.id, PUBLIC_KEY))


def keyed_client(
    venue_id: str, account: str, mode: Mode, secret: dict[str, Any], base_url: str | None = None
) -> ccxt.Exchange:
    """A client with an account's key (``{"api_key", "api_secret"}``, Coinbase's secret being the
    EC private key PEM), paying from that account's budget."""
    spec = venue(venue_id)
    options: dict[str, Any] = {}
    if spec.id == "coinbase":
        # ccxt reads balances from the Coinbase App API unless told to use Advanced Trade's accounts.
        options["fetchBalance"] = "v3PrivateGetBrokerageAccounts"
    exchange = make_exchange(
        spec.id,
        base_url=base_url_for(spec.id, mode, base_url),
        api_key=secret["api_key"],
        secret=secret["api_secret"],
        **options,
    )
    if spec.id == "kraken":
        # Kraken refuses a nonce not above the last one its key signed; execute_order signs the
        # same account's calls with microseconds, so a millisecond nonce here would always lose.
        exchange.nonce = exchange.microseconds
    return with_budget(exchange, shared_budget(spec.id, account))
