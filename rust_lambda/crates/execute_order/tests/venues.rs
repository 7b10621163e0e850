//! The handler over the Kraken and Coinbase clients, against their simulators over HTTP: a
//! command routed to its account's venue is placed there once, however often it is delivered,
//! cancels and syncs reach the same venue.
//!
//! The simulators are started as child processes (`fks_venue_testkit::Simulator`: `FKS_PYTHON`,
//! else the project's `.venv/bin/python`); without that interpreter the tests say so and pass
//! without running.

use execute_order::config::{
    admit, public_market, route, venue_for, AccountConfig, Mode, TradingSecret, VenueId,
};
use execute_order::handler::Handler;
use execute_order::store::MemoryStore;
use fks_execution_core::RiskLimits;
use fks_venue_testkit::{
    Simulator, COINBASE_KEY_NAME as COINBASE_KEY, COINBASE_PRIVATE_KEY as COINBASE_PEM,
    KRAKEN_API_KEY as KRAKEN_KEY, KRAKEN_API_SECRET as KRAKEN_SECRET,
};
use serde_json::Value;

type VenueHandler =
    Handler<MemoryStore, execute_order::venues::Venue<MemoryStore>, execute_order::venues::Market>;

/// The handler a live account of `venue` gets, trading on the simulator at `url`.
fn account(venue: VenueId, url: &str) -> (AccountConfig, VenueHandler) {
    let (key, secret) = match venue {
        VenueId::Kraken => (KRAKEN_KEY, KRAKEN_SECRET),
        VenueId::Coinbase => (COINBASE_KEY, COINBASE_PEM),
        VenueId::Binance => unreachable!("the Binance client has tests of its own"),
    };
    let config = AccountConfig {
        account: format!("{}-main", venue.name()),
        venue,
        mode: Mode::Live,
        secret_id: Some("unused: the key is given".into()),
        base_url: Some(url.to_owned()),
        risk_limits: None,
        enabled: true,
    };
    let secret = TradingSecret { api_key: key.into(), api_secret: secret.into() };
    let base_url = config.base_url(None).unwrap();
    let client = venue_for::<MemoryStore>(&config, &base_url, Some(&secret), None, &|_| None).unwrap();
    let handler = Handler::new(
        MemoryStore::default(),
        client,
        public_market(venue, &base_url, None),
        config.account.clone(),
        RiskLimits::default(),
    );
    (config, handler)
}

/// `event` routed as the deployed function routes it, then handled.
fn deliver(config: &AccountConfig, handler: &mut VenueHandler, event: &str) -> Result<Value, String> {
    let routed = route(event).map_err(|f| f.to_string())?;
    admit(config, &routed).map_err(|f| f.to_string())?;
    handler.handle_event(&routed.command.to_string(), now_ms()).map_err(|f| f.to_string())
}

fn now_ms() -> u64 {
    u64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis())
        .unwrap()
}

fn order(account: &str, venue: &str, id: &str, kind: &str) -> String {
    let price = if kind == "limit" { r#","price":"10000""# } else { "" };
    format!(
        r#"{{"client_order_id":"{id}","account":"{account}","venue":"{venue}","symbol":"BTCUSDT","side":"buy","type":"{kind}","quantity":"0.001"{price}}}"#
    )
}

fn trades_on_its_venue(venue: VenueId) {
    let Some(sim) = Simulator::start(venue.name()) else { return };
    let (config, mut handler) = account(venue, &sim.url);
    let (name, acct) = (venue.name(), config.account.clone());
    let market = order(&acct, name, "sig-0123456789abcdef0123456789abcdef", "market");

    let filled = deliver(&config, &mut handler, &market).unwrap();
    let again = deliver(&config, &mut handler, &market).unwrap();
    let resting = deliver(&config, &mut handler, &order(&acct, name, "rest-1", "limit")).unwrap();
    // A working order: the sync looks it up by client id and reads the symbol's trade history.
    let sync_working =
        deliver(&config, &mut handler, &format!(r#"{{"action":"sync","account":"{acct}"}}"#)).unwrap();
    let cancel =
        format!(r#"{{"action":"cancel","client_order_id":"rest-1","account":"{acct}","venue":"{name}"}}"#);
    let canceled = deliver(&config, &mut handler, &cancel).unwrap();
    let sync = deliver(&config, &mut handler, &format!(r#"{{"action":"sync","account":"{acct}"}}"#)).unwrap();
    let wrong_venue = deliver(&config, &mut handler, &order(&acct, "binance", "wrong-1", "market"));

    assert_eq!(filled["status"], "filled", "{filled}");
    assert_eq!(filled["fills"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        (again["duplicate"].as_bool(), again["venue_order_id"].clone()),
        (Some(true), filled["venue_order_id"].clone())
    );
    assert_eq!(again["fills"].as_array().map(Vec::len), Some(0), "a repeat books nothing");
    assert_eq!(resting["status"], "accepted", "{resting}");
    assert_eq!(canceled["status"], "canceled", "{canceled}");
    assert_eq!(sync_working["unreachable"], false, "{sync_working}");
    assert_eq!(sync["unreachable"], false, "{sync}");
    assert!(wrong_venue.unwrap_err().contains("trades on"), "a command for another venue is refused");
}

#[test]
fn a_kraken_account_trades_on_kraken() {
    trades_on_its_venue(VenueId::Kraken);
}

#[test]
fn a_coinbase_account_trades_on_coinbase() {
    trades_on_its_venue(VenueId::Coinbase);
}

/// Kraken's Starter call counter (15, decaying 0.33 a second) must have room for the next step.
fn pause_for(venue: VenueId) {
    if venue == VenueId::Kraken {
        std::thread::sleep(std::time::Duration::from_secs(8));
    }
}

fn reports_of(sync: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = sync["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (r["client_order_id"].as_str().unwrap().to_owned(), r["status"].as_str().unwrap().to_owned())
        })
        .collect();
    found.sort();
    found
}

/// A filled entry asking for a stop and a take profit gets both on its venue (Kraken: two
/// trigger orders; Coinbase: one bracket); the price reaching the take profit sells the
/// position once, the stop ends (canceled by the sync on Kraken, by Coinbase itself), and a
/// second sync changes nothing.
fn stop_and_take_profit_close_once(venue: VenueId) {
    let Some(sim) = Simulator::start(venue.name()) else { return };
    let (config, mut handler) = account(venue, &sim.url);
    let (name, acct) = (venue.name(), config.account.clone());
    let market = order(&acct, name, "x-1", "market");
    let end = market.len() - 1;
    let entry = format!(r#"{},"protection":{{"stop_loss_pct":"2","take_profit_pct":"4"}}}}"#, &market[..end]);
    let sync = format!(r#"{{"action":"sync","account":"{acct}"}}"#);

    let filled = deliver(&config, &mut handler, &entry).unwrap();
    pause_for(venue);
    let again = deliver(&config, &mut handler, &entry).unwrap();
    pause_for(venue);
    sim.move_price("BTCUSDT", "6");
    let closed = deliver(&config, &mut handler, &sync).unwrap();
    pause_for(venue);
    let quiet = deliver(&config, &mut handler, &sync).unwrap();

    let exits = filled["exits"].as_array().unwrap();
    let statuses: Vec<_> = exits.iter().map(|e| (e["kind"].clone(), e["status"].clone())).collect();
    assert_eq!(statuses.len(), 2, "{filled}");
    assert!(statuses.iter().all(|(_, s)| s == "accepted"), "both exits work: {filled}");
    assert_eq!(again["exits"], filled["exits"], "a repeat places no second pair");
    assert_eq!(
        reports_of(&closed),
        [("x-1-sl".to_owned(), "canceled".to_owned()), ("x-1-tp".to_owned(), "filled".to_owned())],
        "{closed}"
    );
    let position = closed["reports"].as_array().unwrap().iter().find(|r| r["client_order_id"] == "x-1-tp");
    assert_eq!(position.unwrap()["position"]["side"], "flat", "{closed}");
    assert_eq!(reports_of(&quiet), [], "nothing left to change: {quiet}");
}

#[test]
fn a_kraken_stop_and_take_profit_close_the_position_once() {
    stop_and_take_profit_close_once(VenueId::Kraken);
}

#[test]
fn a_coinbase_stop_and_take_profit_close_the_position_once() {
    stop_and_take_profit_close_once(VenueId::Coinbase);
}
