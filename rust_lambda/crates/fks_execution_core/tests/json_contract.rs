//! The JSON contract the Lambda and the Python bindings rely on, exercised through the public
//! API only: if a wrapper needs something this file cannot reach, the API is missing it.

use std::str::FromStr;

use fks_execution_core::{
    CancelCommand, Decimal, Denial, Engine, Instrument, OrderCommand, OrderStatus, OrderType, PaperConfig,
    PaperExchange, RiskLimits, Side, TimeInForce,
};
use serde_json::{json, Value};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn command_json() -> Value {
    json!({
        "client_order_id": "sig-42-entry",
        "signal_id": "sig-42",
        "account": "binance-main",
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "limit",
        "quantity": "0.01000",
        "price": "65000.00",
        "time_in_force": "IOC"
    })
}

fn instrument_json() -> Value {
    json!({
        "symbol": "BTCUSDT", "base": "BTC", "quote": "USDT",
        "price_precision": 2, "size_precision": 5,
        "tick_size": "0.01", "step_size": "0.00001",
        "min_quantity": "0.00001", "min_notional": "5"
    })
}

#[test]
fn order_command_parses_with_defaults_for_optional_fields() {
    let command: OrderCommand = serde_json::from_value(command_json()).unwrap();

    assert_eq!(command.side, Side::Buy);
    assert_eq!(command.order_type, OrderType::Limit);
    assert_eq!(command.quantity, d("0.01"));
    assert_eq!(command.time_in_force, TimeInForce::Ioc);
    assert_eq!(command.stop_price, None);
    assert!(!command.reduce_only);
}

#[test]
fn order_command_refuses_a_float_decimal() {
    let mut value = command_json();
    value["quantity"] = json!(0.01);
    assert!(serde_json::from_value::<OrderCommand>(value).is_err());
}

#[test]
fn order_command_refuses_loose_decimal_spellings() {
    for (field, text) in
        [("quantity", "1_000"), ("quantity", "1e-3"), ("price", "4.2E4"), ("stop_price", "NaN")]
    {
        let mut value = command_json();
        value[field] = json!(text);
        let error = serde_json::from_value::<OrderCommand>(value).expect_err(text).to_string();
        assert!(error.contains(text), "the error names {text:?}: {error}");
    }
    let mut protected = command_json();
    protected["protection"] = json!({"stop_loss_pct": "2_0"});
    assert!(serde_json::from_value::<OrderCommand>(protected).is_err());
}

#[test]
fn order_command_refuses_unknown_fields() {
    let mut value = command_json();
    value["leverage"] = json!("10");
    assert!(serde_json::from_value::<OrderCommand>(value).is_err());
}

#[test]
fn order_command_round_trips_with_decimals_as_strings() {
    let command: OrderCommand = serde_json::from_value(command_json()).unwrap();
    let value = serde_json::to_value(&command).unwrap();
    assert_eq!(value["quantity"], json!("0.01000"));
    assert_eq!(value["type"], json!("limit"));
    assert_eq!(serde_json::from_value::<OrderCommand>(value).unwrap(), command);
}

#[test]
fn engine_submit_from_json_returns_a_serialisable_report() {
    let instrument: Instrument = serde_json::from_value(instrument_json()).unwrap();
    let limits: RiskLimits = serde_json::from_value(json!({
        "max_order_notional": "10000",
        "order_rate": {"max_orders": 10, "window_ms": 1000}
    }))
    .unwrap();
    let mut engine = Engine::new("binance-main", limits, PaperExchange::new(PaperConfig::default()));
    engine.add_instrument(instrument).unwrap();
    let command: OrderCommand = serde_json::from_value(command_json()).unwrap();

    let report = engine.submit(command, 1_700_000_000_000, d("64990.00")).unwrap();
    let value = serde_json::to_value(&report).unwrap();

    assert_eq!(report.status, OrderStatus::Filled);
    assert_eq!(value["status"], json!("filled"));
    assert_eq!(value["filled_qty"], json!("0.01000"));
    assert_eq!(value["avg_fill_price"], json!("64990.00"));
    assert_eq!(value["fills"][0]["trade_id"], json!("T1"));
    assert_eq!(value["position"]["side"], json!("long"));
    assert_eq!(value["type"], json!("limit"));
    assert_eq!(serde_json::from_value::<fks_execution_core::ExecutionReport>(value).unwrap(), report);
}

#[test]
fn risk_denial_serialises_with_its_rule_and_error_name() {
    let mut engine = Engine::new(
        "binance-main",
        RiskLimits { max_order_notional: Some(d("100")), ..RiskLimits::default() },
        PaperExchange::new(PaperConfig::default()),
    );
    engine.add_instrument(serde_json::from_value(instrument_json()).unwrap()).unwrap();
    let command: OrderCommand = serde_json::from_value(command_json()).unwrap();

    let denial = engine.submit(command, 0, d("65000")).unwrap_err();

    assert!(matches!(denial, Denial::Risk(_)));
    assert_eq!(denial.error_name(), "RiskDenied");
    let value = serde_json::to_value(&denial).unwrap();
    assert_eq!(value["kind"], json!("risk"));
    assert_eq!(value["rule"], json!("max_order_notional"));
}

#[test]
fn cancel_command_json_of_the_python_side_parses() {
    // The same literal as tests/unit/execution/test_cancel_command_contract.py `PINNED`.
    let pinned = r#"{"action":"cancel","client_order_id":"py-1","account":"acct-1"}"#;

    let cancel: CancelCommand = serde_json::from_str(pinned).unwrap();

    assert_eq!((cancel.client_order_id.as_str(), cancel.account.as_str()), ("py-1", "acct-1"));
    assert!(serde_json::from_str::<OrderCommand>(pinned).is_err(), "a cancel is never read as an order");
}

#[test]
fn sync_command_is_action_and_account_only() {
    let command: fks_execution_core::SyncCommand =
        serde_json::from_value(json!({"action": "sync", "account": "binance-spot"})).unwrap();

    assert_eq!(command.account, "binance-spot");
    let extra = json!({"action": "sync", "account": "binance-spot", "since": 1});
    assert!(serde_json::from_value::<fks_execution_core::SyncCommand>(extra).is_err());
}

#[test]
fn sync_report_has_the_contract_shape() {
    let trade = fks_execution_core::VenueTrade {
        trade_id: "77".into(),
        seq: 77,
        venue_order_id: "12".into(),
        symbol: "BTCUSDT".into(),
        side: Side::Sell,
        quantity: d("0.002"),
        price: d("42000.5"),
        fee: d("0.084001"),
        fee_asset: "USDT".into(),
        fee_in_quote: d("0.084001"),
        ts_ms: 1_700_000_000_000,
    };
    let mut report = fks_execution_core::SyncReport::unreachable("binance-spot", 1_700_000_000_001);
    report.unreachable = false;
    report.open_orders = 3;
    report.foreign_fills.push((&trade).into());

    let value = serde_json::to_value(&report).unwrap();

    assert_eq!(
        value,
        json!({
            "action": "sync", "account": "binance-spot", "ts_ms": 1_700_000_000_001_u64,
            "reports": [],
            "foreign_fills": [{
                "trade_id": "77", "venue_order_id": "12", "symbol": "BTCUSDT", "side": "sell",
                "quantity": "0.002", "price": "42000.5", "fee": "0.084001", "fee_asset": "USDT",
                "ts_ms": 1_700_000_000_000_u64
            }],
            "open_orders": 3,
            "unreachable": false
        })
    );
}

#[test]
fn order_command_takes_protection_and_writes_none_when_absent() {
    let mut value = command_json();
    value["protection"] = json!({"stop_loss_pct": "2", "take_profit_pct": "4"});

    let command: OrderCommand = serde_json::from_value(value).unwrap();
    let plain: OrderCommand = serde_json::from_value(command_json()).unwrap();

    let protection = command.protection.unwrap();
    assert_eq!((protection.stop_loss_pct, protection.take_profit_pct), (Some(d("2")), Some(d("4"))));
    assert!(serde_json::to_value(&plain).unwrap().get("protection").is_none());
    let mut unknown = command_json();
    unknown["protection"] = json!({"stop_loss_pct": "2", "break_even": "1"});
    assert!(serde_json::from_value::<OrderCommand>(unknown).is_err());
}

#[test]
fn amend_command_has_the_contract_shape() {
    let amend: fks_execution_core::AmendCommand = serde_json::from_value(json!({
        "action": "amend", "client_order_id": "o-1", "account": "binance-spot",
        "new_client_order_id": "o-1-r1", "price": "64000.00"
    }))
    .unwrap();
    let base: OrderCommand = serde_json::from_value(command_json()).unwrap();

    let replacement = amend.replacement(&base);

    assert_eq!((replacement.client_order_id.as_str(), replacement.price), ("o-1-r1", Some(d("64000.00"))));
    assert_eq!(replacement.quantity, base.quantity);
}

#[test]
fn exit_order_has_the_contract_shape() {
    let exit = fks_execution_core::ExitOrder {
        client_order_id: "sig-1-sl".into(),
        kind: fks_execution_core::ExitKind::Oco,
        venue_order_id: Some("17".into()),
        stop_price: Some(d("41160")),
        price: Some(d("40748.40")),
        quantity: d("0.01"),
        status: OrderStatus::Accepted,
    };

    assert_eq!(
        serde_json::to_value(&exit).unwrap(),
        json!({"client_order_id": "sig-1-sl", "kind": "oco", "venue_order_id": "17", "stop_price": "41160",
               "price": "40748.40", "quantity": "0.01", "status": "accepted"})
    );
}

/// The report the Python side's `fks.execution.ExecutionReport` is pinned to
/// (`tests/unit/execution/test_report_contract.py` reads the same file): every field, as the
/// engine writes it. A field added, renamed or respelt here fails both sides' tests.
const PINNED_REPORT: &str = include_str!("fixtures/execution_report.json");

#[test]
fn execution_report_json_is_the_pinned_contract() {
    let mut engine = Engine::new(
        "binance-main",
        RiskLimits::default(),
        PaperExchange::new(PaperConfig { fee_bps: d("10"), ..PaperConfig::default() }),
    );
    engine.add_instrument(serde_json::from_value(instrument_json()).unwrap()).unwrap();
    let command: OrderCommand = serde_json::from_value(command_json()).unwrap();

    let report = engine.submit(command, 1_700_000_000_000, d("64990.00")).unwrap();

    let pinned: Value = serde_json::from_str(PINNED_REPORT).unwrap();
    assert_eq!(serde_json::to_value(&report).unwrap(), pinned);
    assert_eq!(serde_json::from_value::<fks_execution_core::ExecutionReport>(pinned).unwrap(), report);
}
