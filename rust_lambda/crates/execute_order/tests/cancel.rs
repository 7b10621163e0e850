//! Cancels through the handler: pending-cancel then canceled, idempotent, final orders refused.

mod common;

use common::{cancel, command, d, handler, limit, ACCOUNT};
use fks_execution_core::{ErrorClass, ExchangeClient, OrderStatus, RiskLimits};

fn stored_status(h: &common::TestHandler, id: &str) -> Option<OrderStatus> {
    h.store().clone_order(id).and_then(|o| o.report).map(|r| r.status)
}

#[test]
fn cancel_resting_limit_is_canceled_and_stored() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();

    let report = h.handle_json(&cancel("o-1"), 2).unwrap();

    assert_eq!(report.status, OrderStatus::Canceled);
    assert_eq!(stored_status(&h, "o-1"), Some(OrderStatus::Canceled));
    assert_eq!(h.exchange().paper.working_orders(), 0);
}

#[test]
fn cancel_twice_answers_the_canceled_report_again() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();
    h.handle_json(&cancel("o-1"), 2).unwrap();

    let again = h.handle_json(&cancel("o-1"), 3).unwrap();

    assert_eq!((again.status, again.duplicate), (OrderStatus::Canceled, true));
}

#[test]
fn cancel_unknown_order_is_not_found() {
    let mut h = handler(RiskLimits::default());

    let failure = h.handle_json(&cancel("never-placed"), 1).unwrap_err();

    assert_eq!(failure.error_type, "NotFound");
}

#[test]
fn cancel_filled_order_is_conflict_naming_the_state() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap();

    let failure = h.handle_json(&cancel("o-1"), 2).unwrap_err();

    assert_eq!(failure.error_type, "Conflict");
    assert!(failure.message.contains("filled"), "{failure}");
    assert_eq!(stored_status(&h, "o-1"), Some(OrderStatus::Filled));
}

#[test]
fn cancel_for_another_account_is_bad_request() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();

    let failure = h.handle_json(&cancel("o-1").replace(ACCOUNT, "someone-else"), 2).unwrap_err();

    assert_eq!(failure.error_type, "BadRequest");
    assert_eq!(stored_status(&h, "o-1"), Some(OrderStatus::Accepted));
}

#[test]
fn cancel_of_an_order_the_venue_filled_meanwhile_books_the_fill_and_is_conflict() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();
    // The price reaches the limit: the venue fills it, the function has not heard of it.
    h.exchange_mut().paper.on_mark_price("BTCUSDT", d("40990.00"), 2);

    let failure = h.handle_json(&cancel("o-1"), 3).unwrap_err();

    assert_eq!(failure.error_type, "Conflict");
    assert!(failure.message.contains("filled"), "{failure}");
    assert_eq!(stored_status(&h, "o-1"), Some(OrderStatus::Filled));
    let position = h.store().clone_position(ACCOUNT, "BTCUSDT").unwrap();
    assert_eq!(position.position.quantity(), d("0.001"));
}

#[test]
fn cancel_when_venue_unreachable_stays_pending_cancel_and_a_retry_finishes_it() {
    let mut h = handler(RiskLimits::default());
    h.handle_json(&limit("o-1", "buy", "0.001", "41000.00"), 1).unwrap();
    h.exchange_mut().fail_next_cancel(ErrorClass::Retryable);

    let failure = h.handle_json(&cancel("o-1"), 2).unwrap_err();
    let pending = stored_status(&h, "o-1");
    let retried = h.handle_json(&cancel("o-1"), 3).unwrap();

    assert_eq!(failure.error_type, "TemporaryError");
    assert_eq!(pending, Some(OrderStatus::PendingCancel));
    assert_eq!(retried.status, OrderStatus::Canceled);
    assert_eq!(stored_status(&h, "o-1"), Some(OrderStatus::Canceled));
}

#[test]
fn placing_again_after_cancel_replays_the_canceled_order() {
    let mut h = handler(RiskLimits::default());
    let order = limit("o-1", "buy", "0.001", "41000.00");
    h.handle_json(&order, 1).unwrap();
    h.handle_json(&cancel("o-1"), 2).unwrap();

    let again = h.handle_json(&order, 3).unwrap();

    assert_eq!((again.status, again.duplicate), (OrderStatus::Canceled, true));
    assert_eq!(h.exchange().paper.working_orders(), 0);
}
