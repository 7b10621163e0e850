//! The Coinbase client over real HTTP against the local Coinbase Advanced Trade simulator
//! (`python -m fks_exchange_sim --venue coinbase`), started as a child process per test.
//!
//! The interpreter comes from `FKS_PYTHON`, else the project's `../.venv/bin/python` (relative to
//! the workspace). Without that interpreter the tests say so and pass without running.

use std::str::FromStr;

use fks_coinbase::{CoinbaseClient, CoinbaseConfig};
use fks_execution_core::{
    Decimal, Engine, ErrorClass, ExchangeClient, ExchangeError, MarketContext, OrderCommand, OrderStatus,
    OrderType, Remainder, RiskLimits, Side, TimeInForce,
};
use fks_venue_testkit::{Simulator, COINBASE_KEY_NAME as KEY_NAME, COINBASE_PRIVATE_KEY as PRIVATE_KEY};

/// Another P-256 key (PKCS#8), generated for this test: signs well, but not as the simulator's key.
const OTHER_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgX4GfVtzYLP33GfLe
4mJMpVed6q4/issYlEY40tyVSbmhRANCAAQTpdS6h4KCs+JCFZro+Xpk2FYcncfM
5oMeZs4liQb6YpxkvcuHslHMpOG1snYgLdjBXluftyiYQfSnQZLFCdnY
-----END PRIVATE KEY-----
";
const LONG_ID: &str = "sig-0123456789abcdef0123456789abcdef";

/// The client of a simulator (`fks_venue_testkit::Simulator`) with its published key.
trait Connect {
    fn client(&self) -> CoinbaseClient;
}

impl Connect for Simulator {
    fn client(&self) -> CoinbaseClient {
        CoinbaseClient::new(CoinbaseConfig::new(&self.url, KEY_NAME, PRIVATE_KEY))
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
        account: "coinbase-sim".into(),
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
fn place_market_buy_fills_with_the_taker_fee_in_quote() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client();

    let venue =
        client.place(&order("mkt-1", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();

    assert_eq!(venue.remainder, Remainder::None);
    assert_eq!(venue.fills.len(), 1);
    let fill = &venue.fills[0];
    assert_eq!(venue.venue_order_id.len(), 36, "a Coinbase order id is a UUID");
    assert_eq!(fill.quantity, d("0.001"));
    // Advanced Trade's first tier: 1.20 % taker, charged in USDT.
    assert_eq!(fill.fee, (fill.price * d("0.001") * d("0.012")).round_dp(8));
}

#[test]
fn resting_limit_is_queried_then_canceled_by_its_client_id() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client();
    let resting = order(LONG_ID, Side::Buy, OrderType::Limit, "0.001", Some("10000"));

    let placed = client.place(&resting, &market()).unwrap();
    let queried = client.query(&resting, &market()).unwrap().expect("order is known");
    let canceled = client.cancel(&resting, &market()).unwrap();
    let again = class_of(client.cancel(&resting, &market()));

    assert_eq!(placed.remainder, Remainder::Working);
    assert!(placed.fills.is_empty());
    assert_eq!(queried.venue_order_id, placed.venue_order_id);
    assert_eq!((canceled.remainder, canceled.venue_order_id), (Remainder::Canceled, placed.venue_order_id));
    assert_eq!(again, (ErrorClass::Permanent, Some("COMMANDER_REJECTED_CANCEL_ORDER".into())));
}

#[test]
fn a_second_delivery_answers_the_first_order_even_once_it_filled() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let buy = order(LONG_ID, Side::Buy, OrderType::Market, "0.001", None);
    let first = sim.client().place(&buy, &market()).unwrap();

    // Another process (a retried Lambda) sends the same create: Coinbase answers the first order.
    let second = sim.client().place(&buy, &market()).unwrap();

    assert_eq!(second.venue_order_id, first.venue_order_id);
    assert_eq!(second.fills, first.fills, "no second order, no second fill");
}

#[test]
fn a_filled_order_is_found_again_with_its_fills_and_an_unknown_one_is_none() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client();
    let buy = order("q-1", Side::Buy, OrderType::Market, "0.002", None);
    let placed = client.place(&buy, &market()).unwrap();

    let queried = sim.client().query(&buy, &market()).unwrap().expect("a filled order is found too");
    let unknown =
        client.query(&order("never", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();

    assert_eq!(queried.fills, placed.fills);
    assert_eq!(queried.remainder, Remainder::None);
    assert_eq!(unknown, None);
}

#[test]
fn coinbase_refusals_map_to_what_to_do_next() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client();
    let m = market();

    // 5 BTC at 41000 is more than the account's 100 000 USDT.
    let big = order("big", Side::Buy, OrderType::Limit, "5", Some("41000"));
    assert_eq!(
        class_of(client.place(&big, &m)),
        (ErrorClass::InsufficientFunds, Some("INSUFFICIENT_FUND".into()))
    );
    // 0.00001 BTC at 100 USDT is below the product's quote_min_size.
    let tiny = order("tiny", Side::Buy, OrderType::Limit, "0.00001", Some("100"));
    assert_eq!(
        class_of(client.place(&tiny, &m)),
        (ErrorClass::Permanent, Some("INVALID_LIMIT_PRICE".into()))
    );
    let unknown =
        OrderCommand { symbol: "NOPEUSDT".into(), ..order("sym", Side::Buy, OrderType::Market, "1", None) };
    assert_eq!(class_of(client.place(&unknown, &m)), (ErrorClass::Permanent, Some("NOT_FOUND".into())));
    let stop_market = OrderCommand {
        stop_price: Some(d("30000")),
        ..order("stop", Side::Sell, OrderType::StopMarket, "0.001", None)
    };
    assert_eq!(class_of(client.place(&stop_market, &m)).0, ErrorClass::Permanent);
    let ghost = order("ghost", Side::Buy, OrderType::Market, "0.001", None);
    assert_eq!(
        class_of(client.cancel(&ghost, &m)),
        (ErrorClass::Permanent, Some("UNKNOWN_CANCEL_ORDER".into()))
    );
}

#[test]
fn a_token_signed_by_another_key_is_a_permanent_401() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut other = CoinbaseClient::new(CoinbaseConfig::new(&sim.url, KEY_NAME, OTHER_KEY));
    let mut broken = CoinbaseClient::new(CoinbaseConfig::new(&sim.url, KEY_NAME, "not a key"));
    let probe = order("sig", Side::Buy, OrderType::Market, "0.001", None);

    assert_eq!(class_of(other.query(&probe, &market())), (ErrorClass::Permanent, Some("401".into())));
    assert_eq!(class_of(broken.query(&probe, &market())).0, ErrorClass::Permanent);
}

#[test]
fn requests_past_the_per_second_limit_are_rate_limited_by_coinbase_and_then_locally() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut unlimited = CoinbaseClient::new(CoinbaseConfig {
        private_per_second: 1000,
        ..CoinbaseConfig::new(&sim.url, KEY_NAME, PRIVATE_KEY)
    });
    let mut strict = CoinbaseClient::new(CoinbaseConfig {
        private_per_second: 1,
        ..CoinbaseConfig::new(&sim.url, KEY_NAME, PRIVATE_KEY)
    });
    let probe = order("probe", Side::Buy, OrderType::Market, "0.001", None);

    // A lookup by client id lists open orders, then all: the second list does not fit 1 a second.
    let local = strict.query(&probe, &market()).expect_err("one private request a second");
    // 30 private requests a second per key: 40 lookups (80 requests) cannot all fit.
    let throttled = (0..40).map(|_| unlimited.query(&probe, &market())).find_map(Result::err);

    assert_eq!((local.class, local.code), (ErrorClass::RateLimited, None));
    let throttled = throttled.expect("Coinbase throttles past 30 a second");
    assert_eq!(
        (throttled.class, throttled.code.as_deref()),
        (ErrorClass::RateLimited, Some("rate_limit_exceeded"))
    );
}

#[test]
fn an_unreachable_server_is_retryable() {
    let mut client = CoinbaseClient::new(CoinbaseConfig::new("http://127.0.0.1:9", KEY_NAME, PRIVATE_KEY));

    let result = client.last_price("BTCUSDT");

    assert_eq!(class_of(result).0, ErrorClass::Retryable);
}

#[test]
fn engine_submit_through_coinbase_fills_and_a_repeat_places_nothing() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client();
    let instrument = client.instrument("BTCUSDT").unwrap();
    let mut engine = Engine::new("coinbase-sim", RiskLimits::default(), client);
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
    let Some(sim) = Simulator::start("coinbase") else { return };
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
    assert!(ranges.windows(2).all(|w| w[0].0 < w[1].0), "oldest first");
    assert_eq!(client.instrument("NOPEUSDT").unwrap_err().class, ErrorClass::Permanent);
}

#[test]
fn fills_from_a_cursor_and_the_owner_of_a_venue_order() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client();
    let buy = client.place(&order("hist-1", Side::Buy, OrderType::Market, "0.001", None), &market()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let sell =
        client.place(&order(LONG_ID, Side::Sell, OrderType::Market, "0.001", None), &market()).unwrap();

    let all = client.trades("BTCUSDT", None).unwrap();
    let first_seq = all.iter().find(|t| t.venue_order_id == buy.venue_order_id).map(|t| t.seq).unwrap();
    let after_first = client.trades("BTCUSDT", Some(first_seq)).unwrap();
    let owner = sim.client().client_order_id_of("BTCUSDT", &sell.venue_order_id).unwrap();
    let nobody = client.client_order_id_of("BTCUSDT", "00000000-0000-0000-0000-000000000000").unwrap();

    let sold = all.iter().find(|t| t.venue_order_id == sell.venue_order_id).expect("the sell traded");
    assert_eq!((sold.side, sold.quantity, sold.fee_asset.as_str()), (Side::Sell, d("0.001"), "USDT"));
    assert_eq!(sold.trade_id, sell.fills[0].trade_id);
    assert!(after_first.iter().all(|t| t.seq > first_seq));
    assert!(after_first.iter().any(|t| t.venue_order_id == sell.venue_order_id));
    assert_eq!(owner.as_deref(), Some(LONG_ID));
    assert_eq!(nobody, None);
}

#[test]
fn a_placement_whose_state_cannot_be_read_is_an_unknown_outcome_never_a_refusal() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    // The budget lets the product list and the create through, then throttles.
    let mut paid = 0;
    let throttled = move |_cost: Decimal| {
        paid += 1;
        if paid > 2 {
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
    let Some(sim) = Simulator::start("coinbase") else { return };
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

    let placed = [client.place(&stop, &market()).unwrap(), client.place(&take, &market()).unwrap()];
    let canceled = client.cancel(&stop, &market()).unwrap();

    assert!(
        placed.iter().all(|o| o.remainder == Remainder::Working && !o.triggered && o.fills.is_empty()),
        "{placed:?}"
    );
    assert_eq!(canceled.remainder, Remainder::Canceled);
}

/// The platform's exit pair naming (`-sl` and `-tp`), as `execute_order` gives it to the client.
fn sibling(id: &str) -> Option<String> {
    id.strip_suffix("-tp")
        .map(|base| format!("{base}-sl"))
        .or_else(|| id.strip_suffix("-sl").map(|b| format!("{b}-tp")))
}

/// A stop 2 % below the price and a take profit 4 % above, selling 0.01 BTC the account holds.
fn exit_pair(sim: &Simulator, entry: &str) -> fks_execution_core::OcoCommand {
    let price = sim.price("BTCUSDT");
    let trigger = (price * d("0.98")).round_dp(2);
    let stop = OrderCommand {
        stop_price: Some(trigger),
        reduce_only: true,
        ..order(
            &format!("{entry}-sl"),
            Side::Sell,
            OrderType::StopLimit,
            "0.01",
            Some(&(trigger * d("0.99")).round_dp(2).to_string()),
        )
    };
    let take = OrderCommand {
        reduce_only: true,
        ..order(
            &format!("{entry}-tp"),
            Side::Sell,
            OrderType::Limit,
            "0.01",
            Some(&(price * d("1.04")).round_dp(2).to_string()),
        )
    };
    fks_execution_core::OcoCommand { list_client_order_id: format!("{entry}-oco"), stop, take_profit: take }
}

#[test]
fn a_stop_and_a_take_profit_are_one_bracket_and_the_take_profit_filling_ends_the_stop() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client().with_sibling_names(Box::new(sibling));
    let oco = exit_pair(&sim, "e-1");

    let placed = client.place_oco(&oco, &market()).unwrap();
    let again = sim.client().place_oco(&oco, &market()).unwrap();
    sim.move_price("BTCUSDT", "5");
    let stop = client.query(&oco.stop, &market()).unwrap().expect("the stop leg is the bracket");
    let take = client.query(&oco.take_profit, &market()).unwrap().expect("found through its stop leg");
    let trades = client.trades("BTCUSDT", None).unwrap();

    assert_eq!(placed.iter().map(|v| v.remainder).collect::<Vec<_>>(), [Remainder::Working; 2]);
    assert_eq!(placed[1].venue_order_id, format!("{}#tp", placed[0].venue_order_id), "one Coinbase order");
    assert_eq!(again[0].venue_order_id, placed[0].venue_order_id, "a repeat creates no second bracket");
    assert_eq!((take.remainder, take.fills.len()), (Remainder::None, 1), "{take:?}");
    assert!(take.fills[0].price >= oco.take_profit.price.unwrap());
    assert_eq!((stop.remainder, stop.fills.len(), stop.triggered), (Remainder::Canceled, 0, false));
    let fill =
        trades.iter().find(|t| t.trade_id == take.fills[0].trade_id).expect("the fill is in the history");
    assert_eq!(fill.venue_order_id, take.venue_order_id, "the history names the take profit leg");
}

#[test]
fn a_bracket_whose_stop_triggers_sells_through_the_stop_and_cancels_the_take_profit() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client().with_sibling_names(Box::new(sibling));
    let oco = exit_pair(&sim, "e-2");

    client.place_oco(&oco, &market()).unwrap();
    sim.move_price("BTCUSDT", "-3");
    let stop = client.query(&oco.stop, &market()).unwrap().expect("the bracket");
    let take = client.query(&oco.take_profit, &market()).unwrap().expect("the bracket");

    assert!(stop.triggered);
    assert_eq!((stop.remainder, stop.fills.len()), (Remainder::None, 1), "{stop:?}");
    assert!(stop.fills[0].price < oco.take_profit.price.unwrap());
    assert_eq!((take.remainder, take.fills.len()), (Remainder::Canceled, 0));
}

#[test]
fn canceling_a_bracket_cancels_both_legs_once() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let mut client = sim.client().with_sibling_names(Box::new(sibling));
    let oco = exit_pair(&sim, "e-3");
    client.place_oco(&oco, &market()).unwrap();

    let canceled = client.cancel_oco(&oco, &market()).unwrap();
    let again = class_of(client.cancel_oco(&oco, &market()));
    let take = client.query(&oco.take_profit, &market()).unwrap().expect("the bracket");

    assert_eq!(canceled.iter().map(|v| v.remainder).collect::<Vec<_>>(), [Remainder::Canceled; 2]);
    assert_eq!(again.0, ErrorClass::Permanent, "nothing left to cancel");
    assert_eq!(take.remainder, Remainder::Canceled);
}
