//! The order sync: late fills booked once, venue cancels settled, stuck claims resolved,
//! foreign trades reported, an unreachable venue changing nothing.

mod common;

use common::{command, d, handler, limit, sync_report, ACCOUNT};
use execute_order::handler::sync::NEVER_REACHED;
use execute_order::handler::ClaimTiming;
use execute_order::store::{Claim, Store};
use fks_execution_core::{ErrorClass, ExchangeClient, MarketContext, OrderCommand, OrderStatus, RiskLimits};

fn position_qty(h: &common::TestHandler) -> fks_execution_core::Decimal {
    h.store().clone_position(ACCOUNT, "BTCUSDT").map(|p| p.position.quantity()).unwrap_or_default()
}

fn at(now_ms: u64) -> MarketContext {
    MarketContext { now_ms, mark_price: d("42000") }
}

fn parsed(event: &str) -> OrderCommand {
    serde_json::from_str(event).expect("a command")
}

#[test]
fn a_resting_limit_filled_later_is_booked_by_one_sync_only() {
    let mut h = handler(RiskLimits::default());
    let placed = h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();
    h.exchange_mut().paper.on_mark_price("BTCUSDT", d("40990.00"), 2);

    let first = sync_report(&mut h, 3);
    let second = sync_report(&mut h, 4);

    assert_eq!(placed.status, OrderStatus::Accepted);
    assert_eq!(first.reports.len(), 1);
    let report = &first.reports[0];
    assert_eq!((report.status, report.fills.len()), (OrderStatus::Filled, 1));
    assert!(!report.fills[0].trade_id.is_empty());
    assert_eq!(report.position.as_ref().map(|p| p.quantity), Some(d("0.001")));
    assert_eq!((first.open_orders, first.unreachable), (0, false));
    assert!(second.reports.is_empty(), "the fill is booked once: {second:?}");
    assert_eq!(position_qty(&h), d("0.001"));
    let stored = h.store().clone_order("o-1").unwrap();
    assert_eq!(stored.report.map(|r| r.status), Some(OrderStatus::Filled));
}

#[test]
fn an_order_the_venue_canceled_is_settled_and_no_longer_open() {
    let mut h = handler(RiskLimits::default());
    let event = limit("o-1", "buy", "0.001", "41000.00");
    h.handle_json(&event, 1).unwrap();
    h.handle_json(&limit("o-2", "buy", "0.001", "40000.00"), 1).unwrap();
    // Canceled at the venue, not through the platform (by hand, or by the venue itself).
    h.exchange_mut().paper.cancel(&parsed(&event), &at(2)).unwrap();

    let report = sync_report(&mut h, 3);

    assert_eq!(report.reports.len(), 1);
    assert_eq!(report.reports[0].status, OrderStatus::Canceled);
    assert_eq!(report.open_orders, 1, "o-2 still works");
}

#[test]
fn a_claim_the_venue_never_received_is_rejected_after_its_lease_and_not_before() {
    let mut h = handler(RiskLimits::default());
    let lease = ClaimTiming::default().lease_ms();
    let dead = Claim { owner: "dead".into(), claimed_ms: 0, lease_until_ms: lease };
    h.store_mut().claim(&parsed(&command("o-1", "buy", "0.001")), &dead).unwrap();

    let early = sync_report(&mut h, 10);
    let late = sync_report(&mut h, lease + 1);

    assert!(early.reports.is_empty());
    assert_eq!(early.open_orders, 1, "a claim in its lease is still working");
    assert_eq!(late.reports.len(), 1);
    assert_eq!(late.reports[0].status, OrderStatus::Rejected);
    assert_eq!(late.reports[0].reason.as_deref(), Some(NEVER_REACHED));
    assert_eq!(late.open_orders, 0);
    let retry = h.handle_json(&command("o-1", "buy", "0.001"), lease + 2).unwrap_err();
    assert_eq!(retry.error_type, "PermanentError", "a later delivery replays the outcome: {retry}");
}

#[test]
fn a_claim_whose_order_reached_the_venue_is_adopted_and_its_fill_booked() {
    let mut h = handler(RiskLimits::default());
    let lease = ClaimTiming::default().lease_ms();
    let event = command("o-1", "buy", "0.001");
    let dead = Claim { owner: "dead".into(), claimed_ms: 0, lease_until_ms: lease };
    h.store_mut().claim(&parsed(&event), &dead).unwrap();
    // The dead invocation's request did reach the venue.
    h.exchange_mut().paper.place(&parsed(&event), &at(1)).unwrap();

    let report = sync_report(&mut h, lease + 1);

    assert_eq!(report.reports.len(), 1);
    assert_eq!((report.reports[0].status, report.reports[0].fills.len()), (OrderStatus::Filled, 1));
    assert_eq!(position_qty(&h), d("0.001"));
    assert!(h.handle_json(&event, lease + 2).unwrap().duplicate);
    assert_eq!(position_qty(&h), d("0.001"));
}

#[test]
fn a_trade_of_an_order_the_platform_never_placed_is_foreign_and_not_booked() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();
    let by_hand = command("manual-1", "sell", "0.002");
    h.exchange_mut().paper.place(&parsed(&by_hand), &at(2)).unwrap();

    let first = sync_report(&mut h, 3);
    let second = sync_report(&mut h, 4);

    assert_eq!(first.foreign_fills.len(), 1);
    let foreign = &first.foreign_fills[0];
    assert_eq!((foreign.symbol.as_str(), foreign.quantity), ("BTCUSDT", d("0.002")));
    assert!(first.reports.is_empty());
    assert!(second.foreign_fills.is_empty(), "the cursor moved past it");
    assert_eq!(position_qty(&h), d("0"));
}

#[test]
fn the_platforms_own_filled_orders_are_not_foreign() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap();
    h.handle_json(&limit("o-2", "buy", "0.001", "41000.00"), 2).unwrap();

    let report = sync_report(&mut h, 3);

    assert!(report.foreign_fills.is_empty(), "{report:?}");
    assert!(report.reports.is_empty());
}

#[test]
fn an_unreachable_venue_changes_nothing() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();
    h.exchange_mut().paper.on_mark_price("BTCUSDT", d("40990.00"), 2);
    h.exchange_mut().fail_next_query(ErrorClass::Retryable);

    let missed = sync_report(&mut h, 3);
    let stored = h.store().clone_order("o-1").unwrap();
    let position_after_miss = position_qty(&h);
    let next = sync_report(&mut h, 4);

    assert!(missed.unreachable);
    assert!(missed.reports.is_empty());
    assert_eq!(stored.report.map(|r| r.status), Some(OrderStatus::Accepted));
    assert_eq!(position_after_miss, d("0"), "nothing booked by the missed sync");
    assert_eq!(next.reports.len(), 1, "the next run books it");
    assert_eq!(position_qty(&h), d("0.001"));
}

#[test]
fn a_sync_for_another_account_is_bad_request() {
    let mut h = handler(RiskLimits::default());

    let failure = h.handle_event(r#"{"action":"sync","account":"other"}"#, 1).unwrap_err();
    let unknown = h.handle_event(r#"{"action":"sync","account":"acct-1","x":1}"#, 1).unwrap_err();

    assert_eq!(failure.error_type, "BadRequest");
    assert_eq!(unknown.error_type, "BadRequest");
}

#[test]
fn a_commit_on_a_version_another_sync_moved_is_refused() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();
    let stored = h.store().clone_order("o-1").unwrap();
    let record = execute_order::store::OrderRecord {
        report: stored.report.clone().unwrap(),
        trade_ids: Vec::new(),
        refusal: None,
        exposure: None,
        balances: Vec::new(),
        exits_due: false,
    };
    let expect = execute_order::store::Expect::Version(stored.version);

    let first = h.store_mut().commit(&record, expect, None, 2).unwrap();
    let second = h.store_mut().commit(&record, expect, None, 3).unwrap();

    assert!(first.is_ok());
    assert_eq!(second, Err(execute_order::store::CommitConflict::OrderChanged));
}

#[test]
fn a_foreign_trade_is_seen_in_a_symbol_whose_orders_all_filled_at_placement() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap();
    // No working order, no cursor yet: only the position says the account trades BTCUSDT.
    let by_hand = command("manual-1", "buy", "0.002");
    h.exchange_mut().paper.place(&parsed(&by_hand), &at(2)).unwrap();

    let first = sync_report(&mut h, 3);
    let second = sync_report(&mut h, 4);

    let foreign: Vec<_> = first.foreign_fills.iter().map(|f| (f.symbol.as_str(), f.quantity)).collect();
    assert_eq!(foreign, [("BTCUSDT", d("0.002"))], "o-1's own trade is not foreign");
    assert!(second.foreign_fills.is_empty(), "reported once: the cursor moved past it");
    assert_eq!(position_qty(&h), d("0.001"), "a foreign trade is never booked");
}
