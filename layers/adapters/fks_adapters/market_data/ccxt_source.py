"""Closed candles from an exchange through ccxt: pagination, exchange limits, retries, one error mapping.

ccxt's own rate limiter stays on (``make_exchange`` sets it), so pages are spaced as the exchange
asks. Only ccxt's temporary failures are retried, with exponential backoff; everything else is
translated once into ``fks.errors`` and raised, so callers never see a ccxt class.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import ccxt

from fks.errors import BadRequest, FksError, PermanentError, RateLimited, TemporaryError
from fks.market_data.timeframes import Timeframe
from fks_adapters.exchanges.clients import public_client
from fks_adapters.exchanges.venues import VENUE_IDS

SUPPORTED_EXCHANGES: tuple[str, ...] = VENUE_IDS
# Used when ccxt does not publish an exchange's OHLCV page size in ``features``.
DEFAULT_PAGE_LIMIT = 300
RETRYABLE = (ccxt.RateLimitExceeded, ccxt.ExchangeNotAvailable, ccxt.RequestTimeout, ccxt.NetworkError)

log = logging.getLogger(__name__)
T = TypeVar("T")


def exchange_for(exchange_id: str, base_url: str | None = None) -> ccxt.Exchange:
    """A keyless ccxt client for a supported exchange id at the deployment's URL for that venue
    (``fks_adapters.exchanges.venues``), paying from the venue's shared rate budget; a
    ``BadRequest`` naming an unknown id."""
    return public_client(exchange_id, base_url)


class CcxtCandleSource:
    def __init__(
        self,
        exchange: ccxt.Exchange,
        *,
        max_attempts: int = 4,
        base_delay_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.exchange = exchange
        self.max_attempts = max_attempts
        self.base_delay_s = base_delay_s
        self._sleep = sleep

    @property
    def page_limit(self) -> int:
        features = getattr(self.exchange, "features", None) or {}
        limit = ((features.get("spot") or {}).get("fetchOHLCV") or {}).get("limit")
        return int(limit) if limit else DEFAULT_PAGE_LIMIT

    def require_market(self, symbol: str) -> str:
        """The venue's own id of the unified ``symbol`` (Binance ``BTCUSDT``, Kraken ``XBTUSDT``,
        Coinbase ``BTC-USDT``, from its market list), or ``BadRequest`` naming it when the venue
        does not list it."""
        markets = self._call(self.exchange.load_markets)
        if symbol not in markets:
            raise BadRequest(
                f"unknown symbol {symbol!r} on {self.exchange.id}",
                details={"exchange": self.exchange.id, "symbol": symbol},
            )
        return str(markets[symbol]["id"])

    def fetch_closed(self, symbol: str, timeframe: Timeframe, since_ms: int, until_ms: int) -> list[list[Any]]:
        """Raw ccxt rows with ``since_ms <= open_time < until_ms``, oldest first, page by page.

        ``until_ms`` should be the open time of the candle still forming, so only closed
        candles come back; validation checks closedness again against the clock.
        """
        rows: list[list[Any]] = []
        cursor = since_ms
        while cursor < until_ms:
            page = self._call(self.exchange.fetch_ohlcv, symbol, timeframe.value, since=cursor, limit=self.page_limit)
            if not page:
                break
            rows.extend(row for row in page if cursor <= row[0] < until_ms)
            last = int(page[-1][0])
            if last < cursor:  # the exchange ignored ``since``: stop rather than loop forever
                break
            cursor = last + timeframe.ms
        return rows

    def _call(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return method(*args, **kwargs)
            except RETRYABLE as error:
                if attempt == self.max_attempts:
                    raise translate(error) from error
                delay = self.base_delay_s * 2 ** (attempt - 1)
                log.warning("%s: %s (attempt %d), retrying in %.1fs", self.exchange.id, error, attempt, delay)
                self._sleep(delay)
            except ccxt.BaseError as error:
                raise translate(error) from error
        raise AssertionError("unreachable: the loop returns or raises")


def translate(error: Exception) -> FksError:
    """The one mapping from ccxt's errors to what the caller should do next."""
    message = f"{type(error).__name__}: {error}"
    if isinstance(error, ccxt.RateLimitExceeded | ccxt.DDoSProtection):
        return RateLimited(message)
    if isinstance(error, ccxt.NetworkError):
        return TemporaryError(message)
    if isinstance(error, ccxt.BadSymbol):
        return BadRequest(message)
    return PermanentError(message)
