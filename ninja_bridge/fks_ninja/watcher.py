"""Polls NT8's ``outgoing`` folder and turns changed files into fills, states and positions.

Polling (not OS notifications) because NT8 rewrites files in place and the bridge must behave the
same on Windows and on the Linux test hosts; a file is re-read only when its size or mtime moved.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from fks_ninja.errors import MalformedOutgoingFile
from fks_ninja.outgoing import (
    POSITION_SUFFIX,
    ConnectionUpdate,
    PositionUpdate,
    parse_connection,
    parse_order_state,
    parse_position,
)
from fks_ninja.tracker import Fill, OrderStatusChange, OrderTracker

log = logging.getLogger(__name__)


@dataclass
class WatchResult:
    fills: list[Fill] = field(default_factory=list)
    status_changes: list[OrderStatusChange] = field(default_factory=list)
    positions: list[PositionUpdate] = field(default_factory=list)
    connections: list[ConnectionUpdate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class PositionBook:
    """Last position reported per (account, instrument), kept on disk so that after a restart
    (when NT8 has cleared ``outgoing``) only real changes are reported again."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._positions: dict[str, int] = {}
        if path is not None and path.exists():
            self._positions = {k: int(v) for k, v in json.loads(path.read_text()).items()}

    def changed(self, update: PositionUpdate) -> bool:
        key = f"{update.account}|{update.instrument}"
        if self._positions.get(key) == update.signed_quantity:
            return False
        self._positions[key] = update.signed_quantity
        if self._path is not None:
            self._path.write_text(json.dumps(self._positions, sort_keys=True))
        return True

    def quantity(self, account: str, instrument: str) -> int:
        return self._positions.get(f"{account}|{instrument}", 0)


class OutgoingWatcher:
    def __init__(self, outgoing: Path, tracker: OrderTracker, positions: PositionBook | None = None) -> None:
        self.outgoing = Path(outgoing)
        self.tracker = tracker
        self.positions = positions or PositionBook()
        self._seen: dict[str, tuple[int, int]] = {}

    def poll(self) -> WatchResult:
        result = WatchResult()
        if not self.outgoing.is_dir():
            return result
        for path in sorted(self.outgoing.glob("*.txt")):
            try:
                stat = path.stat()
                signature = (stat.st_mtime_ns, stat.st_size)
                if self._seen.get(path.name) == signature:
                    continue
                text = path.read_text(encoding="utf-8-sig")
            except OSError:
                continue  # NT8 is rewriting it; the next poll sees the finished file
            try:
                self._dispatch(path.name, text, result)
            except MalformedOutgoingFile as exc:
                log.warning("skipping %s: %s", path.name, exc.message)
                result.problems.append(exc.message)
            self._seen[path.name] = signature
        return result

    def reconcile(self) -> list[PositionUpdate]:
        """Read every position file afresh (after a restart) and return what differs from the book."""
        self._seen = {name: sig for name, sig in self._seen.items() if not name.endswith(POSITION_SUFFIX)}
        return self.poll().positions

    def _dispatch(self, name: str, text: str, result: WatchResult) -> None:
        if name.endswith(POSITION_SUFFIX):
            update = parse_position(name, text)
            if self.positions.changed(update):
                result.positions.append(update)
        elif text.count(";") == 2:
            events = self.tracker.apply(parse_order_state(name.removesuffix(".txt"), text))
            result.fills.extend(events.fills)
            result.status_changes.extend(events.status_changes)
        elif text.strip():
            result.connections.append(parse_connection(name, text))
