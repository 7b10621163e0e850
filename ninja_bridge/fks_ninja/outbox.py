"""Reports waiting for the platform: kept in order until the API takes them.

A fill read from NT8 is never read again (the tracker has moved on), so a report that fails for a
temporary reason stays here and is retried on the next pass instead of being lost.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from fks.errors import PermanentError, TemporaryError

log = logging.getLogger(__name__)


class ReportOutbox:
    def __init__(self) -> None:
        self._pending: deque[tuple[str, Callable[[], None]]] = deque()

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, description: str, send: Callable[[], None]) -> None:
        self._pending.append((description, send))

    def flush(self) -> int:
        """Send in order; stop at the first temporary failure so reports never overtake each other."""
        sent = 0
        while self._pending:
            description, send = self._pending[0]
            try:
                send()
            except TemporaryError as exc:
                log.warning("report %s deferred (%d waiting): %s", description, len(self._pending), exc.message)
                return sent
            except PermanentError as exc:
                log.error("report %s dropped, the platform refused it: %s", description, exc.message)
            else:
                sent += 1
            self._pending.popleft()
        return sent
