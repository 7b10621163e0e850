use super::*;
use crate::order::OrderType;
use crate::test_support::{d, limit_buy, market_buy};

fn at(price: &str) -> MarketContext {
    MarketContext { now_ms: 1_000, mark_price: d(price) }
}

fn venue(fee_bps: &str, slippage_bps: &str) -> PaperExchange {
    PaperExchange::new(PaperConfig {
        fee_bps: d(fee_bps),
        slippage_bps: d(slippage_bps),
        available_quantity: None,
    })
}

fn sell(command: OrderCommand) -> OrderCommand {
    OrderCommand { side: Side::Sell, ..command }
}

#[test]
fn market_buy_fills_whole_quantity_with_slippage_and_fee() {
    let mut paper = venue("10", "5");

    let result = paper.place(&market_buy("o-1", "0.5"), &at("20000")).unwrap();

    assert_eq!(result.remainder, Remainder::None);
    assert_eq!(result.fills.len(), 1);
    let fill = &result.fills[0];
    // 20 000 + 5 bps = 20 010; 0.5 × 20 010 = 10 005; 10 bps of that = 10.005
    assert_eq!(fill.price, d("20010"));
    assert_eq!(fill.quantity, d("0.5"));
    assert_eq!(fill.fee, d("10.005"));
    assert_eq!(fill.trade_id, "T1");
    assert_eq!(result.venue_order_id, "P1");
}

#[test]
fn market_sell_slips_down() {
    let mut paper = venue("0", "5");
    let result = paper.place(&sell(market_buy("o-1", "1")), &at("20000")).unwrap();
    assert_eq!(result.fills[0].price, d("19990"));
}

#[test]
fn marketable_limit_buy_never_pays_above_its_limit() {
    let mut paper = venue("0", "50");
    // 100 + 50 bps = 100.5, capped at the 100.20 limit
    let result = paper.place(&limit_buy("o-1", "1", "100.20"), &at("100")).unwrap();
    assert_eq!(result.fills[0].price, d("100.20"));
    assert_eq!(result.remainder, Remainder::None);
}

#[test]
fn non_marketable_gtc_limit_rests() {
    let mut paper = venue("0", "0");
    let result = paper.place(&limit_buy("o-1", "1", "99.00"), &at("100")).unwrap();
    assert!(result.fills.is_empty());
    assert_eq!(result.remainder, Remainder::Working);
    assert_eq!(paper.working_orders(), 1);
}

#[test]
fn non_marketable_ioc_limit_expires_unfilled() {
    let mut paper = venue("0", "0");
    let command = OrderCommand { time_in_force: TimeInForce::Ioc, ..limit_buy("o-1", "1", "99.00") };
    let result = paper.place(&command, &at("100")).unwrap();
    assert!(result.fills.is_empty());
    assert_eq!(result.remainder, Remainder::Expired);
    assert_eq!(paper.working_orders(), 0);
}

#[test]
fn ioc_with_thin_liquidity_fills_part_and_expires_rest() {
    let mut paper =
        PaperExchange::new(PaperConfig { available_quantity: Some(d("0.3")), ..PaperConfig::default() });
    let command = OrderCommand { time_in_force: TimeInForce::Ioc, ..market_buy("o-1", "1") };
    let result = paper.place(&command, &at("100")).unwrap();
    assert_eq!(result.fills[0].quantity, d("0.3"));
    assert_eq!(result.remainder, Remainder::Expired);
}

#[test]
fn fok_with_thin_liquidity_fills_nothing_and_expires() {
    let mut paper =
        PaperExchange::new(PaperConfig { available_quantity: Some(d("0.3")), ..PaperConfig::default() });
    let command = OrderCommand { time_in_force: TimeInForce::Fok, ..market_buy("o-1", "1") };
    let result = paper.place(&command, &at("100")).unwrap();
    assert!(result.fills.is_empty());
    assert_eq!(result.remainder, Remainder::Expired);
}

#[test]
fn fok_with_enough_liquidity_fills_everything() {
    let mut paper =
        PaperExchange::new(PaperConfig { available_quantity: Some(d("1")), ..PaperConfig::default() });
    let command = OrderCommand { time_in_force: TimeInForce::Fok, ..market_buy("o-1", "1") };
    let result = paper.place(&command, &at("100")).unwrap();
    assert_eq!(result.fills[0].quantity, d("1"));
    assert_eq!(result.remainder, Remainder::None);
}

#[test]
fn gtc_with_thin_liquidity_fills_part_and_keeps_working() {
    let mut paper =
        PaperExchange::new(PaperConfig { available_quantity: Some(d("0.3")), ..PaperConfig::default() });
    let result = paper.place(&limit_buy("o-1", "1", "100.00"), &at("100")).unwrap();
    assert_eq!(result.fills[0].quantity, d("0.3"));
    assert_eq!(result.remainder, Remainder::Working);
}

#[test]
fn resting_limit_fills_at_its_limit_when_price_crosses() {
    let mut paper = venue("10", "5");
    paper.place(&limit_buy("o-1", "2", "99.00"), &at("100")).unwrap();

    let changed = paper.on_mark_price("BTCUSDT", d("98.50"), 2_000);

    assert_eq!(changed.len(), 1);
    let fill = &changed[0].fills[0];
    // maker fill at the limit: 2 × 99 = 198, 10 bps = 0.198
    assert_eq!(fill.price, d("99.00"));
    assert_eq!(fill.fee, d("0.198"));
    assert_eq!(changed[0].remainder, Remainder::None);
    assert_eq!(paper.working_orders(), 0);
}

#[test]
fn stop_market_rests_until_price_reaches_stop_then_fills() {
    let mut paper = venue("0", "0");
    let command = OrderCommand {
        order_type: OrderType::StopMarket,
        stop_price: Some(d("105.00")),
        ..market_buy("o-1", "1")
    };
    let placed = paper.place(&command, &at("100")).unwrap();
    assert!(!placed.triggered);
    assert_eq!(placed.remainder, Remainder::Working);

    assert!(paper.on_mark_price("BTCUSDT", d("104.99"), 2_000).is_empty());
    let changed = paper.on_mark_price("BTCUSDT", d("105.10"), 3_000);

    assert!(changed[0].triggered);
    assert_eq!(changed[0].fills[0].price, d("105.10"));
}

#[test]
fn prices_for_other_symbols_leave_orders_alone() {
    let mut paper = venue("0", "0");
    paper.place(&limit_buy("o-1", "1", "99.00"), &at("100")).unwrap();
    assert!(paper.on_mark_price("ETHUSDT", d("1"), 2_000).is_empty());
    assert_eq!(paper.working_orders(), 1);
}

#[test]
fn same_inputs_give_the_same_fills() {
    let run = || {
        let mut paper = venue("7.5", "3");
        let a = paper.place(&market_buy("o-1", "0.25"), &at("64000.10")).unwrap();
        let b = paper.place(&sell(market_buy("o-2", "0.25")), &at("64100.20")).unwrap();
        (a, b)
    };
    assert_eq!(run(), run());
}

#[test]
fn cancel_working_order_reports_canceled() {
    let mut paper = venue("0", "0");
    let command = limit_buy("o-1", "1", "99.00");
    paper.place(&command, &at("100")).unwrap();

    let result = paper.cancel(&command, &at("100")).unwrap();

    assert_eq!(result.remainder, Remainder::Canceled);
    assert_eq!(paper.query(&command, &at("100")).unwrap(), Some(result));
}

#[test]
fn cancel_unknown_order_is_permanent_error() {
    let mut paper = venue("0", "0");
    let error = paper.cancel(&limit_buy("nope", "1", "99.00"), &at("100")).unwrap_err();
    assert_eq!(error.class, ErrorClass::Permanent);
}

#[test]
fn query_finds_finished_order_and_not_unknown_one() {
    let mut paper = venue("0", "0");
    let command = market_buy("o-1", "1");
    let placed = paper.place(&command, &at("100")).unwrap();
    assert_eq!(paper.query(&command, &at("100")).unwrap(), Some(placed));
    assert_eq!(paper.query(&market_buy("o-2", "1"), &at("100")).unwrap(), None);
}

#[test]
fn place_without_a_price_is_permanent_error() {
    let mut paper = venue("0", "0");
    let error = paper.place(&market_buy("o-1", "1"), &at("0")).unwrap_err();
    assert_eq!(error.class, ErrorClass::Permanent);
}

#[test]
fn numbered_id_writes_the_number_after_its_prefix() {
    assert_eq!(super::numbered_id('T', 0), "T0");
    assert_eq!(super::numbered_id('P', 1_234_567_890), "P1234567890");
    assert_eq!(super::numbered_id('T', u64::MAX), format!("T{}", u64::MAX));
}
