"""Build ccxt clients, optionally pointed at another base URL (the local simulator, a testnet).

Only the host changes: every REST URL in the exchange's ``urls['api']`` keeps its path and gets
``base_url`` as scheme and host, so ``https://api.binance.com/api/v3`` becomes
``<base_url>/api/v3``. Every section is rewritten, not just the ones the project calls, so a call
nobody expected fails against the local URL instead of reaching the internet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import ccxt

# The project trades Binance spot only. Without these, ``load_markets`` also fetches the USD-M and
# COIN-M futures markets (fapi, dapi) and, with keys, the currencies and margin pairs (sapi):
# three more hosts, extra weight, and endpoints the simulator does not serve. ``fetchMarkets`` is
# a dict with ``types`` in ccxt 4.x; ``fetchCurrencies`` and ``fetchMargins`` gate the sapi calls
# in ``fetch_currencies`` and ``fetch_markets``.
_SPOT_ONLY_OPTIONS: Mapping[str, Mapping[str, Any]] = {
    "binance": {
        "defaultType": "spot",
        "fetchMarkets": {"types": ["spot"]},
        "fetchCurrencies": False,
        "fetchMargins": False,
    },
}


def rebase_url(url: str, base_url: str) -> str:
    """``url`` with its scheme and host replaced by ``base_url`` (whose own path is kept as a prefix)."""
    return base_url.rstrip("/") + urlsplit(url).path


def _rebased(urls: object, base_url: str) -> object:
    if isinstance(urls, str):
        return rebase_url(urls, base_url)
    if isinstance(urls, dict):
        return {name: _rebased(value, base_url) for name, value in urls.items()}
    return urls


def make_exchange(
    exchange_id: str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    secret: str | None = None,
    **options: Any,
) -> ccxt.Exchange:
    """A ccxt client for ``exchange_id`` with rate limiting on.

    ``options`` are merged into the client's ``options`` (ccxt's per-exchange settings) over the
    project's defaults; ``base_url`` sends every REST call to that host instead.
    """
    # Imported here: ccxt costs a cold start 300+ ms, and a function that builds no client (most
    # API routes of a function that can) should not pay it at import.
    import ccxt

    exchange_class = getattr(ccxt, exchange_id, None)
    if not isinstance(exchange_class, type) or not issubclass(exchange_class, ccxt.Exchange):
        raise ValueError(f"ccxt has no exchange {exchange_id!r}")
    config: dict[str, Any] = {
        "enableRateLimit": True,
        "options": {**_SPOT_ONLY_OPTIONS.get(exchange_id, {}), **options},
    }
    if api_key is not None:
        config["apiKey"] = api_key
    if secret is not None:
        config["secret"] = secret
    exchange: ccxt.Exchange = exchange_class(config)
    if base_url is not None:
        # "test" and "demo" too: set_sandbox_mode() and demo trading swap them into "api".
        for section in ("api", "test", "demo"):
            if section in exchange.urls:
                exchange.urls[section] = _rebased(exchange.urls[section], base_url)
    return exchange
