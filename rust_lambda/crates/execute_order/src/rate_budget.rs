//! The Rust side of the rate budget per venue and key that every function calling a venue shares
//! (`fks_adapters.exchanges.rate_budget` is the Python side; same table, item and arithmetic).
//!
//! The budget is a token bucket kept as one number per bucket (`<venue>#<key>`): its theoretical
//! arrival time `tat` in integer microseconds (GCRA). A call of cost `c` moves `tat` on by
//! `c / rate` and may go while `tat` stays within `burst / rate` of now. Both cases are single
//! conditional updates (`SET tat = tat + :e` when busy, `SET tat = :now + :e` when idle), so
//! concurrent callers, Python or Rust, never lose or double a payment; only a call finding the
//! budget spent reads `tat`, to sleep until its turn.

use std::time::{Duration, Instant};

use fks_execution_core::{Decimal, ErrorClass, ExchangeError};
use serde_json::{json, Value};

use crate::aws::{AwsError, AwsJsonClient};

const US: u64 = 1_000_000;

/// A venue's pace in ccxt's cost units, as `fks_adapters.exchanges.venues` sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Units per second.
    pub rate_per_s: Decimal,
    /// Units that may go at once after a quiet spell.
    pub burst: Decimal,
}

/// One bucket of the shared budget.
#[derive(Debug, Clone)]
pub struct SharedBudget {
    aws: AwsJsonClient,
    table: String,
    bucket: String,
    pace: Pace,
    max_wait: Duration,
}

fn now_us() -> u64 {
    crate::clock::now_us() // the Python callers pace on the same (possibly simulated) clock
}

fn unreadable(error: &AwsError) -> ExchangeError {
    // Nothing was sent to the venue: the call may be made again at once.
    ExchangeError::new(ErrorClass::Unavailable, format!("rate budget unreadable: {error}"))
}

impl SharedBudget {
    /// The bucket `<venue>#<key>` of `table` at `pace`; a call waits at most `max_wait` for its turn.
    #[must_use]
    pub fn new(
        aws: AwsJsonClient,
        table: String,
        venue: &str,
        key: &str,
        pace: Pace,
        max_wait: Duration,
    ) -> Self {
        Self { aws, table, bucket: format!("{venue}#{key}"), pace, max_wait }
    }

    fn micros(&self, units: Decimal) -> u64 {
        (units * Decimal::from(US) / self.pace.rate_per_s).ceil().to_string().parse().unwrap_or(u64::MAX)
    }

    /// Pays `cost` units (a cost above the burst pays the burst), waiting for its turn.
    ///
    /// # Errors
    /// `RateLimited` when the turn does not come within the wait allowed; `Unavailable` when the
    /// table cannot be reached (nothing was sent to the venue).
    pub fn take(&mut self, cost: Decimal) -> Result<(), ExchangeError> {
        if cost <= Decimal::ZERO {
            return Ok(());
        }
        let emission = self.micros(cost.min(self.pace.burst));
        let tolerance = self.micros(self.pace.burst);
        let started = Instant::now();
        loop {
            let now = now_us();
            let latest = (now + tolerance).saturating_sub(emission);
            let busy = self.pay(
                "SET #tat = #tat + :emission ADD #calls :one",
                "#tat > :now AND #tat <= :latest",
                &[(":emission", emission), (":now", now), (":latest", latest)],
            )?;
            if busy
                || self.pay(
                    "SET #tat = :next ADD #calls :one",
                    "attribute_not_exists(#tat) OR #tat <= :now",
                    &[(":next", now + emission), (":now", now)],
                )?
            {
                return Ok(());
            }
            let wait = Duration::from_micros(self.tat()?.map_or(0, |tat| tat.saturating_sub(latest)));
            if started.elapsed() + wait > self.max_wait {
                return Err(ExchangeError::new(
                    ErrorClass::RateLimited,
                    format!(
                        "rate budget {}: no turn for a call of cost {cost} within {:?}",
                        self.bucket, self.max_wait
                    ),
                ));
            }
            std::thread::sleep(wait);
        }
    }

    fn pay(&self, update: &str, condition: &str, numbers: &[(&str, u64)]) -> Result<bool, ExchangeError> {
        let mut values: serde_json::Map<String, Value> = numbers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), json!({"N": value.to_string()})))
            .collect();
        values.insert(":one".into(), json!({"N": "1"}));
        let request = json!({
            "TableName": self.table,
            "Key": {"bucket": {"S": self.bucket}},
            "UpdateExpression": update,
            "ConditionExpression": condition,
            // Every attribute through a placeholder: DynamoDB reserves many plain words.
            "ExpressionAttributeNames": {"#tat": "tat", "#calls": "calls"},
            "ExpressionAttributeValues": values,
        });
        match self.aws.call("dynamodb", "1.0", "DynamoDB_20120810.UpdateItem", &request) {
            Ok(_) => Ok(true),
            Err(error) if error.kind == "ConditionalCheckFailedException" => Ok(false),
            Err(error) => Err(unreadable(&error)),
        }
    }

    fn tat(&self) -> Result<Option<u64>, ExchangeError> {
        let request =
            json!({"TableName": self.table, "Key": {"bucket": {"S": self.bucket}}, "ConsistentRead": true});
        let answer = self
            .aws
            .call("dynamodb", "1.0", "DynamoDB_20120810.GetItem", &request)
            .map_err(|e| unreadable(&e))?;
        Ok(answer.pointer("/Item/tat/N").and_then(Value::as_str).and_then(|n| n.parse().ok()))
    }
}
