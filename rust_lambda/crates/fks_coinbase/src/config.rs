//! Where and as whom the client trades.

use std::time::Duration;

/// Coinbase Advanced Trade's REST endpoint.
pub const MAINNET_URL: &str = "https://api.coinbase.com";
/// Coinbase Advanced Trade's sandbox (static answers, no key needed by Coinbase).
pub const SANDBOX_URL: &str = "https://api-sandbox.coinbase.com";

/// Connection settings of a [`crate::CoinbaseClient`].
#[derive(Clone)]
pub struct CoinbaseConfig {
    /// Base URL without a trailing slash: [`MAINNET_URL`], [`SANDBOX_URL`] or the simulator's.
    pub base_url: String,
    /// Base URL of the public market data (`/market/...`): `base_url`, except for the sandbox,
    /// which serves only accounts and orders; its market data is read from [`MAINNET_URL`].
    pub market_url: String,
    /// The CDP key's name, `organizations/{org}/apiKeys/{key}`: the JWT's `kid` and `sub`.
    pub key_name: String,
    /// The CDP key's EC P-256 private key, PEM (SEC1 `EC PRIVATE KEY` or PKCS#8). Never logged.
    pub private_key_pem: String,
    /// Private requests per second the client allows itself (Coinbase: 30 per key).
    pub private_per_second: u32,
    /// Timeout of one whole request.
    pub timeout: Duration,
}

impl CoinbaseConfig {
    /// Settings for `base_url` with Coinbase's private limit and a 10 s timeout.
    #[must_use]
    pub fn new(
        base_url: impl Into<String>,
        key_name: impl Into<String>,
        private_key_pem: impl Into<String>,
    ) -> Self {
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        let market_url = if base_url == SANDBOX_URL { MAINNET_URL.to_owned() } else { base_url.clone() };
        Self {
            base_url,
            market_url,
            key_name: key_name.into(),
            private_key_pem: private_key_pem.into(),
            private_per_second: 30,
            timeout: Duration::from_secs(10),
        }
    }
}

// The private key must not reach logs through `{:?}`.
impl std::fmt::Debug for CoinbaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoinbaseConfig")
            .field("base_url", &self.base_url)
            .field("market_url", &self.market_url)
            .field("key_name", &self.key_name)
            .field("private_key_pem", &"<redacted>")
            .field("private_per_second", &self.private_per_second)
            .field("timeout", &self.timeout)
            .finish()
    }
}
