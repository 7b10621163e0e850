//! The local exchange simulator of one venue, started as a child process and stopped on drop.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use fks_execution_core::Decimal;

/// The Binance simulator's published key (`fks_exchange_sim.config`).
pub const BINANCE_API_KEY: &str = "fks-sim-api-key";
/// Its secret (public on purpose).
pub const BINANCE_API_SECRET: &str = "fks-sim-api-secret";
/// The Kraken simulator's published key (`fks_exchange_sim.kraken.config`).
pub const KRAKEN_API_KEY: &str = "fks-sim-kraken-api-key";
/// Its base64 secret (decodes to `fks-sim-kraken-secret-000…`; public on purpose).
pub const KRAKEN_API_SECRET: &str =
    "ZmtzLXNpbS1rcmFrZW4tc2VjcmV0LTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA==";
/// The Coinbase simulator's published CDP key name (`fks_exchange_sim.coinbase.config`).
pub const COINBASE_KEY_NAME: &str = "organizations/fks-sim/apiKeys/fks-sim-coinbase-key";
/// Its EC P-256 private key, SEC1 PEM (public on purpose).
pub const COINBASE_PRIVATE_KEY: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICXV14jp9+e8om7KkqFnZrODErNWa88fPtI0AdNai/dioAoGCCqGSM49
AwEHoUQDQgAEvc1rsJwGnSjV1LTGu338q/rPQ6NXWb1ULnYubtLSaUBwn6dIS0gK
m1yLylqVbQEvmt/HDBAiP4Yukv/2MJrJ+Q==
-----END EC PRIVATE KEY-----
";

/// A running simulator of one venue, stopped when dropped.
#[derive(Debug)]
pub struct Simulator {
    child: Child,
    /// Its base URL, `http://127.0.0.1:<port>`.
    pub url: String,
}

impl Simulator {
    /// The simulator of `venue` (`binance`, `kraken`, `coinbase`) on a free loopback port. The
    /// interpreter is `FKS_PYTHON`, else the project's `.venv/bin/python`; without it the caller
    /// is told why (on stderr) and gets `None`, so a test passes without running.
    ///
    /// # Panics
    /// If the interpreter exists but the simulator does not start and print its URL.
    #[must_use]
    pub fn start(venue: &str) -> Option<Self> {
        Self::start_with(venue, &[])
    }

    /// [`Simulator::start`] with more command-line options (`--weight-limit 6`, say).
    ///
    /// # Panics
    /// As [`Simulator::start`].
    #[must_use]
    pub fn start_with(venue: &str, extra_args: &[&str]) -> Option<Self> {
        let python = std::env::var_os("FKS_PYTHON").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../.venv/bin/python"),
            PathBuf::from,
        );
        if !python.exists() {
            eprintln!(
                "SKIPPED: no Python interpreter at {} for the {venue} simulator; run `make setup` or set FKS_PYTHON",
                python.display()
            );
            return None;
        }
        let mut child = Command::new(&python)
            .args(["-m", "fks_exchange_sim", "--venue", venue, "--port", "0"])
            .args(extra_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start the {venue} simulator: {e}"));
        let stdout = child.stdout.take().expect("simulator stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the simulator prints its URL");
        let url = line.trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "unexpected simulator output {url:?}");
        Some(Self { child, url })
    }

    /// The simulator's price of the engine's `symbol` (`GET /sim/price`).
    ///
    /// # Panics
    /// If the simulator does not answer with a price.
    #[must_use]
    pub fn price(&self, symbol: &str) -> Decimal {
        let mut answer =
            ureq::get(&format!("{}/sim/price?symbol={symbol}", self.url)).call().expect("GET /sim/price");
        let text = answer.body_mut().read_to_string().expect("a price answer");
        let body: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        body["price"].as_str().and_then(|p| p.parse().ok()).expect("a decimal price")
    }

    /// Moves `symbol`'s price by `change_pct` percent now (`POST /sim/price`): resting orders
    /// the move crosses trigger and fill.
    ///
    /// # Panics
    /// If the simulator refuses the move.
    pub fn move_price(&self, symbol: &str, change_pct: &str) {
        let body = format!(r#"{{"symbol":"{symbol}","change_pct":"{change_pct}"}}"#);
        let answer = ureq::post(&format!("{}/sim/price", self.url))
            .header("Content-Type", "application/json")
            .send(&body)
            .expect("POST /sim/price");
        assert_eq!(answer.status(), 200, "the simulator refused the price move");
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
