//! The venue contract (`fks_venue_testkit::contract`) kept by the Binance client: against the
//! Binance simulator always, against Binance's spot testnet when its keys are in the environment
//! (`FKS_LIVE_BINANCE_TESTNET_KEY`, `FKS_LIVE_BINANCE_TESTNET_SECRET`; skipped with that message
//! otherwise). The same suite both times.

use fks_binance::{BinanceClient, BinanceConfig};
use fks_venue_testkit::contract::{self, Answers};
use fks_venue_testkit::{testnet, Simulator, BINANCE_API_KEY, BINANCE_API_SECRET};

const SYMBOL: &str = "BTCUSDT";

fn keeps_the_contract(mut client: BinanceClient) {
    let instrument = client.instrument(SYMBOL).expect("the pair is listed");
    let last = client.last_price(SYMBOL).expect("a last price");
    contract::run(&mut client, &instrument, last, Answers::Stateful);
}

#[test]
fn the_binance_client_keeps_the_venue_contract_on_the_simulator() {
    let Some(sim) = Simulator::start("binance") else { return };
    keeps_the_contract(BinanceClient::new(BinanceConfig::new(&sim.url, BINANCE_API_KEY, BINANCE_API_SECRET)));
}

#[test]
fn the_binance_client_keeps_the_venue_contract_on_the_spot_testnet() {
    let Some(keys) = testnet::keys("Binance's spot testnet", testnet::BINANCE) else { return };
    keeps_the_contract(BinanceClient::new(BinanceConfig::testnet(keys.key, keys.secret)));
}
