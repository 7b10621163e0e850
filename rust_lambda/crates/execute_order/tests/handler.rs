//! The handler in-process: paper exchange, in-memory store, fixed market.

mod common;

use common::{command, d, handler, ACCOUNT};
use execute_order::handler::ClaimTiming;
use execute_order::store::{Claim, Store};
use fks_execution_core::{ErrorClass, OrderStatus, PositionSide, RiskLimits, TradingState};

#[test]
fn market_buy_fills_and_stores_order_and_position() {
    let mut h = handler(RiskLimits::default());

    let report = h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap();

    assert_eq!(report.status, OrderStatus::Filled);
    let stored = h.store().clone_order("o-1");
    assert_eq!(stored.and_then(|o| o.report).map(|r| r.status), Some(OrderStatus::Filled));
    let position = h.store().clone_position(ACCOUNT, "BTCUSDT").unwrap();
    assert_eq!((position.position.quantity(), position.version), (d("0.001"), 1));
}

#[test]
fn same_client_order_id_again_places_nothing_new() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap();

    let again = h.handle_json(&command("o-1", "buy", "0.001"), 2).unwrap();

    assert!(again.duplicate);
    assert!(again.fills.is_empty());
    let position = h.store().clone_position(ACCOUNT, "BTCUSDT").unwrap();
    assert_eq!((position.position.quantity(), position.version), (d("0.001"), 1));
}

#[test]
fn positions_accumulate_across_invocations() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&command("o-1", "buy", "0.002"), 1).unwrap();

    let report = h.handle_json(&command("o-2", "sell", "0.002"), 2).unwrap();

    assert_eq!(report.position.map(|p| p.side), Some(PositionSide::Flat));
    assert_eq!(h.store().clone_position(ACCOUNT, "BTCUSDT").unwrap().version, 2);
}

#[test]
fn bad_input_is_bad_request_and_stores_nothing() {
    let mut h = handler(RiskLimits::default());

    for event in [
        command("o-1", "buy", "0"),
        command("o-1", "buy", "0.00001"),
        command("o-1", "buy", "0.0000001"),
        command("o-1", "buy", "0.001").replace("BTCUSDT", "NOPEUSDT"),
        r#"{"client_order_id": "o-1"}"#.to_owned(),
        command("o-1", "buy", "0.001").replace(r#""0.001""#, "0.001"),
    ] {
        let failure = h.handle_json(&event, 1).expect_err("bad input is refused");
        assert_eq!(failure.error_type, "BadRequest", "{event}: {failure}");
    }
    assert!(h.store().clone_order("o-1").is_none());
}

#[test]
fn reused_id_with_other_content_is_conflict() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap();

    let failure = h.handle_json(&command("o-1", "buy", "0.002"), 2).unwrap_err();

    assert_eq!(failure.error_type, "Conflict");
}

#[test]
fn risk_denial_names_the_rule_and_releases_the_id() {
    let mut h = handler(RiskLimits { max_order_notional: Some(d("10")), ..RiskLimits::default() });

    let failure = h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap_err();

    assert_eq!(failure.error_type, "RiskDenied");
    assert!(
        failure.message.contains("MaxOrderNotional") || failure.message.contains("notional"),
        "{failure}"
    );
    assert!(h.store().clone_order("o-1").is_none());
}

#[test]
fn claimed_but_unfinished_order_is_settled_once() {
    let mut h = handler(RiskLimits::default());
    let event = command("o-1", "buy", "0.001");
    let parsed = serde_json::from_str(&event).unwrap();
    // An earlier invocation claimed the id and died before the exchange answered.
    let lease = ClaimTiming::default().lease_ms();
    let dead = Claim { owner: "dead".into(), claimed_ms: 0, lease_until_ms: lease };
    assert!(h.store_mut().claim(&parsed, &dead).unwrap());

    let within_lease = h.handle_json(&event, 1).unwrap_err();
    let report = h.handle_json(&event, lease + 1).unwrap();
    let again = h.handle_json(&event, lease + 2).unwrap();

    assert_eq!(within_lease.error_type, "TemporaryError", "{within_lease}");

    assert_eq!(report.status, OrderStatus::Filled);
    assert!(again.duplicate);
    assert_eq!(h.store().clone_position(ACCOUNT, "BTCUSDT").unwrap().position.quantity(), d("0.001"));
}

#[test]
fn halted_account_denies_new_orders_and_reducing_allows_only_reducing_ones() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&command("o-1", "buy", "0.002"), 1).unwrap();
    h.store_mut().set_trading_state(ACCOUNT, TradingState::Halted);

    let halted = h.handle_json(&command("o-2", "sell", "0.001"), 3).unwrap_err();
    h.store_mut().set_trading_state(ACCOUNT, TradingState::Reducing);
    let increasing = h.handle_json(&command("o-3", "buy", "0.001"), 5).unwrap_err();
    let reducing = h.handle_json(&command("o-4", "sell", "0.001"), 6).unwrap();

    assert_eq!(halted.error_type, "RiskDenied");
    assert_eq!(increasing.error_type, "RiskDenied");
    assert_eq!(reducing.status, OrderStatus::Filled);
    assert!(h.store().clone_order("o-2").is_none(), "a denied order is not stored");
}

#[test]
fn unknown_action_is_bad_request() {
    let mut h = handler(RiskLimits::default());

    let failure =
        h.handle_json(r#"{"action":"amend","client_order_id":"o-1","account":"acct-1"}"#, 1).unwrap_err();

    assert_eq!(failure.error_type, "BadRequest");
    assert!(failure.message.contains("amend"), "{failure}");
}

#[test]
fn insufficient_balance_is_insufficient_funds_and_recorded_as_rejected() {
    let mut h = handler(RiskLimits::default());
    let message = "Account has insufficient balance for requested action.";
    h.exchange_mut().fail_next_place(ErrorClass::InsufficientFunds, "-2010", message);

    let failure = h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap_err();
    let again = h.handle_json(&command("o-1", "buy", "0.001"), 2).unwrap_err();

    assert_eq!(failure.error_type, "InsufficientFunds");
    assert!(failure.message.contains("insufficient balance"), "{failure}");
    assert_eq!(again.error_type, "InsufficientFunds", "a retry names the same refusal");
    let stored = h.store().clone_order("o-1").unwrap();
    assert_eq!(stored.report.map(|r| r.status), Some(OrderStatus::Rejected));
    assert!(h.store().clone_position(ACCOUNT, "BTCUSDT").is_none());
}

#[test]
fn other_exchange_refusal_is_permanent_error() {
    let mut h = handler(RiskLimits::default());
    h.exchange_mut().fail_next_place(ErrorClass::Permanent, "-1013", "Filter failure: LOT_SIZE");

    let failure = h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap_err();

    assert_eq!(failure.error_type, "PermanentError");
    assert_eq!(
        h.store().clone_order("o-1").and_then(|o| o.report).map(|r| r.status),
        Some(OrderStatus::Rejected)
    );
}

#[test]
fn exchange_outage_is_temporary_error_and_keeps_the_claim() {
    let mut h = handler(RiskLimits::default());
    h.exchange_mut().fail_next_place(ErrorClass::Retryable, "-1001", "disconnected");

    let failure = h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap_err();

    assert_eq!(failure.error_type, "TemporaryError");
    assert!(h.store().clone_order("o-1").is_some_and(|o| o.report.is_none()));
}
