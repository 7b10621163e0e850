//! The venue contract: what every client must do the same way on every venue, written once and
//! run against each simulator and, with keys, each venue's test environment.
//!
//! The only order it places is a limit buy at half the market price (never fills), which it then
//! cancels, so it is safe on a real test environment: an unknown id is not found; the order rests
//! with nothing filled; a second placement under the same client order id answers the first
//! order (none placed twice); a query finds it by client order id; a cancel ends it; a second
//! cancel is refused as permanent; a query after shows it canceled.

use std::time::{SystemTime, UNIX_EPOCH};

use fks_execution_core::{
    Decimal, ErrorClass, ExchangeClient, Instrument, MarketContext, OrderCommand, OrderType, Remainder, Side,
    TimeInForce,
};

/// What the venue's answers can be held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answers {
    /// A venue that keeps state (the simulators, Binance's spot testnet): every expectation.
    Stateful,
    /// A venue answering pre-defined responses whatever was sent (Coinbase's Advanced Trade
    /// sandbox): each call must be answered and read, nothing about state can be.
    Static,
}

/// A client order id unique to this run (a test environment keeps earlier runs' orders).
#[must_use]
pub fn run_id(prefix: &str) -> String {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    format!("{prefix}{}", ms % 1_000_000_000_000)
}

/// The contract's limit buy of `instrument`: half of `last_price` on the tick, a quantity worth
/// twice the minimum notional (at least 20 in quote), on the step.
#[must_use]
pub fn far_limit_buy(id: &str, instrument: &Instrument, last_price: Decimal) -> OrderCommand {
    let price = (last_price / Decimal::TWO / instrument.tick_size).floor() * instrument.tick_size;
    let notional = (instrument.min_notional * Decimal::TWO).max(Decimal::from(20));
    let steps = (notional / price / instrument.step_size).ceil();
    let quantity = (steps * instrument.step_size).max(instrument.min_quantity);
    OrderCommand {
        client_order_id: id.to_owned(),
        signal_id: None,
        account: "contract".into(),
        symbol: instrument.symbol.clone(),
        side: Side::Buy,
        order_type: OrderType::Limit,
        quantity,
        price: Some(price),
        stop_price: None,
        time_in_force: TimeInForce::Gtc,
        reduce_only: false,
        protection: None,
    }
}

/// Runs the contract on `client` for `instrument` trading at `last_price`.
///
/// # Panics
/// On the first expectation the venue does not meet, naming it.
pub fn run<C: ExchangeClient>(
    client: &mut C,
    instrument: &Instrument,
    last_price: Decimal,
    answers: Answers,
) {
    let market = MarketContext { now_ms: 0, mark_price: last_price };
    let order = far_limit_buy(&run_id("ct"), instrument, last_price);
    let unknown = OrderCommand { client_order_id: run_id("no"), ..order.clone() };
    let stateful = answers == Answers::Stateful;

    let missing = client.query(&unknown, &market).expect("a query of an unknown id is answered");
    let placed = client.place(&order, &market).expect("the far limit buy is placed");
    let again = client.place(&order, &market);
    let found = client.query(&order, &market).expect("the query is answered");
    let canceled = client.cancel(&order, &market).expect("the cancel is answered");
    let twice = client.cancel(&order, &market);
    let after = client.query(&order, &market).expect("the query after the cancel is answered");

    if !stateful {
        return;
    }
    assert_eq!(missing, None, "an id never sent is not found");
    assert_eq!(
        (placed.remainder, placed.fills.len()),
        (Remainder::Working, 0),
        "the far limit rests: {placed:?}"
    );
    let again = again.expect("a repeat placement answers the first order");
    assert_eq!(again.venue_order_id, placed.venue_order_id, "no second order under one client order id");
    let found = found.expect("the order is found by its client order id");
    assert_eq!(
        (found.venue_order_id.as_str(), found.remainder),
        (placed.venue_order_id.as_str(), Remainder::Working)
    );
    assert_eq!((canceled.remainder, canceled.fills.len()), (Remainder::Canceled, 0), "{canceled:?}");
    let twice = twice.expect_err("a canceled order cannot be canceled again");
    assert_eq!(twice.class, ErrorClass::Permanent, "{twice:?}");
    let after = after.expect("a canceled order is still found");
    assert_eq!(after.remainder, Remainder::Canceled);
}
