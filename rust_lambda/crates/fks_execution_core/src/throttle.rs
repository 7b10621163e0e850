//! Order-rate throttle over a rolling window, with time passed in rather than read from the
//! clock so tests and backtests are deterministic.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// At most `max_orders` orders in any `window_ms` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Orders allowed per window.
    pub max_orders: u32,
    /// Window length, milliseconds.
    pub window_ms: u64,
}

/// Remembers the times of recent orders.
#[derive(Debug, Clone)]
pub struct OrderThrottle {
    limit: RateLimit,
    // Oldest first; at most `max_orders` entries, so memory is bounded by the limit itself.
    stamps: VecDeque<u64>,
}

impl OrderThrottle {
    /// An empty throttle for `limit`.
    #[must_use]
    pub fn new(limit: RateLimit) -> Self {
        Self { limit, stamps: VecDeque::with_capacity(limit.max_orders as usize) }
    }

    /// Whether one more order at `now_ms` stays within the limit.
    pub fn allows(&mut self, now_ms: u64) -> bool {
        while self.stamps.front().is_some_and(|&t| t.saturating_add(self.limit.window_ms) <= now_ms) {
            self.stamps.pop_front();
        }
        self.stamps.len() < self.limit.max_orders as usize
    }

    /// Counts an order sent at `now_ms`.
    pub fn record(&mut self, now_ms: u64) {
        // A clock that steps back must not let a stamp sit behind newer ones and block eviction.
        let stamp = self.stamps.back().map_or(now_ms, |&last| last.max(now_ms));
        self.stamps.push_back(stamp);
    }

    /// Takes over the order times kept between processes (oldest first), so the limit holds
    /// across invocations.
    pub fn restore(&mut self, stamps: &[u64]) {
        self.stamps = stamps.iter().copied().collect();
    }

    /// The times of the orders still inside the window at `now_ms`, oldest first.
    pub fn stamps(&mut self, now_ms: u64) -> Vec<u64> {
        self.allows(now_ms);
        self.stamps.iter().copied().collect()
    }

    /// The configured limit.
    #[must_use]
    pub fn limit(&self) -> RateLimit {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(max_orders: u32, window_ms: u64) -> OrderThrottle {
        OrderThrottle::new(RateLimit { max_orders, window_ms })
    }

    #[test]
    fn allows_up_to_the_limit_then_refuses() {
        let mut t = throttle(2, 1_000);
        assert!(t.allows(0));
        t.record(0);
        assert!(t.allows(10));
        t.record(10);
        assert!(!t.allows(999));
    }

    #[test]
    fn allows_again_once_the_oldest_leaves_the_window() {
        let mut t = throttle(2, 1_000);
        t.record(0);
        t.record(10);
        assert!(t.allows(1_000));
    }

    #[test]
    fn zero_limit_refuses_everything() {
        let mut t = throttle(0, 1_000);
        assert!(!t.allows(0));
    }
}
