//! [`Store`] on DynamoDB: conditional writes, one transaction per committed order.

use std::collections::HashMap;

use fks_execution_core::{Decimal, ExecutionReport, HaltReason, OrderCommand, Position, TradingState};
use serde_json::{json, Map, Value};

use crate::aws::{AwsError, AwsJsonClient};
use crate::store::{
    Claim, CommitConflict, Expect, Exposure, OrderRecord, Reservation, ReserveRefusal, RiskState, Store,
    StoredOrder, StoredPosition,
};

const SERVICE: &str = "dynamodb";
const JSON_VERSION: &str = "1.0";
/// The risk-state attribute counting exchange errors in a row.
const ERRORS: &str = "consecutive_exchange_errors";
/// Prefix of the risk-state attributes holding the sync's trade cursor per symbol.
const CURSOR_PREFIX: &str = "trade_cursor_";
/// Prefix of the risk-state attributes holding the open quantity per symbol and side
/// (`open_qty_BTCUSDT_buy`).
const OPEN_QTY_PREFIX: &str = "open_qty_";
/// Prefix of the risk-state attributes holding the paper balances (`paper_balance_USDT`).
const PAPER_BALANCE_PREFIX: &str = "paper_balance_";
/// How often a reservation is retried when another order's reservation moved the account.
const RESERVE_ATTEMPTS: usize = 5;
/// Order statuses after which the venue may still change the order.
const OPEN_STATUSES: [&str; 5] = ["submitted", "accepted", "triggered", "partially_filled", "pending_cancel"];
/// Report fields stored as DynamoDB numbers (exact decimals), so queries and the Python side
/// read them as `Decimal`.
const NUMERIC_FIELDS: [&str; 6] = ["quantity", "filled_qty", "leaves_qty", "avg_fill_price", "fees", "ts_ms"];

/// Orders and positions tables.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: AwsJsonClient,
    orders_table: String,
    positions_table: String,
    risk_state_table: String,
}

fn s(value: &str) -> Value {
    json!({ "S": value })
}

fn n(value: impl std::fmt::Display) -> Value {
    json!({ "N": value.to_string() })
}

/// `amount` as an `ADD` operand: without trailing zeros. DynamoDB sums exactly whatever the
/// scale; the local emulator (moto) sums with Python's `Decimal` and stores `0.00200000 -
/// 0.00200000` as `0E-8`, which its next `ADD` cannot read (the risk item's open quantity of a
/// canceled exit then refused every later reservation). Operands at the instrument's own scale
/// keep the sums' zeros plain (`0.000`).
fn addend(amount: Decimal) -> Decimal {
    amount.normalize()
}

fn malformed(what: &str) -> AwsError {
    AwsError { kind: "MalformedItem".into(), message: what.into() }
}

fn attr<'a>(item: &'a Value, name: &str, kind: &str) -> Option<&'a str> {
    item.get(name)?.get(kind)?.as_str()
}

/// The order item's attributes for `record`: the report's scalar fields (numbers as `N`), the
/// report as JSON for replays, the booked trade ids and the exchange's refusal.
fn record_attributes(record: &OrderRecord, now_ms: u64) -> Result<Map<String, Value>, AwsError> {
    let value = serde_json::to_value(&record.report).map_err(|e| malformed(&e.to_string()))?;
    let mut item = Map::new();
    for (key, field) in value.as_object().into_iter().flatten() {
        // `duplicate` describes one call's answer, not the order.
        if key == "duplicate" {
            continue;
        }
        let attribute = match field {
            Value::String(text) if NUMERIC_FIELDS.contains(&key.as_str()) => n(text),
            Value::Number(number) => n(number),
            Value::String(text) => s(text),
            Value::Bool(flag) => json!({ "BOOL": flag }),
            _ => continue,
        };
        item.insert(key.clone(), attribute);
    }
    item.insert("report".into(), s(&value.to_string()));
    let trade_ids: Vec<Value> = record.trade_ids.iter().map(|t| s(t)).collect();
    item.insert("trade_ids".into(), json!({ "L": trade_ids }));
    if let Some(refusal) = &record.refusal {
        item.insert("refusal".into(), s(refusal));
    }
    item.insert("exits_due".into(), json!({ "BOOL": record.exits_due }));
    item.insert("updated_ms".into(), n(now_ms));
    Ok(item)
}

/// The JSON name of a serialised enum (`buy`, `limit`, `filled`).
fn name_of(value: impl serde::Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn position_item(account: &str, stored: &StoredPosition, order_id: &str, now_ms: u64) -> Value {
    let p = &stored.position;
    json!({
        "account": s(account),
        "symbol": s(p.symbol()),
        "side": s(&name_of(p.side())),
        "quantity": n(p.quantity()),
        "avg_entry_price": n(p.avg_entry_price()),
        "realized_pnl": n(p.realized_pnl()),
        "fees": n(p.fees()),
        "version": n(stored.version),
        "last_client_order_id": s(order_id),
        "updated_ms": n(now_ms),
    })
}

impl DynamoStore {
    /// A store over the orders, positions and risk-state tables.
    #[must_use]
    pub fn new(
        client: AwsJsonClient,
        orders_table: impl Into<String>,
        positions_table: impl Into<String>,
        risk_state_table: impl Into<String>,
    ) -> Self {
        Self {
            client,
            orders_table: orders_table.into(),
            positions_table: positions_table.into(),
            risk_state_table: risk_state_table.into(),
        }
    }

    fn call(&self, operation: &str, body: &Value) -> Result<Value, AwsError> {
        self.client.call(SERVICE, JSON_VERSION, &format!("DynamoDB_20120810.{operation}"), body)
    }

    /// The risk-state update (for a transaction) adding `change` to the account's open
    /// orders and open quantity.
    fn exposure_update(&self, account: &str, change: &Exposure) -> Value {
        self.account_update(account, Some(change), &[]).unwrap_or_default()
    }

    /// One risk-state update adding an order's exposure change and its fills' balance changes;
    /// `None` when there is neither.
    fn account_update(
        &self,
        account: &str,
        exposure: Option<&Exposure>,
        balances: &[(String, Decimal)],
    ) -> Option<Value> {
        let mut adds = Vec::new();
        let mut names = Map::new();
        let mut values = Map::new();
        if let Some(change) = exposure {
            adds.push("open_orders :orders, #qty :qty".to_owned());
            names.insert(
                "#qty".into(),
                Value::String(format!("{OPEN_QTY_PREFIX}{}_{}", change.symbol, name_of(change.side))),
            );
            values.insert(":orders".into(), n(change.orders));
            values.insert(":qty".into(), n(addend(change.quantity)));
        }
        for (i, (asset, delta)) in balances.iter().enumerate() {
            adds.push(format!("#b{i} :b{i}"));
            names.insert(format!("#b{i}"), Value::String(format!("{PAPER_BALANCE_PREFIX}{asset}")));
            values.insert(format!(":b{i}"), n(addend(*delta)));
        }
        if adds.is_empty() {
            return None;
        }
        Some(json!({
            "TableName": self.risk_state_table,
            "Key": { "account": s(account) },
            "UpdateExpression": format!("ADD {}", adds.join(", ")),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }))
    }

    /// An `UpdateItem`: the updated attributes, or `None` when its condition failed.
    fn update(&self, body: &Value) -> Result<Option<Value>, AwsError> {
        match self.call("UpdateItem", body) {
            Ok(answer) => Ok(Some(answer.get("Attributes").cloned().unwrap_or_else(|| json!({})))),
            Err(e) if e.kind == "ConditionalCheckFailedException" => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Store for DynamoStore {
    fn load_risk_state(&mut self, account: &str) -> Result<RiskState, AwsError> {
        let answer = self.call(
            "GetItem",
            &json!({ "TableName": self.risk_state_table, "Key": { "account": s(account) }, "ConsistentRead": true }),
        )?;
        let Some(item) = answer.get("Item") else { return Ok(RiskState::default()) };
        let named = |name: &str| -> Result<Option<Value>, AwsError> {
            Ok(attr(item, name, "S").map(|text| Value::String(text.to_owned())))
        };
        let state: TradingState = match named("state")? {
            Some(value) => serde_json::from_value(value)
                .map_err(|_| malformed(&format!("trading state of {account}")))?,
            None => TradingState::Active,
        };
        // A reason this build does not know (a newer writer's) is still a halt: read it as an
        // operator's, rather than refusing every order over a label.
        let halt_reason: Option<HaltReason> =
            named("halt_reason")?.map(|value| serde_json::from_value(value).unwrap_or(HaltReason::Manual));
        let number = |name: &str| attr(item, name, "N");
        let consecutive_errors = number(ERRORS).map_or(Ok(0), str::parse).map_err(|_| malformed(ERRORS))?;
        let day = number("loss_day").map(str::parse).transpose().map_err(|_| malformed("loss_day"))?;
        let day_pnl =
            number("day_pnl").map_or(Ok(Decimal::ZERO), str::parse).map_err(|_| malformed("day_pnl"))?;
        let open_orders = number("open_orders").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        let rate_version =
            number("rate_version").map_or(Ok(0), str::parse).map_err(|_| malformed("rate_version"))?;
        let order_stamps = item
            .get("order_stamps")
            .and_then(|v| v.get("L"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.get("N").and_then(Value::as_str).and_then(|t| t.parse().ok()))
            .collect();
        let mut open_qty = Vec::new();
        let mut paper_balances = Vec::new();
        for (name, value) in item.as_object().into_iter().flatten() {
            if let Some(asset) = name.strip_prefix(PAPER_BALANCE_PREFIX) {
                let amount = value.get("N").and_then(Value::as_str).and_then(|v| v.parse().ok());
                paper_balances.push((asset.to_owned(), amount.ok_or_else(|| malformed(name))?));
                continue;
            }
            let Some(key) = name.strip_prefix(OPEN_QTY_PREFIX) else { continue };
            let Some((symbol, side)) = key.rsplit_once('_') else { continue };
            let side = serde_json::from_value(Value::String(side.to_owned())).map_err(|_| malformed(name))?;
            let qty = value.get("N").and_then(Value::as_str).and_then(|v| v.parse().ok());
            open_qty.push((symbol.to_owned(), side, qty.ok_or_else(|| malformed(name))?));
        }
        Ok(RiskState {
            state,
            halt_reason,
            consecutive_errors,
            day,
            day_pnl,
            // A counter that went below zero (an order counted before this build) reads as none.
            open_orders: u64::try_from(open_orders).unwrap_or(0),
            open_qty,
            order_stamps,
            rate_version,
            paper_balances,
        })
    }

    fn halt(&mut self, account: &str, reason: HaltReason, now_ms: u64) -> Result<(), AwsError> {
        let reason = serde_json::to_value(reason).map_err(|e| malformed(&e.to_string()))?;
        let update = json!({
            "TableName": self.risk_state_table,
            "Key": { "account": s(account) },
            "UpdateExpression": "SET #state = :halted, halt_reason = :reason, updated_ms = :now",
            // Halted already: keep the first reason, the one an operator needs to see.
            "ConditionExpression": "attribute_not_exists(#state) OR #state <> :halted",
            "ExpressionAttributeNames": { "#state": "state" },
            "ExpressionAttributeValues": { ":halted": s("halted"), ":reason": { "S": reason }, ":now": n(now_ms) },
        });
        self.update(&update).map(|_| ())
    }

    fn count_exchange_error(&mut self, account: &str, now_ms: u64) -> Result<u32, AwsError> {
        let update = json!({
            "TableName": self.risk_state_table,
            "Key": { "account": s(account) },
            "UpdateExpression": format!("ADD {ERRORS} :one SET updated_ms = :now"),
            "ExpressionAttributeValues": { ":one": n(1), ":now": n(now_ms) },
            "ReturnValues": "UPDATED_NEW",
        });
        let answer = self.update(&update)?.ok_or_else(|| malformed(ERRORS))?;
        attr(&answer, ERRORS, "N").and_then(|c| c.parse().ok()).ok_or_else(|| malformed(ERRORS))
    }

    fn clear_exchange_errors(&mut self, account: &str, now_ms: u64) -> Result<(), AwsError> {
        let update = json!({
            "TableName": self.risk_state_table,
            "Key": { "account": s(account) },
            "UpdateExpression": format!("SET {ERRORS} = :zero, updated_ms = :now"),
            "ExpressionAttributeValues": { ":zero": n(0), ":now": n(now_ms) },
        });
        self.update(&update).map(|_| ())
    }

    fn add_day_pnl(
        &mut self,
        account: &str,
        day: u64,
        delta: Decimal,
        now_ms: u64,
    ) -> Result<Decimal, AwsError> {
        let key = json!({ "account": s(account) });
        let values = json!({ ":day": n(day), ":delta": n(addend(delta)), ":now": n(now_ms) });
        // Same day: add. Older or no day: start the day at `delta`. A concurrent invocation
        // may start the day between the two, so go round again.
        for _ in 0..3 {
            let same_day = json!({
                "TableName": self.risk_state_table, "Key": key,
                "UpdateExpression": "SET day_pnl = day_pnl + :delta, updated_ms = :now",
                "ConditionExpression": "loss_day = :day",
                "ExpressionAttributeValues": values, "ReturnValues": "UPDATED_NEW",
            });
            if let Some(answer) = self.update(&same_day)? {
                return attr(&answer, "day_pnl", "N")
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| malformed("day_pnl"));
            }
            let new_day = json!({
                "TableName": self.risk_state_table, "Key": key,
                "UpdateExpression": "SET loss_day = :day, day_pnl = :delta, updated_ms = :now",
                "ConditionExpression": "attribute_not_exists(loss_day) OR loss_day < :day",
                "ExpressionAttributeValues": values,
            });
            if self.update(&new_day)?.is_some() {
                return Ok(delta);
            }
        }
        Err(AwsError {
            kind: "ConditionalCheckFailedException".into(),
            message: "day PnL kept changing".into(),
        })
    }

    fn load_order(&mut self, client_order_id: &str) -> Result<Option<StoredOrder>, AwsError> {
        let answer = self.call(
            "GetItem",
            &json!({
                "TableName": self.orders_table,
                "Key": { "client_order_id": s(client_order_id) },
                "ConsistentRead": true,
            }),
        )?;
        let Some(item) = answer.get("Item") else { return Ok(None) };
        let command: OrderCommand = attr(item, "command", "S")
            .and_then(|c| serde_json::from_str(c).ok())
            .ok_or_else(|| malformed("order item without a readable command"))?;
        let report: Option<ExecutionReport> = match attr(item, "report", "S") {
            Some(text) => Some(serde_json::from_str(text).map_err(|e| malformed(&e.to_string()))?),
            None => None,
        };
        let trade_ids = match item.get("trade_ids").and_then(|v| v.get("L")).and_then(Value::as_array) {
            Some(ids) => {
                ids.iter().filter_map(|v| v.get("S").and_then(Value::as_str).map(str::to_owned)).collect()
            }
            // Written before trade ids were kept: the first report's fills are all there were.
            None => report.iter().flat_map(|r| &r.fills).map(|f| f.trade_id.clone()).collect(),
        };
        let refusal = attr(item, "refusal", "S").map(str::to_owned);
        let number = |name: &str| attr(item, name, "N").and_then(|v| v.parse::<u64>().ok());
        let claim = attr(item, "claim_owner", "S").map(|owner| Claim {
            owner: owner.to_owned(),
            claimed_ms: number("claimed_ms").unwrap_or_default(),
            lease_until_ms: number("lease_until_ms").unwrap_or_default(),
        });
        // Committed before versions were kept: one commit is all that can be assumed.
        let version = number("version").unwrap_or(u64::from(report.is_some()));
        let counted =
            item.get("counted").and_then(|v| v.get("BOOL")).and_then(Value::as_bool).unwrap_or(false);
        Ok(Some(StoredOrder { command, claim, counted, version, report, trade_ids, refusal }))
    }

    fn claim(&mut self, command: &OrderCommand, claim: &Claim) -> Result<bool, AwsError> {
        let text = serde_json::to_string(command).map_err(|e| malformed(&e.to_string()))?;
        let mut item = json!({
            "client_order_id": s(&command.client_order_id),
            "status": s("submitted"),
            "account": s(&command.account),
            "symbol": s(&command.symbol),
            "side": s(&name_of(command.side)),
            "type": s(&name_of(command.order_type)),
            "quantity": n(command.quantity),
            "command": s(&text),
            "claim_owner": s(&claim.owner),
            "claimed_ms": n(claim.claimed_ms),
            "lease_until_ms": n(claim.lease_until_ms),
            "created_ms": n(claim.claimed_ms),
            "updated_ms": n(claim.claimed_ms),
        });
        if let Some(signal) = &command.signal_id {
            item["signal_id"] = s(signal);
        }
        let put = json!({
            "TableName": self.orders_table,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(client_order_id)",
        });
        match self.call("PutItem", &put) {
            Ok(_) => Ok(true),
            Err(e) if e.kind == "ConditionalCheckFailedException" => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn take_over(
        &mut self,
        client_order_id: &str,
        from: Option<&Claim>,
        to: &Claim,
    ) -> Result<bool, AwsError> {
        let mut values = json!({
            ":owner": s(&to.owner), ":claimed": n(to.claimed_ms), ":lease": n(to.lease_until_ms),
        });
        let condition = match from {
            Some(old) => {
                values[":old_owner"] = s(&old.owner);
                values[":old_lease"] = n(old.lease_until_ms);
                "attribute_not_exists(report) AND claim_owner = :old_owner AND lease_until_ms = :old_lease"
            }
            None => "attribute_exists(client_order_id) AND attribute_not_exists(report) AND attribute_not_exists(claim_owner)",
        };
        let update = json!({
            "TableName": self.orders_table,
            "Key": { "client_order_id": s(client_order_id) },
            "UpdateExpression": "SET claim_owner = :owner, claimed_ms = :claimed, lease_until_ms = :lease, updated_ms = :claimed",
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        });
        Ok(self.update(&update)?.is_some())
    }

    fn release(
        &mut self,
        client_order_id: &str,
        owner: &str,
        undo: Option<&Exposure>,
    ) -> Result<(), AwsError> {
        let delete = json!({
            "TableName": self.orders_table,
            "Key": { "client_order_id": s(client_order_id) },
            "ConditionExpression": "attribute_not_exists(report) AND claim_owner = :owner",
            "ExpressionAttributeValues": { ":owner": s(owner) },
        });
        let result = match undo {
            None => self.call("DeleteItem", &delete),
            Some(undo) => {
                let account =
                    self.load_order(client_order_id)?.map(|o| o.command.account).unwrap_or_default();
                let items = json!([{ "Delete": delete }, { "Update": self.exposure_update(&account, undo) }]);
                self.call("TransactWriteItems", &json!({ "TransactItems": items }))
            }
        };
        match result {
            Err(e)
                if !matches!(
                    e.kind.as_str(),
                    "ConditionalCheckFailedException" | "TransactionCanceledException"
                ) =>
            {
                Err(e)
            }
            _ => Ok(()),
        }
    }

    fn init_paper_balances(&mut self, account: &str, balances: &[(String, Decimal)]) -> Result<(), AwsError> {
        for (asset, amount) in balances {
            let update = json!({
                "TableName": self.risk_state_table,
                "Key": { "account": s(account) },
                "UpdateExpression": "SET #balance = :amount",
                "ConditionExpression": "attribute_not_exists(#balance)",
                "ExpressionAttributeNames": { "#balance": format!("{PAPER_BALANCE_PREFIX}{asset}") },
                "ExpressionAttributeValues": { ":amount": n(amount) },
            });
            self.update(&update)?;
        }
        Ok(())
    }

    fn reserve(
        &mut self,
        account: &str,
        client_order_id: &str,
        owner: &str,
        reservation: &Reservation,
    ) -> Result<Result<(), ReserveRefusal>, AwsError> {
        let mut last_refusal = String::new();
        for _ in 0..RESERVE_ATTEMPTS {
            let state = self.load_risk_state(account)?;
            // The position read in this attempt, to check the caps on and to condition on.
            let mut position_check = None;
            if let Some(cap) = &reservation.position_cap {
                let position = self.load_position(account, &cap.command.symbol)?;
                let qty = position.as_ref().map_or(Decimal::ZERO, |p| p.position.quantity());
                if let Err(refusal) = cap.check(qty, &state, reservation.now_ms) {
                    return Ok(Err(refusal));
                }
                let key = json!({ "account": s(account), "symbol": s(&cap.command.symbol) });
                position_check = Some(match position {
                    Some(stored) => json!({ "ConditionCheck": {
                        "TableName": self.positions_table, "Key": key,
                        "ConditionExpression": "version = :version",
                        "ExpressionAttributeValues": { ":version": n(stored.version) },
                    }}),
                    None => json!({ "ConditionCheck": {
                        "TableName": self.positions_table, "Key": key,
                        "ConditionExpression": "attribute_not_exists(symbol)",
                    }}),
                });
            }
            let stamps = match state.admit(reservation) {
                Ok(stamps) => stamps,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let mut risk = self.exposure_update(account, &reservation.exposure);
            let stamps: Vec<Value> = stamps.iter().map(n).collect();
            risk["UpdateExpression"] = Value::String(format!(
                "{} SET order_stamps = :stamps, rate_version = :next_version",
                risk["UpdateExpression"].as_str().unwrap_or_default()
            ));
            risk["ExpressionAttributeValues"][":stamps"] = json!({ "L": stamps });
            risk["ExpressionAttributeValues"][":next_version"] = n(state.rate_version + 1);
            // Conditional on what was read: a concurrent reservation makes this one read again.
            if state.rate_version == 0 {
                risk["ConditionExpression"] = Value::String("attribute_not_exists(rate_version)".into());
            } else {
                risk["ConditionExpression"] = Value::String("rate_version = :version".into());
                risk["ExpressionAttributeValues"][":version"] = n(state.rate_version);
            }
            let order = json!({
                "TableName": self.orders_table,
                "Key": { "client_order_id": s(client_order_id) },
                "UpdateExpression": "SET counted = :counted",
                "ConditionExpression": "attribute_not_exists(report) AND claim_owner = :owner",
                "ExpressionAttributeValues": { ":counted": { "BOOL": true }, ":owner": s(owner) },
            });
            let mut items = vec![json!({ "Update": risk }), json!({ "Update": order })];
            items.extend(position_check);
            match self.call("TransactWriteItems", &json!({ "TransactItems": items })) {
                Ok(_) => return Ok(Ok(())),
                Err(e) if e.kind == "TransactionCanceledException" => {
                    let held = self
                        .load_order(client_order_id)?
                        .is_some_and(|o| o.report.is_none() && o.claim.is_some_and(|c| c.owner == owner));
                    if !held {
                        return Ok(Err(ReserveRefusal::ClaimLost));
                    }
                    last_refusal = e.message;
                }
                Err(e) => return Err(e),
            }
        }
        Err(AwsError {
            kind: "ConditionalCheckFailedException".into(),
            message: format!("the account's open orders kept changing ({last_refusal})"),
        })
    }

    fn working_orders(&mut self, account: &str) -> Result<Vec<StoredOrder>, AwsError> {
        // The orders table is keyed by client order id alone; a sync scans it for the account's
        // working orders (a handful), filtered on the server.
        let mut values = json!({ ":account": s(account) });
        let mut names = Vec::new();
        for (i, status) in OPEN_STATUSES.iter().enumerate() {
            values[format!(":s{i}")] = s(status);
            names.push(format!(":s{i}"));
        }
        let mut request = json!({
            "TableName": self.orders_table,
            "ConsistentRead": true,
            "FilterExpression": format!("#account = :account AND #status IN ({})", names.join(", ")),
            "ExpressionAttributeNames": { "#status": "status", "#account": "account" },
            "ExpressionAttributeValues": values,
            "ProjectionExpression": "client_order_id",
        });
        let mut ids = Vec::new();
        loop {
            let page = self.call("Scan", &request)?;
            for item in page.get("Items").and_then(Value::as_array).into_iter().flatten() {
                if let Some(id) = attr(item, "client_order_id", "S") {
                    ids.push(id.to_owned());
                }
            }
            match page.get("LastEvaluatedKey") {
                Some(key) if !key.is_null() => request["ExclusiveStartKey"] = key.clone(),
                _ => break,
            }
        }
        ids.sort();
        // Read each one consistently: the scan's copy may predate a commit.
        let mut orders = Vec::with_capacity(ids.len());
        for id in ids {
            orders.extend(self.load_order(&id)?);
        }
        Ok(orders)
    }

    fn unprotected_entries(&mut self, account: &str) -> Result<Vec<StoredOrder>, AwsError> {
        // Rare (an exit placement that failed, or a crash between booking and protecting), so
        // a filtered scan as for the working orders; each read again consistently.
        let mut request = json!({
            "TableName": self.orders_table,
            "ConsistentRead": true,
            "FilterExpression": "#account = :account AND exits_due = :due",
            "ExpressionAttributeNames": { "#account": "account" },
            "ExpressionAttributeValues": { ":account": s(account), ":due": { "BOOL": true } },
            "ProjectionExpression": "client_order_id",
        });
        let mut ids = Vec::new();
        loop {
            let page = self.call("Scan", &request)?;
            for item in page.get("Items").and_then(Value::as_array).into_iter().flatten() {
                ids.extend(attr(item, "client_order_id", "S").map(str::to_owned));
            }
            match page.get("LastEvaluatedKey") {
                Some(key) if !key.is_null() => request["ExclusiveStartKey"] = key.clone(),
                _ => break,
            }
        }
        ids.sort();
        let mut orders = Vec::with_capacity(ids.len());
        for id in ids {
            orders.extend(self.load_order(&id)?);
        }
        Ok(orders)
    }

    fn trade_cursors(&mut self, account: &str) -> Result<HashMap<String, u64>, AwsError> {
        let answer = self.call(
            "GetItem",
            &json!({ "TableName": self.risk_state_table, "Key": { "account": s(account) }, "ConsistentRead": true }),
        )?;
        let mut cursors = HashMap::new();
        for (name, value) in answer.get("Item").and_then(Value::as_object).into_iter().flatten() {
            if let Some(symbol) = name.strip_prefix(CURSOR_PREFIX) {
                let seq = value.get("N").and_then(Value::as_str).and_then(|v| v.parse().ok());
                cursors.insert(symbol.to_owned(), seq.ok_or_else(|| malformed(name))?);
            }
        }
        Ok(cursors)
    }

    fn advance_cursor(&mut self, account: &str, symbol: &str, seq: u64) -> Result<(), AwsError> {
        let update = json!({
            "TableName": self.risk_state_table,
            "Key": { "account": s(account) },
            "UpdateExpression": "SET #cursor = :seq",
            "ConditionExpression": "attribute_not_exists(#cursor) OR #cursor < :seq",
            "ExpressionAttributeNames": { "#cursor": format!("{CURSOR_PREFIX}{symbol}") },
            "ExpressionAttributeValues": { ":seq": n(seq) },
        });
        self.update(&update).map(|_| ())
    }

    fn position_symbols(&mut self, account: &str) -> Result<Vec<String>, AwsError> {
        // The positions table is keyed (account, symbol): one query names them all.
        let mut request = json!({
            "TableName": self.positions_table,
            "ConsistentRead": true,
            "KeyConditionExpression": "#account = :account",
            "ExpressionAttributeNames": { "#account": "account", "#symbol": "symbol" },
            "ExpressionAttributeValues": { ":account": s(account) },
            "ProjectionExpression": "#symbol",
        });
        let mut symbols = Vec::new();
        loop {
            let page = self.call("Query", &request)?;
            for item in page.get("Items").and_then(Value::as_array).into_iter().flatten() {
                symbols.extend(attr(item, "symbol", "S").map(str::to_owned));
            }
            match page.get("LastEvaluatedKey") {
                Some(key) if !key.is_null() => request["ExclusiveStartKey"] = key.clone(),
                _ => break,
            }
        }
        Ok(symbols)
    }

    fn load_position(&mut self, account: &str, symbol: &str) -> Result<Option<StoredPosition>, AwsError> {
        let answer = self.call(
            "GetItem",
            &json!({
                "TableName": self.positions_table,
                "Key": { "account": s(account), "symbol": s(symbol) },
                "ConsistentRead": true,
            }),
        )?;
        let Some(item) = answer.get("Item") else { return Ok(None) };
        let number = |name: &str| attr(item, name, "N").ok_or_else(|| malformed(name));
        let position: Position = serde_json::from_value(json!({
            "symbol": symbol,
            "quantity": number("quantity")?,
            "avg_entry_price": number("avg_entry_price")?,
            "realized_pnl": number("realized_pnl")?,
            "fees": number("fees")?,
        }))
        .map_err(|e| malformed(&e.to_string()))?;
        let version = number("version")?.parse().map_err(|_| malformed("version"))?;
        Ok(Some(StoredPosition { position, version }))
    }

    fn commit(
        &mut self,
        record: &OrderRecord,
        expect: Expect,
        position: Option<&StoredPosition>,
        now_ms: u64,
    ) -> Result<Result<(), CommitConflict>, AwsError> {
        let report = &record.report;
        let attributes = record_attributes(record, now_ms)?;
        let mut names = Map::new();
        let mut values = Map::new();
        let mut sets = Vec::new();
        for (i, (key, value)) in attributes.into_iter().enumerate() {
            if key == "client_order_id" {
                continue;
            }
            names.insert(format!("#a{i}"), Value::String(key));
            values.insert(format!(":v{i}"), value);
            sets.push(format!("#a{i} = :v{i}"));
        }
        names.insert("#report".into(), Value::String("report".into()));
        names.insert("#version".into(), Value::String("version".into()));
        values.insert(":next_version".into(), n(expect.next_version()));
        sets.push("#version = :next_version".into());
        let condition = match expect {
            Expect::Uncommitted => "attribute_exists(client_order_id) AND attribute_not_exists(#report)",
            // Committed before versions were kept.
            Expect::Version(0) => "attribute_exists(#report) AND attribute_not_exists(#version)",
            Expect::Version(version) => {
                values.insert(":expected_version".into(), n(version));
                "attribute_exists(#report) AND #version = :expected_version"
            }
        };
        let mut items = vec![json!({ "Update": {
            "TableName": self.orders_table,
            "Key": { "client_order_id": s(&report.client_order_id) },
            "UpdateExpression": format!("SET {}", sets.join(", ")),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }})];
        if let Some(next) = position {
            let item = position_item(&report.account, next, &report.client_order_id, now_ms);
            let put = if next.version <= 1 {
                json!({ "TableName": self.positions_table, "Item": item,
                        "ConditionExpression": "attribute_not_exists(symbol)" })
            } else {
                json!({ "TableName": self.positions_table, "Item": item,
                        "ConditionExpression": "version = :expected",
                        "ExpressionAttributeValues": { ":expected": n(next.version - 1) } })
            };
            items.push(json!({ "Put": put }));
        }
        // One update of the risk item (a transaction may touch an item once).
        if let Some(update) = self.account_update(&report.account, record.exposure.as_ref(), &record.balances)
        {
            items.push(json!({ "Update": update }));
        }
        match self.call("TransactWriteItems", &json!({ "TransactItems": items })) {
            Ok(_) => Ok(Ok(())),
            Err(e) if e.kind == "TransactionCanceledException" => {
                // Which condition failed: read the order again; if it is still as expected,
                // it was the position.
                let stored = self.load_order(&report.client_order_id)?;
                let order_as_expected = stored.is_some_and(|o| expect.holds_for(&o));
                Ok(Err(if order_as_expected {
                    CommitConflict::PositionChanged
                } else {
                    CommitConflict::OrderChanged
                }))
            }
            Err(e) => Err(e),
        }
    }
}
