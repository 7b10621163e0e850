//! Binance error codes classified once into what the caller should do next.

use fks_execution_core::{ErrorClass, ExchangeError};

/// Binance `-2010` message for a balance too small for the order.
const INSUFFICIENT_BALANCE: &str = "insufficient balance";
/// Binance `-2010` message when `newClientOrderId` names an order that is still open.
pub const DUPLICATE_ORDER: &str = "Duplicate order sent.";
/// Binance's 503 messages that mean the request was *not* processed ("a failure API operation",
/// in Binance's words): safe to send again. Any other 5xx, including 503 "Unknown error, please
/// check your request or try again later.", leaves the outcome unknown.
const NOT_PROCESSED: [&str; 2] = ["service unavailable", "internal error; unable to process your request"];

/// The class of a Binance error answer.
///
/// `http_status` decides first for throttling (429, 418) and server faults (5xx), where the
/// outcome of the request is unknown; then the error `code` decides.
#[must_use]
pub fn classify(http_status: u16, code: Option<i64>, msg: &str) -> ErrorClass {
    match (http_status, code) {
        (429 | 418, _) | (_, Some(-1003 | -1015)) => ErrorClass::RateLimited,
        // Before the codes: -1001's text on a 503 is one of Binance's "not processed" answers.
        (503, _) if not_processed(msg) => ErrorClass::Unavailable,
        // -1000 unknown, -1001 disconnected, -1006 unexpected response, -1007 timeout,
        // -1008 overloaded, -1021 clock drift (the client resyncs its offset): outcome unknown.
        (_, Some(-1000 | -1001 | -1006 | -1007 | -1008 | -1021)) => ErrorClass::Retryable,
        (_, Some(-2010)) if msg.to_ascii_lowercase().contains(INSUFFICIENT_BALANCE) => {
            ErrorClass::InsufficientFunds
        }
        (500..=599, _) => ErrorClass::Retryable,
        _ => ErrorClass::Permanent,
    }
}

fn not_processed(msg: &str) -> bool {
    let msg = msg.to_ascii_lowercase();
    NOT_PROCESSED.iter().any(|text| msg.contains(text))
}

/// An [`ExchangeError`] for a Binance error answer.
#[must_use]
pub fn exchange_error(http_status: u16, code: Option<i64>, msg: &str) -> ExchangeError {
    ExchangeError {
        class: classify(http_status, code, msg),
        code: code.map(|c| c.to_string()),
        message: format!("HTTP {http_status}: {msg}"),
    }
}

/// A transport failure: the request may or may not have reached the venue (retryable).
pub use fks_venue_kit::transport_error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_throttling_is_rate_limited() {
        assert_eq!(classify(429, Some(-1003), ""), ErrorClass::RateLimited);
        assert_eq!(classify(418, Some(-1003), ""), ErrorClass::RateLimited);
        assert_eq!(classify(429, Some(-1015), ""), ErrorClass::RateLimited);
    }

    #[test]
    fn classify_server_faults_and_clock_drift_are_retryable() {
        assert_eq!(
            classify(503, None, "Unknown error, please check your request or try again later."),
            ErrorClass::Retryable
        );
        assert_eq!(classify(502, None, "<html>Bad Gateway</html>"), ErrorClass::Retryable);
        assert_eq!(classify(500, Some(-1000), ""), ErrorClass::Retryable);
        assert_eq!(classify(400, Some(-1021), ""), ErrorClass::Retryable);
        assert_eq!(classify(503, Some(-1008), ""), ErrorClass::Retryable);
    }

    #[test]
    fn classify_documented_not_processed_answers_as_unavailable() {
        assert_eq!(classify(503, None, "Service Unavailable."), ErrorClass::Unavailable);
        let internal = "Internal error; unable to process your request. Please try again.";
        assert_eq!(classify(503, Some(-1001), internal), ErrorClass::Unavailable);
        assert_eq!(classify(500, None, "Service Unavailable."), ErrorClass::Retryable);
    }

    #[test]
    fn classify_insufficient_balance_is_insufficient_funds() {
        let msg = "Account has insufficient balance for requested action.";
        assert_eq!(classify(400, Some(-2010), msg), ErrorClass::InsufficientFunds);
    }

    #[test]
    fn classify_filter_failure_and_bad_input_are_permanent() {
        assert_eq!(classify(400, Some(-1013), "Filter failure: NOTIONAL"), ErrorClass::Permanent);
        assert_eq!(classify(400, Some(-1121), "Invalid symbol."), ErrorClass::Permanent);
        assert_eq!(classify(400, Some(-1022), ""), ErrorClass::Permanent);
        assert_eq!(classify(401, Some(-2015), ""), ErrorClass::Permanent);
        assert_eq!(classify(400, Some(-2010), DUPLICATE_ORDER), ErrorClass::Permanent);
    }

    #[test]
    fn exchange_error_keeps_the_code() {
        let err = exchange_error(400, Some(-1013), "Filter failure: LOT_SIZE");
        assert_eq!(err.code.as_deref(), Some("-1013"));
        assert!(err.message.contains("LOT_SIZE"));
    }
}
