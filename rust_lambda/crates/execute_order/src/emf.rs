//! The embedded metric format (EMF) of `CloudWatch`: one JSON log line per invocation that
//! `CloudWatch` turns into metrics, the same format powertools writes from the Python functions, in the same
//! `FKS` namespace, so the dashboard's orders-by-state, fills and latency widgets see this
//! function too.

use serde_json::{json, Value};

/// The EMF line for one order: `Orders` by `State`, `Fills` (1 when anything filled) and
/// `ExecutionLatencyMs`, with the function as a dimension.
#[must_use]
pub fn order_metrics(function: &str, report: &Value, latency_ms: f64, now_ms: u64) -> String {
    let state = report.get("status").and_then(Value::as_str).unwrap_or("unknown");
    let filled = report
        .get("filled_qty")
        .and_then(Value::as_str)
        .is_some_and(|qty| qty.trim_start_matches(['0', '.']).chars().any(|c| c.is_ascii_digit()));
    json!({
        "_aws": {
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": "FKS",
                "Dimensions": [["function", "State"], ["function"]],
                "Metrics": [
                    {"Name": "Orders", "Unit": "Count"},
                    {"Name": "Fills", "Unit": "Count"},
                    {"Name": "ExecutionLatencyMs", "Unit": "Milliseconds"}
                ]
            }]
        },
        "function": function,
        "State": state,
        "Orders": 1,
        "Fills": u8::from(filled),
        "ExecutionLatencyMs": latency_ms,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_order_counts_one_fill_under_its_state() {
        let report = json!({"status": "filled", "filled_qty": "0.01000"});

        let line: Value = serde_json::from_str(&order_metrics("fks-execute", &report, 1.5, 7)).unwrap();

        assert_eq!(line["State"], "filled");
        assert_eq!(line["Fills"], 1);
        assert_eq!(line["ExecutionLatencyMs"], 1.5);
        assert_eq!(line["_aws"]["CloudWatchMetrics"][0]["Namespace"], "FKS");
    }

    #[test]
    fn unfilled_order_counts_no_fill() {
        let report = json!({"status": "accepted", "filled_qty": "0.000"});

        let line: Value = serde_json::from_str(&order_metrics("f", &report, 0.1, 7)).unwrap();

        assert_eq!(line["Fills"], 0);
    }
}
