//! Request-weight accounting from `X-MBX-USED-WEIGHT-1M` and `Retry-After`.

const MINUTE_MS: u64 = 60_000;

/// What the client knows about its request weight in the current minute.
#[derive(Debug, Clone)]
pub struct WeightTracker {
    limit: u32,
    used: u32,
    minute: u64,
    blocked_until_ms: u64,
}

impl WeightTracker {
    /// A tracker allowing `limit` weight per calendar minute (server time).
    #[must_use]
    pub const fn new(limit: u32) -> Self {
        Self { limit, used: 0, minute: 0, blocked_until_ms: 0 }
    }

    /// Whether a request of `weight` may be sent at server time `now_ms`; `Err` carries the
    /// milliseconds to wait.
    ///
    /// # Errors
    /// The wait in milliseconds when the request would exceed the budget or a `Retry-After`
    /// is still running.
    pub fn admit(&self, weight: u32, now_ms: u64) -> Result<(), u64> {
        if now_ms < self.blocked_until_ms {
            return Err(self.blocked_until_ms - now_ms);
        }
        let same_minute = now_ms / MINUTE_MS == self.minute;
        if same_minute && self.used.saturating_add(weight) > self.limit {
            return Err(MINUTE_MS - now_ms % MINUTE_MS);
        }
        Ok(())
    }

    /// Records the server's `X-MBX-USED-WEIGHT-1M` of a response received at `now_ms`.
    pub fn observe_used(&mut self, used: u32, now_ms: u64) {
        self.used = used;
        self.minute = now_ms / MINUTE_MS;
    }

    /// Records a `Retry-After` of `seconds` received at `now_ms`.
    pub fn observe_retry_after(&mut self, seconds: u64, now_ms: u64) {
        self.blocked_until_ms = self.blocked_until_ms.max(now_ms + seconds * 1000);
    }

    /// Weight used in the last observed minute.
    #[must_use]
    pub const fn used(&self) -> u32 {
        self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admit_refuses_beyond_the_limit_until_the_minute_ends() {
        let mut tracker = WeightTracker::new(100);
        tracker.observe_used(98, 120_500);
        assert_eq!(tracker.admit(4, 121_000), Err(59_000));
        assert_eq!(tracker.admit(2, 121_000), Ok(()));
        assert_eq!(tracker.admit(4, 180_000), Ok(()));
    }

    #[test]
    fn admit_waits_for_retry_after() {
        let mut tracker = WeightTracker::new(100);
        tracker.observe_retry_after(3, 10_000);
        assert_eq!(tracker.admit(1, 11_000), Err(2_000));
        assert_eq!(tracker.admit(1, 13_000), Ok(()));
    }
}
