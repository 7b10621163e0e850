from __future__ import annotations

from typing import Any

from fks_ninja.heartbeat import Heartbeat


class _RecordingCloudWatch:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail = fail

    def put_metric_data(self, **kwargs: Any) -> None:
        if self.fail:
            raise ConnectionError("unreachable")
        self.calls.append(kwargs)


def test_beats_at_most_once_per_interval() -> None:
    now = [0.0]
    cloudwatch = _RecordingCloudWatch()
    heartbeat = Heartbeat(cloudwatch, "dev", "nt8-a", interval_s=60, clock=lambda: now[0])

    first = heartbeat.beat()
    now[0] = 59.0
    too_soon = heartbeat.beat()
    now[0] = 60.0
    due = heartbeat.beat()

    assert (first, too_soon, due) == (True, False, True)
    assert len(cloudwatch.calls) == 2
    datum = cloudwatch.calls[0]["MetricData"][0]
    assert datum["MetricName"] == "BridgeHeartbeat"
    assert {"Name": "Bridge", "Value": "nt8-a"} in datum["Dimensions"]


def test_failed_beat_is_retried_on_the_next_pass() -> None:
    cloudwatch = _RecordingCloudWatch(fail=True)
    heartbeat = Heartbeat(cloudwatch, "dev", "nt8-a", interval_s=60, clock=lambda: 0.0)

    assert heartbeat.beat() is False
    cloudwatch.fail = False
    assert heartbeat.beat() is True
