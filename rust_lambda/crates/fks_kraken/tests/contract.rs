//! The venue contract (`fks_venue_testkit::contract`) kept by the Kraken client, against the
//! Kraken simulator. Kraken has no spot test environment, so the simulator stands in for one:
//! the testnet case says so and runs nothing.

use fks_kraken::{KrakenClient, KrakenConfig};
use fks_venue_testkit::contract::{self, Answers};
use fks_venue_testkit::{testnet, Simulator, KRAKEN_API_KEY, KRAKEN_API_SECRET};

const SYMBOL: &str = "BTCUSDT";

#[test]
fn the_kraken_client_keeps_the_venue_contract_on_the_simulator() {
    let Some(sim) = Simulator::start("kraken") else { return };
    // Room in the local call counter: the simulator's own counter is the one that throttles.
    let config = KrakenConfig {
        counter_max: 10_000,
        ..KrakenConfig::new(&sim.url, KRAKEN_API_KEY, KRAKEN_API_SECRET)
    };
    let mut client = KrakenClient::new(config);
    let instrument = client.instrument(SYMBOL).expect("the pair is listed");
    let last = client.last_price(SYMBOL).expect("a last price");

    contract::run(&mut client, &instrument, last, Answers::Stateful);
}

#[test]
fn the_kraken_client_has_no_test_environment_to_keep_the_contract_on() {
    eprintln!("SKIPPED: {}", testnet::KRAKEN_HAS_NONE);
}
