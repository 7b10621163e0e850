//! Coinbase Advanced Trade's refusals classified once into what the caller should do next.
//!
//! A refused request is an HTTP error with `{"error": "NOT_FOUND", "message": ...}` (401 is the
//! gateway's plain `Unauthorized`); a create-order that fails validation is HTTP 200 with
//! `success: false` and an `error_response` whose `error` / `preview_failure_reason` name why
//! (`INSUFFICIENT_FUND` / `PREVIEW_INSUFFICIENT_FUND`). Coinbase checks an order before it takes
//! it, so such a failure placed nothing.

use fks_execution_core::{ErrorClass, ExchangeError};

/// The class of an HTTP error answer.
#[must_use]
pub const fn classify_http(http_status: u16) -> ErrorClass {
    match http_status {
        429 => ErrorClass::RateLimited,
        // 5xx and gateway timeouts: the request may have been carried out.
        500..=599 | 408 => ErrorClass::Retryable,
        _ => ErrorClass::Permanent,
    }
}

/// The class of a create-order failure (`error_response.error`, `preview_failure_reason`).
#[must_use]
pub fn classify_failure(error: &str, preview_reason: &str) -> ErrorClass {
    let insufficient =
        |text: &str| text.contains("INSUFFICIENT_FUND") || text.contains("INSUFFICIENT_BALANCE");
    if insufficient(error) || insufficient(preview_reason) {
        ErrorClass::InsufficientFunds
    } else {
        ErrorClass::Permanent
    }
}

/// An [`ExchangeError`] for an HTTP error answer with Coinbase's `error` code and `message`.
#[must_use]
pub fn http_error(http_status: u16, code: Option<&str>, message: &str) -> ExchangeError {
    ExchangeError {
        class: classify_http(http_status),
        code: Some(code.map_or_else(|| http_status.to_string(), str::to_owned)),
        message: format!("HTTP {http_status}: {message}"),
    }
}

/// An [`ExchangeError`] for a create-order failure.
#[must_use]
pub fn order_failure(error: &str, preview_reason: &str, message: &str) -> ExchangeError {
    ExchangeError {
        class: classify_failure(error, preview_reason),
        code: Some(error.to_owned()),
        message: format!("order refused: {message} ({preview_reason})"),
    }
}

/// A transport failure: the request may or may not have reached the venue (retryable).
pub use fks_venue_kit::transport_error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_statuses_map_to_what_to_do_next() {
        assert_eq!(classify_http(429), ErrorClass::RateLimited);
        assert_eq!(classify_http(500), ErrorClass::Retryable);
        assert_eq!(classify_http(503), ErrorClass::Retryable);
        assert_eq!(classify_http(401), ErrorClass::Permanent);
        assert_eq!(classify_http(400), ErrorClass::Permanent);
        assert_eq!(classify_http(404), ErrorClass::Permanent);
    }

    #[test]
    fn order_failures_are_insufficient_funds_or_permanent() {
        assert_eq!(
            classify_failure("INSUFFICIENT_FUND", "PREVIEW_INSUFFICIENT_FUND"),
            ErrorClass::InsufficientFunds
        );
        assert_eq!(
            classify_failure("UNKNOWN_FAILURE_REASON", "PREVIEW_INSUFFICIENT_FUND"),
            ErrorClass::InsufficientFunds
        );
        assert_eq!(
            classify_failure("INVALID_LIMIT_PRICE", "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL"),
            ErrorClass::Permanent
        );
        let err = order_failure("INVALID_SIZE_PRECISION", "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL", "too small");
        assert_eq!(err.code.as_deref(), Some("INVALID_SIZE_PRECISION"));
    }
}
