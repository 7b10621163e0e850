from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fks_local.alarms import evaluate

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def _alarm(**overrides: Any) -> dict[str, Any]:
    alarm = {
        "Period": 60,
        "EvaluationPeriods": 3,
        "Statistic": "Maximum",
        "Threshold": 0.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "missing",
    }
    alarm.update(overrides)
    return alarm


def _points(*values: float | None) -> list[dict[str, Any]]:
    """One point per period, oldest first; None leaves that period empty."""
    count = len(values)
    return [
        {"Timestamp": NOW - timedelta(seconds=60 * (count - i)) + timedelta(seconds=5), "Maximum": value}
        for i, value in enumerate(values)
        if value is not None
    ]


def test_all_periods_breaching_is_alarm() -> None:
    state, reason = evaluate(_alarm(), _points(1, 2, 3), NOW)

    assert state == "ALARM"
    assert "3 of 3" in reason


def test_m_of_n_needs_datapoints_to_alarm_breaches() -> None:
    assert evaluate(_alarm(DatapointsToAlarm=2), _points(0, 1, 1), NOW)[0] == "ALARM"
    assert evaluate(_alarm(DatapointsToAlarm=2), _points(1, 0, 0), NOW)[0] == "OK"


def test_no_data_is_insufficient_unless_told_how_to_treat_it() -> None:
    assert evaluate(_alarm(), [], NOW)[0] == "INSUFFICIENT_DATA"
    assert evaluate(_alarm(TreatMissingData="breaching"), [], NOW)[0] == "ALARM"
    assert evaluate(_alarm(TreatMissingData="notBreaching"), [], NOW)[0] == "OK"


def test_less_than_comparison() -> None:
    alarm = _alarm(ComparisonOperator="LessThanThreshold", Threshold=1.0, EvaluationPeriods=1)

    assert evaluate(alarm, _points(0), NOW)[0] == "ALARM"
    assert evaluate(alarm, _points(1), NOW)[0] == "OK"
