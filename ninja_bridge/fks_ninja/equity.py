"""Each account's open equity for the prop-firm rules (``fks.prop_firm.EquityState``).

Two sources, one per account at a time: NT8's own account values (``account_values.py``: the
balance and net liquidation at the current mark, so an open loss counts) or, without them, the
realised P&L of the fills the bridge booked (``ledger.py``), from the rules' starting balance.
When NT8's values first arrive for an account measured on fills, its state restarts from them:
the two bases (NT8's dollars and the bridge's own P&L) cannot be mixed in one high.

The states are kept on disk beside the position book, so after a restart the floors still trail
the highs reached before it.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from fks.prop_firm import EquityState, PropFirmRules
from fks_ninja.account_values import AccountValues

log = logging.getLogger(__name__)
Source = Literal["fills", "nt8"]


class AccountEquity:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._states: dict[str, tuple[Source, EquityState]] = {}
        if path is not None and path.exists():
            for key, saved in json.loads(path.read_text()).items():
                self._states[key] = (saved["source"], _state_from(saved["state"]))

    def state(self, key: str, day: date, rules: PropFirmRules, realised: Decimal) -> EquityState:
        """The account's state on ``day`` (a new trading day starts from the last close)."""
        known = self._states.get(key)
        if known is None:
            return self._save(key, "fills", EquityState.opening(day, _base(rules) + realised))
        source, state = known
        return self._save(key, source, state.marked(day, state.balance, state.open_equity))

    def mark_fill(self, key: str, day: date, rules: PropFirmRules, before: Decimal, after: Decimal) -> None:
        """A booked fill moved the realised P&L from ``before`` to ``after``; ignored once NT8's
        values measure the account. An account first seen through a fill opens at ``before``, so
        the fill's own loss counts."""
        known = self._states.get(key)
        if known is not None and known[0] == "nt8":
            return
        balance = _base(rules) + after
        state = self.state(key, day, rules, before)
        self._save(key, "fills", state.marked(day, balance, balance))

    def mark_values(self, key: str, day: date, values: AccountValues) -> EquityState:
        known = self._states.get(key)
        if known is None or known[0] != "nt8":
            if known is not None:
                log.warning("account %s: measured on NT8's account values from now on", key)
            # The day opened at the balance without today's realised loss. NT8's realised P&L is
            # the session's on most connections but may be the account's to date: a profit there is
            # not taken off, so an unknown start never understates today's loss.
            day_start = values.balance - min(values.realized, Decimal(0))
            opening = EquityState(day, day_start, day_start, day_start, day_start, day_start)
            return self._save(key, "nt8", opening.marked(day, values.balance, values.net_liquidation))
        return self._save(key, "nt8", known[1].marked(day, values.balance, values.net_liquidation))

    def _save(self, key: str, source: Source, state: EquityState) -> EquityState:
        if self._states.get(key) != (source, state):
            self._states[key] = (source, state)
            if self._path is not None:
                self._path.write_text(
                    json.dumps({k: {"source": s, "state": _state_to(v)} for k, (s, v) in self._states.items()})
                )
        return state


def _base(rules: PropFirmRules) -> Decimal:
    return rules.starting_balance or Decimal(0)


def _state_to(state: EquityState) -> dict[str, str]:
    return {
        "trading_day": state.trading_day.isoformat(),
        "day_start": str(state.day_start),
        "end_of_day_high": str(state.end_of_day_high),
        "open_high": str(state.open_high),
        "balance": str(state.balance),
        "open_equity": str(state.open_equity),
    }


def _state_from(saved: dict[str, str]) -> EquityState:
    return EquityState(
        date.fromisoformat(saved["trading_day"]),
        Decimal(saved["day_start"]),
        Decimal(saved["end_of_day_high"]),
        Decimal(saved["open_high"]),
        Decimal(saved["balance"]),
        Decimal(saved["open_equity"]),
    )
