"""The built-in strategies by name: the one place the API and the scheduler look them up."""

from __future__ import annotations

from fks.errors import BadRequest
from fks.strategies.base import Strategy
from fks.strategies.breakouts import BollingerBreakout, DonchianBreakout
from fks.strategies.crossovers import EmaCross, MacdCross, SmaCross
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
    )
}


def strategy_names() -> list[str]:
    return list(_BUILT_IN)


def get_strategy(name: str) -> Strategy:
    try:
        return _BUILT_IN[name]
    except KeyError:
        raise BadRequest(
            f"unknown strategy {name!r}; known strategies: {', '.join(_BUILT_IN)}",
            details={"strategy": name, "known": list(_BUILT_IN)},
        ) from None
