"""A loop on its own daemon thread that runs one pass every interval until stopped.

The scheduler, the SQS poller and the alarm evaluator are each such a loop; a pass that raises
is logged and the loop goes on, as the AWS services they stand in for keep running through a
failed attempt.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)


class BackgroundLoop(ABC):
    def __init__(self, name: str, interval_s: float) -> None:
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=name)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    @abstractmethod
    def run_pass(self) -> None:
        """One pass of the loop's work."""

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.run_pass()
            except Exception:  # one failed pass must not stop the loop
                log.exception("%s: pass failed", self._thread.name)
