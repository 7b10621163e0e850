//! The venues' test environments and the keys to reach them, read from the environment (never in
//! CI): the same variables as the ccxt live suite (`tests/integration/test_venue_testnets.py`).
//!
//! | venue | environment | variables |
//! |---|---|---|
//! | Binance | spot testnet, `testnet.binance.vision` | `FKS_LIVE_BINANCE_TESTNET_KEY`, `FKS_LIVE_BINANCE_TESTNET_SECRET` |
//! | Coinbase | Advanced Trade sandbox, `api-sandbox.coinbase.com` (static answers; market data from the public production endpoints) | `FKS_LIVE_COINBASE_SANDBOX_KEY`, `FKS_LIVE_COINBASE_SANDBOX_SECRET` (CDP key name, EC PEM) |
//! | Kraken | none: Kraken has no spot test environment; its simulator stands in | — |

/// A test environment's key and secret.
#[derive(Clone)]
pub struct Keys {
    /// The API key (Coinbase: the CDP key name).
    pub key: String,
    /// The secret (Coinbase: the EC private key, PEM).
    pub secret: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").field("key", &self.key).finish_non_exhaustive()
    }
}

/// Binance spot testnet's key variables.
pub const BINANCE: (&str, &str) = ("FKS_LIVE_BINANCE_TESTNET_KEY", "FKS_LIVE_BINANCE_TESTNET_SECRET");
/// Coinbase sandbox's key variables.
pub const COINBASE: (&str, &str) = ("FKS_LIVE_COINBASE_SANDBOX_KEY", "FKS_LIVE_COINBASE_SANDBOX_SECRET");
/// Why Kraken has no test environment case.
pub const KRAKEN_HAS_NONE: &str = "Kraken has no spot test environment (its demo environment is for \
futures only), so its contract runs against the Kraken simulator alone";

/// The keys in `(key, secret)` variables, or `None` after saying (on stderr) which variables
/// would run the contract against `environment`.
#[must_use]
pub fn keys(environment: &str, (key, secret): (&str, &str)) -> Option<Keys> {
    match (std::env::var(key), std::env::var(secret)) {
        (Ok(k), Ok(s)) if !k.is_empty() && !s.is_empty() => Some(Keys { key: k, secret: s }),
        _ => {
            eprintln!("SKIPPED: set {key} and {secret} to run the venue contract against {environment}");
            None
        }
    }
}
