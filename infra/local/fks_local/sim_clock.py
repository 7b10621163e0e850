"""A simulated clock for the whole local stack: ``fks replay`` moves time, every function reads it.

The clock is a file holding the simulated time in epoch ms (absent or empty: the wall clock). The
local stack hands its path to every function as ``FKS_LOCAL_CLOCK_FILE``: the Python runtime
bootstrap answers ``time.time()`` and ``datetime.now()`` from it, ``execute_order``'s bootstrap
its ``now``, and the exchange simulator's clock reads it too. So collection, ``generate_signals``,
the pipeline, the paper venue and the venue's candles all live at the same simulated instant,
and a month of history replays in minutes. Time stands still between two settings: the replay
sets each bar's close and lets the path run to the end before it moves on. Monotonic clocks
(timeouts, back-offs) keep running in real time, so nothing waits forever on a frozen clock.
"""

from __future__ import annotations

import time
from pathlib import Path

CLOCK_FILE_ENV = "FKS_LOCAL_CLOCK_FILE"


class SimulatedClock:
    """The clock file's writer and reader; ``now_ms`` is a simulator ``clock`` callable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def set(self, time_ms: int) -> None:
        # Written beside and renamed over, so a reader never sees half a number.
        partial = self.path.with_suffix(".partial")
        partial.write_text(str(int(time_ms)))
        partial.replace(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def now_ms(self) -> int:
        try:
            return int(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return int(time.time() * 1000)
