use super::*;
use crate::command::OrderCommand;
use crate::order::Side;
use crate::test_support::{d, market_buy};

fn sell(quantity: &str) -> OrderCommand {
    OrderCommand { side: Side::Sell, ..market_buy("o-1", quantity) }
}

fn request(command: &OrderCommand) -> RiskRequest<'_> {
    RiskRequest {
        command,
        reference_price: d("100"),
        position_qty: d("0"),
        open_qty_same_side: d("0"),
        open_orders: 0,
        total_pnl: d("0"),
    }
}

fn rule(result: Result<(), RiskDenial>) -> RiskRule {
    result.expect_err("expected a denial").rule
}

#[test]
fn no_limits_allow_any_order() {
    let mut risk = RiskEngine::new(RiskLimits::default());
    assert_eq!(risk.check(&request(&market_buy("o-1", "1000")), 0), Ok(()));
}

#[test]
fn order_notional_above_limit_is_max_order_notional() {
    let mut risk = RiskEngine::new(RiskLimits { max_order_notional: Some(d("1000")), ..Default::default() });
    // 10.01 × 100 = 1001 > 1000
    assert_eq!(rule(risk.check(&request(&market_buy("o-1", "10.01")), 0)), RiskRule::MaxOrderNotional);
}

#[test]
fn order_notional_at_limit_passes() {
    let mut risk = RiskEngine::new(RiskLimits { max_order_notional: Some(d("1000")), ..Default::default() });
    assert_eq!(risk.check(&request(&market_buy("o-1", "10")), 0), Ok(()));
}

#[test]
fn position_quantity_above_limit_is_max_position_quantity() {
    let limits = RiskLimits {
        position_limit: PositionLimit { max_quantity: Some(d("5")), max_notional: None },
        ..Default::default()
    };
    let mut risk = RiskEngine::new(limits);
    let command = market_buy("o-1", "2");
    let req = RiskRequest { position_qty: d("4"), ..request(&command) };
    assert_eq!(rule(risk.check(&req, 0)), RiskRule::MaxPositionQuantity);
}

#[test]
fn open_orders_on_same_side_count_towards_position_limit() {
    let limits = RiskLimits {
        position_limit: PositionLimit { max_quantity: Some(d("5")), max_notional: None },
        ..Default::default()
    };
    let mut risk = RiskEngine::new(limits);
    let command = market_buy("o-1", "2");
    let req = RiskRequest { open_qty_same_side: d("4"), ..request(&command) };
    assert_eq!(rule(risk.check(&req, 0)), RiskRule::MaxPositionQuantity);
}

#[test]
fn per_symbol_position_notional_limit_overrides_default() {
    let mut limits = RiskLimits::default();
    limits
        .position_limits
        .insert("BTCUSDT".into(), PositionLimit { max_quantity: None, max_notional: Some(d("500")) });
    let mut risk = RiskEngine::new(limits);
    // |−3 − 3| × 100 = 600 > 500
    let command = sell("3");
    let req = RiskRequest { position_qty: d("-3"), ..request(&command) };
    assert_eq!(rule(risk.check(&req, 0)), RiskRule::MaxPositionNotional);
}

#[test]
fn reducing_order_passes_even_when_position_above_limit() {
    let limits = RiskLimits {
        position_limit: PositionLimit { max_quantity: Some(d("1")), max_notional: None },
        ..Default::default()
    };
    let mut risk = RiskEngine::new(limits);
    let command = sell("2");
    let req = RiskRequest { position_qty: d("3"), ..request(&command) };
    assert_eq!(risk.check(&req, 0), Ok(()));
}

#[test]
fn open_orders_at_limit_is_max_open_orders() {
    let mut risk = RiskEngine::new(RiskLimits { max_open_orders: Some(2), ..Default::default() });
    let command = market_buy("o-1", "1");
    let req = RiskRequest { open_orders: 2, ..request(&command) };
    assert_eq!(rule(risk.check(&req, 0)), RiskRule::MaxOpenOrders);
}

#[test]
fn third_order_in_window_is_order_rate_then_passes_after_window() {
    let rate = RateLimit { max_orders: 2, window_ms: 1_000 };
    let mut risk = RiskEngine::new(RiskLimits { order_rate: Some(rate), ..Default::default() });
    let command = market_buy("o-1", "1");

    assert_eq!(risk.check(&request(&command), 0), Ok(()));
    assert_eq!(risk.check(&request(&command), 500), Ok(()));
    assert_eq!(rule(risk.check(&request(&command), 999)), RiskRule::OrderRate);
    assert_eq!(risk.check(&request(&command), 1_000), Ok(()));
}

#[test]
fn denied_orders_do_not_count_towards_order_rate() {
    let rate = RateLimit { max_orders: 1, window_ms: 1_000 };
    let limits = RiskLimits { order_rate: Some(rate), max_open_orders: Some(1), ..Default::default() };
    let mut risk = RiskEngine::new(limits);
    let command = market_buy("o-1", "1");
    let busy = RiskRequest { open_orders: 1, ..request(&command) };

    assert_eq!(rule(risk.check(&busy, 0)), RiskRule::MaxOpenOrders);
    assert_eq!(risk.check(&request(&command), 1), Ok(()));
}

#[test]
fn daily_loss_reaching_limit_halts_and_denies_everything_after() {
    let mut risk = RiskEngine::new(RiskLimits { daily_loss_limit: Some(d("100")), ..Default::default() });
    let command = market_buy("o-1", "1");
    assert_eq!(risk.check(&RiskRequest { total_pnl: d("50"), ..request(&command) }, 0), Ok(()));

    // 50 → −50 is a loss of 100 since the day's start
    let after_loss = RiskRequest { total_pnl: d("-50"), ..request(&command) };
    assert_eq!(rule(risk.check(&after_loss, 1)), RiskRule::DailyLoss);
    assert_eq!(risk.state(), TradingState::Halted);
    // even a recovered PnL stays halted until resume
    assert_eq!(rule(risk.check(&request(&command), 2)), RiskRule::DailyLoss);
}

#[test]
fn daily_loss_counts_from_the_new_day_baseline() {
    let mut risk = RiskEngine::new(RiskLimits { daily_loss_limit: Some(d("100")), ..Default::default() });
    let command = market_buy("o-1", "1");
    assert_eq!(risk.check(&RiskRequest { total_pnl: d("0"), ..request(&command) }, 0), Ok(()));

    // −90 yesterday, then a new day starts at −90 and −150 is a day loss of 60
    let day_two = 86_400_000;
    assert_eq!(risk.observe_pnl(d("-90"), 10), d("-90"));
    assert_eq!(risk.observe_pnl(d("-90"), day_two), d("0"));
    assert_eq!(risk.check(&RiskRequest { total_pnl: d("-150"), ..request(&command) }, day_two + 1), Ok(()));
}

#[test]
fn resume_while_daily_loss_still_breached_halts_again() {
    let mut risk = RiskEngine::new(RiskLimits { daily_loss_limit: Some(d("100")), ..Default::default() });
    let command = market_buy("o-1", "1");
    risk.observe_pnl(d("0"), 0);
    risk.observe_pnl(d("-100"), 1);

    risk.resume();

    let still_down = RiskRequest { total_pnl: d("-100"), ..request(&command) };
    assert_eq!(rule(risk.check(&still_down, 2)), RiskRule::DailyLoss);
}

#[test]
fn reducing_state_allows_closing_order() {
    let mut risk = RiskEngine::new(RiskLimits::default());
    assert!(risk.set_reducing());
    let command = sell("1");
    let req = RiskRequest { position_qty: d("1"), ..request(&command) };
    assert_eq!(risk.check(&req, 0), Ok(()));
}

#[test]
fn reducing_state_refuses_increasing_order() {
    let mut risk = RiskEngine::new(RiskLimits::default());
    risk.set_reducing();
    let command = market_buy("o-1", "1");
    let req = RiskRequest { position_qty: d("1"), ..request(&command) };
    assert_eq!(rule(risk.check(&req, 0)), RiskRule::ReducingOnly);
}

#[test]
fn reducing_state_refuses_order_that_flips_through_zero() {
    let mut risk = RiskEngine::new(RiskLimits::default());
    risk.set_reducing();
    let command = sell("2");
    let req = RiskRequest { position_qty: d("1"), ..request(&command) };
    assert_eq!(rule(risk.check(&req, 0)), RiskRule::ReducingOnly);
}

#[test]
fn reduce_only_order_that_would_open_is_reduce_only() {
    let mut risk = RiskEngine::new(RiskLimits::default());
    let command = OrderCommand { reduce_only: true, ..sell("1") };
    assert_eq!(rule(risk.check(&request(&command), 0)), RiskRule::ReduceOnly);
}

#[test]
fn halted_refuses_even_a_reducing_order() {
    let mut risk = RiskEngine::new(RiskLimits::default());
    risk.halt();
    let command = OrderCommand { reduce_only: true, ..sell("1") };
    let req = RiskRequest { position_qty: d("1"), ..request(&command) };
    assert_eq!(rule(risk.check(&req, 0)), RiskRule::TradingHalted);
}

#[test]
fn resume_after_manual_halt_allows_orders() {
    let mut risk = RiskEngine::new(RiskLimits::default());
    risk.halt();
    risk.resume();
    assert_eq!(risk.check(&request(&market_buy("o-1", "1")), 0), Ok(()));
}

#[test]
fn consecutive_exchange_errors_halt_trading() {
    let mut risk =
        RiskEngine::new(RiskLimits { max_consecutive_exchange_errors: Some(2), ..Default::default() });
    risk.record_exchange_error();
    risk.record_exchange_error();
    assert_eq!(rule(risk.check(&request(&market_buy("o-1", "1")), 0)), RiskRule::TradingHalted);
}
