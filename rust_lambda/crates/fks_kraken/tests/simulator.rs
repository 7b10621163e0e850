//! The Kraken client over real HTTP against the local Kraken simulator
//! (`python -m fks_exchange_sim --venue kraken`), started as a child process per test.
//!
//! The interpreter comes from `FKS_PYTHON`, else the project's `../.venv/bin/python` (relative to
//! the workspace). Without that interpreter the tests say so and pass without running.

use std::str::FromStr;

use fks_execution_core::{
    Decimal, Engine, ErrorClass, ExchangeClient, ExchangeError, MarketContext, OrderCommand, OrderStatus,
    OrderType, Remainder, RiskLimits, Side, TimeInForce,
};
use fks_kraken::{KrakenClient, KrakenConfig};
use fks_venue_testkit::{Simulator, KRAKEN_API_KEY as API_KEY, KRAKEN_API_SECRET as API_SECRET};

/// A platform id longer than Kraken's 18-character free text: sent as a derived UUID.
const LONG_ID: &str = "sig-0123456789abcdef0123456789abcdef";

/// The client of a simulator (`fks_venue_testkit::Simulator`) with its published key.
trait Connect {
    fn client(&self) -> KrakenClient;
}

impl Connect for Simulator {
    /// A client whose local counter never refuses first, so the simulator's counter is what
    /// throttles (the tests make more calls per second than a Starter key may).
    fn client(&self) -> KrakenClient {
        KrakenClient::new(KrakenConfig {
            counter_max: 10_000,
            ..KrakenConfig::new(&self.url, API_KEY, API_SECRET)
        })
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
        account: "kraken-sim".into(),
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

/// Kraken's Starter counter decays 0.33 a second from 15: wait until a test's next calls fit.
fn let_the_counter_decay(seconds: u64) {
    std::thread::sleep(std::time::Duration::from_secs(seconds));
}

#[test]
fn place_market_buy_fills_with_the_taker_fee_in_quote() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();

    let venue =
        client.place(&order("mkt-1", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();

    assert_eq!(venue.remainder, Remainder::None);
    assert_eq!(venue.fills.len(), 1);
    let fill = &venue.fills[0];
    assert!(fill.trade_id.starts_with('T'), "Kraken trade txid, got {}", fill.trade_id);
    assert!(venue.venue_order_id.starts_with('O'), "Kraken order txid, got {}", venue.venue_order_id);
    assert_eq!(fill.quantity, d("0.001"));
    // Kraken's lowest tier: 0.40 % taker, charged in USDT (oflags=fciq).
    assert_eq!(fill.fee, (fill.price * d("0.001") * d("0.004")).round_dp(8));
}

#[test]
fn resting_limit_is_queried_then_canceled_by_its_client_id() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let resting = order(LONG_ID, Side::Buy, OrderType::Limit, "0.001", Some("10000"));

    let placed = client.place(&resting, &market()).unwrap();
    let queried = client.query(&resting, &market()).unwrap().expect("order is known");
    let canceled = client.cancel(&resting, &market()).unwrap();
    let again = class_of(client.cancel(&resting, &market()));

    assert_eq!(placed.remainder, Remainder::Working);
    assert!(placed.fills.is_empty());
    assert_eq!(queried.venue_order_id, placed.venue_order_id);
    assert_eq!(queried.remainder, Remainder::Working);
    assert_eq!((canceled.remainder, canceled.venue_order_id), (Remainder::Canceled, placed.venue_order_id));
    assert_eq!(again, (ErrorClass::Permanent, Some("EOrder:Unknown order".into())));
}

#[test]
fn a_second_delivery_of_an_open_order_reports_it_instead_of_placing_again() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let resting = order(LONG_ID, Side::Buy, OrderType::Limit, "0.001", Some("10000"));
    let first = client.place(&resting, &market()).unwrap();

    // Another process (a retried Lambda) with its own client and nonce sequence.
    let second = sim.client().place(&resting, &market()).unwrap();

    assert_eq!(second.venue_order_id, first.venue_order_id);
    assert_eq!(second.remainder, Remainder::Working);
}

#[test]
fn a_filled_order_is_found_again_with_its_fills_and_an_unknown_one_is_none() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let buy = order(LONG_ID, Side::Buy, OrderType::Market, "0.002", None);
    let placed = client.place(&buy, &market()).unwrap();

    let queried = sim.client().query(&buy, &market()).unwrap().expect("a closed order is found too");
    let unknown =
        client.query(&order("never", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();

    assert_eq!(queried.fills, placed.fills);
    assert_eq!(queried.remainder, Remainder::None);
    assert_eq!(unknown, None);
}

#[test]
fn kraken_errors_map_to_what_to_do_next() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let m = market();

    // 0.00001 BTC at 100 USDT costs 0.001, below the pair's costmin.
    let tiny = order("tiny", Side::Buy, OrderType::Limit, "0.00001", Some("100"));
    assert_eq!(
        class_of(client.place(&tiny, &m)),
        (ErrorClass::Permanent, Some("EOrder:Cost minimum not met".into()))
    );
    // 5 BTC at 41000 is more than the account's 100 000 USDT.
    let big = order("big", Side::Buy, OrderType::Limit, "5", Some("41000"));
    assert_eq!(
        class_of(client.place(&big, &m)),
        (ErrorClass::InsufficientFunds, Some("EOrder:Insufficient funds".into()))
    );
    // Kraken lists no such pair: refused before any order is sent.
    let unknown =
        OrderCommand { symbol: "NOPEUSDT".into(), ..order("sym", Side::Buy, OrderType::Market, "1", None) };
    assert_eq!(
        class_of(client.place(&unknown, &m)),
        (ErrorClass::Permanent, Some("EQuery:Unknown asset pair".into()))
    );
    let fok = OrderCommand { time_in_force: TimeInForce::Fok, ..tiny.clone() };
    assert_eq!(class_of(client.place(&fok, &m)).0, ErrorClass::Permanent);
    let ghost = order("ghost", Side::Buy, OrderType::Market, "0.001", None);
    assert_eq!(
        class_of(client.cancel(&ghost, &m)),
        (ErrorClass::Permanent, Some("EOrder:Unknown order".into()))
    );
}

#[test]
fn a_wrong_secret_is_a_permanent_invalid_signature() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let other_secret = "b3RoZXItc2VjcmV0LW9mLXRoaXJ0eS10d28tYnl0ZXMtMDAwMDAwMDA=";
    let mut wrong = KrakenClient::new(KrakenConfig::new(&sim.url, API_KEY, other_secret));
    let mut mistyped = KrakenClient::new(KrakenConfig::new(&sim.url, API_KEY, "not base64!"));
    let probe = order("sig", Side::Buy, OrderType::Market, "0.001", None);

    assert_eq!(
        class_of(wrong.query(&probe, &market())),
        (ErrorClass::Permanent, Some("EAPI:Invalid signature".into()))
    );
    assert_eq!(class_of(mistyped.query(&probe, &market())).0, ErrorClass::Permanent);
}

#[test]
fn the_call_counter_is_rate_limited_by_kraken_and_then_locally() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let probe = order("probe", Side::Buy, OrderType::Market, "0.001", None);

    let mut strict = KrakenClient::new(KrakenConfig {
        counter_max: 1,
        ..KrakenConfig::new(&sim.url, API_KEY, API_SECRET)
    });
    let local = strict.query(&probe, &market()).expect_err("the second read does not fit a counter of 1");
    // Each query by client id reads open then closed orders: 2 of the counter's 15.
    let throttled = (0..10).map(|_| client.query(&probe, &market())).find_map(Result::err);

    let throttled = throttled.expect("Kraken throttles past its counter");
    assert_eq!(
        (throttled.class, throttled.code.as_deref()),
        (ErrorClass::RateLimited, Some("EAPI:Rate limit exceeded"))
    );
    assert_eq!((local.class, local.code), (ErrorClass::RateLimited, None));
}

#[test]
fn an_unreachable_server_is_retryable() {
    let mut client = KrakenClient::new(KrakenConfig::new("http://127.0.0.1:9", API_KEY, API_SECRET));

    let result = client.place(&order("down", Side::Buy, OrderType::Market, "0.001", None), &market());

    assert_eq!(class_of(result).0, ErrorClass::Retryable);
}

#[test]
fn engine_submit_through_kraken_fills_and_a_repeat_places_nothing() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let instrument = client.instrument("BTCUSDT").unwrap();
    let mut engine = Engine::new("kraken-sim", RiskLimits::default(), client);
    engine.add_instrument(instrument).unwrap();
    let buy = order("eng-1", Side::Buy, OrderType::Market, "0.001", None);

    let report = engine.submit(buy.clone(), 1, d("42000")).unwrap();
    let again = engine.submit(buy, 2, d("42000")).unwrap();

    assert_eq!(report.status, OrderStatus::Filled);
    assert_eq!(engine.position("BTCUSDT").unwrap().quantity(), d("0.001"));
    assert_eq!(again.status, OrderStatus::Filled);
    assert_eq!(engine.position("BTCUSDT").unwrap().quantity(), d("0.001"), "a repeat places nothing");
}

#[test]
fn instrument_candles_and_last_price_come_from_public_endpoints() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();

    let instrument = client.instrument("BTCUSDT").unwrap();
    let price = client.last_price("BTCUSDT").unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    let now = u64::try_from(now).unwrap();
    let ranges = client.minute_ranges("BTCUSDT", now - 600_000, now).unwrap();

    assert_eq!(
        (instrument.symbol.as_str(), instrument.base.as_str(), instrument.quote.as_str()),
        ("BTCUSDT", "BTC", "USDT")
    );
    assert_eq!((instrument.tick_size, instrument.step_size), (d("0.01"), d("0.00001")));
    assert_eq!(instrument.min_notional, d("5"));
    assert!(instrument.validate().is_ok());
    assert!(price > Decimal::ZERO);
    assert!(ranges.len() >= 10, "ten minutes of candles, got {}", ranges.len());
    assert!(ranges.iter().all(|(_, high, low)| high >= low));
    assert_eq!(client.instrument("NOPEUSDT").unwrap_err().class, ErrorClass::Permanent);
}

#[test]
fn trade_history_from_a_cursor_and_the_owner_of_a_venue_order() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let buy = client.place(&order("hist-1", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();
    let sell =
        client.place(&order(LONG_ID, Side::Sell, OrderType::Market, "0.001", None), &market()).unwrap();
    let_the_counter_decay(6);

    let all = client.trades("BTCUSDT", None).unwrap();
    let first_seq = all.iter().find(|t| t.venue_order_id == buy.venue_order_id).map(|t| t.seq).unwrap();
    let after_first = client.trades("BTCUSDT", Some(first_seq)).unwrap();
    let owner_short = sim.client().client_order_id_of("BTCUSDT", &buy.venue_order_id).unwrap();
    let owner_long = client.client_order_id_of("BTCUSDT", &sell.venue_order_id).unwrap();
    // A cold instance reads the derived id back through the platform's records.
    let derived = fks_kraken::ids::cl_ord_id(LONG_ID);
    let mut cold =
        sim.client().with_owner_lookup(Box::new(move |id| Ok((id == derived).then(|| LONG_ID.to_owned()))));
    let owner_cold = cold.client_order_id_of("BTCUSDT", &sell.venue_order_id).unwrap();
    let owner_unknown = sim.client().client_order_id_of("BTCUSDT", &sell.venue_order_id).unwrap();
    let nobody = client.client_order_id_of("BTCUSDT", "OAAAAA-AAAAA-ZZZZZZ").unwrap();

    let sold = all.iter().find(|t| t.venue_order_id == sell.venue_order_id).expect("the sell traded");
    assert_eq!((sold.side, sold.quantity, sold.fee_asset.as_str()), (Side::Sell, d("0.001"), "USDT"));
    assert_eq!(sold.trade_id, sell.fills[0].trade_id);
    assert!(after_first.iter().all(|t| t.seq > first_seq));
    assert!(after_first.iter().any(|t| t.venue_order_id == sell.venue_order_id));
    assert_eq!(owner_short.as_deref(), Some("hist-1"));
    assert_eq!(owner_long.as_deref(), Some(LONG_ID), "this instance sent the derived id");
    assert_eq!(owner_cold.as_deref(), Some(LONG_ID));
    assert_eq!(
        owner_unknown,
        Some(fks_kraken::ids::cl_ord_id(LONG_ID)),
        "nobody knows it: answered as Kraken has it"
    );
    assert_eq!(nobody, None);
}

#[test]
fn a_placement_whose_state_cannot_be_read_is_an_unknown_outcome_never_a_refusal() {
    let Some(sim) = Simulator::start("kraken") else { return };
    // The budget lets the pair list and AddOrder (a trading call, cost 0) through, then throttles.
    let throttled = |cost: Decimal| {
        if cost >= Decimal::from(3) {
            Err(ExchangeError::new(ErrorClass::RateLimited, "budget spent"))
        } else {
            Ok(())
        }
    };
    let mut client = sim.client().with_rate_budget(Box::new(throttled));
    let buy = order(LONG_ID, Side::Buy, OrderType::Market, "0.001", None);

    let outcome = client.place(&buy, &market()).expect_err("the order's state is not readable");
    let found = sim.client().query(&buy, &market()).unwrap();

    assert_eq!(
        outcome.class,
        ErrorClass::Retryable,
        "a refusal would let a retry place it again: {outcome:?}"
    );
    assert_eq!(found.map(|o| o.remainder), Some(Remainder::None), "the order was placed");
}

#[test]
fn a_stop_loss_and_a_take_profit_rest_untriggered_until_canceled() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let last = client.last_price("BTCUSDT").unwrap();
    let tick = |p: Decimal| p.round_dp(2);
    client.place(&order("entry", Side::Buy, OrderType::Market, "0.002", None), &market()).unwrap();
    let stop = OrderCommand {
        stop_price: Some(tick(last * d("0.95"))),
        price: Some(tick(last * d("0.94"))),
        ..order("entry-sl", Side::Sell, OrderType::StopLimit, "0.001", None)
    };
    let take = OrderCommand {
        stop_price: Some(tick(last * d("1.05"))),
        price: Some(tick(last * d("1.05"))),
        ..order("entry-tp", Side::Sell, OrderType::TakeProfitLimit, "0.001", None)
    };
    let_the_counter_decay(3);

    let placed = [client.place(&stop, &market()).unwrap(), client.place(&take, &market()).unwrap()];
    let_the_counter_decay(6);
    let canceled = client.cancel(&stop, &market()).unwrap();

    assert!(
        placed.iter().all(|o| o.remainder == Remainder::Working && !o.triggered && o.fills.is_empty()),
        "{placed:?}"
    );
    assert_eq!(canceled.remainder, Remainder::Canceled);
}

/// A stop 2 % below the price and a take profit 4 % above, each selling 0.6 of the account's 1 BTC:
/// were either to hold its coins before it triggers, the other could not be placed.
fn exit_pair(sim: &Simulator, entry: &str) -> fks_execution_core::OcoCommand {
    let price = sim.price("BTCUSDT");
    let trigger = (price * d("0.98")).round_dp(1);
    let limit = (trigger * d("0.99")).round_dp(1).to_string();
    let target = (price * d("1.04")).round_dp(1).to_string();
    let stop = OrderCommand {
        stop_price: Some(trigger),
        reduce_only: true,
        ..order(&format!("{entry}-sl"), Side::Sell, OrderType::StopLimit, "0.6", Some(&limit))
    };
    let take = OrderCommand {
        reduce_only: true,
        ..order(&format!("{entry}-tp"), Side::Sell, OrderType::Limit, "0.6", Some(&target))
    };
    fks_execution_core::OcoCommand { list_client_order_id: format!("{entry}-oco"), stop, take_profit: take }
}

#[test]
fn a_stop_and_a_take_profit_are_two_trigger_orders_holding_nothing_until_one_triggers() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let oco = exit_pair(&sim, "e-1");

    let placed = client.place_oco(&oco, &market()).unwrap();
    let_the_counter_decay(3);
    sim.move_price("BTCUSDT", "5");
    let take = client.query(&oco.take_profit, &market()).unwrap().expect("the take profit");
    let stop = client.query(&oco.stop, &market()).unwrap().expect("the stop");
    let_the_counter_decay(3);
    // Kraken cancels nothing itself: the order sync cancels the stop.
    let canceled = client.cancel(&oco.stop, &market()).unwrap();

    assert_eq!(placed.iter().map(|v| v.remainder).collect::<Vec<_>>(), [Remainder::Working; 2]);
    assert_ne!(placed[0].venue_order_id, placed[1].venue_order_id, "two Kraken orders");
    assert!(take.triggered);
    assert_eq!((take.remainder, take.fills.len()), (Remainder::None, 1), "{take:?}");
    assert!(take.fills[0].price >= oco.take_profit.price.unwrap());
    assert_eq!((stop.remainder, stop.triggered), (Remainder::Working, false));
    assert_eq!((canceled.remainder, canceled.fills.len()), (Remainder::Canceled, 0));
}

#[test]
fn a_stop_triggering_after_the_take_profit_sold_the_coins_is_canceled_by_kraken() {
    let Some(sim) = Simulator::start("kraken") else { return };
    let mut client = sim.client();
    let oco = exit_pair(&sim, "e-2");
    client.place_oco(&oco, &market()).unwrap();

    // Up through the take profit (0.6 of the 1 BTC sold), then down through the stop before any
    // sync could cancel it: the 0.4 BTC left cannot pay for the stop's 0.6.
    sim.move_price("BTCUSDT", "5");
    sim.move_price("BTCUSDT", "-10");
    let_the_counter_decay(3);
    let take = client.query(&oco.take_profit, &market()).unwrap().expect("the take profit");
    let stop = client.query(&oco.stop, &market()).unwrap().expect("the stop");

    assert_eq!(take.remainder, Remainder::None);
    assert_eq!((stop.remainder, stop.fills.len()), (Remainder::Canceled, 0), "{stop:?}");
}
