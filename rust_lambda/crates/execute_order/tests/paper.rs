//! Paper trading whose book lives in the tables: every invocation and cold start sees the same
//! orders, positions and balances; resting orders fill at a sync when a candle crossed them.

mod common;

use common::{btcusdt, command, d, limit, ACCOUNT};
use execute_order::handler::{ClaimTiming, Handler};
use execute_order::market::{PriceRange, StaticMarket};
use execute_order::paper_venue::{PaperCosts, PaperVenue};
use execute_order::store::SharedMemoryStore;
use fks_execution_core::{Decimal, OrderStatus, RiskLimits, SyncReport};

type Paper = Handler<SharedMemoryStore, PaperVenue<SharedMemoryStore, StaticMarket>, StaticMarket>;

fn market() -> StaticMarket {
    StaticMarket::default().with(btcusdt(), d("42000"))
}

/// One instance of the function in paper mode (a cold start) over the shared tables, the
/// venue's candles given as `ranges`.
fn instance(store: &SharedMemoryStore, ranges: &[PriceRange]) -> Paper {
    let mut candles = market();
    for range in ranges {
        candles.add_range("BTCUSDT", *range);
    }
    let venue = PaperVenue::new(store.clone(), candles, ACCOUNT, PaperCosts::default());
    Handler::new(store.clone(), venue, market(), ACCOUNT, RiskLimits::default())
        .with_timing(ClaimTiming { wait_ms: 0, ..ClaimTiming::default() })
        .with_paper_balances(&[("USDT".into(), d("1000")), ("BTC".into(), Decimal::ZERO)])
        .expect("memory store answers")
}

fn balance(store: &SharedMemoryStore, asset: &str) -> Decimal {
    let state = store.lock().clone_risk_state(ACCOUNT);
    state.paper_balances.iter().find(|(a, _)| a == asset).map(|(_, v)| *v).unwrap_or_default()
}

fn minute(open_ms: u64, low: &str, high: &str) -> PriceRange {
    PriceRange { open_ms, high: d(high), low: d(low) }
}

fn sync(h: &mut Paper, now_ms: u64) -> SyncReport {
    let answer = h.handle_event(&common::sync(), now_ms).expect("sync answers");
    serde_json::from_value(answer).expect("a sync report")
}

#[test]
fn a_market_buy_fills_at_the_venue_price_with_slippage_and_fee_and_moves_the_balances() {
    let store = SharedMemoryStore::default();

    let report = instance(&store, &[]).handle_json(&command("p-1", "buy", "0.01"), 1_000).unwrap();

    // 42000 + 5 bps slippage = 42021; fee 10 bps of 420.21 = 0.42021.
    assert_eq!(report.status, OrderStatus::Filled);
    assert_eq!((report.fills[0].price, report.fills[0].fee), (d("42021"), d("0.42021")));
    assert_eq!(balance(&store, "BTC"), d("0.01"));
    assert_eq!(balance(&store, "USDT"), d("1000") - d("420.21") - d("0.42021"));
    let cold = instance(&store, &[]);
    assert_eq!(balance(&store, "USDT"), d("579.36979"), "a cold start keeps the book: {cold:?}");
}

#[test]
fn a_resting_limit_fills_at_a_later_sync_of_another_instance_once_a_candle_crossed_it() {
    let store = SharedMemoryStore::default();
    let placed = instance(&store, &[]).handle_json(&limit("p-2", "buy", "0.01", "41000.00"), 60_000).unwrap();

    let before_cross = sync(&mut instance(&store, &[minute(120_000, "41500", "42500")]), 150_000);
    let crossed = [minute(120_000, "41500", "42500"), minute(180_000, "40900", "41800")];
    let filled = sync(&mut instance(&store, &crossed), 200_000);
    let again = sync(&mut instance(&store, &crossed), 210_000);

    assert_eq!(placed.status, OrderStatus::Accepted);
    assert!(before_cross.reports.is_empty());
    assert_eq!(filled.reports.len(), 1);
    let report = &filled.reports[0];
    assert_eq!((report.status, report.fills[0].price), (OrderStatus::Filled, d("41000.00")));
    assert_eq!(report.fills[0].ts_ms, 180_000);
    assert!(again.reports.is_empty(), "booked once");
    assert_eq!(balance(&store, "BTC"), d("0.01"));
    let position = store.lock().clone_position(ACCOUNT, "BTCUSDT").unwrap();
    assert_eq!(position.position.quantity(), d("0.01"));
}

#[test]
fn a_buy_beyond_the_paper_balance_is_insufficient_funds() {
    let store = SharedMemoryStore::default();

    let failure = instance(&store, &[]).handle_json(&command("p-3", "buy", "0.1"), 1_000).unwrap_err();

    assert_eq!(failure.error_type, "InsufficientFunds");
    assert_eq!(balance(&store, "USDT"), d("1000"));
    let stored = store.lock().clone_order("p-3").and_then(|o| o.report).map(|r| r.status);
    assert_eq!(stored, Some(OrderStatus::Rejected));
}

#[test]
fn a_paper_stop_limit_sell_triggers_on_a_candle_low_and_fills_at_the_stop_as_a_taker() {
    let store = SharedMemoryStore::default();
    instance(&store, &[]).handle_json(&command("p-4", "buy", "0.01"), 1_000).unwrap();
    let stop = command("p-5", "sell", "0.01")
        .replace(r#""type":"market""#, r#""type":"stop_limit","stop_price":"41000.00","price":"40900.00""#);
    let resting = instance(&store, &[]).handle_json(&stop, 2_000).unwrap();

    let report = sync(&mut instance(&store, &[minute(60_000, "40800", "41200")]), 90_000);

    assert_eq!(resting.status, OrderStatus::Accepted);
    assert_eq!(report.reports.len(), 1);
    // Its limit (40900) is marketable at the trigger: it executes there, 5 bps slipped, as on the
    // venue; the limit only bounds how far a gap could take it.
    assert_eq!(
        (report.reports[0].status, report.reports[0].fills[0].price),
        (OrderStatus::Filled, d("40979.5000"))
    );
    assert_eq!(balance(&store, "BTC"), d("0"));
}

#[test]
fn a_paper_stop_limit_whose_limit_is_not_marketable_rests_at_its_limit_once_triggered() {
    let store = SharedMemoryStore::default();
    instance(&store, &[]).handle_json(&command("p-4", "buy", "0.01"), 1_000).unwrap();
    // A sell stop with its limit above the trigger: triggered at 41000, it waits for 41100.
    let stop = command("p-5", "sell", "0.01")
        .replace(r#""type":"market""#, r#""type":"stop_limit","stop_price":"41000.00","price":"41100.00""#);
    instance(&store, &[]).handle_json(&stop, 2_000).unwrap();

    let triggered = sync(&mut instance(&store, &[minute(60_000, "40800", "41050")]), 90_000);
    let filled = sync(
        &mut instance(&store, &[minute(60_000, "40800", "41050"), minute(120_000, "40900", "41150")]),
        150_000,
    );

    assert!(triggered.reports.iter().all(|r| r.fills.is_empty()));
    let fill = filled.reports.iter().flat_map(|r| r.fills.iter()).next().expect("filled at its limit");
    assert_eq!(fill.price, d("41100.00"));
}

fn protected(event: &str) -> String {
    let end = event.rfind('}').expect("a JSON object");
    format!(r#"{},"protection":{{"stop_loss_pct":"2","take_profit_pct":"4"}}}}"#, &event[..end])
}

fn working(store: &SharedMemoryStore) -> Vec<String> {
    use execute_order::store::Store;
    let mut book = store.clone();
    book.working_orders(ACCOUNT).unwrap().into_iter().map(|o| o.command.client_order_id).collect()
}

#[test]
fn a_resting_buy_locks_its_quote_so_a_second_buy_beyond_the_free_balance_is_refused() {
    let store = SharedMemoryStore::default();
    // 0.02 at 41000 locks 820 USDT and its 0.82 fee: 179.18 stay free.
    instance(&store, &[]).handle_json(&limit("p-6", "buy", "0.02", "41000.00"), 1_000).unwrap();

    let failure = instance(&store, &[]).handle_json(&command("p-7", "buy", "0.005"), 2_000).unwrap_err();
    let fits = instance(&store, &[]).handle_json(&command("p-8", "buy", "0.004"), 3_000).unwrap();

    assert_eq!(failure.error_type, "InsufficientFunds", "{failure}");
    assert_eq!(fits.status, OrderStatus::Filled);
}

#[test]
fn a_closing_sell_cancels_the_resting_exits_first_and_nothing_fills_against_nothing_later() {
    let store = SharedMemoryStore::default();
    let entry = instance(&store, &[]).handle_json(&protected(&command("p-9", "buy", "0.01")), 1_000).unwrap();

    let close = instance(&store, &[]).handle_json(&command("p-10", "sell", "0.01"), 2_000).unwrap();
    let again = instance(&store, &[]).handle_json(&command("p-10", "sell", "0.01"), 2_500).unwrap();
    // Later the price runs through both former exits: nothing is left to fill.
    let ranges = [minute(60_000, "40000", "44000")];
    let synced = sync(&mut instance(&store, &ranges), 90_000);

    assert_eq!(entry.exits.len(), 2);
    assert_eq!(close.status, OrderStatus::Filled);
    assert!(again.duplicate && again.fills.is_empty());
    for exit in ["p-9-sl", "p-9-tp"] {
        let status = store.lock().clone_order(exit).and_then(|o| o.report).map(|r| r.status);
        assert_eq!(status, Some(OrderStatus::Canceled), "{exit}");
    }
    assert!(synced.reports.is_empty(), "{:?}", synced.reports);
    assert!(working(&store).is_empty());
    assert_eq!(balance(&store, "BTC"), d("0"));
    assert!(balance(&store, "USDT") > Decimal::ZERO);
    assert_eq!(store.lock().clone_risk_state(ACCOUNT).open_orders, 0, "the exits' slots are free");
}

#[test]
fn an_exit_that_filled_before_the_close_is_booked_as_its_fill_and_the_close_sells_nothing() {
    let store = SharedMemoryStore::default();
    instance(&store, &[]).handle_json(&protected(&command("p-11", "buy", "0.01")), 1_000).unwrap();
    // The take profit (42021 + 4 % = 43701.84) was reached before any sync learnt it.
    let reached = [minute(60_000, "42500", "43800")];

    let failure =
        instance(&store, &reached).handle_json(&command("p-12", "sell", "0.01"), 90_000).unwrap_err();
    let retry = instance(&store, &reached).handle_json(&command("p-12", "sell", "0.01"), 95_000).unwrap_err();

    assert_eq!(failure.error_type, "Conflict", "{failure}");
    assert!(failure.message.contains("nothing was sold"), "{failure}");
    assert_eq!(retry.error_type, "Conflict", "the retry replays the refusal: {retry}");
    let close = store.lock().clone_order("p-12").and_then(|o| o.report).unwrap();
    assert_eq!((close.status, close.filled_qty), (OrderStatus::Rejected, d("0")));
    let take = store.lock().clone_order("p-11-tp").and_then(|o| o.report).unwrap();
    assert_eq!((take.status, take.filled_qty), (OrderStatus::Filled, d("0.01")));
    assert_eq!(balance(&store, "BTC"), d("0"));
    let position = store.lock().clone_position(ACCOUNT, "BTCUSDT").unwrap();
    assert_eq!(position.position.quantity(), d("0"));
    assert!(working(&store).is_empty(), "{:?}", working(&store));
}

#[test]
fn a_partial_close_protects_what_is_left_again_once() {
    let store = SharedMemoryStore::default();
    instance(&store, &[]).handle_json(&protected(&command("p-13", "buy", "0.02")), 1_000).unwrap();

    let close = instance(&store, &[]).handle_json(&command("p-14", "sell", "0.01"), 2_000).unwrap();
    instance(&store, &[]).handle_json(&command("p-14", "sell", "0.01"), 2_500).unwrap();
    let synced = sync(&mut instance(&store, &[]), 3_000);

    assert_eq!(close.status, OrderStatus::Filled);
    assert_eq!(working(&store), ["p-14-sl", "p-14-tp"]);
    let stop = store.lock().clone_order("p-14-sl").unwrap();
    let old = store.lock().clone_order("p-13-sl").unwrap();
    assert_eq!((stop.command.quantity, stop.command.stop_price), (d("0.01"), old.command.stop_price));
    assert!(synced.reports.is_empty());
    assert_eq!(balance(&store, "BTC"), d("0.01"));
    // The price falls through the stop: the rest is sold once, and the balance ends at zero.
    let fell = sync(&mut instance(&store, &[minute(60_000, "40000", "42100")]), 90_000);
    assert!(fell.reports.iter().any(|r| r.client_order_id == "p-14-sl" && r.status == OrderStatus::Filled));
    assert_eq!(balance(&store, "BTC"), d("0"));
    assert!(working(&store).is_empty(), "{:?}", working(&store));
}

#[test]
fn a_close_of_the_protected_quantity_leaves_the_unprotected_rest_without_new_exits() {
    let store = SharedMemoryStore::default();
    instance(&store, &[]).handle_json(&command("p-15", "buy", "0.005"), 1_000).unwrap();
    instance(&store, &[]).handle_json(&protected(&command("p-16", "buy", "0.01")), 1_500).unwrap();

    let close = instance(&store, &[]).handle_json(&command("p-17", "sell", "0.01"), 2_000).unwrap();

    assert_eq!(close.status, OrderStatus::Filled);
    assert!(working(&store).is_empty(), "{:?}", working(&store));
    assert_eq!(balance(&store, "BTC"), d("0.005"));
}
