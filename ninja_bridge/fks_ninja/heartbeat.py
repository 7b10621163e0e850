"""The bridge's heartbeat: a CloudWatch data point each minute, which the platform's monitor and
its alarm watch. The bridge runs on the Windows host beside NT8, outside the stack, so a metric
(it already has AWS credentials for its queue) is the one signal of life that needs no API."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
NAMESPACE = "FKS"
METRIC = "BridgeHeartbeat"


class Heartbeat:
    def __init__(
        self,
        cloudwatch: Any,
        stage: str,
        bridge_name: str,
        interval_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cloudwatch = cloudwatch
        self._dimensions = [{"Name": "Stage", "Value": stage}, {"Name": "Bridge", "Value": bridge_name}]
        self._interval = interval_s
        self._clock = clock
        self._last: float | None = None

    def beat(self) -> bool:
        """Publish if a whole interval has passed since the last beat; returns whether it did."""
        now = self._clock()
        if self._last is not None and now - self._last < self._interval:
            return False
        try:
            self._cloudwatch.put_metric_data(
                Namespace=NAMESPACE,
                MetricData=[{"MetricName": METRIC, "Dimensions": self._dimensions, "Value": 1.0, "Unit": "Count"}],
            )
        except Exception:  # a missed beat shows as staleness on the platform; the bridge keeps trading
            log.exception("heartbeat not published; retrying on the next pass")
            return False
        self._last = now
        return True
