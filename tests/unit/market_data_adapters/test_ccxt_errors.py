"""ccxt's errors are translated once, into what the caller should do next."""

from __future__ import annotations

import ccxt
import pytest

from fks.errors import BadRequest, FksError, PermanentError, RateLimited, TemporaryError
from fks_adapters.market_data.ccxt_source import exchange_for, translate


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ccxt.RateLimitExceeded("slow down"), RateLimited),
        (ccxt.DDoSProtection("418"), RateLimited),
        (ccxt.RequestTimeout("timeout"), TemporaryError),
        (ccxt.ExchangeNotAvailable("503"), TemporaryError),
        (ccxt.NetworkError("reset"), TemporaryError),
        (ccxt.BadSymbol("no such market"), BadRequest),
        (ccxt.AuthenticationError("bad key"), PermanentError),
        (ccxt.ExchangeError("-1100"), PermanentError),
    ],
)
def test_translate_maps_each_ccxt_error_to_what_to_do_next(error: Exception, expected: type[FksError]) -> None:
    translated = translate(error)

    assert type(translated) is expected
    assert type(error).__name__ in translated.message


def test_rate_limited_is_retryable_and_a_bad_symbol_is_not() -> None:
    assert translate(ccxt.RateLimitExceeded("x")).retryable
    assert not translate(ccxt.BadSymbol("x")).retryable


def test_an_unsupported_exchange_is_a_bad_request_naming_it() -> None:
    with pytest.raises(BadRequest, match="nosuchexchange"):
        exchange_for("nosuchexchange")
