//! Kraken's error texts (`{"error": ["EOrder:Insufficient funds"], ...}`, HTTP 200) classified
//! once into what the caller should do next.
//!
//! Kraken words an error `<severity><category>:<message>[:<detail>]`; entries starting with `W`
//! are warnings and never fail a call.

use fks_execution_core::{ErrorClass, ExchangeError};

/// `AddOrder` with a `cl_ord_id` that names an open order (the simulator's wording; Kraken
/// enforces the id's uniqueness over open orders).
pub const DUPLICATE_CL_ORD_ID: &str = "EGeneral:Invalid arguments:cl_ord_id";
/// A cancel or query of an order Kraken does not know (or no longer as open).
pub const UNKNOWN_ORDER: &str = "EOrder:Unknown order";
/// `QueryOrders` of a txid Kraken never issued.
pub const INVALID_ORDER: &str = "EOrder:Invalid order";
/// Refused before the call was carried out: the nonce did not grow.
pub const INVALID_NONCE: &str = "EAPI:Invalid nonce";

const RATE_LIMITED: [&str; 4] = [
    "EAPI:Rate limit exceeded",
    "EOrder:Rate limit exceeded",
    "EGeneral:Temporary lockout",
    "EGeneral:Too many requests",
];
const INSUFFICIENT: [&str; 2] = ["EOrder:Insufficient funds", "EOrder:Insufficient margin"];
// The request may have been carried out: internal faults, an engine that is offline or busy,
// a deadline that elapsed while the order was in flight.
const OUTCOME_UNKNOWN: [&str; 4] =
    ["EGeneral:Internal error", "EService:Unavailable", "EService:Busy", "EService:Deadline elapsed"];

fn starts_with_any(text: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| text.starts_with(p))
}

/// The class of a Kraken error `text` answered with `http_status`.
#[must_use]
pub fn classify(http_status: u16, text: &str) -> ErrorClass {
    if http_status == 429 || starts_with_any(text, &RATE_LIMITED) {
        ErrorClass::RateLimited
    } else if starts_with_any(text, &INSUFFICIENT) {
        ErrorClass::InsufficientFunds
    } else if text.starts_with(INVALID_NONCE) {
        // Kraken checks the nonce before anything else and carries nothing out.
        ErrorClass::Unavailable
    } else if http_status >= 500 || starts_with_any(text, &OUTCOME_UNKNOWN) {
        ErrorClass::Retryable
    } else {
        ErrorClass::Permanent
    }
}

/// The first error (not warning) of an answer's `error` list.
#[must_use]
pub fn first_error(errors: &[String]) -> Option<&str> {
    errors.iter().map(String::as_str).find(|e| !e.starts_with('W'))
}

/// An [`ExchangeError`] for Kraken's `text`; the code is the text up to its detail
/// (`EOrder:Insufficient funds`).
#[must_use]
pub fn exchange_error(http_status: u16, text: &str) -> ExchangeError {
    let code = text.splitn(3, ':').take(2).collect::<Vec<_>>().join(":");
    ExchangeError {
        class: classify(http_status, text),
        code: Some(code),
        message: format!("HTTP {http_status}: {text}"),
    }
}

/// A transport failure: the request may or may not have reached the venue (retryable).
pub use fks_venue_kit::transport_error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_is_rate_limited() {
        assert_eq!(classify(200, "EAPI:Rate limit exceeded"), ErrorClass::RateLimited);
        assert_eq!(classify(200, "EOrder:Rate limit exceeded"), ErrorClass::RateLimited);
        assert_eq!(classify(200, "EGeneral:Temporary lockout"), ErrorClass::RateLimited);
        assert_eq!(classify(429, "<html>"), ErrorClass::RateLimited);
    }

    #[test]
    fn funds_are_insufficient_funds() {
        assert_eq!(classify(200, "EOrder:Insufficient funds"), ErrorClass::InsufficientFunds);
        assert_eq!(classify(200, "EOrder:Insufficient margin"), ErrorClass::InsufficientFunds);
    }

    #[test]
    fn internal_and_service_faults_leave_the_outcome_unknown() {
        assert_eq!(classify(500, "EGeneral:Internal error"), ErrorClass::Retryable);
        assert_eq!(classify(200, "EService:Unavailable"), ErrorClass::Retryable);
        assert_eq!(classify(200, "EService:Busy"), ErrorClass::Retryable);
        assert_eq!(classify(502, "<html>Bad Gateway</html>"), ErrorClass::Retryable);
    }

    #[test]
    fn a_refused_nonce_was_not_carried_out() {
        assert_eq!(classify(200, "EAPI:Invalid nonce"), ErrorClass::Unavailable);
    }

    #[test]
    fn bad_input_and_keys_are_permanent() {
        assert_eq!(classify(200, "EGeneral:Invalid arguments:volume"), ErrorClass::Permanent);
        assert_eq!(classify(200, "EOrder:Cost minimum not met"), ErrorClass::Permanent);
        assert_eq!(classify(200, "EAPI:Invalid signature"), ErrorClass::Permanent);
        assert_eq!(classify(200, "EAPI:Invalid key"), ErrorClass::Permanent);
        assert_eq!(classify(200, "EQuery:Unknown asset pair"), ErrorClass::Permanent);
        assert_eq!(classify(200, "EOrder:Unknown order"), ErrorClass::Permanent);
    }

    #[test]
    fn warnings_do_not_count_and_the_code_drops_the_detail() {
        let errors = vec!["WGeneral:Deprecated".to_owned(), "EGeneral:Invalid arguments:price".to_owned()];
        assert_eq!(first_error(&errors), Some("EGeneral:Invalid arguments:price"));
        let err = exchange_error(200, "EGeneral:Invalid arguments:price");
        assert_eq!(err.code.as_deref(), Some("EGeneral:Invalid arguments"));
        assert!(err.message.contains(":price"));
    }
}
