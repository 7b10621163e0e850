"""Strategies by name, built-in and plugin: the one place the API, backtests and the scheduler look them up.

The built-ins are fixed; plugins (``fks.strategies.plugins``) are discovered once per process, on
first use (a Lambda's cold start), and listed after the built-ins. A broken plugin is left out and
listed by ``broken_plugins`` with its reason; it never hides a built-in or another plugin.
"""

from __future__ import annotations

import functools

from fks.errors import BadRequest
from fks.ml.deployed import StoredForecast, StoredRegimeGate
from fks.strategies.base import Strategy
from fks.strategies.breakouts import BollingerBreakout, DonchianBreakout
from fks.strategies.crossovers import EmaCross, MacdCross, SmaCross
from fks.strategies.plugins import BrokenPlugin, Discovery, discover
from fks.strategies.reversion import RsiReversion

# Strategies hold no state between calls, so one shared instance each is enough.
_BUILT_IN: dict[str, Strategy] = {
    strategy.name: strategy
    for strategy in (
        SmaCross(),
        EmaCross(),
        RsiReversion(),
        BollingerBreakout(),
        MacdCross(),
        DonchianBreakout(),
        StoredForecast(),  # with the asset's stored models (fks.ml.deployed)
        StoredRegimeGate(),
    )
}


@functools.cache
def _plugins() -> Discovery:
    return discover(set(_BUILT_IN))


def reload_plugins() -> None:
    """Forget the discovered plugins: the next lookup searches again (development, tests)."""
    _plugins.cache_clear()


def _all() -> dict[str, Strategy]:
    return {**_BUILT_IN, **_plugins().strategies}


def strategy_names() -> list[str]:
    """Built-ins first, in their fixed order, then plugins by name."""
    return list(_all())


def built_in_names() -> list[str]:
    return list(_BUILT_IN)


def is_plugin(name: str) -> bool:
    return name in _plugins().strategies


def plugin_module(name: str) -> str | None:
    return _plugins().modules.get(name)


def broken_plugins() -> tuple[BrokenPlugin, ...]:
    return _plugins().broken


def get_strategy(name: str) -> Strategy:
    strategies = _all()
    try:
        return strategies[name]
    except KeyError:
        details: dict[str, object] = {"strategy": name, "known": list(strategies)}
        broken = [entry for entry in broken_plugins() if entry.name == name]
        if broken:
            details["broken"] = broken[0].reason
            raise BadRequest(f"strategy {name!r} is a broken plugin: {broken[0].reason}", details=details) from None
        raise BadRequest(
            f"unknown strategy {name!r}; known strategies: {', '.join(strategies)}", details=details
        ) from None
