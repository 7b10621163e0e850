//! The circuit breaker across invocations and cold starts: counts and trips live in the store.

mod common;

use common::{command, d, handler, handler_on, ACCOUNT};
use execute_order::store::MemoryStore;
use fks_execution_core::{ErrorClass, HaltReason, OrderStatus, RiskLimits, TradingState};

const DAY_MS: u64 = 86_400_000;

fn limits() -> RiskLimits {
    RiskLimits {
        daily_loss_limit: Some(d("10")),
        max_consecutive_exchange_errors: Some(3),
        ..RiskLimits::default()
    }
}

/// The store of `h`, as a new container would find it.
fn cold_start(h: &mut common::TestHandler) -> common::TestHandler {
    handler_on(std::mem::take(h.store_mut()), limits())
}

#[test]
fn exchange_errors_in_separate_invocations_trip_the_breaker() {
    let mut h = handler(limits());
    for i in 0..3 {
        h.exchange_mut().fail_next_place(ErrorClass::Retryable, "-1001", "disconnected");
        let failure = h.handle_json(&command(&format!("e-{i}"), "buy", "0.001"), i).unwrap_err();
        assert_eq!(failure.error_type, "TemporaryError");
    }

    let risk = h.store().clone_risk_state(ACCOUNT);
    let mut cold = cold_start(&mut h);
    let denied = cold.handle_json(&command("o-1", "buy", "0.001"), 10).unwrap_err();

    assert_eq!((risk.state, risk.halt_reason), (TradingState::Halted, Some(HaltReason::ExchangeErrors)));
    assert_eq!(risk.consecutive_errors, 3);
    assert_eq!(denied.error_type, "RiskDenied");
}

#[test]
fn a_success_between_errors_resets_the_stored_count() {
    let mut h = handler(limits());
    h.exchange_mut().fail_next_place(ErrorClass::Retryable, "-1001", "disconnected");
    h.handle_json(&command("e-1", "buy", "0.001"), 1).unwrap_err();

    h.handle_json(&command("o-1", "buy", "0.001"), 2).unwrap();

    assert_eq!(h.store().clone_risk_state(ACCOUNT).consecutive_errors, 0);
}

#[test]
fn realized_daily_loss_trips_the_breaker_for_later_invocations() {
    let mut h = handler(limits());
    h.handle_json(&command("o-1", "buy", "0.01"), 1).unwrap();
    h.market_mut().set_mark("BTCUSDT", d("40900"));

    // 0.01 × (40 900 − 42 000) = −11: beyond the 10 limit.
    let closing = h.handle_json(&command("o-2", "sell", "0.01"), 2).unwrap();
    let mut cold = cold_start(&mut h);
    let denied = cold.handle_json(&command("o-3", "buy", "0.001"), 3).unwrap_err();

    assert_eq!(closing.status, OrderStatus::Filled);
    let risk = cold.store().clone_risk_state(ACCOUNT);
    assert_eq!((risk.state, risk.halt_reason), (TradingState::Halted, Some(HaltReason::DailyLoss)));
    assert_eq!(risk.day_pnl, d("-11"));
    assert_eq!(denied.error_type, "RiskDenied");
    assert!(denied.message.contains("DailyLoss"), "{denied}");
}

#[test]
fn losses_add_up_across_invocations_of_the_same_day() {
    let mut h = handler(limits());
    let trades = [("buy", "42000"), ("sell", "41400"), ("buy", "41400"), ("sell", "40800")];
    for (i, (side, mark)) in (0_u64..).zip(trades) {
        let mut cold = cold_start(&mut h);
        cold.market_mut().set_mark("BTCUSDT", d(mark));
        cold.handle_json(&command(&format!("o-{i}"), side, "0.01"), i).unwrap();
        h = cold;
    }

    // Two losses of 6: neither alone reaches the limit, together they do.
    let risk = h.store().clone_risk_state(ACCOUNT);
    assert_eq!(risk.day_pnl, d("-12"));
    assert_eq!(risk.state, TradingState::Halted);
}

#[test]
fn yesterdays_loss_does_not_count_today() {
    let mut h = handler(limits());
    h.handle_json(&command("o-1", "buy", "0.01"), 1).unwrap();
    h.market_mut().set_mark("BTCUSDT", d("41400"));
    h.handle_json(&command("o-2", "sell", "0.01"), 2).unwrap();

    h.handle_json(&command("o-3", "buy", "0.01"), DAY_MS + 1).unwrap();
    h.market_mut().set_mark("BTCUSDT", d("40800"));
    h.handle_json(&command("o-4", "sell", "0.01"), DAY_MS + 2).unwrap();

    // 6 lost each day: 12 in all, but only 6 today.
    let risk = h.store().clone_risk_state(ACCOUNT);
    assert_eq!((risk.day, risk.day_pnl), (Some(1), d("-6")));
    assert_eq!(risk.state, TradingState::Active);
}

#[test]
fn resume_is_the_only_way_out_of_a_halt() {
    let mut store = MemoryStore::default();
    store.set_trading_state(ACCOUNT, TradingState::Halted);
    let mut h = handler_on(store, limits());
    let denied = h.handle_json(&command("o-1", "buy", "0.001"), 1).unwrap_err();

    h.store_mut().set_trading_state(ACCOUNT, TradingState::Active);
    let report = h.handle_json(&command("o-2", "buy", "0.001"), 2).unwrap();

    assert_eq!(denied.error_type, "RiskDenied");
    assert_eq!(report.status, OrderStatus::Filled);
}
