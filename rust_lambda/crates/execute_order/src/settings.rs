//! The engine's risk limits from the settings store: the SSM parameter the settings API edits
//! (`PUT /settings/execution_risk_limits`), re-read at most every `max_age`, so a change applies
//! to the orders of every warm instance within that bound without a redeploy. `FKS_RISK_LIMITS`
//! is only the value used when no parameter is configured.

use std::time::{Duration, Instant};

use fks_execution_core::RiskLimits;
use serde_json::{json, Value};

use crate::aws::{AwsError, AwsJsonClient};

/// Parses stored limits; a value the engine cannot read is a configuration error (permanent:
/// only a write that bypassed the settings API's validation can store one).
///
/// # Errors
/// `MissingConfiguration` naming `source` and what is wrong.
pub fn parse_limits(text: &str, source: &str) -> Result<RiskLimits, AwsError> {
    serde_json::from_str(text).map_err(|e| AwsError {
        kind: "MissingConfiguration".into(),
        message: format!("{source} is not valid risk limits: {e}"),
    })
}

/// The limits parameter and when it was last read.
#[derive(Debug)]
pub struct StoredLimits {
    aws: AwsJsonClient,
    parameter: String,
    max_age: Duration,
    read_at: Option<Instant>,
}

impl StoredLimits {
    /// Limits kept in SSM parameter `parameter`, trusted for `max_age` after each read.
    #[must_use]
    pub fn new(aws: AwsJsonClient, parameter: impl Into<String>, max_age: Duration) -> Self {
        Self { aws, parameter: parameter.into(), max_age, read_at: None }
    }

    /// The limits read afresh when the last read is older than `max_age` (or there was none);
    /// `None` while the limits in force are still fresh.
    ///
    /// # Errors
    /// The SSM call's [`AwsError`] (an order is not placed under limits that could not be read),
    /// or `MissingConfiguration` for a value that is not valid limits.
    pub fn refresh(&mut self, now: Instant) -> Result<Option<RiskLimits>, AwsError> {
        if self.read_at.is_some_and(|at| now.duration_since(at) < self.max_age) {
            return Ok(None);
        }
        let answer =
            self.aws.call("ssm", "1.1", "AmazonSSM.GetParameter", &json!({ "Name": self.parameter }))?;
        let text = answer.pointer("/Parameter/Value").and_then(Value::as_str).ok_or_else(|| AwsError {
            kind: "MalformedResponse".into(),
            message: format!("GetParameter {} answered no value", self.parameter),
        })?;
        let limits = parse_limits(text, &self.parameter)?;
        self.read_at = Some(now);
        Ok(Some(limits))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_limits;

    #[test]
    fn stored_limits_are_read_strictly() {
        let limits = parse_limits(r#"{"max_order_notional": "1000"}"#, "p").expect("valid limits");
        assert_eq!(limits.max_order_notional.map(|v| v.to_string()), Some("1000".to_owned()));
        let error = parse_limits(r#"{"max_order_notionl": "1000"}"#, "/fks/dev/settings/x")
            .expect_err("unknown field");
        assert_eq!(error.kind, "MissingConfiguration");
        assert!(error.message.contains("/fks/dev/settings/x") && error.message.contains("max_order_notionl"));
    }
}
