"""An NT8 account's money as NT8 computes it, for the prop-firm rules on open equity.

NT8's outgoing folder carries orders, positions and connections but no P&L, and the bridge sees
fills, not prices. ``FKSStatusIndicator`` (``ninjascript/FKSAccountValues.cs``) writes each
account's values from NT8's own account data into a folder the bridge reads:
``<account>_Account.txt`` holding ``realised;unrealised;net liquidation;UTC epoch ms``, dollars
with a '.' decimal point, written to a temp name and moved into place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from fks_ninja.errors import MalformedOutgoingFile

log = logging.getLogger(__name__)
SUFFIX = "_Account.txt"


@dataclass(frozen=True)
class AccountValues:
    account: str
    realized: Decimal
    unrealized: Decimal
    net_liquidation: Decimal  # the open equity: cash plus the open positions at the mark
    at_ms: int

    @property
    def balance(self) -> Decimal:
        """Net liquidation without the open positions' P&L: the realised balance."""
        return self.net_liquidation - self.unrealized


def parse_account_values(file_name: str, text: str) -> AccountValues:
    if not file_name.endswith(SUFFIX) or file_name == SUFFIX:
        raise MalformedOutgoingFile(f"{file_name}: expected <account>{SUFFIX}")
    fields = [part.strip() for part in text.strip().split(";")]
    if len(fields) != 4:
        raise MalformedOutgoingFile(f"{file_name}: expected 4 ';'-separated fields, got {text.strip()!r}")
    try:
        realized, unrealized, net = (Decimal(field) for field in fields[:3])
        at_ms = int(fields[3])
    except (InvalidOperation, ValueError) as exc:
        raise MalformedOutgoingFile(f"{file_name}: {exc}") from exc
    if not all(value.is_finite() for value in (realized, unrealized, net)) or at_ms < 0:
        raise MalformedOutgoingFile(f"{file_name}: values must be finite and the time not negative")
    return AccountValues(file_name.removesuffix(SUFFIX), realized, unrealized, net, at_ms)


class AccountValuesReader:
    """The accounts' values newer than the last read, from the folder the indicator writes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen: dict[str, AccountValues] = {}  # account -> the values last returned

    def poll(self) -> list[AccountValues]:
        fresh: list[AccountValues] = []
        if not self.folder.is_dir():
            return fresh
        for path in sorted(self.folder.glob(f"*{SUFFIX}")):
            try:
                values = parse_account_values(path.name, path.read_text(encoding="utf-8"))
            except (OSError, MalformedOutgoingFile) as exc:
                log.warning("skipping account values %s: %s", path.name, exc)
                continue
            last = self._seen.get(values.account)
            # Older values (a file restored from a backup, a clock step back) never replace newer ones.
            if last is None or (values != last and values.at_ms >= last.at_ms):
                self._seen[values.account] = values
                fresh.append(values)
        return fresh

    def last_at_ms(self, account: str) -> int | None:
        last = self._seen.get(account)
        return None if last is None else last.at_ms
