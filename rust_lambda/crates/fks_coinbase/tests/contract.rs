//! The venue contract (`fks_venue_testkit::contract`) kept by the Coinbase client: against the
//! Coinbase simulator always, against Coinbase's Advanced Trade sandbox when its key is in the
//! environment (`FKS_LIVE_COINBASE_SANDBOX_KEY`, the CDP key name, and
//! `FKS_LIVE_COINBASE_SANDBOX_SECRET`, its EC PEM; skipped with that message otherwise). The
//! sandbox answers pre-defined responses whatever is sent and has no market data of its own
//! (the client reads that from production's public endpoints), so there the same calls are held
//! only to being answered and read.

use fks_coinbase::{CoinbaseClient, CoinbaseConfig, SANDBOX_URL};
use fks_venue_testkit::contract::{self, Answers};
use fks_venue_testkit::{testnet, Simulator, COINBASE_KEY_NAME, COINBASE_PRIVATE_KEY};

const SYMBOL: &str = "BTCUSDT";

fn keeps_the_contract(mut client: CoinbaseClient, answers: Answers) {
    let instrument = client.instrument(SYMBOL).expect("the product is listed");
    let last = client.last_price(SYMBOL).expect("a last price");
    contract::run(&mut client, &instrument, last, answers);
}

#[test]
fn the_coinbase_client_keeps_the_venue_contract_on_the_simulator() {
    let Some(sim) = Simulator::start("coinbase") else { return };
    let client = CoinbaseClient::new(CoinbaseConfig::new(&sim.url, COINBASE_KEY_NAME, COINBASE_PRIVATE_KEY));
    keeps_the_contract(client, Answers::Stateful);
}

#[test]
fn the_coinbase_client_keeps_the_venue_contract_on_the_sandbox() {
    let Some(keys) = testnet::keys("Coinbase's Advanced Trade sandbox", testnet::COINBASE) else { return };
    keeps_the_contract(
        CoinbaseClient::new(CoinbaseConfig::new(SANDBOX_URL, keys.key, keys.secret)),
        Answers::Static,
    );
}
