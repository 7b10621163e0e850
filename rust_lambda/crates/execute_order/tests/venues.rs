//! The handler over the Kraken and Coinbase clients, against their simulators over HTTP: a
//! command routed to its account's venue is placed there once, however often it is delivered,
//! cancels and syncs reach the same venue.
//!
//! The simulators are started as child processes (`FKS_PYTHON`, else the project's
//! `.venv/bin/python`); without that interpreter the tests say so and pass without running.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use execute_order::config::{
    admit, public_market, route, venue_for, AccountConfig, Mode, TradingSecret, VenueId,
};
use execute_order::handler::Handler;
use execute_order::store::MemoryStore;
use fks_execution_core::RiskLimits;
use serde_json::Value;

const KRAKEN_KEY: &str = "fks-sim-kraken-api-key";
const KRAKEN_SECRET: &str =
    "ZmtzLXNpbS1rcmFrZW4tc2VjcmV0LTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA==";
const COINBASE_KEY: &str = "organizations/fks-sim/apiKeys/fks-sim-coinbase-key";
const COINBASE_PEM: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICXV14jp9+e8om7KkqFnZrODErNWa88fPtI0AdNai/dioAoGCCqGSM49
AwEHoUQDQgAEvc1rsJwGnSjV1LTGu338q/rPQ6NXWb1ULnYubtLSaUBwn6dIS0gK
m1yLylqVbQEvmt/HDBAiP4Yukv/2MJrJ+Q==
-----END EC PRIVATE KEY-----
";

struct Simulator {
    child: Child,
    url: String,
}

impl Simulator {
    fn start(venue: &str) -> Option<Self> {
        let python = std::env::var_os("FKS_PYTHON").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../.venv/bin/python"),
            PathBuf::from,
        );
        if !python.exists() {
            eprintln!("SKIPPED: no Python interpreter at {} for the {venue} simulator", python.display());
            return None;
        }
        let mut child = Command::new(&python)
            .args(["-m", "fks_local.exchange_sim", "--venue", venue, "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the simulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the URL line");
        Some(Self { child, url: line.trim().to_owned() })
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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

/// Moves the simulator's BTCUSDT price by `change_pct` (`POST /sim/price`).
fn move_price(sim: &Simulator, change_pct: &str) {
    let body = format!(r#"{{"symbol":"BTCUSDT","change_pct":"{change_pct}"}}"#);
    let answer = ureq::post(&format!("{}/sim/price", sim.url))
        .header("Content-Type", "application/json")
        .send(&body)
        .expect("move the sim price");
    assert_eq!(answer.status(), 200);
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
    move_price(&sim, "6");
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
