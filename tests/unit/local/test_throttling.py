from __future__ import annotations

from datetime import UTC, datetime

from fks_local.throttling import Limiter, PlanLimits, TokenBucket, stage_limits


def test_bucket_allows_burst_then_refills_at_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=3)

    passed = [bucket.take(0.0) for _ in range(4)]

    assert passed[:3] == [0.0, 0.0, 0.0]
    assert passed[3] == 0.5  # one token comes back in 1/rate seconds
    assert bucket.take(0.5) == 0.0


def test_bucket_survives_a_clock_stepping_back() -> None:
    bucket = TokenBucket(rate=1.0, burst=2)
    bucket.take(100.0)
    bucket.take(100.0)

    stepped_back = bucket.take(5.0)
    refilled = bucket.take(6.0)

    assert stepped_back == 1.0  # empty, and the step back refilled nothing
    assert refilled == 0.0  # refilling resumed from the new reading


def test_limiter_throttles_then_enforces_quota() -> None:
    now = [0.0]
    limiter = Limiter(clock=lambda: now[0])
    limits = PlanLimits(rate=1.0, burst=1, quota=2, period="DAY")
    day = datetime(2026, 11, 21, tzinfo=UTC)

    first = limiter.check("k", limits, day)
    throttled = limiter.check("k", limits, day)
    now[0] = 1.0
    second = limiter.check("k", limits, day)
    now[0] = 2.0
    over_quota = limiter.check("k", limits, day)

    assert first is None
    assert throttled == ("THROTTLED", 1)
    assert second is None
    assert over_quota == ("QUOTA_EXCEEDED", 3600)


def test_stage_limits_come_from_the_catch_all_method_setting() -> None:
    settings = [{"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100}]

    assert stage_limits(settings) == PlanLimits(rate=50.0, burst=100, quota=None)
    assert stage_limits([]) is None
