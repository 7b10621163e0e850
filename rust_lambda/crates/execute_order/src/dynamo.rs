//! [`Store`] on DynamoDB: conditional writes, one transaction per committed order.

use fks_execution_core::{ExecutionReport, OrderCommand, Position, TradingState};
use serde_json::{json, Map, Value};

use crate::aws::{AwsError, AwsJsonClient};
use crate::store::{CommitConflict, Store, StoredOrder, StoredPosition};

const SERVICE: &str = "dynamodb";
const JSON_VERSION: &str = "1.0";
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

fn malformed(what: &str) -> AwsError {
    AwsError { kind: "MalformedItem".into(), message: what.into() }
}

fn attr<'a>(item: &'a Value, name: &str, kind: &str) -> Option<&'a str> {
    item.get(name)?.get(kind)?.as_str()
}

/// The order item's attributes for `report`: its scalar fields (numbers as `N`), the report as
/// JSON for replays, and the status that marks it committed.
fn report_attributes(report: &ExecutionReport, now_ms: u64) -> Result<Map<String, Value>, AwsError> {
    let value = serde_json::to_value(report).map_err(|e| malformed(&e.to_string()))?;
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
    item.insert("updated_ms".into(), n(now_ms));
    Ok(item)
}

fn position_item(account: &str, stored: &StoredPosition, order_id: &str, now_ms: u64) -> Value {
    let p = &stored.position;
    json!({
        "account": s(account),
        "symbol": s(p.symbol()),
        "side": s(&serde_json::to_value(p.side()).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()),
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
}

impl Store for DynamoStore {
    fn load_trading_state(&mut self, account: &str) -> Result<TradingState, AwsError> {
        let answer = self.call(
            "GetItem",
            &json!({ "TableName": self.risk_state_table, "Key": { "account": s(account) }, "ConsistentRead": true }),
        )?;
        match answer.get("Item").and_then(|item| attr(item, "state", "S")) {
            None => Ok(TradingState::Active),
            Some(state) => serde_json::from_value(Value::String(state.to_owned()))
                .map_err(|_| malformed(&format!("trading state {state:?} of {account}"))),
        }
    }

    fn save_trading_state(
        &mut self,
        account: &str,
        state: TradingState,
        now_ms: u64,
    ) -> Result<(), AwsError> {
        let name = serde_json::to_value(state).map_err(|e| malformed(&e.to_string()))?;
        let item = json!({ "account": s(account), "state": { "S": name }, "updated_ms": n(now_ms) });
        self.call("PutItem", &json!({ "TableName": self.risk_state_table, "Item": item })).map(|_| ())
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
        let report = match attr(item, "report", "S") {
            Some(text) => Some(serde_json::from_str(text).map_err(|e| malformed(&e.to_string()))?),
            None => None,
        };
        Ok(Some(StoredOrder { command, report }))
    }

    fn claim(&mut self, command: &OrderCommand, now_ms: u64) -> Result<bool, AwsError> {
        let text = serde_json::to_string(command).map_err(|e| malformed(&e.to_string()))?;
        let mut item = json!({
            "client_order_id": s(&command.client_order_id),
            "status": s("submitted"),
            "account": s(&command.account),
            "symbol": s(&command.symbol),
            "quantity": n(command.quantity),
            "command": s(&text),
            "created_ms": n(now_ms),
            "updated_ms": n(now_ms),
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

    fn release(&mut self, client_order_id: &str) -> Result<(), AwsError> {
        let delete = json!({
            "TableName": self.orders_table,
            "Key": { "client_order_id": s(client_order_id) },
            "ConditionExpression": "attribute_not_exists(report)",
        });
        match self.call("DeleteItem", &delete) {
            Err(e) if e.kind != "ConditionalCheckFailedException" => Err(e),
            _ => Ok(()),
        }
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
        report: &ExecutionReport,
        position: Option<&StoredPosition>,
        now_ms: u64,
    ) -> Result<Result<(), CommitConflict>, AwsError> {
        let attributes = report_attributes(report, now_ms)?;
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
        let mut items = vec![json!({ "Update": {
            "TableName": self.orders_table,
            "Key": { "client_order_id": s(&report.client_order_id) },
            "UpdateExpression": format!("SET {}", sets.join(", ")),
            "ConditionExpression": "attribute_exists(client_order_id) AND attribute_not_exists(#report)",
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
        match self.call("TransactWriteItems", &json!({ "TransactItems": items })) {
            Ok(_) => Ok(Ok(())),
            Err(e) if e.kind == "TransactionCanceledException" => {
                // Which condition failed: the first reason is the order, the second the position.
                let order_done =
                    self.load_order(&report.client_order_id)?.is_some_and(|o| o.report.is_some());
                Ok(Err(if order_done {
                    CommitConflict::OrderAlreadyCommitted
                } else {
                    CommitConflict::PositionChanged
                }))
            }
            Err(e) => Err(e),
        }
    }
}
