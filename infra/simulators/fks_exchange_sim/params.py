"""Request parameters as Binance reads them: strict number formats and its error for each misuse."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from urllib.parse import parse_qsl

from fks_exchange_sim import errors
from fks_exchange_sim.markets import ASSET_PRECISION

_NUMBER = re.compile(errors.NUMBER_PATTERN)
_INTEGER_PATTERN = r"^[0-9]{1,20}$"
_INTEGER = re.compile(_INTEGER_PATTERN)
SIGNATURE_PARAMS = frozenset({"timestamp", "recvWindow", "signature"})


def parse(query: str, body: str) -> dict[str, str]:
    """Query and form body merged; a name sent twice is Binance's -1101."""
    params: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True) + parse_qsl(body, keep_blank_values=True):
        if name in params:
            raise errors.duplicate_parameter()
        params[name] = value
    return params


def check_all_read(params: Mapping[str, str], accepted: Collection[str]) -> None:
    unread = [name for name in params if name not in accepted]
    if unread:
        raise errors.unread_parameters(len(params) - len(unread), len(params))


def required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise errors.mandatory_missing(name)
    return value


def decimal(params: Mapping[str, str], name: str) -> Decimal | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not _NUMBER.match(raw):
        raise errors.illegal_characters(name)
    value = Decimal(raw)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > ASSET_PRECISION:
        raise errors.too_much_precision(name)
    return value


def integer(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not _INTEGER.match(raw):
        raise errors.illegal_characters(name, _INTEGER_PATTERN)
    return int(raw)


def limit(params: Mapping[str, str], default: int, maximum: int) -> int:
    """``limit`` defaults and is capped silently as Binance does; zero is refused."""
    value = integer(params, "limit")
    if value is None:
        return default
    if value < 1:
        raise errors.invalid_value("limit")
    return min(value, maximum)
