//! The time the handler lives in: the wall clock, or the local stack's simulated clock.
//!
//! `fks replay` (`fks_local.sim_clock`) moves the whole local stack through history: the epoch
//! ms in the file `FKS_LOCAL_CLOCK_FILE` names is then "now" for every function, so the paper
//! venue fills and times its orders, and the shared rate budget paces calls, at the instant the
//! Python functions and the venue simulator live in. Never set in AWS; unset or unreadable, the
//! wall clock.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the epoch, simulated or real.
#[must_use]
pub fn now_ms() -> u64 {
    simulated_now_ms().unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    })
}

/// Microseconds since the epoch, simulated (whole milliseconds) or real.
#[must_use]
pub fn now_us() -> u64 {
    simulated_now_ms().map_or_else(
        || {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        },
        |ms| ms.saturating_mul(1000),
    )
}

fn simulated_now_ms() -> Option<u64> {
    let path = std::env::var_os("FKS_LOCAL_CLOCK_FILE")?;
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}
