//! The Binance client over real HTTP against the local exchange simulator
//! (`python -m fks_exchange_sim`), started as a child process per test.
//!
//! The interpreter comes from `FKS_PYTHON`, else the project's `../.venv/bin/python` (relative to
//! the workspace). Without that interpreter the tests say so and pass without running.

use std::str::FromStr;

use fks_binance::{BinanceClient, BinanceConfig};
use fks_execution_core::{
    Decimal, Engine, ErrorClass, ExchangeClient, ExchangeError, Instrument, MarketContext, OrderCommand,
    OrderStatus, OrderType, Remainder, RiskLimits, Side, TimeInForce,
};
use fks_venue_testkit::Simulator;

use fks_venue_testkit::{BINANCE_API_KEY as API_KEY, BINANCE_API_SECRET as API_SECRET};

/// The client of a simulator (`fks_venue_testkit::Simulator`) with its published key.
trait Connect {
    fn client(&self) -> BinanceClient;
}

impl Connect for Simulator {
    fn client(&self) -> BinanceClient {
        BinanceClient::new(BinanceConfig::new(&self.url, API_KEY, API_SECRET))
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

fn market() -> MarketContext {
    MarketContext { now_ms: 0, mark_price: d("42000") }
}

fn order(id: &str, side: Side, order_type: OrderType, quantity: &str, price: Option<&str>) -> OrderCommand {
    OrderCommand {
        client_order_id: id.into(),
        signal_id: None,
        account: "sim".into(),
        symbol: "BTCUSDT".into(),
        side,
        order_type,
        quantity: d(quantity),
        price: price.map(d),
        stop_price: None,
        time_in_force: TimeInForce::Gtc,
        reduce_only: false,
        protection: None,
    }
}

fn class_of(result: Result<impl std::fmt::Debug, ExchangeError>) -> (ErrorClass, Option<String>) {
    let err = result.expect_err("expected an exchange error");
    (err.class, err.code)
}

#[test]
fn place_market_buy_fills_with_fee_in_quote() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();

    let venue =
        client.place(&order("mkt-1", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();

    assert_eq!(venue.remainder, Remainder::None);
    assert_eq!(venue.fills.len(), 1);
    let fill = &venue.fills[0];
    assert_eq!(fill.quantity, d("0.001"));
    // 0.1 % commission charged in BTC, valued in USDT at the fill price.
    assert_eq!(fill.fee, d("0.000001") * fill.price);
    assert!(client.clock_offset_ms().is_some(), "signed calls sync the clock first");
    assert!(client.used_weight() > 0, "X-MBX-USED-WEIGHT-1M is read");
}

#[test]
fn resting_limit_is_queried_then_canceled() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();
    let resting = order("rest-1", Side::Buy, OrderType::Limit, "0.001", Some("10000"));

    let placed = client.place(&resting, &market()).unwrap();
    let queried = client.query(&resting, &market()).unwrap().expect("order is known");
    let canceled = client.cancel(&resting, &market()).unwrap();

    assert_eq!(placed.remainder, Remainder::Working);
    assert!(placed.fills.is_empty());
    assert_eq!(queried.venue_order_id, placed.venue_order_id);
    assert_eq!(queried.remainder, Remainder::Working);
    assert_eq!(canceled.remainder, Remainder::Canceled);
}

#[test]
fn query_of_filled_order_reads_fills_from_my_trades() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();
    let buy = order("mkt-q", Side::Buy, OrderType::Market, "0.002", None);
    let placed = client.place(&buy, &market()).unwrap();

    let queried = client.query(&buy, &market()).unwrap().expect("order is known");

    assert_eq!(queried.fills, placed.fills);
    assert_eq!(queried.remainder, Remainder::None);
}

#[test]
fn place_with_open_duplicate_id_reports_the_existing_order() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();
    let resting = order("dup-1", Side::Buy, OrderType::Limit, "0.001", Some("10000"));
    let first = client.place(&resting, &market()).unwrap();

    let second = client.place(&resting, &market()).unwrap();

    assert_eq!(second.venue_order_id, first.venue_order_id);
}

#[test]
fn query_of_unknown_order_is_none() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();

    let found =
        client.query(&order("never", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();

    assert_eq!(found, None);
}

#[test]
fn error_codes_map_to_what_to_do_next() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();
    let m = market();

    // -1013 Filter failure: NOTIONAL (0.00001 × 100 = 0.001 < 5)
    let tiny = order("tiny", Side::Buy, OrderType::Limit, "0.00001", Some("100"));
    assert_eq!(class_of(client.place(&tiny, &m)), (ErrorClass::Permanent, Some("-1013".into())));
    // -2010 insufficient balance: 5 BTC × 41000 > 100 000 USDT
    let big = order("big", Side::Buy, OrderType::Limit, "5", Some("41000"));
    assert_eq!(class_of(client.place(&big, &m)), (ErrorClass::InsufficientFunds, Some("-2010".into())));
    // -1121 invalid symbol
    let unknown =
        OrderCommand { symbol: "NOPEUSDT".into(), ..order("sym", Side::Buy, OrderType::Market, "1", None) };
    assert_eq!(class_of(client.place(&unknown, &m)), (ErrorClass::Permanent, Some("-1121".into())));
    // -2011 cancel of an unknown order
    let ghost = order("ghost", Side::Buy, OrderType::Market, "0.001", None);
    assert_eq!(class_of(client.cancel(&ghost, &m)), (ErrorClass::Permanent, Some("-2011".into())));
}

#[test]
fn wrong_secret_is_permanent_invalid_signature() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = BinanceClient::new(BinanceConfig::new(&sim.url, API_KEY, "not-the-secret"));

    let result = client.place(&order("sig", Side::Buy, OrderType::Market, "0.001", None), &market());

    assert_eq!(class_of(result), (ErrorClass::Permanent, Some("-1022".into())));
}

#[test]
fn weight_limit_answer_is_rate_limited_and_then_refused_locally() {
    let Some(sim) = Simulator::start_with("binance", &["--weight-limit", "6"]) else { return };
    let mut client = sim.client();
    // The budget resets each calendar minute: start well inside one so the three calls share it.
    let second_of_minute =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |t| t.as_secs() % 60);
    if second_of_minute > 50 {
        std::thread::sleep(std::time::Duration::from_secs(61 - second_of_minute));
    }
    let probe = order("probe", Side::Buy, OrderType::Market, "0.001", None);

    // time (1) + query (4) fit in 6; the next query (4) is refused by the server with 429 -1003.
    assert_eq!(client.query(&probe, &market()).unwrap(), None);
    let throttled = client.query(&probe, &market()).expect_err("server throttles");
    let local = client.query(&probe, &market()).expect_err("client refuses without sending");

    assert_eq!((throttled.class, throttled.code.as_deref()), (ErrorClass::RateLimited, Some("-1003")));
    assert_eq!((local.class, local.code), (ErrorClass::RateLimited, None));
}

#[test]
fn unreachable_server_is_retryable() {
    // Port 9 (discard) on loopback is not listening here; the connection is refused.
    let mut client = BinanceClient::new(BinanceConfig::new("http://127.0.0.1:9", API_KEY, API_SECRET));

    let result = client.place(&order("down", Side::Buy, OrderType::Market, "0.001", None), &market());

    assert_eq!(class_of(result).0, ErrorClass::Retryable);
}

#[test]
fn engine_submit_through_binance_fills_and_builds_the_position() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut engine = Engine::new("sim", RiskLimits::default(), sim.client());
    engine
        .add_instrument(Instrument {
            symbol: "BTCUSDT".into(),
            base: "BTC".into(),
            quote: "USDT".into(),
            price_precision: 2,
            size_precision: 5,
            tick_size: d("0.01"),
            step_size: d("0.00001"),
            min_quantity: d("0.00001"),
            min_notional: d("5"),
        })
        .unwrap();
    let buy = order("eng-1", Side::Buy, OrderType::Market, "0.001", None);

    let report = engine.submit(buy.clone(), 1, d("42000")).unwrap();
    let again = engine.submit(buy, 2, d("42000")).unwrap();

    assert_eq!(report.status, OrderStatus::Filled);
    assert_eq!(engine.position("BTCUSDT").unwrap().quantity(), d("0.001"));
    assert_eq!(again.status, OrderStatus::Filled);
    assert_eq!(engine.position("BTCUSDT").unwrap().quantity(), d("0.001"), "a repeat places nothing");
}

#[test]
fn instrument_and_last_price_come_from_public_endpoints() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();

    let instrument = client.instrument("BTCUSDT").unwrap();
    let price = client.last_price("BTCUSDT").unwrap();

    assert_eq!(instrument.tick_size, d("0.01"));
    assert_eq!(instrument.step_size, d("0.00001"));
    assert_eq!(instrument.min_notional, d("5"));
    assert_eq!((instrument.price_precision, instrument.size_precision), (2, 5));
    assert!(instrument.validate().is_ok());
    assert!(price > Decimal::ZERO);
    assert_eq!(class_of(client.instrument("NOPEUSDT")), (ErrorClass::Permanent, Some("-1121".into())));
}

#[test]
fn my_trades_from_a_cursor_and_the_owner_of_a_venue_order() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();
    let buy = client.place(&order("hist-1", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();
    let sell =
        client.place(&order("hist-2", Side::Sell, OrderType::Market, "0.001", None), &market()).unwrap();

    let all = client.trades("BTCUSDT", None).unwrap();
    let first_seq = all.iter().find(|t| t.venue_order_id == buy.venue_order_id).map(|t| t.seq).unwrap();
    let after_first = client.trades("BTCUSDT", Some(first_seq)).unwrap();
    let owner = client.client_order_id_of("BTCUSDT", &sell.venue_order_id).unwrap();
    let nobody = client.client_order_id_of("BTCUSDT", "999999999").unwrap();

    let sold = all.iter().find(|t| t.venue_order_id == sell.venue_order_id).expect("the sell traded");
    assert_eq!((sold.side, sold.quantity), (Side::Sell, d("0.001")));
    assert_eq!(sold.trade_id, sell.fills[0].trade_id);
    assert!(after_first.iter().all(|t| t.seq > first_seq));
    assert!(after_first.iter().any(|t| t.venue_order_id == sell.venue_order_id));
    assert_eq!(owner.as_deref(), Some("hist-2"));
    assert_eq!(nobody, None);
}

#[test]
fn oco_exit_rests_both_legs_and_a_take_profit_limit_is_accepted() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();
    let last = client.last_price("BTCUSDT").unwrap();
    let tick = |p: Decimal| p.round_dp(2);
    client.place(&order("oco-entry", Side::Buy, OrderType::Market, "0.002", None), &market()).unwrap();
    let stop = OrderCommand {
        order_type: OrderType::StopLimit,
        stop_price: Some(tick(last * d("0.98"))),
        price: Some(tick(last * d("0.97"))),
        ..order("oco-sl", Side::Sell, OrderType::StopLimit, "0.001", None)
    };
    let take =
        order("oco-tp", Side::Sell, OrderType::Limit, "0.001", Some(&tick(last * d("1.04")).to_string()));
    let oco =
        fks_execution_core::OcoCommand { list_client_order_id: "oco-list".into(), stop, take_profit: take };
    let take_profit = OrderCommand {
        order_type: OrderType::TakeProfitLimit,
        stop_price: Some(tick(last * d("1.05"))),
        price: Some(tick(last * d("1.05"))),
        ..order("tp-only", Side::Sell, OrderType::TakeProfitLimit, "0.001", None)
    };

    let legs = client.place_oco(&oco, &market()).unwrap();
    let single = client.place(&take_profit, &market()).unwrap();

    assert_eq!(legs.len(), 2);
    assert_eq!((legs[0].client_order_id.as_str(), legs[1].client_order_id.as_str()), ("oco-sl", "oco-tp"));
    assert!(legs.iter().all(|l| l.remainder == Remainder::Working && l.fills.is_empty()));
    assert_eq!(single.remainder, Remainder::Working);
    let queried = client.query(&oco.stop, &market()).unwrap().expect("a leg is an order of its own");
    assert_eq!(queried.venue_order_id, legs[0].venue_order_id);
}

#[test]
fn cancel_replace_moves_a_resting_order_and_canceling_a_leg_ends_the_list() {
    let Some(sim) = Simulator::start("binance") else { return };
    let mut client = sim.client();
    let old = order("cr-old", Side::Buy, OrderType::Limit, "0.001", Some("10000"));
    let new = order("cr-new", Side::Buy, OrderType::Limit, "0.001", Some("10500"));
    client.place(&old, &market()).unwrap();
    let last = client.last_price("BTCUSDT").unwrap();
    client.place(&order("cr-entry", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();
    let stop = OrderCommand {
        stop_price: Some((last * d("0.9")).round_dp(2)),
        price: Some((last * d("0.89")).round_dp(2)),
        ..order("cr-sl", Side::Sell, OrderType::StopLimit, "0.001", None)
    };
    let take = order(
        "cr-tp",
        Side::Sell,
        OrderType::Limit,
        "0.001",
        Some(&(last * d("1.1")).round_dp(2).to_string()),
    );
    let oco =
        fks_execution_core::OcoCommand { list_client_order_id: "cr-list".into(), stop, take_profit: take };
    client.place_oco(&oco, &market()).unwrap();

    let (canceled, placed) = client.cancel_replace(&old, &new, &market()).unwrap();
    let legs = client.cancel_oco(&oco, &market()).unwrap();

    assert_eq!(canceled.remainder, Remainder::Canceled);
    assert_eq!((placed.client_order_id.as_str(), placed.remainder), ("cr-new", Remainder::Working));
    assert!(legs.iter().all(|l| l.remainder == Remainder::Canceled), "{legs:?}");
}
