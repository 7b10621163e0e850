//! The scaffolding the Binance, Kraken and Coinbase clients share, so each client is only its
//! venue: its signing, its wire format and its error codes.
//!
//! * [`agent`]: the blocking HTTP agent (an error status is an answer to read, not a transport
//!   failure; one timeout for the whole request);
//! * [`Pay`]: the hook a client pays each call's cost into, the platform's rate budget shared by
//!   every caller of one venue and key;
//! * the clock ([`now_ms`], [`now_us`]) and a decimal's text ([`decimal`]);
//! * the error classes every venue shares: a transport failure ([`transport_error`]), an order
//!   placed whose state could not be read ([`placed`]), a state not readable yet
//!   ([`not_readable_yet`]).
#![forbid(unsafe_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fks_execution_core::{Decimal, ErrorClass, ExchangeError};

/// Pays a call's cost, in ccxt's units for the venue, into a budget shared with the platform's
/// other callers of the same venue and key, waiting for its turn.
pub type Pay = Box<dyn FnMut(Decimal) -> Result<(), ExchangeError> + Send>;

/// The blocking agent a client sends through: statuses of 400 and more are answers (each venue
/// reads its own error body), `timeout` bounds a whole request.
#[must_use]
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(timeout)).build().into()
}

/// Wall-clock time, epoch milliseconds.
#[must_use]
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Wall-clock time, epoch microseconds.
#[must_use]
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// `value` as a venue takes it: no trailing zeros, never an exponent.
#[must_use]
pub fn decimal(value: Decimal) -> String {
    value.normalize().to_string()
}

/// The request did not complete (refused connection, timeout, reset): nothing is known of its
/// outcome, so it is retryable and a placement's claim stays.
#[must_use]
pub fn transport_error(err: &dyn std::fmt::Display) -> ExchangeError {
    ExchangeError::new(ErrorClass::Retryable, format!("transport: {err}"))
}

/// A read after the venue took the order failed (throttled, say): the order exists, so the
/// outcome is unknown, never "not placed", or a retry could place it a second time.
#[must_use]
pub fn placed(err: ExchangeError) -> ExchangeError {
    ExchangeError {
        class: ErrorClass::Retryable,
        message: format!("placed; its state not read: {}", err.message),
        ..err
    }
}

/// `what` is not readable yet (a venue's read lagging its write): retryable.
#[must_use]
pub fn not_readable_yet(what: &str) -> ExchangeError {
    ExchangeError::new(ErrorClass::Retryable, format!("{what} is not readable yet"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_lose_trailing_zeros_and_placed_orders_stay_unknown() {
        let refused = ExchangeError::new(ErrorClass::RateLimited, "slow down");

        assert_eq!(decimal("41000.500".parse().unwrap()), "41000.5");
        assert_eq!(placed(refused).class, ErrorClass::Retryable);
        assert_eq!(transport_error(&"reset").class, ErrorClass::Retryable);
    }
}
