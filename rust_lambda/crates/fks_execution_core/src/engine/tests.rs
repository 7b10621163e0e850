use std::collections::VecDeque;

use super::*;
use crate::circuit_breaker::TradingState;
use crate::errors::ErrorClass;
use crate::exchange::VenueOrder;
use crate::order::Side;
use crate::paper::{PaperConfig, PaperExchange};
use crate::position::PositionSide;
use crate::risk::RiskRule;
use crate::test_support::{btcusdt, d, limit_buy, market_buy, ACCOUNT};

/// Paper venue that can be told to fail its next placements, optionally after placing (the
/// timeout-after-send case a live venue produces).
#[derive(Default)]
struct Scripted {
    inner: PaperExchange,
    place_failures: VecDeque<(ExchangeError, bool)>,
    placements: usize,
}

impl Scripted {
    fn failing(errors: impl IntoIterator<Item = (ErrorClass, bool)>) -> Self {
        let place_failures =
            errors.into_iter().map(|(class, placed)| (ExchangeError::new(class, "boom"), placed)).collect();
        Self { place_failures, ..Self::default() }
    }
}

impl ExchangeClient for Scripted {
    fn place(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        self.placements += 1;
        if let Some((error, placed_anyway)) = self.place_failures.pop_front() {
            if placed_anyway {
                self.inner.place(order, market)?;
            }
            return Err(error);
        }
        self.inner.place(order, market)
    }

    fn cancel(&mut self, order: &OrderCommand, market: &MarketContext) -> Result<VenueOrder, ExchangeError> {
        self.inner.cancel(order, market)
    }

    fn query(
        &mut self,
        order: &OrderCommand,
        market: &MarketContext,
    ) -> Result<Option<VenueOrder>, ExchangeError> {
        self.inner.query(order, market)
    }

    fn on_mark_price(&mut self, symbol: &str, price: Decimal, now_ms: u64) -> Vec<VenueOrder> {
        self.inner.on_mark_price(symbol, price, now_ms)
    }
}

fn engine_with<C: ExchangeClient>(limits: RiskLimits, client: C) -> Engine<C> {
    let mut engine = Engine::new(ACCOUNT, limits, client);
    engine.add_instrument(btcusdt()).unwrap();
    engine
}

fn paper_engine(limits: RiskLimits) -> Engine<PaperExchange> {
    engine_with(limits, PaperExchange::new(PaperConfig { fee_bps: d("10"), ..PaperConfig::default() }))
}

fn sell(command: OrderCommand) -> OrderCommand {
    OrderCommand { side: Side::Sell, ..command }
}

fn denial_reason(result: Result<ExecutionReport, Denial>) -> DenialReason {
    match result {
        Err(Denial::Invalid(denial)) => denial.reason,
        other => panic!("expected an invalid-command denial, got {other:?}"),
    }
}

fn risk_rule(result: Result<ExecutionReport, Denial>) -> RiskRule {
    match result {
        Err(Denial::Risk(denial)) => denial.rule,
        other => panic!("expected a risk denial, got {other:?}"),
    }
}

#[test]
fn submit_market_buy_fills_and_opens_long_position() {
    let mut engine = paper_engine(RiskLimits::default());

    let report = engine.submit(market_buy("o-1", "0.5"), 1_000, d("60000.00")).unwrap();

    assert_eq!(report.status, OrderStatus::Filled);
    assert_eq!(report.filled_qty, d("0.5"));
    assert_eq!(report.avg_fill_price, Some(d("60000.00")));
    // 0.5 × 60 000 × 10 bps = 30.00
    assert_eq!(report.fees, d("30.00"));
    assert_eq!(report.fills.len(), 1);
    assert!(!report.duplicate);
    let position = report.position.unwrap();
    assert_eq!(position.side, PositionSide::Long);
    assert_eq!(position.quantity, d("0.5"));
    assert_eq!(engine.open_orders(), 0);
}

#[test]
fn submit_repeated_client_order_id_returns_existing_order_and_places_nothing() {
    let mut engine = engine_with(RiskLimits::default(), Scripted::default());
    let first = engine.submit(market_buy("o-1", "0.5"), 1_000, d("60000.00")).unwrap();

    let again = engine.submit(market_buy("o-1", "0.5"), 2_000, d("61000.00")).unwrap();

    assert!(again.duplicate);
    assert!(again.fills.is_empty());
    assert_eq!(again.venue_order_id, first.venue_order_id);
    assert_eq!(again.status, OrderStatus::Filled);
    assert_eq!(engine.client().placements, 1);
    assert_eq!(engine.position("BTCUSDT").unwrap().quantity(), d("0.5"));
}

#[test]
fn submit_reused_client_order_id_with_other_content_is_conflict() {
    let mut engine = paper_engine(RiskLimits::default());
    engine.submit(market_buy("o-1", "0.5"), 1_000, d("60000")).unwrap();

    let result = engine.submit(market_buy("o-1", "0.6"), 2_000, d("60000"));

    assert_eq!(result.as_ref().unwrap_err().error_name(), "Conflict");
    assert_eq!(denial_reason(result), DenialReason::ClientOrderIdReused);
}

#[test]
fn submit_invalid_command_is_denied_and_not_recorded() {
    let mut engine = paper_engine(RiskLimits::default());
    let result = engine.submit(market_buy("o-1", "0.000015"), 1_000, d("60000"));
    assert_eq!(result.as_ref().unwrap_err().error_name(), "BadRequest");
    assert_eq!(denial_reason(result), DenialReason::QuantityOffStep);
    assert!(engine.order("o-1").is_none());
}

#[test]
fn submit_unknown_symbol_is_unknown_instrument() {
    let mut engine = paper_engine(RiskLimits::default());
    let command = OrderCommand { symbol: "DOGEUSDT".into(), ..market_buy("o-1", "1") };
    assert_eq!(denial_reason(engine.submit(command, 0, d("1"))), DenialReason::UnknownInstrument);
}

#[test]
fn submit_for_another_account_is_wrong_account() {
    let mut engine = paper_engine(RiskLimits::default());
    let command = OrderCommand { account: "other".into(), ..market_buy("o-1", "1") };
    assert_eq!(denial_reason(engine.submit(command, 0, d("100"))), DenialReason::WrongAccount);
}

#[test]
fn submit_above_order_notional_is_risk_denied_and_not_recorded() {
    let mut engine =
        paper_engine(RiskLimits { max_order_notional: Some(d("10000")), ..RiskLimits::default() });
    let result = engine.submit(market_buy("o-1", "1"), 0, d("60000"));
    assert_eq!(result.as_ref().unwrap_err().error_name(), "RiskDenied");
    assert_eq!(risk_rule(result), RiskRule::MaxOrderNotional);
    assert!(engine.order("o-1").is_none());
}

#[test]
fn resting_limit_counts_as_open_and_max_open_orders_refuses_the_next() {
    let mut engine = paper_engine(RiskLimits { max_open_orders: Some(1), ..RiskLimits::default() });

    let report = engine.submit(limit_buy("o-1", "0.1", "59000.00"), 0, d("60000")).unwrap();

    assert_eq!(report.status, OrderStatus::Accepted);
    assert_eq!(engine.open_orders(), 1);
    assert_eq!(
        risk_rule(engine.submit(limit_buy("o-2", "0.1", "58000.00"), 1, d("60000"))),
        RiskRule::MaxOpenOrders
    );
}

#[test]
fn cancel_working_order_is_canceled_and_no_longer_open() {
    let mut engine = paper_engine(RiskLimits::default());
    engine.submit(limit_buy("o-1", "0.1", "59000.00"), 0, d("60000")).unwrap();

    let report = engine.cancel("o-1", 1).unwrap();

    assert_eq!(report.status, OrderStatus::Canceled);
    assert_eq!(engine.open_orders(), 0);
}

#[test]
fn cancel_refused_because_venue_already_filled_brings_order_up_to_date() {
    let mut engine = paper_engine(RiskLimits::default());
    engine.submit(limit_buy("o-1", "0.1", "59000.00"), 0, d("60000")).unwrap();
    // The venue fills the order before the engine hears of it.
    engine.client_mut().on_mark_price("BTCUSDT", d("58000.00"), 1);

    let result = engine.cancel("o-1", 2);

    assert_eq!(result.unwrap_err().error_name(), "PermanentError");
    assert_eq!(engine.order("o-1").unwrap().status(), OrderStatus::Filled);
    assert_eq!(engine.position("BTCUSDT").unwrap().quantity(), d("0.1"));
    assert_eq!(engine.open_orders(), 0);
}

#[test]
fn restored_order_is_canceled_like_the_original() {
    let mut engine = paper_engine(RiskLimits::default());
    let command = limit_buy("o-1", "0.1", "59000.00");
    let placed = engine.submit(command.clone(), 0, d("60000")).unwrap();
    // A stateless process knows the order only from its stored report.
    engine.restore_order(Order::restore(command, &placed, Vec::new()));

    let report = engine.cancel("o-1", 1).unwrap();

    assert_eq!(report.status, OrderStatus::Canceled);
    assert_eq!(engine.open_orders(), 0);
}

#[test]
fn restored_order_does_not_book_a_known_fill_twice() {
    let mut engine = paper_engine(RiskLimits::default());
    let command = limit_buy("o-1", "0.1", "59000.00");
    let placed = engine.submit(command.clone(), 0, d("60000")).unwrap();
    let filled = &engine.update_mark("BTCUSDT", d("58900.00"), 1)[0];
    let filled = filled.as_ref().unwrap();
    let trade_ids = filled.fills.iter().map(|f| f.trade_id.clone()).collect();
    engine.restore_order(Order::restore(command, filled, trade_ids));
    let venue = VenueOrder {
        client_order_id: "o-1".into(),
        venue_order_id: placed.venue_order_id.clone().unwrap(),
        triggered: true,
        fills: filled.fills.clone(),
        remainder: crate::exchange::Remainder::None,
    };

    let again = engine.on_venue_update(&venue, 2).unwrap();

    assert!(again.fills.is_empty());
    assert_eq!(engine.position("BTCUSDT").unwrap().quantity(), d("0.1"));
}

#[test]
fn venue_trigger_flag_on_a_plain_limit_leaves_it_accepted() {
    let mut engine = paper_engine(RiskLimits::default());
    let placed = engine.submit(limit_buy("o-1", "0.1", "59000.00"), 0, d("60000")).unwrap();
    let venue = VenueOrder {
        client_order_id: "o-1".into(),
        venue_order_id: placed.venue_order_id.unwrap(),
        triggered: true,
        fills: Vec::new(),
        remainder: crate::exchange::Remainder::Working,
    };

    let report = engine.on_venue_update(&venue, 1).unwrap();

    assert_eq!(report.status, OrderStatus::Accepted);
}

#[test]
fn cancel_filled_order_is_order_closed() {
    let mut engine = paper_engine(RiskLimits::default());
    engine.submit(market_buy("o-1", "0.1"), 0, d("60000")).unwrap();
    assert_eq!(denial_reason(engine.cancel("o-1", 1)), DenialReason::OrderClosed);
}

#[test]
fn cancel_unknown_order_is_not_found() {
    let mut engine = paper_engine(RiskLimits::default());
    let result = engine.cancel("nope", 1);
    assert_eq!(result.unwrap_err().error_name(), "NotFound");
}

#[test]
fn update_mark_fills_resting_limit_and_updates_position() {
    let mut engine = paper_engine(RiskLimits::default());
    engine.submit(limit_buy("o-1", "0.1", "59000.00"), 0, d("60000")).unwrap();

    let reports = engine.update_mark("BTCUSDT", d("58900.00"), 5);

    let report = reports[0].as_ref().unwrap();
    assert_eq!(report.status, OrderStatus::Filled);
    assert_eq!(report.avg_fill_price, Some(d("59000.00")));
    // long 0.1 from 59 000 marked at 58 900: −10.00
    assert_eq!(report.position.as_ref().unwrap().unrealized_pnl, d("-10.00"));
}

#[test]
fn sell_through_zero_via_engine_flips_position_and_realizes_pnl() {
    let mut engine = paper_engine(RiskLimits::default());
    engine.submit(market_buy("o-1", "0.1"), 0, d("60000.00")).unwrap();

    let report = engine.submit(sell(market_buy("o-2", "0.3")), 1, d("61000.00")).unwrap();

    let position = report.position.unwrap();
    assert_eq!(position.side, PositionSide::Short);
    assert_eq!(position.quantity, d("-0.2"));
    assert_eq!(position.avg_entry_price, d("61000.00"));
    // 0.1 × (61 000 − 60 000) = 100.00 realized; fees 6.00 + 18.30
    assert_eq!(position.realized_pnl, d("100.00"));
    assert_eq!(position.fees, d("24.30"));
}

#[test]
fn permanent_exchange_error_rejects_order_with_reason() {
    let mut engine = engine_with(RiskLimits::default(), Scripted::failing([(ErrorClass::Permanent, false)]));

    let report = engine.submit(market_buy("o-1", "0.1"), 0, d("60000")).unwrap();

    assert_eq!(report.status, OrderStatus::Rejected);
    assert_eq!(report.reason.as_deref(), Some("boom"));
    assert_eq!(engine.risk().breaker().consecutive_errors(), 0);
}

#[test]
fn retryable_error_keeps_order_submitted_and_repeat_reconciles_without_placing_again() {
    let mut engine = engine_with(RiskLimits::default(), Scripted::failing([(ErrorClass::Retryable, true)]));

    let first = engine.submit(market_buy("o-1", "0.1"), 0, d("60000.00"));
    assert_eq!(first.unwrap_err().error_name(), "TemporaryError");
    assert_eq!(engine.order("o-1").unwrap().status(), OrderStatus::Submitted);

    let again = engine.submit(market_buy("o-1", "0.1"), 1, d("60000.00")).unwrap();

    assert!(again.duplicate);
    assert_eq!(again.status, OrderStatus::Filled);
    assert_eq!(again.fills.len(), 1);
    assert_eq!(engine.client().placements, 1);
    assert_eq!(engine.position("BTCUSDT").unwrap().quantity(), d("0.1"));
}

#[test]
fn rate_limited_placement_leaves_no_record_so_a_retry_places_it() {
    let mut engine =
        engine_with(RiskLimits::default(), Scripted::failing([(ErrorClass::RateLimited, false)]));

    let first = engine.submit(market_buy("o-1", "0.1"), 0, d("60000"));
    assert_eq!(first.unwrap_err().error_name(), "RateLimited");
    assert!(engine.order("o-1").is_none());

    let retry = engine.submit(market_buy("o-1", "0.1"), 1_000, d("60000")).unwrap();
    assert_eq!(retry.status, OrderStatus::Filled);
    assert_eq!(engine.client().placements, 2);
}

#[test]
fn consecutive_exchange_errors_halt_until_resume() {
    let limits = RiskLimits { max_consecutive_exchange_errors: Some(2), ..RiskLimits::default() };
    let failures = [(ErrorClass::Retryable, false), (ErrorClass::Retryable, false)];
    let mut engine = engine_with(limits, Scripted::failing(failures));
    assert!(engine.submit(market_buy("o-1", "0.1"), 0, d("60000")).is_err());
    assert!(engine.submit(market_buy("o-2", "0.1"), 1, d("60000")).is_err());

    assert_eq!(risk_rule(engine.submit(market_buy("o-3", "0.1"), 2, d("60000"))), RiskRule::TradingHalted);

    engine.risk_mut().resume();
    assert_eq!(engine.submit(market_buy("o-4", "0.1"), 3, d("60000")).unwrap().status, OrderStatus::Filled);
}

#[test]
fn mark_drop_breaching_daily_loss_halts_trading() {
    let mut engine = paper_engine(RiskLimits { daily_loss_limit: Some(d("50")), ..RiskLimits::default() });
    engine.submit(market_buy("o-1", "0.1"), 0, d("60000.00")).unwrap();

    // −6.00 fees, then 0.1 × (59 500 − 60 000) = −50.00: day loss 56 ≥ 50
    engine.update_mark("BTCUSDT", d("59500.00"), 10);

    assert_eq!(engine.risk().state(), TradingState::Halted);
    assert_eq!(risk_rule(engine.submit(sell(market_buy("o-2", "0.1")), 11, d("59500"))), RiskRule::DailyLoss);
}

#[test]
fn reducing_state_lets_a_closing_order_through_and_refuses_an_increase() {
    let mut engine = paper_engine(RiskLimits::default());
    engine.submit(market_buy("o-1", "0.2"), 0, d("60000")).unwrap();
    engine.risk_mut().set_reducing();

    assert_eq!(risk_rule(engine.submit(market_buy("o-2", "0.1"), 1, d("60000"))), RiskRule::ReducingOnly);
    let close = OrderCommand { reduce_only: true, ..sell(market_buy("o-3", "0.2")) };
    let report = engine.submit(close, 2, d("60000")).unwrap();

    assert_eq!(report.position.unwrap().side, PositionSide::Flat);
}

#[test]
fn prune_closed_forgets_old_closed_orders_but_keeps_open_ones() {
    let mut engine = paper_engine(RiskLimits::default());
    engine.submit(market_buy("o-1", "0.1"), 0, d("60000")).unwrap();
    engine.submit(limit_buy("o-2", "0.1", "50000.00"), 0, d("60000")).unwrap();

    assert_eq!(engine.prune_closed(100), 1);

    assert!(engine.order("o-1").is_none());
    assert!(engine.order("o-2").is_some());
}
